# Bad input to casroot put/ls/cat: each gives the documented exit status and
# one line naming the digest or argument and the rule broken.
. "$(dirname "$0")/lib.sh"

cas=$TEST_TMP/cas
tree=$TEST_TMP/tree
mkdir -p "$tree/sub"
printf 'hello\n' >"$tree/sub/hello.txt"
root=$("$CASROOT" put --cas "$cas" "$tree")
sub=$("$CASROOT" ls --cas "$cas" -l "$root" | awk '{print $3}')
hello=5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03

# Usage errors: exit 2.
expect_status "bad flag" 2 "$CASROOT" ls --frobnicate "$root"
expect_stderr "bad flag" "unrecognized option|unknown option"
expect_status "bad digest" 2 "$CASROOT" cat --cas "$cas" "${hello^^}/6"
expect_stderr "bad digest" "digest \"${hello^^}/6\": .*lowercase"
expect_status "negative size" 2 "$CASROOT" cat --cas "$cas" "$hello/-6"
expect_stderr "negative size" "negative"
expect_status "bad layout" 2 "$CASROOT" put --layout zip "$tree"
expect_stderr "bad layout" "--layout zip"
expect_status "unknown command" 2 "$CASROOT" frob
expect_status "no PATH" 2 "$CASROOT" put --cas "$cas"
for b in "$CASROOT put" "$CASROOT ls" "$CASROOT cat" "$CASROOT"; do
	$b --help | grep -q Usage || fail "$b --help"
	$b --version | grep -Eq '^casroot [0-9]' || fail "$b --version"
done

# Missing blob: exit 1 naming the digest.
missing=0000000000000000000000000000000000000000000000000000000000000000/10
expect_status "missing blob" 1 "$CASROOT" cat --cas "$cas" "$missing"
expect_stderr "missing blob" "blob $missing: missing from the CAS"
expect_status "missing root" 1 "$CASROOT" ls --cas "$cas" "$missing"
expect_stderr "missing root" "Directory $missing \\(/\\): missing from the CAS"
expect_status "missing path" 1 "$CASROOT" ls --cas "$cas" "$root/nope"
expect_stderr "missing path" "nope: no such entry"
expect_status "put of a missing tree" 1 "$CASROOT" put --cas "$cas" "$TEST_TMP/absent"
expect_stderr "put of a missing tree" "absent.*No such file"

# Corrupt blob (same size, other content): cat and ls refuse it.
chmod u+w "$(blob_path "$cas" casd $hello)"
printf 'HELLO\n' >"$(blob_path "$cas" casd $hello)"
expect_status "corrupt blob" 1 "$CASROOT" cat --cas "$cas" "$hello/6"
expect_stderr "corrupt blob" "blob $hello/6: content does not match its digest"
[ ! -s "$TEST_TMP/stdout" ] || fail "cat wrote a corrupt blob to stdout"
subhash=${sub%/*}
chmod u+w "$(blob_path "$cas" casd "$subhash")"
printf 'x' >>"$(blob_path "$cas" casd "$subhash")"
expect_status "corrupt Directory" 1 "$CASROOT" ls --cas "$cas" -R "$root"
expect_stderr "corrupt Directory" "Directory $sub \\(sub\\): content does not match"

# Non-canonical Directories stored under their own digest.
nc() { $PY "$REAPI_REF" put-message --cas "$cas" --layout casd Directory "$1"; }
d=$(nc '{"files":[{"name":"b","digest":{"hash":"'$hello'","sizeBytes":6}},{"name":"a","digest":{"hash":"'$hello'","sizeBytes":6}}]}')
expect_status "unsorted" 1 "$CASROOT" ls --cas "$cas" "$d"
expect_stderr "unsorted" "Directory $d \\(/\\): files are not sorted: \"b\" comes before \"a\""
d=$(nc '{"files":[{"name":"x","digest":{"hash":"'$hello'","sizeBytes":6}}],"directories":[{"name":"x","digest":{"hash":"'$hello'","sizeBytes":6}}]}')
expect_status "duplicate" 1 "$CASROOT" ls --cas "$cas" "$d"
expect_stderr "duplicate" "name \"x\" appears in more than one list"
d=$(nc '{"symlinks":[{"name":"a/b","target":"t"}]}')
expect_status "slash" 1 "$CASROOT" ls --cas "$cas" "$d"
expect_stderr "slash" "contains '/'"
d=$(nc '{"files":[{"name":"..","digest":{"hash":"'$hello'","sizeBytes":6}}]}')
expect_status "dotdot" 1 "$CASROOT" ls --cas "$cas" "$d"
expect_stderr "dotdot" "named \"..\""
d=$(nc '{"files":[{"name":"f","digest":{"hash":"ABC","sizeBytes":6}}]}')
expect_status "bad child digest" 1 "$CASROOT" ls --cas "$cas" "$d"
expect_stderr "bad child digest" "file \"f\": hash has 3 characters"
# A blob that is no Directory at all.
printf 'NAME="not a Directory"\nID=text\n' >"$TEST_TMP/text"
d=$($PY "$REAPI_REF" put-blob --cas "$cas" --layout casd "$TEST_TMP/text")
expect_status "not a Directory" 1 "$CASROOT" ls --cas "$cas" "$d"
expect_stderr "not a Directory" "Directory $d \\(/\\): is not a decodable Directory message"
