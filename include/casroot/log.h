/* Logging at the edges of casroot: one line per event, prefixed with the
 * program name, to stderr (default), a file or syslog. Library code never logs;
 * it returns -errno and a reason that the caller logs once. */
#ifndef CASROOT_LOG_H
#define CASROOT_LOG_H

#include <stdbool.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* A reason a piece of input was rejected, filled by validators. */
struct reason {
	char text[384];
};

void reason_set(struct reason *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void log_init(const char *program);
const char *log_program(void);
/* Sends further lines to FILE (appended); 0 or -errno. */
int log_to_file(const char *path);
void log_to_syslog(void);
/* Sends further lines to an open descriptor. */
void log_to_fd(int fd);
void log_set_verbose(bool verbose);
bool log_is_verbose(void);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...)                                         \
	do {                                                   \
		if (log_is_verbose())                          \
			log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__); \
	} while (0)

#endif
