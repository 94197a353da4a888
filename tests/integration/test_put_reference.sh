# `casroot put` against the independent reference encoder (Google's protobuf
# runtime): the same awkward tree gives the same root digest and the same
# stored blob files, in all three layouts, with and without node properties.
. "$(dirname "$0")/lib.sh"

tree=$TEST_TMP/tree
make_awkward_tree "$tree"
mkfifo "$tree/a fifo"

stored_files() { (cd "$1" && find . -path ./tmp -prune -o -type f -print | sort); }

for layout in casd bazel flat; do
	for flags in "" "--capture-mtime --capture-unix-mode"; do
		ours=$TEST_TMP/ours-$layout
		ref=$TEST_TMP/ref-$layout
		rm -rf "$ours" "$ref"
		# shellcheck disable=SC2086
		d_ours=$("$CASROOT" put --cas "$ours" --layout $layout $flags "$tree" 2>"$TEST_TMP/warn")
		# shellcheck disable=SC2086
		d_ref=$($PY "$REAPI_REF" put --cas "$ref" --layout $layout $flags "$tree")
		expect_eq "root digest ($layout $flags)" "$d_ref" "$d_ours"
		grep -q "a fifo: not a regular file" "$TEST_TMP/warn" || fail "no warning for the FIFO: $(cat "$TEST_TMP/warn")"
		expect_eq "blob files ($layout $flags)" "$(stored_files "$ref")" "$(stored_files "$ours")"
		diff -r -x tmp "$ref" "$ours" >/dev/null || fail "blob contents differ ($layout $flags)"
		# Storing again changes nothing and gives the same digest.
		before=$(cd "$ours" && find . -path ./tmp -prune -o -type f -printf '%p %i %T@\n' | sort)
		# shellcheck disable=SC2086
		again=$("$CASROOT" put --cas "$ours" --layout $layout $flags "$tree" 2>/dev/null)
		expect_eq "second put" "$d_ours" "$again"
		after=$(cd "$ours" && find . -path ./tmp -prune -o -type f -printf '%p %i %T@\n' | sort)
		expect_eq "existing blobs untouched" "$before" "$after"
	done
done

# The layout of an existing store is detected.
for layout in casd bazel flat; do
	d=$("$CASROOT" put --cas "$TEST_TMP/ours-$layout" "$tree" 2>/dev/null)
	"$CASROOT" ls --cas "$TEST_TMP/ours-$layout" "$d/sub/deeper" | grep -qx "file with spaces" ||
		fail "ls in detected $layout store"
done

# ls shows names in bytewise order, types, targets, executable bits.
cas=$TEST_TMP/ours-casd
d=$("$CASROOT" put --cas "$cas" "$tree" 2>/dev/null)
expect_eq "ls order" ".dotfile .hidden/ B _under a abs-link empty dir/ empty file hello.txt rel-link run.sh sub/ ünïcödé/" \
	"$("$CASROOT" ls --cas "$cas" "$d" | tr '\n' ' ' | sed 's/ $//')"
"$CASROOT" ls --cas "$cas" -l "$d" | grep -Eq '^-r-xr-xr-x +18 [0-9a-f]{64}/18 run.sh$' || fail "ls -l run.sh"
"$CASROOT" ls --cas "$cas" -l "$d" | grep -q ' rel-link -> hello.txt$' || fail "ls -l symlink"
"$CASROOT" ls --cas "$cas" -R "$d" | grep -qx 'sub/deeper/file with spaces' || fail "ls -R"
"$CASROOT" ls --cas "$cas" -l "$d/sub/dangling" | grep -q 'dangling -> ../nowhere/at/all$' || fail "ls of one symlink"
hello=$("$CASROOT" ls --cas "$cas" -l "$d/hello.txt" | awk '{print $3}')
expect_eq "cat" "hello" "$("$CASROOT" cat --cas "$cas" "$hello")"
expect_eq "cat with HASH-SIZE" "hello" "$("$CASROOT" cat --cas "$cas" "${hello/\//-}")"

# $CASROOT_CAS is the default store.
expect_eq "CASROOT_CAS" "$d" "$(CASROOT_CAS=$cas "$CASROOT" put "$tree" 2>/dev/null)"
