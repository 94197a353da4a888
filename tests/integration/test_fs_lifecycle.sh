# casrootfs ends cleanly on SIGTERM, SIGINT and fusermount3 -u: no mount and
# no process remain; with -f it stays in the foreground.
. "$(dirname "$0")/lib.sh"
need_fuse

cas=$TEST_TMP/cas
mnt=$TEST_TMP/mnt
mkdir -p "$TEST_TMP/tree"
printf 'x\n' >"$TEST_TMP/tree/x"
root=$("$CASROOT" put --cas "$cas" "$TEST_TMP/tree")

for how in TERM INT umount; do
	mount_root "$cas" "$root" "$mnt"
	# Ready as soon as casrootfs returns.
	expect_eq "ready ($how)" x "$(cat "$mnt/x")"
	pid=$(daemon_pid "$mnt")
	[ -n "$pid" ] || fail "no daemon process for $mnt"
	if [ $how = umount ]; then
		fusermount3 -u "$mnt"
	else
		kill -$how "$pid"
	fi
	wait_gone "$pid"
	mountpoint -q "$mnt" && fail "still mounted after $how"
done

# Foreground: logs to stderr, serves until signalled.
"$CASROOTFS" -f --cas "$cas" --root "$root" "$mnt" 2>"$TEST_TMP/fg.log" &
pid=$!
track_pid "$pid"
track_mount "$mnt"
for _ in $(seq 100); do mountpoint -q "$mnt" && break; sleep 0.1; done
expect_eq "foreground serves" x "$(cat "$mnt/x")"
kill -TERM "$pid"
wait "$pid" || fail "foreground exit status $?"
mountpoint -q "$mnt" && fail "still mounted after foreground TERM"
true
