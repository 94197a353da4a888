# The file pool: --upper holds the data of changed files; when it is full the
# writer gets ENOSPC and the mount keeps working; a private pool is removed
# at exit.
. "$(dirname "$0")/lib.sh"
need_fuse

tree=$TEST_TMP/tree
mkdir -p "$tree"
printf 'input\n' >"$tree/input.txt"
cas=$TEST_TMP/cas
root=$("$CASROOT" put --cas "$cas" "$tree")
mnt=$TEST_TMP/mnt

upper=$TEST_TMP/upper
mkdir -p "$upper"
mount -t tmpfs -o size=1m casroot-pool "$upper"
track_mount "$upper"
mount_root "$cas" "$root" "$mnt" --upper "$upper"
head -c 300000 /dev/urandom >"$mnt/fits"
[ "$(ls "$upper" | wc -l)" -eq 1 ] || fail "the pool does not hold the new file"
dd if=/dev/zero of="$mnt/too-big" bs=64k count=64 2>"$TEST_TMP/dd.err" && fail "a write beyond the pool's size succeeded"
grep -q "No space left on device" "$TEST_TMP/dd.err" || fail "dd: $(cat "$TEST_TMP/dd.err")"
rm "$mnt/too-big"
expect_eq "still serving inputs" input "$(cat "$mnt/input.txt")"
cmp -s "$mnt/fits" "$upper/$(ls "$upper")" || fail "pool file differs from what was written"
printf 'after\n' >"$mnt/small" || fail "writing after ENOSPC"
expect_eq "still writable" after "$(cat "$mnt/small")"
printf 'copy-up\n' >>"$mnt/input.txt"
expect_eq "copy-up" "$(printf 'input\ncopy-up')" "$(cat "$mnt/input.txt")"
rm "$mnt/fits"
[ "$(ls "$upper" | wc -l)" -eq 2 ] || fail "removing a file leaves its pool file: $(ls "$upper")"
unmount_root "$mnt"

# A private pool lives in $TMPDIR and goes with the daemon.
mkdir -p "$TEST_TMP/tmpdir"
TMPDIR=$TEST_TMP/tmpdir mount_root "$cas" "$root" "$mnt"
printf 'x\n' >"$mnt/new"
[ -n "$(ls "$TEST_TMP/tmpdir")" ] || fail "no private pool in TMPDIR"
unmount_root "$mnt"
expect_eq "private pool removed" "" "$(ls "$TEST_TMP/tmpdir")"
expect_status "bad --upper" 1 "$CASROOTFS" --cas "$cas" --root "$root" --upper "$TEST_TMP/nowhere" "$mnt"
expect_stderr "bad --upper" "file pool .*nowhere: No such file"
