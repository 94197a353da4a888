// The seed's action in pure Go (CGO_ENABLED=0): lists /proc/self into
// bazel-out/k8-fastbuild/bin/out and on stdout. The Go runtime itself reads
// /proc at start-up, which is what breaks under a bare chroot.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	entries, err := os.ReadDir("/proc/self")
	if err != nil {
		fmt.Fprintln(os.Stderr, "ls-proc-go:", err)
		os.Exit(1)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	out := filepath.Join("bazel-out", "k8-fastbuild", "bin", "out")
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "ls-proc-go:", err)
		os.Exit(1)
	}
	text := strings.Join(names, "\n") + "\n"
	if err := os.WriteFile(out, []byte(text), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "ls-proc-go:", err)
		os.Exit(1)
	}
	fmt.Print(text)
}
