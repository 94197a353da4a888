# Shared by the integration tests: temporary directories, cleanup traps that
# run even when a test fails, mounts, and readiness waits. Source it first.
# A test exits 0 (passed), 77 (skipped, with the reason on stderr) or other (failed).
set -eu

BUILD=${BUILD:-build}
BUILD=$(cd "$BUILD" && pwd)
CASROOT="$BUILD/bin/casroot"
CASROOTFS="$BUILD/bin/casrootfs"
CASROOT_RUN="$BUILD/bin/casroot-run"
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REAPI_REF="$TESTS_DIR/reference/reapi_ref.py"
PY=/usr/bin/python3

TEST_TMP=$(mktemp -d /tmp/casroot-it.XXXXXX)
chmod 755 "$TEST_TMP" # actions run as other uids must reach their roots
_mounts=()
_pids=()

cleanup() {
	local rc=$?
	local m p
	for p in "${_pids[@]+"${_pids[@]}"}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for m in "${_mounts[@]+"${_mounts[@]}"}"; do
		if mountpoint -q "$m" 2>/dev/null; then
			fusermount3 -u "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
		fi
	done
	for p in "${_pids[@]+"${_pids[@]}"}"; do
		kill -KILL "$p" 2>/dev/null || true
	done
	rm -rf "$TEST_TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
}

need_fuse() {
	need_root
	[ -c /dev/fuse ] || skip "needs /dev/fuse"
}

# Registers a mount point for cleanup.
track_mount() {
	_mounts+=("$1")
}

# Registers a process for cleanup.
track_pid() {
	_pids+=("$1")
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# expect_status WHAT EXPECTED_STATUS COMMAND...; leaves stderr in $TEST_TMP/stderr
expect_status() {
	local what=$1 want=$2 got=0
	shift 2
	"$@" >"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr" || got=$?
	[ "$got" -eq "$want" ] || fail "$what: exit status $got, expected $want; stderr: $(cat "$TEST_TMP/stderr")"
}

# expect_stderr WHAT PATTERN: the last expect_status's stderr matches (grep -E)
expect_stderr() {
	grep -Eq -- "$2" "$TEST_TMP/stderr" || fail "$1: stderr '$(cat "$TEST_TMP/stderr")' lacks '$2'"
	[ "$(wc -l <"$TEST_TMP/stderr")" -eq 1 ] || fail "$1: expected one line on stderr, got: $(cat "$TEST_TMP/stderr")"
}

# Path of a blob in a store: blob_path CAS LAYOUT HASH
blob_path() {
	case $2 in
	casd) echo "$1/cas/objects/${3:0:2}/${3:2}" ;;
	bazel) echo "$1/cas/${3:0:2}/$3" ;;
	flat) echo "$1/$3" ;;
	esac
}

# Builds a tree that exercises every awkward case of `casroot put`.
make_awkward_tree() {
	local t=$1
	mkdir -p "$t/empty dir" "$t/sub/deeper" "$t/.hidden" "$t/ünïcödé"
	: >"$t/empty file"
	printf 'hello\n' >"$t/hello.txt"
	printf '#!/bin/sh\necho hi\n' >"$t/run.sh"
	chmod 755 "$t/run.sh"
	printf 'dot\n' >"$t/.dotfile"
	printf 'x\n' >"$t/B"
	printf 'y\n' >"$t/a"
	printf 'z\n' >"$t/_under"
	printf 'é\n' >"$t/ünïcödé/é"
	printf 'deep\n' >"$t/sub/deeper/file with spaces"
	ln -s hello.txt "$t/rel-link"
	ln -s /etc/hostname "$t/abs-link"
	ln -s ../nowhere/at/all "$t/sub/dangling"
	ln -s ../hello.txt "$t/sub/up-link"
}

# mount_root CAS ROOT_DIGEST MOUNTPOINT [casrootfs options…]: mounts in the
# background (casrootfs returns once the mount is ready) and registers it.
mount_root() {
	local cas=$1 root=$2 mnt=$3
	shift 3
	mkdir -p "$mnt"
	track_mount "$mnt"
	"$CASROOTFS" --cas "$cas" --root "$root" --log "$TEST_TMP/casrootfs.log" "$@" "$mnt"
}

# unmount_root MOUNTPOINT: unmounts and waits until the daemon has exited
# (so that its --stats file is complete).
unmount_root() {
	local pid
	pid=$(daemon_pid "$1")
	fusermount3 -u "$1"
	[ -z "$pid" ] || wait_gone "$pid"
}

# The pid of the casrootfs serving MOUNTPOINT, if any.
daemon_pid() {
	pgrep -f "^$CASROOTFS .* $1\$" | head -n 1 || true
}

# alive PID: the process exists and is not a zombie (an orphaned daemon
# is reaped by whatever init the machine has, which may take its time).
alive() {
	local state
	state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ]
}

# wait_gone PID: waits up to 10 s for a process to exit.
wait_gone() {
	local i
	for i in $(seq 200); do
		alive "$1" || return 0
		sleep 0.05
	done
	fail "process $1 still running"
}

# A JSON field of a file: json_get FILE a.b.0.c (numbers index lists)
json_get() {
	$PY -c 'import json,sys; v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$1" "$2"
}

TOOLS="$BUILD/tools"

# make_plain_root DIR: a root on the host filesystem with busybox, the test
# tools, and the directories a sandbox needs (proc, sys, tmp, dev).
make_plain_root() {
	local r=$1 c
	mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/tmp" "$r/dev" "$r/work"
	chmod 1777 "$r/tmp" "$r/work"
	cp /bin/busybox "$TOOLS/ls-proc" "$TOOLS/probe" "$r/bin/"
	for c in sh ls cat id mount mknod chroot kill sleep echo hostname env pwd grep wc head; do
		ln -sf busybox "$r/bin/$c"
	done
}

# go_ls_proc: builds (once) and prints the path of the pure-Go ls-proc.
go_ls_proc() {
	local out="$TOOLS/ls-proc-go"
	command -v go >/dev/null || skip "needs go (golang-go)"
	if [ ! -x "$out" ]; then
		(cd "$TESTS_DIR/tools/ls-proc-go" &&
			CGO_ENABLED=0 GOCACHE="$BUILD/go-cache" GOPATH="$BUILD/go-path" GOFLAGS=-mod=mod \
				go build -o "$out" .) >&2 || fail "go build of ls-proc-go"
	fi
	echo "$out"
}

# no_mount_under PATH: nothing is mounted at or below PATH on the host.
no_mount_under() {
	! awk '{print $5}' /proc/self/mountinfo | grep -q "^$1" || fail "a mount is left under $1: $(grep "$1" /proc/self/mountinfo)"
}

# tree_state DIR: every entry's path, type, mode, link count, size (not of
# directories: that is the filesystem's own), owner and target, and every
# regular file's checksum: `ls -lR` without times.
tree_state() {
	(cd "$1" && find . -mindepth 1 \( -type d -printf '%P %y %m %n %u:%g\n' \) -o \
		-printf '%P %y %m %n %s %u:%g %l\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
}

# cas_state CAS: a checksum of every blob file, to prove the CAS untouched.
cas_state() {
	(cd "$1" && find . -path ./tmp -prune -o -type f -printf '%p %m %s\n' | LC_ALL=C sort &&
		find . -path ./tmp -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
}

# rename_exchange A B: renameat2(RENAME_EXCHANGE).
rename_exchange() {
	$PY -c 'import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.renameat2(-100, sys.argv[1].encode(), -100, sys.argv[2].encode(), 2) != 0:
    sys.exit(os.strerror(ctypes.get_errno()))' "$1" "$2"
}

# rename_noreplace A B: renameat2(RENAME_NOREPLACE); prints the error name.
rename_noreplace() {
	$PY -c 'import ctypes, errno, sys
libc = ctypes.CDLL(None, use_errno=True)
r = libc.renameat2(-100, sys.argv[1].encode(), -100, sys.argv[2].encode(), 1)
print("ok" if r == 0 else errno.errorcode[ctypes.get_errno()])' "$1" "$2"
}

# ref_message TYPE JSON: stores a message with the reference encoder (casd layout).
ref_message() {
	$PY "$REAPI_REF" put-message --cas "$cas" --layout "${layout:-casd}" "$1" "$2"
}

# digest_json DIGEST: {"hash": …, "sizeBytes": …}
digest_json() {
	printf '{"hash":"%s","sizeBytes":"%s"}' "${1%/*}" "${1#*/}"
}

# sha_digest FILE: HASH/SIZE of a local file.
sha_digest() {
	printf '%s/%s' "$(sha256sum <"$1" | cut -d' ' -f1)" "$(stat -c %s "$1")"
}

# exec_leftovers DIR: what casroot exec may have left in its TMPDIR or process table.
exec_leftovers() {
	ls -A "$1"
	pgrep -af "casrootfs .*$1" || true
	pgrep -af "casroot-run .*$1" || true
}
