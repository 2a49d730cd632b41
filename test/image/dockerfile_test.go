/*
Copyright 2026 The vllm-to-sglang Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

// Package image checks the Dockerfile against the tree. No Docker engine is
// needed (nor available in CI): the test reads the Dockerfile and asks the
// go tool what each command needs.
package image

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const root = "../.."

// dockerfile is what the test needs to know about the Dockerfile.
type dockerfile struct {
	copied  []string        // source folders COPY'd into the builder stage
	built   map[string]bool // ./cmd/X packages go-built
	shipped map[string]bool // /X binaries copied into the final image
}

var (
	copyDir  = regexp.MustCompile(`^COPY\s+([\w./-]+)/\s+[\w./-]+/?$`)
	goBuild  = regexp.MustCompile(`go build .*-o /out/(\S+) (\./cmd/\S+)`)
	shipLine = regexp.MustCompile(`^COPY --from=builder /out/(\S+) /(\S+)$`)
)

func readDockerfile(t *testing.T) dockerfile {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := dockerfile{built: map[string]bool{}, shipped: map[string]bool{}}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "&&"))
		if m := copyDir.FindStringSubmatch(line); m != nil {
			d.copied = append(d.copied, m[1])
		}
		for _, m := range goBuild.FindAllStringSubmatch(line, -1) {
			d.built[m[2]] = true
		}
		if m := shipLine.FindStringSubmatch(line); m != nil && m[1] == m[2] {
			d.shipped[m[1]] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return d
}

func commands(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(root, "cmd"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names
}

func TestTheImageShipsEveryCommandUnderCmd(t *testing.T) {
	d := readDockerfile(t)
	for _, name := range commands(t) {
		if !d.built["./cmd/"+name] {
			t.Errorf("the Dockerfile does not build ./cmd/%s", name)
		}
		if !d.shipped[name] {
			t.Errorf("the final image does not hold /%s", name)
		}
	}
}

func TestTheBuilderStageHasEverySourceFolderTheCommandsImport(t *testing.T) {
	d := readDockerfile(t)
	list := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "./cmd/...")
	list.Dir = root
	out, err := list.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const module = "github.com/vllm-to-sglang/vllm-to-sglang/"
	for _, pkg := range strings.Fields(string(out)) {
		rel, ok := strings.CutPrefix(pkg, module)
		if !ok {
			continue
		}
		if !copiedUnder(rel, d.copied) {
			t.Errorf("package %s is not under any folder the Dockerfile copies %v", rel, d.copied)
		}
	}
}

func copiedUnder(rel string, dirs []string) bool {
	for _, dir := range dirs {
		if rel == dir || strings.HasPrefix(rel, dir+"/") {
			return true
		}
	}
	return false
}
