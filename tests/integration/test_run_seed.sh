# The seed, reproduced: a static C and a pure-Go program list /proc/self
# inside a chroot-style root (a plain directory, then a casrootfs mount) and
# write the list to bazel-out/…/out; with --proc none they fail as under
# Buildbarn's chroot runner.
. "$(dirname "$0")/lib.sh"
need_root

root=$TEST_TMP/root
make_plain_root "$root"
cp "$(go_ls_proc)" "$root/bin/ls-proc-go"

for prog in ls-proc ls-proc-go; do
	rm -rf "$root/work/bazel-out"
	expect_status "$prog" 0 "$CASROOT_RUN" --root "$root" --cwd /work -- /bin/$prog
	out=$root/work/bazel-out/k8-fastbuild/bin/out
	[ -f "$out" ] || fail "$prog wrote no output"
	for name in status fd cmdline mountinfo; do
		grep -qx "$name" "$out" || fail "$prog: /proc/self listing lacks $name: $(cat "$out")"
	done
	cmp -s "$out" "$TEST_TMP/stdout" || fail "$prog: stdout and output file differ"
	expect_eq "$prog output owner" "65534" "$(stat -c %u "$out")"

	rm -rf "$root/work/bazel-out"
	expect_status "$prog --proc none" 1 "$CASROOT_RUN" --root "$root" --cwd /work --proc none -- /bin/$prog
	grep -q "no such file or directory" <(tr 'A-Z' 'a-z' <"$TEST_TMP/stderr") || fail "$prog without /proc: $(cat "$TEST_TMP/stderr")"
done
no_mount_under "$root"

# The same on a casrootfs root put into a CAS: nothing but the programs in it.
if [ -c /dev/fuse ]; then
	input=$TEST_TMP/input
	mkdir -p "$input/bin"
	cp "$root/bin/ls-proc" "$root/bin/ls-proc-go" "$input/bin/"
	cas=$TEST_TMP/cas
	mnt=$TEST_TMP/mnt
	mount_root "$cas" "$("$CASROOT" put --cas "$cas" "$input")" "$mnt"
	for prog in ls-proc ls-proc-go; do
		mkdir "$mnt/work-$prog"
		chown 65534:65534 "$mnt/work-$prog"
		expect_status "$prog on casrootfs" 0 "$CASROOT_RUN" --root "$mnt" --cwd "work-$prog" -- /bin/$prog
		grep -qx status "$mnt/work-$prog/bazel-out/k8-fastbuild/bin/out" || fail "$prog on casrootfs wrote no listing"
		expect_status "$prog on casrootfs, --proc none" 1 "$CASROOT_RUN" --root "$mnt" --proc none -- /bin/$prog
	done
	unmount_root "$mnt"
fi
