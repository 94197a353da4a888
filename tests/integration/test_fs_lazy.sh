# casrootfs is lazy: mounting reads only the root Directory, and a stat of
# one deep file loads only the Directory blobs on its path.
. "$(dirname "$0")/lib.sh"
need_fuse

tree=$TEST_TMP/tree
# 10 000 files: 10 top directories × 10 subdirectories × 100 files.
for i in $(seq 0 9); do
	for j in $(seq 0 9); do
		mkdir -p "$tree/d$i/e$j"
		(cd "$tree/d$i/e$j" && seq 0 99 | sed 's/^/f/' | xargs touch)
	done
done
printf 'deep\n' >"$tree/d7/e3/f42"
cas=$TEST_TMP/cas
root=$("$CASROOT" put --cas "$cas" "$tree")
mnt=$TEST_TMP/mnt

mount_root "$cas" "$root" "$mnt" --stats "$TEST_TMP/mount-only.json"
unmount_root "$mnt"
expect_eq "Directories loaded by the mount alone" 1 "$(json_get "$TEST_TMP/mount-only.json" directories_loaded)"

mount_root "$cas" "$root" "$mnt" --stats "$TEST_TMP/stat.json"
expect_eq "size of the deep file" 5 "$(stat -c %s "$mnt/d7/e3/f42")"
unmount_root "$mnt"
expect_eq "Directories loaded for one stat" 3 "$(json_get "$TEST_TMP/stat.json" directories_loaded)"
expect_eq "file blobs opened for one stat" 0 "$(json_get "$TEST_TMP/stat.json" file_blobs_opened)"

mount_root "$cas" "$root" "$mnt" --stats "$TEST_TMP/read.json"
expect_eq "content of the deep file" deep "$(cat "$mnt/d7/e3/f42")"
expect_eq "entries" 10110 "$(find "$mnt" -mindepth 1 -not -path "$mnt/dev*" -not -path "$mnt/usr*" \
	-not -name proc -not -name sys -not -name tmp | wc -l)"
unmount_root "$mnt"
expect_eq "file blobs opened for one read" 1 "$(json_get "$TEST_TMP/read.json" file_blobs_opened)"
expect_eq "Directories loaded by a full walk" 111 "$(json_get "$TEST_TMP/read.json" directories_loaded)"
expect_eq "errors" 0 "$(json_get "$TEST_TMP/read.json" errors)"
