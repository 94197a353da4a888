/* Dropping every privilege before the action runs, with libcap. Order
 * matters: the bounding set can only be emptied while CAP_SETPCAP is still
 * held, so before the uid changes; the effective, permitted and inheritable
 * sets are cleared last so that uid 0 keeps nothing either. With an empty
 * bounding set and no_new_privs, no execve (setuid-root binary, file
 * capabilities) can give any capability back. */
#include "sandbox.h"

#include <casroot/log.h>

#include <errno.h>
#include <grp.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

static int fail(const char *step)
{
	int err = errno;

	log_error("%s: %s", step, strerror(err));
	return -err;
}

static int empty_bounding_set(void)
{
	for (cap_value_t c = 0; c < (cap_value_t)cap_max_bits(); c++)
		if (cap_drop_bound(c) < 0 && errno != EINVAL)
			return fail("drop capability from the bounding set");
	return 0;
}

static int clear_capability_sets(void)
{
	cap_t none = cap_init();
	int r = 0;

	if (!none)
		return fail("cap_init");
	if (cap_clear(none) < 0 || cap_set_proc(none) < 0)
		r = fail("clear effective, permitted and inheritable capabilities");
	cap_free(none);
	return r;
}

int sandbox_drop_privileges(uid_t uid, gid_t gid)
{
	int r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail("set no_new_privs");
	if ((r = empty_bounding_set()) < 0)
		return r;
	if (cap_reset_ambient() < 0)
		return fail("clear ambient capabilities");
	if (setgroups(0, NULL) < 0)
		return fail("setgroups");
	if (setresgid(gid, gid, gid) < 0)
		return fail("setresgid");
	if (setresuid(uid, uid, uid) < 0)
		return fail("setresuid");
	return clear_capability_sets();
}
