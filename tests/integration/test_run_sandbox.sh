# What the action sees: a fresh /proc with only its own processes (the host's
# with --proc bind), no capabilities, no_new_privs, the uid and gid asked for,
# only the environment given, its working directory, only lo, hostname.
. "$(dirname "$0")/lib.sh"
need_root

root=$TEST_TMP/root
make_plain_root "$root"
run() { "$CASROOT_RUN" --root "$root" --env PATH=/bin "$@"; }

# Fresh /proc: pid 1 (the sandbox's init), the action, nothing of the host.
sleep 300 &
host_pid=$!
track_pid $host_pid
pids=$(run -- sh -c 'ls /proc | grep -E "^[0-9]+$" | sort -n | tr "\n" " "')
[ "${pids%% *}" = 1 ] || fail "fresh /proc: no pid 1 in '$pids'"
for p in $pids; do
	[ "$p" -le 16 ] || fail "fresh /proc shows pid $p, not one of the sandbox's: $pids"
done
run -- sh -c "test ! -e /proc/$host_pid" || fail "fresh /proc shows the host's pid $host_pid"
run --proc bind -- sh -c "test -e /proc/$host_pid" || fail "--proc bind does not show the host's pid $host_pid"
expect_eq "--proc fresh" ok "$(run --proc fresh -- sh -c 'test -r /proc/self/status && echo ok')"

# No capabilities whatever the uid; no_new_privs; uid and gid.
for user in "" "--user 0:0" "--user 1000:2000"; do
	# shellcheck disable=SC2086
	status=$(run $user -- cat /proc/self/status)
	for cap in CapInh CapPrm CapEff CapBnd CapAmb; do
		echo "$status" | grep -Eq "^$cap:\s+0+$" || fail "$cap not zero ($user): $(echo "$status" | grep ^Cap)"
	done
	echo "$status" | grep -Eq '^NoNewPrivs:\s+1$' || fail "NoNewPrivs ($user)"
	echo "$status" | grep -Eq '^Groups:\s*$' || fail "supplementary groups ($user)"
done
expect_eq "default ids" "uid=65534 gid=65534" "$(run -- id | cut -d' ' -f1,2 | sed 's/([^)]*)//g')"
expect_eq "--user" "uid=1000 gid=2000" "$(run --user 1000:2000 -- id | cut -d' ' -f1,2 | sed 's/([^)]*)//g')"

# Environment: only --env; nothing of the caller's.
expect_eq "environment" "A=1 PATH=/bin" "$(SECRET=leak "$CASROOT_RUN" --root "$root" --env A=1 --env PATH=/bin -- env | sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "working directory" /work "$(run --cwd work -- pwd)"
expect_eq "hostname" localhost "$(run -- hostname)"
expect_eq "umask" 0022 "$(run -- sh -c umask)"
expect_eq "network" "lo" "$(run -- sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "')"
run --net host -- sh -c 'tail -n +3 /proc/net/dev' | grep -vq '^ *lo:' || fail "--net host shows no host interface"
expect_eq "session" 1 "$(run -- sh -c 'test "$(cut -d" " -f6 /proc/self/stat)" = "$(cut -d" " -f6 /proc/$$/stat)" && echo 1')"

# stdin, stdout and stderr files.
echo input >"$TEST_TMP/in"
run --stdin "$TEST_TMP/in" --stdout "$TEST_TMP/out" --stderr "$TEST_TMP/err" -- sh -c 'cat; echo e >&2'
expect_eq "stdin to stdout" input "$(cat "$TEST_TMP/out")"
expect_eq "stderr" e "$(cat "$TEST_TMP/err")"
expect_eq "default stdin" "" "$(run -- cat)"
expect_eq "--sys ro" ok "$(run --sys ro -- sh -c 'test -d /sys/class && ! touch /sys/x 2>/dev/null && echo ok')"
no_mount_under "$root"
