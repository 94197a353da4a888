/* A static multi-call probe for the sandbox tests: each subcommand tries one
 * thing from inside the sandbox and reports the outcome on stdout as
 * "ok" or the errno name, so that a test can assert a denial precisely.
 *   probe euid | fd N | mount | mknod PATH | chroot | write PATH | open PATH | kill PID
 *   probe spawn MARKER N   (N background children sleeping, then exits 0)
 *   probe exit N | raise SIG | sleep S */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int outcome(int r)
{
	printf("%s\n", r < 0 ? strerrorname_np(errno) : "ok");
	return 0;
}

static int spawn(const char *marker, int n)
{
	for (int i = 0; i < n; i++) {
		if (fork() == 0) {
			setsid();
			prctl(PR_SET_NAME, marker);
			pause();
			_exit(0);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : "";
	struct stat st;

	if (!strcmp(cmd, "euid"))
		return printf("%d\n", (int)geteuid()), 0;
	if (!strcmp(cmd, "fd"))
		return outcome(fstat(atoi(arg), &st));
	if (!strcmp(cmd, "mount"))
		return outcome(mount("none", "/tmp", "tmpfs", 0, NULL));
	if (!strcmp(cmd, "mknod"))
		return outcome(mknod(arg, S_IFCHR | 0666, makedev(1, 3)));
	if (!strcmp(cmd, "chroot"))
		return outcome(chroot("/tmp"));
	if (!strcmp(cmd, "write")) {
		int fd = open(arg, O_WRONLY);
		return outcome(fd < 0 ? -1 : (int)write(fd, "1", 1));
	}
	if (!strcmp(cmd, "open"))
		return outcome(open(arg, O_RDONLY));
	if (!strcmp(cmd, "kill"))
		return outcome(kill(atoi(arg), 0));
	if (!strcmp(cmd, "spawn"))
		return spawn(arg, argc > 3 ? atoi(argv[3]) : 1);
	if (!strcmp(cmd, "exit"))
		return atoi(arg);
	if (!strcmp(cmd, "raise"))
		return raise(atoi(arg)), 0;
	if (!strcmp(cmd, "sleep"))
		return sleep(atoi(arg)), 0;
	fprintf(stderr, "probe: unknown subcommand %s\n", cmd);
	return 2;
}
