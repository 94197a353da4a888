# casroot exec of an Action written by the independent reference encoder: the
# stored ActionResult, decoded by that same reference, has the right exit
# code, output file, Tree and root Directory digests (equal to casroot put of
# the same tree) and stdout/stderr digests.
. "$(dirname "$0")/lib.sh"
need_fuse

for layout in casd bazel; do
	cas=$TEST_TMP/cas-$layout
	root_tree=$TEST_TMP/input
	rm -rf "$root_tree"
	make_plain_root "$root_tree"
	rm -rf "$root_tree/proc" "$root_tree/sys" "$root_tree/tmp" "$root_tree/dev" # casrootfs provides them
	root=$("$CASROOT" put --cas "$cas" --layout $layout "$root_tree")
	script='mkdir -p out/dir/sub && printf "file\n" >out/file.txt && printf "a\n" >out/dir/a &&
printf "b\n" >out/dir/sub/b && chmod +x out/dir/sub/b && ln -s file.txt out/link &&
echo to-stdout && echo to-stderr >&2 && ls-proc >/dev/null && test "$GREETING" = hello'
	command=$(ref_message Command '{"arguments":["/bin/sh","-c","'"$(echo "$script" | tr '\n' ' ' | sed 's/"/\\"/g')"'"],
		"environmentVariables":[{"name":"GREETING","value":"hello"},{"name":"PATH","value":"/bin"}],
		"workingDirectory":"work","outputPaths":["out/dir","out/file.txt","out/link","out/missing"]}')
	action=$(ref_message Action '{"commandDigest":'"$(digest_json "$command")"',"inputRootDigest":'"$(digest_json "$root")"'}')

	mkdir -p "$TEST_TMP/tmp-$layout"
	TMPDIR=$TEST_TMP/tmp-$layout expect_status "exec ($layout)" 0 "$CASROOT" exec --cas "$cas" --action "$action" --json "$TEST_TMP/r.json"
	expect_eq "stdout passed through" to-stdout "$(cat "$TEST_TMP/stdout")"
	expect_eq "stderr passed through" to-stderr "$(cat "$TEST_TMP/stderr")"
	result=$(json_get "$TEST_TMP/r.json" action_result_digest)
	$PY "$REAPI_REF" decode --cas "$cas" --layout $layout ActionResult "$result" >"$TEST_TMP/result.json"
	get() { json_get "$TEST_TMP/result.json" "$1"; }

	expect_eq "exit code" None "$($PY -c 'import json,sys; print(json.load(open(sys.argv[1])).get("exit_code"))' "$TEST_TMP/result.json")"
	printf 'file\n' >"$TEST_TMP/expect-file"
	expect_eq "output file path" out/file.txt "$(get output_files.0.path)"
	expect_eq "output file digest" "$(sha_digest "$TEST_TMP/expect-file")" "$(get output_files.0.digest.hash)/$(get output_files.0.digest.size_bytes)"
	expect_eq "output symlink" "out/link -> file.txt" "$(get output_symlinks.0.path) -> $(get output_symlinks.0.target)"
	# The output directory equals `casroot put` of the same tree.
	mkdir -p "$TEST_TMP/expect-dir/sub"
	printf 'a\n' >"$TEST_TMP/expect-dir/a"
	printf 'b\n' >"$TEST_TMP/expect-dir/sub/b"
	chmod +x "$TEST_TMP/expect-dir/sub/b"
	expected_dir=$("$CASROOT" put --cas "$TEST_TMP/scratch" "$TEST_TMP/expect-dir")
	expect_eq "root_directory_digest" "$expected_dir" \
		"$(get output_directories.0.root_directory_digest.hash)/$(get output_directories.0.root_directory_digest.size_bytes)"
	tree="$(get output_directories.0.tree_digest.hash)/$(get output_directories.0.tree_digest.size_bytes)"
	$PY "$REAPI_REF" decode --cas "$cas" --layout $layout Tree "$tree" >"$TEST_TMP/tree.json"
	expect_eq "Tree children" 1 "$($PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["children"]))' "$TEST_TMP/tree.json")"
	expect_eq "Tree root" a "$(json_get "$TEST_TMP/tree.json" root.files.0.name)"
	printf 'to-stdout\n' >"$TEST_TMP/expect-out"
	printf 'to-stderr\n' >"$TEST_TMP/expect-err"
	expect_eq "stdout digest" "$(sha_digest "$TEST_TMP/expect-out")" "$(get stdout_digest.hash)/$(get stdout_digest.size_bytes)"
	expect_eq "stderr digest" "$(sha_digest "$TEST_TMP/expect-err")" "$(get stderr_digest.hash)/$(get stderr_digest.size_bytes)"
	# Every blob the result names is in the CAS.
	"$CASROOT" cat --cas "$cas" "$(json_get "$TEST_TMP/r.json" output_files.0.digest)" >/dev/null || fail "output blob missing"
	"$CASROOT" ls --cas "$cas" -R "$expected_dir" >/dev/null || fail "output Directories missing"
	if [ $layout = bazel ]; then
		ac=$cas/ac/${action:0:2}/${action%/*}
		[ -f "$ac" ] || fail "no ac/ entry for the action in the bazel layout"
		expect_eq "ac entry" "$result" "$(sha_digest "$ac")"
	fi
	expect_eq "nothing left behind" "" "$(exec_leftovers "$TEST_TMP/tmp-$layout")"
done
