package rules

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestPureImports keeps the functional core pure: no I/O, no clock, no
// adapters. Only the standard library's pure packages, cel-go, calendar and
// config may be imported.
func TestPureImports(t *testing.T) {
	banned := []string{"os", "os/exec", "net", "net/http", "database/sql", "log", "log/slog", "io/fs", "syscall",
		"github.com/sidewayscal/sideways/daemon", "github.com/sidewayscal/sideways/calendar/ics", "google.golang.org/api"}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, b := range banned {
				if path == b || strings.HasPrefix(path, b+"/") {
					t.Errorf("%s imports %s: package rules must stay free of I/O", f, path)
				}
			}
		}
	}
}
