/* Mount and namespace setup of casroot-run, done by the sandbox's pid 1
 * before the action exists. Safe because: every mount happens in a private
 * mount namespace (propagation made private first, so nothing reaches the
 * host and nothing outlives the namespace); paths inside the root are used
 * relative to the root after checking they are real directories, so a
 * symlink in the root cannot redirect a mount; and pivot_root detaches the
 * old root, so no path leads back to the host. */
#include "sandbox.h"

#include <casroot/log.h>
#include <casroot/util.h>

#include <fcntl.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

static int fail(const char *step, const char *root, const char *path)
{
	int err = errno;

	log_error("%s %s%s%s: %s", step, root, path ? "/" : "", path ? path : "", strerror(err));
	return -err;
}

/* The root's own directory rel must exist as a directory, not a symlink. */
static int check_mount_point(const char *root, const char *rel, const char *why)
{
	struct stat st;

	if (lstat(rel, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	log_error("%s/%s: %s (the root needs a directory there for %s; casrootfs provides one)", root, rel,
		  errno && errno != EEXIST ? strerror(errno) : "not a directory", why);
	return -ENOENT;
}

/* Binds root onto itself (pivot_root needs a mount point) and makes it
 * nosuid, keeping its read-only, nodev and noexec flags. */
static int bind_root(const char *root)
{
	struct statvfs vfs;
	unsigned long flags = MS_BIND | MS_REMOUNT | MS_NOSUID;

	if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0)
		return fail("bind-mount root", root, NULL);
	if (statvfs(root, &vfs) < 0)
		return fail("statvfs", root, NULL);
	flags |= (vfs.f_flag & ST_RDONLY ? MS_RDONLY : 0) | (vfs.f_flag & ST_NODEV ? MS_NODEV : 0) |
		 (vfs.f_flag & ST_NOEXEC ? MS_NOEXEC : 0);
	if (mount(NULL, root, NULL, flags, NULL) < 0)
		return fail("remount nosuid", root, NULL);
	if (chdir(root) < 0)
		return fail("chdir", root, NULL);
	return 0;
}

static int bind_readonly(const char *src, const char *dst, const char *root)
{
	if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		return fail("bind-mount", root, dst);
	if (mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return fail("remount read-only", root, dst);
	return 0;
}

/* The parts of /proc that change the host, made read-only as bubblewrap does. */
static int protect_proc(const char *root)
{
	static const char *const paths[] = { "proc/sys", "proc/sysrq-trigger", "proc/irq", "proc/bus" };
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		if (lstat(paths[i], &st) < 0)
			continue;
		int r = bind_readonly(paths[i], paths[i], root);
		if (r < 0)
			return r;
	}
	return 0;
}

static int mount_proc(const struct spec *s)
{
	int r;

	if (s->proc == PROC_NONE)
		return 0;
	r = check_mount_point(s->root, "proc", "/proc");
	if (r < 0)
		return r;
	if (s->proc != PROC_BIND && mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0)
		return protect_proc(s->root);
	if (s->proc == PROC_FRESH)
		return fail("mount proc on", s->root, "proc");
	if (s->proc == PROC_AUTO)
		log_warn("mount proc on %s/proc: %s; bind-mounting the host's /proc instead", s->root, strerror(errno));
	if (mount("/proc", "proc", NULL, MS_BIND | MS_REC, NULL) < 0)
		return fail("bind-mount /proc on", s->root, "proc");
	return protect_proc(s->root);
}

static int mount_sys(const struct spec *s)
{
	int r;

	if (!s->sys_ro)
		return 0;
	r = check_mount_point(s->root, "sys", "--sys ro");
	return r < 0 ? r : bind_readonly("/sys", "sys", s->root);
}

static int bring_up_loopback(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	_cleanup_close_ int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (sock < 0 || ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return fail("bring up", "lo", NULL);
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
		return fail("bring up", "lo", NULL);
	return 0;
}

static int pivot_into_root(const char *root)
{
	/* pivot_root(".", ".") stacks the old root on top of the new one;
	 * detaching it leaves only the new root. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return fail("pivot_root into", root, NULL);
	if (umount2(".", MNT_DETACH) < 0)
		return fail("detach the old root from", root, NULL);
	if (chdir("/") < 0)
		return fail("chdir / in", root, NULL);
	return 0;
}

int sandbox_enter(const struct spec *s)
{
	int r;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail("make mounts private:", "/", NULL);
	if ((r = bind_root(s->root)) < 0 || (r = mount_proc(s)) < 0 || (r = mount_sys(s)) < 0)
		return r;
	if (sethostname("localhost", strlen("localhost")) < 0)
		return fail("sethostname", "localhost", NULL);
	if (!s->net_host && (r = bring_up_loopback()) < 0)
		return r;
	return pivot_into_root(s->root);
}
