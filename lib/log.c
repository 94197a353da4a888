/* Where casroot's one-line messages go: stderr, a file, or syslog. The
 * destination is chosen once at start-up by main(); writes are a single
 * write(2) per line so concurrent FUSE threads never interleave within a line. */
#include <casroot/log.h>
#include <casroot/util.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static const char *program = "casroot";
static int log_fd = STDERR_FILENO;
static bool use_syslog;
static bool verbose;

void reason_set(struct reason *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->text, sizeof(r->text), fmt, ap);
	va_end(ap);
}

void log_init(const char *name)
{
	program = name;
}

const char *log_program(void)
{
	return program;
}

int log_to_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	if (log_fd != STDERR_FILENO)
		close(log_fd);
	log_fd = fd;
	use_syslog = false;
	return 0;
}

void log_to_fd(int fd)
{
	log_fd = fd;
	use_syslog = false;
}

void log_to_syslog(void)
{
	openlog(program, LOG_PID, LOG_DAEMON);
	use_syslog = true;
}

void log_set_verbose(bool v)
{
	verbose = v;
}

bool log_is_verbose(void)
{
	return verbose;
}

static const char *level_word(enum log_level level)
{
	switch (level) {
	case LOG_LEVEL_WARN: return "warning: ";
	case LOG_LEVEL_DEBUG: return "debug: ";
	default: return "";
	}
}

static int syslog_priority(enum log_level level)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	return prio[level];
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[1024];
	int n;
	va_list ap;

	va_start(ap, fmt);
	if (use_syslog) {
		vsyslog(syslog_priority(level), fmt, ap);
		va_end(ap);
		return;
	}
	n = snprintf(line, sizeof(line), "%s: %s", program, level_word(level));
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	(void)write_all(log_fd, line, n);
}
