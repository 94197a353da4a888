# casrootfs serves trees written by `casroot put` and by the independent
# reference encoder byte-exact: types, contents, symlink targets, executable
# bits, node-property modes and mtimes; digests are exposed as xattrs.
. "$(dirname "$0")/lib.sh"
need_fuse

tree=$TEST_TMP/tree
make_awkward_tree "$tree"
touch -h -d '2021-02-03 04:05:06.789' "$tree/rel-link"
chmod 640 "$tree/a"
chmod 711 "$tree/sub"
cas=$TEST_TMP/cas
mnt=$TEST_TMP/mnt

# What a listing must show: type, size, target, and the content of files.
listing() { (cd "$1" && find . -mindepth 1 -printf '%P %y %s %l\n' | LC_ALL=C sort); }
# With node properties, modes and mtimes too.
listing_props() { (cd "$1" && find . -mindepth 1 -printf '%P %y %m %T@ %s %l\n' | LC_ALL=C sort); }

for encoder in casroot reference; do
	for props in "" "--capture-mtime --capture-unix-mode"; do
		if [ $encoder = casroot ]; then
			# shellcheck disable=SC2086
			root=$("$CASROOT" put --cas "$cas" $props "$tree")
		else
			# shellcheck disable=SC2086
			root=$($PY "$REAPI_REF" put --cas "$cas" --layout casd $props "$tree")
		fi
		mount_root "$cas" "$root" "$mnt" --no-env --no-dev --no-mountpoints
		expect_eq "listing ($encoder $props)" "$(listing "$tree")" "$(listing "$mnt")"
		diff -r --no-dereference "$tree" "$mnt" || fail "contents differ ($encoder $props)"
		if [ -n "$props" ]; then
			expect_eq "modes and mtimes ($encoder)" "$(listing_props "$tree")" "$(listing_props "$mnt")"
		else
			expect_eq "executable" "555" "$(stat -c %a "$mnt/run.sh")"
			expect_eq "not executable" "444" "$(stat -c %a "$mnt/hello.txt")"
			expect_eq "directory mode" "777" "$(stat -c %a "$mnt/sub")"
			expect_eq "fixed mtime" "946684800" "$(stat -c %Y "$mnt/hello.txt")"
		fi
		expect_eq "link count" "$(stat -c %h "$tree")" "$(stat -c %h "$mnt/sub/..")"
		expect_eq "link count of sub" "$(stat -c %h "$tree/sub")" "$(stat -c %h "$mnt/sub")"
		expect_eq "root xattr" "$root" "$(getfattr --absolute-names --only-values -n user.reapi.digest "$mnt")"
		hello=$("$CASROOT" ls --cas "$cas" -l "$root/hello.txt" | awk '{print $3}')
		expect_eq "file xattr" "$hello" "$(getfattr --absolute-names --only-values -n user.reapi.digest "$mnt/hello.txt")"
		getfattr --absolute-names -d "$mnt/sub" | grep -q 'user.reapi.digest=' || fail "listxattr does not show the digest"
		unmount_root "$mnt"
	done
done

# --owner sets every entry's owner; the whole root is readable by others.
root=$("$CASROOT" put --cas "$cas" "$tree")
mount_root "$cas" "$root" "$mnt" --owner 1234:5678
expect_eq "owner" "1234:5678" "$(stat -c %u:%g "$mnt/sub/deeper/file with spaces")"
expect_eq "read as nobody" "hello" "$(setpriv --reuid 65534 --regid 65534 --clear-groups cat "$mnt/hello.txt")"
unmount_root "$mnt"

# A large file reads back exactly (splice path, several max_read chunks).
mkdir -p "$TEST_TMP/big"
head -c $((24 << 20)) /dev/urandom >"$TEST_TMP/big/blob"
root=$("$CASROOT" put --cas "$cas" "$TEST_TMP/big")
mount_root "$cas" "$root" "$mnt"
cmp "$TEST_TMP/big/blob" "$mnt/blob" || fail "large file differs"
expect_eq "tail read" "$(tail -c 100 "$TEST_TMP/big/blob" | md5sum)" "$(tail -c 100 "$mnt/blob" | md5sum)"
unmount_root "$mnt"
