# Bad CAS content fails only where it is: EIO on that path with one log line
# naming digest, path and reason; everything else keeps being served. A bad
# root is refused before mounting.
. "$(dirname "$0")/lib.sh"
need_fuse

cas=$TEST_TMP/cas
mnt=$TEST_TMP/mnt
tree=$TEST_TMP/tree
mkdir -p "$tree/good" "$tree/missing-dir" "$tree/corrupt-dir" "$tree/bad-dir"
printf 'good\n' >"$tree/good/file"
printf 'lost\n' >"$tree/lost-file"
printf 'tampered\n' >"$tree/tampered-file"
printf 'only in missing\n' >"$tree/missing-dir/x"
printf 'only in corrupt\n' >"$tree/corrupt-dir/y"
printf 'only in bad\n' >"$tree/bad-dir/z"
root=$("$CASROOT" put --cas "$cas" "$tree")
digest_of() { # the digest of an entry, from its parent's listing
	local parent name=${1##*/}
	parent=$(dirname "$1")
	[ "$parent" = . ] && parent= || parent=/$parent
	"$CASROOT" ls --cas "$cas" -l "$root$parent" | awk -v n="$name" '$4 == n || $4 == n"/" {print $3}'
}
path_of() { d=$(digest_of "$1"); blob_path "$cas" casd "${d%/*}"; }

rm -f "$(path_of lost-file)" "$(path_of missing-dir)"
f=$(path_of tampered-file); chmod u+w "$f"; printf 'TAMPERED\n' >"$f"
f=$(path_of corrupt-dir); chmod u+w "$f"; printf 'x' >>"$f"
# bad-dir: replace its blob by a non-canonical Directory with the same digest? Impossible by
# definition; instead point a fresh root at a stored, non-canonical Directory.
nc=$($PY "$REAPI_REF" put-message --cas "$cas" --layout casd Directory \
	'{"files":[{"name":"b","digest":{"hash":"'"$(digest_of good/file | cut -d/ -f1)"'","sizeBytes":5}},{"name":"a","digest":{"hash":"'"$(digest_of good/file | cut -d/ -f1)"'","sizeBytes":5}}]}')
top=$($PY "$REAPI_REF" put-message --cas "$cas" --layout casd Directory \
	'{"directories":[{"name":"nc","digest":{"hash":"'"${nc%/*}"'","sizeBytes":"'"${nc#*/}"'"}},{"name":"ok","digest":{"hash":"'"${root%/*}"'","sizeBytes":"'"${root#*/}"'"}}]}')

mount_root "$cas" "$top" "$mnt" --verify-files
r=$mnt/ok
expect_eq "good file" good "$(cat "$r/good/file")"
expect_status "missing file blob" 1 cat "$r/lost-file"
expect_stderr "missing file blob" "Input/output error"
expect_status "missing Directory" 2 ls "$r/missing-dir"
expect_stderr "missing Directory" "Input/output error"
expect_status "corrupt Directory" 2 ls "$r/corrupt-dir"
expect_status "non-canonical Directory" 2 ls "$mnt/nc"
expect_status "verify-files" 1 cat "$r/tampered-file"
expect_eq "still serving" "only in bad" "$(cat "$r/bad-dir/z")"
expect_eq "listing with broken entries" "bad-dir corrupt-dir good lost-file missing-dir tampered-file" \
	"$(ls "$r" | tr '\n' ' ' | sed 's/ $//')"
# The broken directory stays broken without new log lines.
ls "$r/missing-dir" 2>/dev/null && fail "missing-dir listed"
unmount_root "$mnt"

log=$TEST_TMP/casrootfs.log
check_log() { # what pattern
	[ "$(grep -cE -- "$2" "$log")" -eq 1 ] || fail "$1: expected one log line matching '$2' in: $(cat "$log")"
}
check_log "missing file" "blob $(digest_of lost-file) \\(/ok/lost-file\\): missing from the CAS"
check_log "missing Directory" "Directory $(digest_of missing-dir) \\(/ok/missing-dir\\): missing from the CAS"
check_log "corrupt Directory" "Directory $(digest_of corrupt-dir) \\(/ok/corrupt-dir\\): content does not match"
check_log "non-canonical" "Directory $nc \\(/nc\\): files are not sorted"
check_log "tampered" "blob $(digest_of tampered-file) \\(/ok/tampered-file\\): content does not match"

# A bad root is refused before mounting.
expect_status "missing root" 1 "$CASROOTFS" --cas "$cas" --root "$(digest_of missing-dir)" "$mnt"
expect_stderr "missing root" "Directory $(digest_of missing-dir) \\(/\\): missing from the CAS"
expect_status "non-canonical root" 1 "$CASROOTFS" --cas "$cas" --root "$nc" "$mnt"
expect_stderr "non-canonical root" "not sorted"
expect_status "malformed root digest" 2 "$CASROOTFS" --cas "$cas" --root "abc/1" "$mnt"
expect_stderr "malformed root digest" "--root abc/1: hash has 3 characters"
expect_status "no CAS" 1 "$CASROOTFS" --cas "$TEST_TMP/nowhere" --root "$root" "$mnt"
expect_stderr "no CAS" "CAS .*nowhere: No such file"
expect_status "no mount point" 1 "$CASROOTFS" --cas "$cas" --root "$root" "$TEST_TMP/nowhere"
expect_stderr "no mount point" "mount point .*nowhere"
expect_status "bad flag" 2 "$CASROOTFS" --frob
expect_status "bad owner" 2 "$CASROOTFS" --owner x:y --root "$root" "$mnt"
expect_stderr "bad owner" "--owner expects UID:GID"
mountpoint -q "$mnt" && fail "something is mounted after refusals"
"$CASROOTFS" --help | grep -q Usage || fail "--help"
"$CASROOTFS" --version | grep -q '^casrootfs ' || fail "--version"
