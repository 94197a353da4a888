#!/usr/bin/env bash
# `make demo`: the seed's problem and its fix, from nothing. A static program
# that lists /proc/self (and writes the list to bazel-out/k8-fastbuild/bin/out)
# is put into a CAS as a bare input root; run like Buildbarn's chroot runner
# runs it, it fails; run with `casroot exec`, it works.
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
CASROOT=$BUILD/bin/casroot
demo=$(mktemp -d /tmp/casroot-demo.XXXXXX)
trap 'rm -rf "$demo"' EXIT

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: run as root (sudo make demo): it mounts FUSE roots and creates namespaces" >&2
	exit 1
fi
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }

say "1. An input root with only the action's own program (no /usr/bin/env, no /proc, no /dev):"
mkdir -p "$demo/input/bin"
cp "$BUILD/tools/ls-proc" "$demo/input/bin/ls-proc"
(cd "$demo/input" && find . -mindepth 1 | sed 's/^/   /')
root=$("$CASROOT" put --cas "$demo/cas" "$demo/input")
action=$("$CASROOT" action --cas "$demo/cas" --root "$root" --env PATH=/bin \
	--output bazel-out/k8-fastbuild/bin/out -- ls-proc)
echo "   input root: $root"
echo "   action:     $action (ls-proc, PATH=/bin, output bazel-out/k8-fastbuild/bin/out)"

say "2. As Buildbarn's chroot runner starts it: chroot ROOT /usr/bin/env -- ls-proc"
chroot "$demo/input" /usr/bin/env -- ls-proc 2>&1 | sed 's/^/   /' || true
say "   and even started directly: chroot ROOT /bin/ls-proc"
chroot "$demo/input" /bin/ls-proc 2>&1 | sed 's/^/   /' || true

say "3. casroot exec --action $action --via-env"
"$CASROOT" exec --cas "$demo/cas" --action "$action" --via-env --json "$demo/result.json" | sed 's/^/   /'

say "4. Summary"
python3 - "$demo/result.json" <<'PY' 2>/dev/null || cat "$demo/result.json"
import json, sys
r = json.load(open(sys.argv[1]))
t = r["timings"]
print("   exit code:             %d" % r["exit_code"])
print("   ActionResult digest:   %s" % r["action_result_digest"])
for f in r["output_files"]:
    print("   output %-15s %s" % (f["path"].split("/")[-1] + ":", f["digest"]))
print("   timings:               mount %.3f s, run %.3f s, capture %.3f s, total %.3f s"
      % (t["mount_seconds"], t["execution_seconds"], t["capture_seconds"], t["total_seconds"]))
PY
