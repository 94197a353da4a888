# The attack table: each attempt from inside the sandbox is denied.
. "$(dirname "$0")/lib.sh"
need_root

root=$TEST_TMP/root
make_plain_root "$root"
# A setuid-root binary inside the root.
cp "$TOOLS/probe" "$root/bin/suid-probe"
chmod 4755 "$root/bin/suid-probe"
sleep 300 &
host_pid=$!
track_pid $host_pid

probe() { # expected, options…, -- probe args
	local want=$1
	shift
	got=$("$CASROOT_RUN" --root "$root" "$@" 2>&1) || true
	[ "$got" = "$want" ] || fail "probe $*: expected '$want', got '$got'"
}

# As the default uid the kernel refuses /proc/sys by permission (EACCES);
# as uid 0 without capabilities, by the read-only mount (EROFS).
for user in "--user 65534:65534 EACCES" "--user 0:0 EROFS"; do
	set -- $user
	probe EPERM "$1" "$2" -- /bin/probe mount
	probe EPERM "$1" "$2" -- /bin/probe mknod /tmp/null
	probe EPERM "$1" "$2" -- /bin/probe chroot
	probe "$3" "$1" "$2" -- /bin/probe write /proc/sys/kernel/hostname
	if [ -e /proc/sysrq-trigger ]; then
		probe "$3" "$1" "$2" -- /bin/probe write /proc/sysrq-trigger
	fi
	probe ESRCH "$1" "$2" -- /bin/probe kill "$host_pid"
	# The sandbox's pid 1 keeps its capabilities and is not dumpable: nothing of it is reachable.
	probe EACCES "$1" "$2" -- /bin/probe open /proc/1/root/
	probe EACCES "$1" "$2" -- /bin/probe open /proc/1/environ
done
probe EPERM -- /bin/probe kill 1
probe 65534 -- /bin/suid-probe euid
# A descriptor inherited from the caller (here: the host's /) is gone.
exec 7</
probe EBADF -- /bin/probe fd 7
exec 7<&-
no_mount_under "$root"
