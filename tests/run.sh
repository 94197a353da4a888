#!/usr/bin/env bash
# Runs every unit test binary, then every integration test, and ends with one
# summary line: "check: N passed, N failed, N skipped".
# Usage: tests/run.sh BUILD_DIR [TEST_NAME_PATTERN]
set -u
BUILD=${1:-build}
pattern=${2:-}
export BUILD
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0 skipped=0
failures=()

record() { # name status
	case $2 in
	0) passed=$((passed + 1)) ;;
	77) skipped=$((skipped + 1)) ;;
	*) failed=$((failed + 1)); failures+=("$1") ;;
	esac
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name=unit/$(basename "$t")
	[[ -z $pattern || $name == *$pattern* ]] || continue
	"$t"
	record "$name" $?
done

for t in "$here"/integration/test_*.sh; do
	name=integration/$(basename "$t" .sh)
	[[ -z $pattern || $name == *$pattern* ]] || continue
	start=$(date +%s)
	timeout --kill-after=10 300 bash "$t" >"$BUILD/$(basename "$t").log" 2>&1
	status=$?
	case $status in
	0) word=PASS ;; 77) word=SKIP ;; *) word=FAIL ;;
	esac
	echo "$word: $name ($(($(date +%s) - start))s)"
	if [ "$status" -ne 0 ]; then
		sed 's/^/    /' "$BUILD/$(basename "$t").log" | tail -n 25
	fi
	record "$name" $status
done

[ ${#failures[@]} -eq 0 ] || printf 'failed: %s\n' "${failures[@]}"
echo "check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
