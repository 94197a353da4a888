# Differential test of the writable root: one script of filesystem operations
# runs on a casrootfs mount and on a tmpfs copy of the same tree; the
# resulting trees must be identical, and the CAS must be untouched.
. "$(dirname "$0")/lib.sh"
need_fuse

tree=$TEST_TMP/tree
make_awkward_tree "$tree"
mkdir -p "$tree/input-dir/nested" "$tree/other"
printf 'nested\n' >"$tree/input-dir/nested/n.txt"
printf 'o\n' >"$tree/other/o.txt"
head -c 300000 /dev/urandom >"$tree/big.bin"
cas=$TEST_TMP/cas
root=$("$CASROOT" put --cas "$cas" "$tree")
before=$(cas_state "$cas")

mnt=$TEST_TMP/mnt
mount_root "$cas" "$root" "$mnt" --no-env --no-dev --no-mountpoints
# The reference: a tmpfs copy with the modes and owner casrootfs serves.
ref=$TEST_TMP/ref
mkdir -p "$ref"
mount -t tmpfs -o mode=0777 casroot-test "$ref"
track_mount "$ref"
cp -a "$tree/." "$ref/"
chown -R -h 0:0 "$ref"
find "$ref" -mindepth 1 -type d -exec chmod 0777 {} +
find "$ref" -type f -perm -u+x -exec chmod 0555 {} +
find "$ref" -type f ! -perm -u+x -exec chmod 0444 {} +
expect_eq "initial state" "$(tree_state "$ref")" "$(tree_state "$mnt")"

operations() {
	cd "$1"
	printf 'new file\n' >created.txt
	printf 'appended\n' >>hello.txt
	printf 'x' >>"empty file"
	: >run.sh                             # truncate an input file
	truncate -s 100000 big.bin            # shrink an input file
	truncate -s 400000 a                  # grow an input file with a hole
	dd if=/dev/zero of=big.bin bs=1 count=7 seek=5 conv=notrunc status=none
	mv sub/deeper sub/moved               # rename an input directory
	mv input-dir other/input-dir          # across directories
	mv other/o.txt o-renamed.txt
	mv created.txt B                      # rename over an input file
	rename_exchange hello.txt .dotfile
	rename_exchange other .hidden         # exchange a directory with another
	[ "$(rename_noreplace B a)" = EEXIST ] || { echo "RENAME_NOREPLACE replaced" >&2; exit 1; }
	exec 3<o-renamed.txt                  # unlink an open file, read it after
	rm o-renamed.txt
	cat <&3 >read-after-unlink.txt
	exec 3<&-
	ln B hardlink-of-B
	ln run.sh sub/hardlink-of-run.sh
	printf 'through the link\n' >>hardlink-of-B
	ln -s B new-symlink
	ln -s /absolute/target new-abs-symlink
	rm rel-link
	mkdir -p made/deep/er
	printf 'deep\n' >made/deep/er/f
	rmdir "empty dir"
	rm -r ünïcödé
	chmod 0640 B
	chmod 0700 made
	chmod 0755 a
	touch -d '2020-01-01 00:00:00' hello.txt
	mkfifo a-fifo
	chown 123:456 _under
	rm sub/up-link
	mv made/deep made/deep2
	printf '%s' "$(cat B)" >B.copy
	cd - >/dev/null
}

(operations "$mnt") || fail "operations on the mount"
(operations "$ref") || fail "operations on tmpfs"
expect_eq "trees after the operations" "$(tree_state "$ref")" "$(tree_state "$mnt")"
expect_eq "content read after unlink" "o" "$(cat "$mnt/read-after-unlink.txt")"

# Directory listing also agrees after remounting nothing: reading back works
# with cold kernel caches (drop them).
sync
echo 3 >/proc/sys/vm/drop_caches
expect_eq "trees with cold caches" "$(tree_state "$ref")" "$(tree_state "$mnt")"
unmount_root "$mnt"
expect_eq "the CAS is untouched" "$before" "$(cas_state "$cas")"
