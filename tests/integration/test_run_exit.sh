# Exit statuses, timeouts, signals and cleanup: statuses pass through, a
# timed-out action leaves no process, killing casroot-run kills the action,
# nothing stays mounted; --via-env and --stats.
. "$(dirname "$0")/lib.sh"
need_root

root=$TEST_TMP/root
make_plain_root "$root"
run() { "$CASROOT_RUN" --root "$root" --env PATH=/bin "$@"; }

expect_status "exit 7" 7 run -- /bin/probe exit 7
expect_status "SIGKILL" 137 run -- /bin/probe raise 9
expect_status "SIGTERM" 143 run -- sh -c 'kill -TERM $$'
expect_status "not found" 127 run -- no-such-command
expect_stderr "not found" "no-such-command: command not found in the root"
expect_status "not executable" 126 run -- /bin
expect_stderr "not executable" "/bin: cannot execute"
expect_status "bad cwd" 125 run --cwd nowhere -- /bin/probe exit 0
expect_stderr "bad cwd" "chdir /nowhere: No such file"
rmdir "$root/proc"
expect_status "no /proc" 125 run -- /bin/probe exit 0
expect_stderr "no /proc" "/proc: .*needs a directory there"
mkdir "$root/proc"
expect_status "usage" 125 "$CASROOT_RUN" --timeout soon --root "$root" -- /bin/true
expect_stderr "usage" "--timeout soon: expected a number of seconds"
expect_status "no root" 125 "$CASROOT_RUN" -- /bin/true
"$CASROOT_RUN" --help | grep -q Usage || fail "--help"
"$CASROOT_RUN" --version | grep -q '^casroot-run ' || fail "--version"

# Timeout: background children too; nothing survives.
marker=cr$$t
expect_status "timeout" 124 run --timeout 0.5 --kill-delay 1 --stats "$TEST_TMP/t.json" \
	-- sh -c "/bin/probe spawn $marker 3; trap '' TERM; sleep 100"
expect_eq "timed_out" True "$(json_get "$TEST_TMP/t.json" timed_out)"
pgrep -x "$marker" && fail "processes of a timed-out action survive"

# Background children are ended when the action itself ends.
run -- /bin/probe spawn $marker 2
pgrep -x "$marker" && fail "background children outlive the action"

# Killing casroot-run with SIGKILL kills the action.
"$CASROOT_RUN" --root "$root" --env PATH=/bin -- sh -c "/bin/probe spawn $marker 2; sleep 100" &
runner=$!
track_pid $runner
for _ in $(seq 100); do pgrep -x "$marker" >/dev/null && break; sleep 0.05; done
pgrep -x "$marker" >/dev/null || fail "the action did not start"
kill -KILL $runner
for _ in $(seq 100); do pgrep -x "$marker" >/dev/null || break; sleep 0.05; done
pgrep -x "$marker" && fail "the action survives SIGKILL of casroot-run"

# SIGTERM to casroot-run is forwarded to the action.
"$CASROOT_RUN" --root "$root" --env PATH=/bin -- sh -c ': >/work/started; exec sleep 100' &
runner=$!
track_pid $runner
for _ in $(seq 100); do [ -e "$root/work/started" ] && break; sleep 0.05; done
kill -TERM $runner
wait $runner && fail "SIGTERM: the action did not end by signal" || expect_eq "SIGTERM forwarded" 143 $?

# --via-env: with an env in the root it works, without it a clear failure.
expect_status "--via-env without env" 127 run --via-env -- echo hi
expect_stderr "--via-env without env" "/usr/bin/env: not found in the root"
mkdir -p "$root/usr/bin"
cp "$BUILD/env/env" "$root/usr/bin/env"
expect_eq "--via-env" hi "$(run --via-env -- echo hi)"

# --stats
run --stats "$TEST_TMP/s.json" -- /bin/probe exit 3 || true
expect_eq "stats exit_code" 3 "$(json_get "$TEST_TMP/s.json" exit_code)"
expect_eq "stats signal" None "$(json_get "$TEST_TMP/s.json" signal)"
for k in wall_seconds user_seconds system_seconds max_rss_kib minor_page_faults voluntary_context_switches; do
	json_get "$TEST_TMP/s.json" $k >/dev/null || fail "stats lack $k"
done
run --stats "$TEST_TMP/k.json" -- /bin/probe raise 9 || true
expect_eq "stats signal" 9 "$(json_get "$TEST_TMP/k.json" signal)"
no_mount_under "$root"
