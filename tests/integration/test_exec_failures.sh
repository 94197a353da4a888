# casroot exec: exit statuses, the Action's timeout, bad inputs with their
# documented statuses, eight at once, and nothing left behind after any
# failure: not on error, SIGINT, SIGTERM, a killed daemon or a killed exec.
. "$(dirname "$0")/lib.sh"
need_fuse

cas=$TEST_TMP/cas
input=$TEST_TMP/input
make_plain_root "$input"
rm -rf "$input/proc" "$input/sys" "$input/tmp" "$input/dev"
root=$("$CASROOT" put --cas "$cas" "$input")
tmp=$TEST_TMP/exec-tmp
mkdir -p "$tmp"
export TMPDIR=$tmp
x() { "$CASROOT" exec --cas "$cas" "$@"; }
clean() { expect_eq "nothing left behind ($1)" "" "$(exec_leftovers "$tmp")"; }

expect_status "exit status" 7 x --root "$root" -- /bin/probe exit 7
clean "exit 7"
expect_status "signal" 137 x --root "$root" -- /bin/probe raise 9
expect_status "not found" 127 x --root "$root" -- /bin/nothing
expect_stderr "not found" "/bin/nothing: command not found"

# The Action's timeout.
command=$(ref_message Command '{"arguments":["/bin/sleep","30"]}')
action=$(ref_message Action '{"commandDigest":'"$(digest_json "$command")"',"inputRootDigest":'"$(digest_json "$root")"',"timeout":"0.5s"}')
start=$(date +%s)
expect_status "timeout" 124 x --action "$action" --json "$TEST_TMP/t.json"
[ $(($(date +%s) - start)) -lt 20 ] || fail "the Action's timeout was not honoured"
expect_eq "timed_out" True "$(json_get "$TEST_TMP/t.json" timed_out)"
clean timeout

# Bad inputs: 120 and one line naming the digest.
missing=1111111111111111111111111111111111111111111111111111111111111111/42
expect_status "missing Action" 120 x --action "$missing"
expect_stderr "missing Action" "Action $missing: missing from the CAS"
bad_cmd=$(ref_message Action '{"commandDigest":'"$(digest_json "$missing")"',"inputRootDigest":'"$(digest_json "$root")"'}')
expect_status "missing Command" 120 x --action "$bad_cmd"
expect_stderr "missing Command" "Command $missing: missing from the CAS"
bad_root=$(ref_message Action '{"commandDigest":'"$(digest_json "$command")"',"inputRootDigest":'"$(digest_json "$missing")"'}')
expect_status "missing root" 120 x --action "$bad_root"
expect_stderr "missing root" "input root Directory $missing \\(/\\): missing from the CAS"
not_action=$($PY "$REAPI_REF" put-blob --cas "$cas" --layout casd /etc/os-release)
expect_status "corrupt Action" 120 x --action "$not_action"
expect_stderr "corrupt Action" "Action $not_action: "
escape=$(ref_message Command '{"arguments":["/bin/true"],"outputPaths":["../../etc/passwd"]}')
escape_action=$(ref_message Action '{"commandDigest":'"$(digest_json "$escape")"',"inputRootDigest":'"$(digest_json "$root")"'}')
expect_status "output outside the root" 120 x --action "$escape_action"
expect_stderr "output outside the root" "\"\\.\\.\" component"
expect_status "usage" 2 x --root "$root"
expect_status "usage" 2 x --action "$action" --root "$root" -- /bin/true
clean "bad inputs"

# Eight at once, each with its own outputs.
for i in 1 2 3 4 5 6 7 8; do
	x --root "$root" --cwd work --output "out/$i.txt" --json "$TEST_TMP/par-$i.json" \
		-- /bin/sh -c "mkdir -p out && echo run-$i >out/$i.txt" >/dev/null 2>&1 &
done
wait
for i in 1 2 3 4 5 6 7 8; do
	printf 'run-%s\n' "$i" >"$TEST_TMP/expect"
	expect_eq "parallel run $i" "$(sha_digest "$TEST_TMP/expect")" "$(json_get "$TEST_TMP/par-$i.json" output_files.0.digest)"
done
clean "eight at once"

# waits until the action of a running exec has started (its marker exists in the pool)
started() { for _ in $(seq 200); do pgrep -xf "/bin/probe sleep 60" >/dev/null && return 0; sleep 0.05; done; fail "the action did not start"; }

for sig in INT TERM; do
	# A background job of a script starts with SIGINT ignored; give it back.
	env --default-signal=INT "$CASROOT" exec --cas "$cas" --root "$root" -- /bin/probe sleep 60 &
	pid=$!
	track_pid $pid
	started
	kill -$sig $pid
	wait $pid && fail "exec survived SIG$sig"
	clean "SIG$sig"
	pgrep -xf "/bin/probe sleep 60" && fail "the action survived SIG$sig of exec"
done

# The daemon killed under a running action: exec fails fast, clearly.
"$CASROOT" exec --cas "$cas" --root "$root" -- /bin/probe sleep 60 2>"$TEST_TMP/daemon.err" &
pid=$!
track_pid $pid
started
pkill -KILL -f "casrootfs .*$tmp"
status=0
wait $pid || status=$?
expect_eq "daemon killed: status" 121 $status
grep -q "casrootfs serving the root died" "$TEST_TMP/daemon.err" || fail "daemon killed: $(cat "$TEST_TMP/daemon.err")"
pgrep -xf "/bin/probe sleep 60" && fail "the action survived the daemon"
clean "daemon killed"

# casroot exec itself killed: its guardian and the kernel clean up.
"$CASROOT" exec --cas "$cas" --root "$root" -- /bin/probe sleep 60 &
pid=$!
track_pid $pid
started
kill -KILL $pid
wait $pid || true
for _ in $(seq 100); do [ -z "$(exec_leftovers "$tmp")" ] && ! pgrep -xf "/bin/probe sleep 60" >/dev/null && break; sleep 0.1; done
pgrep -xf "/bin/probe sleep 60" && fail "the action survived SIGKILL of exec"
clean "exec killed"

# --keep-upper keeps what the action wrote.
mkdir -p "$TEST_TMP/keep"
x --root "$root" --keep-upper "$TEST_TMP/keep" -- /bin/sh -c 'echo kept >/kept-file' || fail "--keep-upper run"
expect_eq "--keep-upper" kept "$(cat "$TEST_TMP/keep"/*)"
clean "--keep-upper"
