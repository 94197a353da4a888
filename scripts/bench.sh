#!/usr/bin/env bash
# `make bench`: casroot side by side with the native filesystem and its peers
# (hardlink staging, fuse-overlayfs, bindfs, bubblewrap), in one run on this
# machine. Each measure alternates the contenders and takes the median of
# BENCH_RUNS runs after a warm-up. BENCH_SCALE=small shrinks the inputs.
# Prints one markdown table; the full-size one also goes to docs/benchmarks.md.
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
ROOT_DIR=$(cd "$(dirname "$0")/.." && pwd)
SCALE=${BENCH_SCALE:-full}
RUNS=${BENCH_RUNS:-5}
CASROOT=$BUILD/bin/casroot
CASROOTFS=$BUILD/bin/casrootfs
CASROOT_RUN=$BUILD/bin/casroot-run
TRUE_STATIC=$BUILD/tools/probe

case $SCALE in
small) ENTRIES=10000 BIG_MIB=128 CREATES=2000 ;;
full) ENTRIES=100000 BIG_MIB=1024 CREATES=10000 ;;
*) echo "bench: BENCH_SCALE must be small or full" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "bench: run as root (sudo make bench)" >&2; exit 1; }
for tool in bwrap fuse-overlayfs bindfs gcc strace; do
	command -v $tool >/dev/null || { echo "bench: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done

# Everything lives below one directory on the disk the CAS would live on.
W=$(mktemp -d /var/tmp/casroot-bench.XXXXXX)
MOUNTS=()
cleanup() {
	for m in "${MOUNTS[@]+"${MOUNTS[@]}"}"; do
		mountpoint -q "$m" && { fusermount3 -u "$m" 2>/dev/null || umount -l "$m"; }
	done
	rm -rf "$W"
}
trap cleanup EXIT
CAS=$W/cas
ROWS=()

log() { printf 'bench: %s\n' "$*" >&2; }
now() { date +%s.%N; }
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
fmt() { awk -v v="$1" -v u="$2" 'BEGIN {printf "%.3f %s", v, u}'; }
row() { ROWS+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); log "$1 $2: $3 vs $4 = $5 (goal $6)"; }

# time_of FUNCTION ARGS…: the function prints its own elapsed seconds.
# alternate N F1 F2: runs F1 and F2 alternately (after one warm-up each),
# prints "median1 median2".
alternate() {
	local f1=$1 f2=$2 i
	local -a a=() b=()
	$f1 >/dev/null
	$f2 >/dev/null
	for i in $(seq "$RUNS"); do
		a+=("$($f1)")
		b+=("$($f2)")
	done
	echo "$(printf '%s\n' "${a[@]}" | median) $(printf '%s\n' "${b[@]}" | median)"
}

timed() { # timed CMD…: runs it, prints the seconds it took
	local s e
	s=$(now)
	"$@" >/dev/null 2>&1
	e=$(now)
	awk -v s="$s" -v e="$e" 'BEGIN {printf "%.6f\n", e - s}'
}

mount_casroot() { # mount_casroot ROOT MNT [options]
	local root=$1 mnt=$2
	shift 2
	mkdir -p "$mnt"
	MOUNTS+=("$mnt")
	"$CASROOTFS" --cas "$CAS" --root "$root" "$@" "$mnt"
}
unmount() { fusermount3 -u "$1"; }
daemon_pid() { pgrep -f "^$CASROOTFS .* $1\$" | head -n 1; }

### Inputs
make_tree() { # make_tree DIR ENTRIES: directories of 100 small files
	local dir=$1 n=$2 d
	for ((d = 0; d * 100 < n; d++)); do
		mkdir -p "$dir/d$((d % 100))/e$d"
		(cd "$dir/d$((d % 100))/e$d" && seq 1 100 | sed 's/^/f/' | xargs touch && for f in f1 f2 f3; do echo "$d $f" >$f; done)
	done
}
log "building inputs (scale $SCALE: $ENTRIES entries, $BIG_MIB MiB)"
make_tree "$W/tree" "$ENTRIES"
mkdir -p "$W/tree/bin" "$W/small/bin"
cp "$TRUE_STATIC" "$W/tree/bin/true"
cp "$TRUE_STATIC" "$W/small/bin/true"
for i in 1 2 3 4 5 6 7 8 9; do echo "$i" >"$W/small/f$i"; done
mkdir -p "$W/bigdir"
head -c $((BIG_MIB << 20)) /dev/urandom >"$W/bigdir/big"
ROOT_TREE=$("$CASROOT" put --cas "$CAS" "$W/tree")
ROOT_SMALL=$("$CASROOT" put --cas "$CAS" "$W/small")
ROOT_BIG=$("$CASROOT" put --cas "$CAS" "$W/bigdir")
ENTRY_COUNT=$(find "$W/tree" -mindepth 1 | wc -l)
# Let the writeback of the inputs finish before anything is timed.
settle() { sync; sleep "${BENCH_SETTLE:-5}"; }
settle

### P1: casroot exec of a no-op action, 100k-file root vs 10-file root vs hardlink staging + bwrap
p1_large() { timed "$CASROOT" exec --cas "$CAS" --root "$ROOT_TREE" -- /bin/true exit 0; }
p1_small() { timed "$CASROOT" exec --cas "$CAS" --root "$ROOT_SMALL" -- /bin/true exit 0; }
p1_staging() {
	local s e
	s=$(now)
	cp -al "$W/tree" "$W/staged"
	bwrap --bind "$W/staged" / --unshare-pid --proc /proc --dev /dev /bin/true exit 0
	rm -rf "$W/staged"
	e=$(now)
	awk -v s="$s" -v e="$e" 'BEGIN {printf "%.6f\n", e - s}'
}
read -r large small < <(alternate p1_large p1_small)
row P1 "exec no-op, $ENTRY_COUNT-entry root vs 10-file root" "$(fmt "$large" s)" "$(fmt "$small" s)" "$(ratio "$large" "$small")" "≤ 1.05"
read -r staging large2 < <(RUNS=$((RUNS < 3 ? RUNS : 3)) alternate p1_staging p1_large)
row P1 "staging $ENTRY_COUNT files (cp -al + bwrap + rm) vs exec" "$(fmt "$large2" s)" "$(fmt "$staging" s)" "$(ratio "$staging" "$large2")× faster" "≥ 50× faster"

### P2: stat every entry, cold and warm, vs native, fuse-overlayfs, bindfs
stat_all() { timed find "$1" -printf '%s %m\n'; }
p2_casroot_cold() { mount_casroot "$ROOT_TREE" "$W/m"; drop_caches; stat_all "$W/m"; unmount "$W/m"; }
p2_native_cold() { drop_caches; stat_all "$W/tree"; }
mount_overlay() {
	mkdir -p "$W/ovl" "$W/ovl-up" "$W/ovl-work"
	MOUNTS+=("$W/ovl")
	fuse-overlayfs -o "lowerdir=$W/tree,upperdir=$W/ovl-up,workdir=$W/ovl-work" "$W/ovl" 2>/dev/null
}
mount_bindfs() { mkdir -p "$W/bfs"; MOUNTS+=("$W/bfs"); bindfs "$W/tree" "$W/bfs"; }
p2_overlay_cold() { mount_overlay; drop_caches; stat_all "$W/ovl"; unmount "$W/ovl"; }
p2_bindfs_cold() { mount_bindfs; drop_caches; stat_all "$W/bfs"; unmount "$W/bfs"; }
read -r c n < <(alternate p2_casroot_cold p2_native_cold)
row P2 "stat $ENTRY_COUNT entries, cold, vs native" "$(fmt "$c" s)" "$(fmt "$n" s)" "$(ratio "$c" "$n")" "≤ 3"
read -r c o < <(alternate p2_casroot_cold p2_overlay_cold)
row P2 "stat, cold, vs fuse-overlayfs" "$(fmt "$c" s)" "$(fmt "$o" s)" "$(ratio "$c" "$o")" "< 1"
read -r c b < <(alternate p2_casroot_cold p2_bindfs_cold)
row P2 "stat, cold, vs bindfs" "$(fmt "$c" s)" "$(fmt "$b" s)" "$(ratio "$c" "$b")" "< 1"
mount_casroot "$ROOT_TREE" "$W/m"
mount_overlay
mount_bindfs
p2_casroot_warm() { stat_all "$W/m"; }
p2_native_warm() { stat_all "$W/tree"; }
p2_overlay_warm() { stat_all "$W/ovl"; }
p2_bindfs_warm() { stat_all "$W/bfs"; }
read -r c n < <(alternate p2_casroot_warm p2_native_warm)
row P2 "stat, warm, vs native" "$(fmt "$c" s)" "$(fmt "$n" s)" "$(ratio "$c" "$n")" "≤ 1.3"
read -r c o < <(alternate p2_casroot_warm p2_overlay_warm)
row P2 "stat, warm, vs fuse-overlayfs" "$(fmt "$c" s)" "$(fmt "$o" s)" "$(ratio "$c" "$o")" "< 1"
read -r c b < <(alternate p2_casroot_warm p2_bindfs_warm)
row P2 "stat, warm, vs bindfs" "$(fmt "$c" s)" "$(fmt "$b" s)" "$(ratio "$c" "$b")" "< 1"

### P6: casrootfs peak RSS after walking every entry (the warm mount above)
rss=$(awk '/VmHWM/ {print $2}' "/proc/$(daemon_pid "$W/m")/status")
row P6 "casrootfs peak RSS after walking $ENTRY_COUNT entries" "$((rss / 1024)) MiB" "–" "–" "≤ 64 MiB"
unmount "$W/m"
unmount "$W/ovl"
unmount "$W/bfs"

settle

### P3: sequential read of a large file, cold and warm
read_big() { timed dd if="$1" of=/dev/null bs=1M; }
mib_per_s() { awk -v m="$BIG_MIB" -v t="$1" 'BEGIN {printf "%.0f", m / t}'; }
p3_casroot_cold() { mount_casroot "$ROOT_BIG" "$W/m"; drop_caches; read_big "$W/m/big"; unmount "$W/m"; }
p3_native_cold() { drop_caches; read_big "$W/bigdir/big"; }
read -r c n < <(alternate p3_casroot_cold p3_native_cold)
row P3 "read $BIG_MIB MiB, cold, vs native" "$(mib_per_s "$c") MiB/s" "$(mib_per_s "$n") MiB/s" "$(ratio "$n" "$c")" "≥ 0.80"
mount_casroot "$ROOT_BIG" "$W/m"
# Warm reads come from the page cache and are short: four passes per run.
read_big4() { timed sh -c "for i in 1 2 3 4; do dd if='$1' of=/dev/null bs=1M 2>/dev/null; done"; }
p3_casroot_warm() { read_big4 "$W/m/big"; }
p3_native_warm() { read_big4 "$W/bigdir/big"; }
read -r c n < <(alternate p3_casroot_warm p3_native_warm)
row P3 "read $BIG_MIB MiB, warm, vs native" "$(mib_per_s "$(awk -v t="$c" 'BEGIN {print t / 4}')") MiB/s" \
	"$(mib_per_s "$(awk -v t="$n" 'BEGIN {print t / 4}')") MiB/s" "$(ratio "$n" "$c")" "≥ 0.95"
unmount "$W/m"
mkdir -p "$W/bigdir-copy"
cp "$W/bigdir/big" "$W/bigdir-copy/big"
mkdir -p "$W/ovl-up" "$W/ovl-work" "$W/ovl" "$W/bfs"
p3_peer() { # p3_peer overlay|bindfs: cold read through the peer
	if [ "$1" = overlay ]; then
		MOUNTS+=("$W/ovl")
		fuse-overlayfs -o "lowerdir=$W/bigdir-copy,upperdir=$W/ovl-up,workdir=$W/ovl-work" "$W/ovl" 2>/dev/null
		drop_caches; read_big "$W/ovl/big"; unmount "$W/ovl"
	else
		MOUNTS+=("$W/bfs")
		bindfs "$W/bigdir-copy" "$W/bfs"
		drop_caches; read_big "$W/bfs/big"; unmount "$W/bfs"
	fi
}
p3_overlay_cold() { p3_peer overlay; }
p3_bindfs_cold() { p3_peer bindfs; }
read -r c o < <(alternate p3_casroot_cold p3_overlay_cold)
row P3 "read, cold, vs fuse-overlayfs" "$(mib_per_s "$c") MiB/s" "$(mib_per_s "$o") MiB/s" "$(ratio "$o" "$c")" "≥ 1"
read -r c b < <(alternate p3_casroot_cold p3_bindfs_cold)
row P3 "read, cold, vs bindfs" "$(mib_per_s "$c") MiB/s" "$(mib_per_s "$b") MiB/s" "$(ratio "$b" "$c")" "≥ 1"
rm -rf "$W/bigdir-copy"

settle

### P4: gcc compiling a few thousand lines with the toolchain inside the input root
log "building a toolchain root"
src=$W/toolchain/src
mkdir -p "$src"
{
	echo '#include <stdio.h>'
	echo '#include <string.h>'
	for i in $(seq 1 600); do
		printf 'static int f%d(const char *s) {\n\tint h = %d;\n\twhile (*s) h = h * 31 + *s++;\n\treturn h ^ (int)strlen("x%d");\n}\n' "$i" "$i" "$i"
	done
	echo 'int main(void) {'
	echo '	long t = 0;'
	for i in $(seq 1 600); do echo "	t += f$i(\"$i\");"; done
	echo '	printf("%ld\n", t);'
	echo '	return 0;'
	echo '}'
} >"$src/big.c"
strace -f -qq -e trace=openat,execve -o "$W/gcc.trace" gcc -O1 -c -o "$W/probe.o" "$src/big.c"
{ grep -v ENOENT "$W/gcc.trace" | grep -oE '"/[^"]+"' | tr -d '"' | grep -vE "^($W|/proc|/dev|/tmp)"; echo /lib64/ld-linux-x86-64.so.2; } |
	sort -u | while read -r f; do if [ -f "$f" ]; then cp -L --parents "$f" "$W/toolchain/"; fi; done
mkdir -p "$W/toolchain/tmp" "$W/toolchain/out"
chmod 1777 "$W/toolchain/tmp" "$W/toolchain/out"
ROOT_GCC=$("$CASROOT" put --cas "$CAS" "$W/toolchain")
settle
p4_casroot() { timed "$CASROOT" exec --cas "$CAS" --root "$ROOT_GCC" --cwd src --output big.o --env PATH=/usr/bin -- gcc -O1 -c -o big.o big.c; }
p4_bwrap() {
	timed bwrap --bind "$W/toolchain" / --unshare-pid --unshare-net --proc /proc --dev /dev --chdir /src \
		--clearenv --setenv PATH /usr/bin gcc -O1 -c -o /out/big.o big.c
}
read -r c n < <(alternate p4_casroot p4_bwrap)
row P4 "gcc -O1 -c of $(wc -l <"$src/big.c") lines, toolchain in the root" "$(fmt "$c" s)" "$(fmt "$n" s)" "$(ratio "$c" "$n")" "≤ 1.10"

settle

### P5: outputs: many small creates, one large sequential write
# Fresh directories for both sides, and no deletion between runs: ext4 slows
# down inode allocation where many inodes were just deleted
# (recently_deleted() in __ext4_new_inode), which would tax whichever side
# happens to allocate there.
mkdir -p "$W/p5-pool" "$W/p5-native"
mount_casroot "$ROOT_SMALL" "$W/m" --upper "$W/p5-pool"
creates() { # creates DIR: CREATES new files with a line each, in a new directory
	local s e d
	d=$(mktemp -d "$1/c.XXXXXX")
	s=$(now)
	(cd "$d" && for i in $(seq 1 "$CREATES"); do echo "output $i" >"o$i"; done)
	e=$(now)
	awk -v s="$s" -v e="$e" 'BEGIN {printf "%.6f\n", e - s}'
}
p5_casroot_creates() { creates "$W/m"; }
p5_native_creates() { creates "$W/p5-native"; }
read -r c n < <(alternate p5_casroot_creates p5_native_creates)
row P5 "create and write $CREATES small files, vs native directory" "$(fmt "$c" s)" "$(fmt "$n" s)" "$(ratio "$c" "$n")" "≤ 2"
write_big() { rm -f "$1/big"; timed dd if=/dev/zero of="$1/big" bs=1M count="$BIG_MIB" conv=fsync; }
p5_casroot_write() { write_big "$W/m"; }
p5_native_write() { write_big "$W/p5-native"; }
read -r c n < <(alternate p5_casroot_write p5_native_write)
row P5 "write $BIG_MIB MiB sequentially, vs native" "$(mib_per_s "$c") MiB/s" "$(mib_per_s "$n") MiB/s" "$(ratio "$n" "$c")" "≥ 0.70"
unmount "$W/m"

### P7: casroot-run of a static true vs bwrap on the same root
p7_run() { timed "$CASROOT_RUN" --root "$W/small" --proc none -- /bin/true exit 0; }
p7_bwrap() { timed bwrap --bind "$W/small" / --unshare-pid --proc /proc --dev /dev /bin/true exit 0; }
mkdir -p "$W/small/proc" "$W/small/dev"
read -r c n < <(alternate p7_run p7_bwrap)
row P7 "casroot-run of a static true (no /proc) vs bwrap --unshare-pid --proc --dev" "$(fmt "$c" s)" "$(fmt "$n" s)" "$(ratio "$c" "$n")" "≤ 1.0"
p7_run_proc() { timed "$CASROOT_RUN" --root "$W/small" -- /bin/true exit 0; }
read -r c n < <(alternate p7_run_proc p7_bwrap)
row P7 "casroot-run with fresh /proc, all namespaces vs the same bwrap" "$(fmt "$c" s)" "$(fmt "$n" s)" "$(ratio "$c" "$n")" "≤ 1.0"

### The table
machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr), $(df -T "$W" | awk 'NR == 2 {print $2}') on $(df "$W" | awk 'NR == 2 {print $1}'), $(date -u +%Y-%m-%d)"
table=$(
	echo "| id | measure | casroot | peer | ratio | goal |"
	echo "|---|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
)
echo
echo "$table"
if [ "$SCALE" = full ]; then
	{
		echo "# casroot benchmarks"
		echo
		echo "Measured by \`make bench\` (scripts/bench.sh): medians of $RUNS runs after a warm-up, contenders"
		echo "alternating, all in one run. Ratios are casroot ÷ peer for times and peer ÷ casroot for"
		echo "throughputs, so that the goal reads as written in the issue."
		echo
		echo "Machine: $machine."
		echo
		echo "$table"
		echo
		cat <<'NOTES'
## What bounds the rows that miss their goal

- P3 warm: no request reaches casrootfs (the page cache serves it); the kernel caches a FUSE file in
  small folios where ext4 uses large ones (`filemap_get_read_batch` is 12% of a warm FUSE read in
  `perf`, 1% on ext4).
- P3 cold and P5's large write: every byte is copied once more, between the blob's (or pool file's) page
  cache and the FUSE file's. FUSE passthrough (kernel ≥ 6.9) removes both copies, but needs libfuse ≥ 3.17;
  Debian 12 ships 3.14.
- P2 warm: each directory costs an opendir and a releasedir round trip, which the kernel needs to keep
  its readdir cache; the entries and attributes themselves come from the kernel's caches.
- P5 small files: five requests per file (lookup, create, getxattr of security.capability before the
  first write, write, release) plus the pool file's own create on disk.
- On this machine's disk, times of identical runs vary by 2× or more from one minute to the next (ext4
  with `discard`; inode allocation slows after mass deletion), so single rows can swing; the medians of
  alternating runs are what the table shows.
NOTES
	} >"$ROOT_DIR/docs/benchmarks.md"
	log "wrote docs/benchmarks.md"
fi
