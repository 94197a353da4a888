# Real work on the writable root: untar a real tree and compare it, build a C
# program whose objects land in the mount, outputs of an action run as uid
# 65534, parallel writers, and the digest xattrs of what stayed unchanged.
. "$(dirname "$0")/lib.sh"
need_fuse

tree=$TEST_TMP/tree
mkdir -p "$tree/src" "$tree/keep/inner"
cat >"$tree/src/main.c" <<'C'
#include <stdio.h>
int twice(int);
int main(void) { printf("%d\n", twice(21)); return 0; }
C
printf 'int twice(int x) { return 2 * x; }\n' >"$tree/src/twice.c"
printf 'unchanged\n' >"$tree/keep/inner/file"
printf 'also\n' >"$tree/keep/other"
head -c $((32 << 20)) /dev/urandom >"$tree/large-input"
cas=$TEST_TMP/cas
root=$("$CASROOT" put --cas "$cas" "$tree")
before=$(cas_state "$cas")
mnt=$TEST_TMP/mnt
mount_root "$cas" "$root" "$mnt"

# Untar a real tree into the mount.
tar -C /usr -cf "$TEST_TMP/include.tar" include
mkdir "$mnt/untar"
tar -C "$mnt/untar" -xf "$TEST_TMP/include.tar"
diff -r --no-dereference /usr/include "$mnt/untar/include" || fail "untarred /usr/include differs"

# Build a C program with its objects written into the mount.
mkdir -p "$mnt/bazel-out/obj"
gcc -c -o "$mnt/bazel-out/obj/main.o" "$mnt/src/main.c"
gcc -c -o "$mnt/bazel-out/obj/twice.o" "$mnt/src/twice.c"
gcc -o "$mnt/bazel-out/prog" "$mnt/bazel-out/obj/main.o" "$mnt/bazel-out/obj/twice.o"
expect_eq "program built in the mount" 42 "$("$mnt/bazel-out/prog")"

# An action running as uid 65534 creates outputs anywhere; they are its own.
"$CASROOT_RUN" --root "$mnt" --cwd src -- /usr/bin/env PATH=/nothing /usr/bin/env -i >/dev/null ||
	fail "the synthesized env does not run under casroot-run"
cp "$TOOLS/ls-proc" "$TEST_TMP/ls-proc"
mkdir -p "$mnt/bin"
cp "$TOOLS/ls-proc" "$mnt/bin/ls-proc"
"$CASROOT_RUN" --root "$mnt" --cwd src -- /bin/ls-proc >/dev/null || fail "ls-proc as 65534 in the mount"
out=$mnt/src/bazel-out/k8-fastbuild/bin/out
grep -qx status "$out" || fail "the seed's output is missing"
expect_eq "output owner" "65534:65534" "$(stat -c %u:%g "$out")"
expect_eq "output dir owner" "65534:65534" "$(stat -c %u:%g "$mnt/src/bazel-out")"

# Parallel writers, renamers and readers: each file ends with its last writer's content.
mkdir "$mnt/par"
for w in 1 2 3 4 5 6; do
	(
		for i in $(seq 1 40); do
			printf '%s-%s\n' "$w" "$i" >"$mnt/par/tmp.$w"
			mv "$mnt/par/tmp.$w" "$mnt/par/file.$w"
			cat "$mnt/par/file.$w" >/dev/null
			ls "$mnt/par" >/dev/null
		done
	) &
done
wait
for w in 1 2 3 4 5 6; do
	expect_eq "last writer of file.$w" "$w-40" "$(cat "$mnt/par/file.$w")"
done
expect_eq "entries after the parallel run" 6 "$(ls "$mnt/par" | wc -l)"

# Two writers change one large input at once: one copy-up, both appends kept.
(printf 'A' >>"$mnt/large-input") &
(printf 'B' >>"$mnt/large-input") &
cat "$mnt/large-input" >/dev/null &
wait
expect_eq "size after two appends" $(((32 << 20) + 2)) "$(stat -c %s "$mnt/large-input")"
cmp -n $((32 << 20)) "$tree/large-input" "$mnt/large-input" || fail "copy-up changed the input's bytes"
tail -c 2 "$mnt/large-input" | grep -Eq '^(AB|BA)$' || fail "an append was lost"

# Digests: unchanged inputs keep theirs, changed ones lose it, up to the root.
xattr() { getfattr --absolute-names --only-values -n user.reapi.digest "$1" 2>/dev/null || true; }
keep=$("$CASROOT" ls --cas "$cas" -l "$root" | awk '$4 == "keep/" {print $3}')
expect_eq "unchanged directory" "$keep" "$(xattr "$mnt/keep")"
file=$("$CASROOT" ls --cas "$cas" -l "$root/keep/inner/file" | awk '{print $3}')
expect_eq "unchanged file" "$file" "$(xattr "$mnt/keep/inner/file")"
expect_eq "changed root" "" "$(xattr "$mnt")"
expect_eq "new file" "" "$(xattr "$mnt/bazel-out/prog")"
getfattr --absolute-names -d "$mnt/keep/other" | grep -q user.reapi.digest || fail "listxattr of an unchanged file"
printf 'changed\n' >>"$mnt/keep/other"
expect_eq "changed file" "" "$(xattr "$mnt/keep/other")"
expect_eq "its directory" "" "$(xattr "$mnt/keep")"
expect_eq "a sibling directory still unchanged" "$(
	"$CASROOT" ls --cas "$cas" -l "$root/keep" | awk '$4 == "inner/" {print $3}'
)" "$(xattr "$mnt/keep/inner")"
setfattr -n user.other -v x "$mnt/keep/inner/file" 2>"$TEST_TMP/err" && fail "setting another xattr worked"
grep -q "Operation not supported" "$TEST_TMP/err" || fail "setxattr: $(cat "$TEST_TMP/err")"

# Long names are refused as on any filesystem.
long=$(printf 'x%.0s' $(seq 300))
touch "$mnt/$long" 2>"$TEST_TMP/err" && fail "a 300-byte name was accepted"
grep -q "File name too long" "$TEST_TMP/err" || fail "long name: $(cat "$TEST_TMP/err")"
mknod "$mnt/dev-node" c 1 3 2>/dev/null && fail "mknod of a device worked"
mkfifo "$mnt/fifo" && mkfifo "$mnt/keep/fifo" || fail "mkfifo"

unmount_root "$mnt"
expect_eq "the CAS is untouched" "$before" "$(cas_state "$cas")"
