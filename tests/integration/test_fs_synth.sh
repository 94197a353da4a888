# Synthesized entries: /dev nodes work through the mount, the built-in env
# runs in a chroot, the input root's own entries win, switches turn groups off.
. "$(dirname "$0")/lib.sh"
need_fuse

cas=$TEST_TMP/cas
mnt=$TEST_TMP/mnt
mkdir -p "$TEST_TMP/empty"
root=$("$CASROOT" put --cas "$cas" "$TEST_TMP/empty")

mount_root "$cas" "$root" "$mnt"
echo discard >"$mnt/dev/null" || fail "write to /dev/null"
expect_eq "/dev/zero" "0000000 000000 000000 000000 000000" "$(head -c 8 "$mnt/dev/zero" | od | head -n 1 | tr -s ' ')"
expect_eq "/dev/urandom" 16 "$(head -c 16 "$mnt/dev/urandom" | wc -c)"
head -c 1 "$mnt/dev/full" >/dev/null || fail "read /dev/full"
expect_eq "/dev/fd" /proc/self/fd "$(readlink "$mnt/dev/fd")"
expect_eq "/dev/stderr" /proc/self/fd/2 "$(readlink "$mnt/dev/stderr")"
expect_eq "/tmp mode" 1777 "$(stat -c %a "$mnt/tmp")"
expect_eq "/dev/shm mode" 1777 "$(stat -c %a "$mnt/dev/shm")"
expect_eq "mount points" "d d d" "$(stat -c %F "$mnt/proc" "$mnt/sys" "$mnt/dev/pts" | sed 's/directory/d/' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "env -i" "A=1" "$(chroot "$mnt" /usr/bin/env -i A=1 /usr/bin/env)"
expect_eq "env -u" "B=2" "$(chroot "$mnt" /usr/bin/env -i A=1 B=2 /usr/bin/env -u A)"
expect_status "env: missing utility" 127 chroot "$mnt" /usr/bin/env -i PATH=/usr/bin nothing-here
expect_stderr "env: missing utility" "nothing-here"
expect_status "env: not executable" 126 chroot "$mnt" /usr/bin/env /dev/null
expect_eq "env is not an input" "" "$(getfattr --absolute-names --only-values -n user.reapi.digest "$mnt/usr/bin/env" 2>/dev/null)"
unmount_root "$mnt"

# The input root's entries win over synthesized ones, with one log line.
tree=$TEST_TMP/tree
mkdir -p "$tree/usr/bin" "$tree/usr/lib" "$tree/proc"
printf 'not a directory\n' >"$tree/dev"
printf '#!/bin/sh\necho mine\n' >"$tree/usr/bin/env"
chmod +x "$tree/usr/bin/env"
printf 'lib\n' >"$tree/usr/lib/x"
printf 'p\n' >"$tree/proc/keep"
root=$("$CASROOT" put --cas "$cas" "$tree")
mount_root "$cas" "$root" "$mnt" 2>"$TEST_TMP/mount.err"
expect_eq "input dev file" "not a directory" "$(cat "$mnt/dev")"
expect_eq "input env" "$(cat "$tree/usr/bin/env")" "$(cat "$mnt/usr/bin/env")"
expect_eq "input usr/lib kept" lib "$(cat "$mnt/usr/lib/x")"
expect_eq "input proc kept" p "$(cat "$mnt/proc/keep")"
[ -d "$mnt/tmp" ] || fail "synthesized /tmp missing next to input entries"
grep -q "/dev: the input root's file is served in place of the synthesized directory" "$TEST_TMP/mount.err" ||
	fail "no log line for the conflict: $(cat "$TEST_TMP/mount.err")"
unmount_root "$mnt"

# Switches: each group off; all off gives exactly the input.
mount_root "$cas" "$root" "$mnt" --no-mountpoints
[ ! -e "$mnt/tmp" ] && [ ! -e "$mnt/sys" ] || fail "--no-mountpoints"
unmount_root "$mnt"
root=$("$CASROOT" put --cas "$cas" "$TEST_TMP/empty")
mount_root "$cas" "$root" "$mnt" --no-dev --no-env
expect_eq "--no-dev --no-env" "proc sys tmp" "$(ls "$mnt" | tr '\n' ' ' | sed 's/ $//')"
unmount_root "$mnt"
mount_root "$cas" "$root" "$mnt" --no-dev --no-env --no-mountpoints
expect_eq "all off" "" "$(ls -A "$mnt")"
expect_eq "all off: root is its digest" "$root" "$(getfattr --absolute-names --only-values -n user.reapi.digest "$mnt")"
unmount_root "$mnt"

# --env-binary serves another file.
mount_root "$cas" "$root" "$mnt" --env-binary /bin/true
cmp /bin/true "$mnt/usr/bin/env" || fail "--env-binary"
unmount_root "$mnt"
expect_status "--env-binary missing" 1 "$CASROOTFS" --cas "$cas" --root "$root" --env-binary /nonexistent "$mnt"
expect_stderr "--env-binary missing" "--env-binary /nonexistent: No such file"
