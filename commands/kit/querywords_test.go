package kit

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/heraldhq/herald/commands/i18n"
)

// TestQueryProblemsTranslated checks that every problem mentions/query
// reports (the English formats it passes to colErr and plainErr) has its
// case in queryProblem, so a new or reworded problem is not left in
// English for French readers.
func TestQueryProblemsTranslated(t *testing.T) {
	files, err := filepath.Glob("../../mentions/query/*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var formats []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			id, ok := call.Fun.(*ast.Ident)
			if !ok || (id.Name != "colErr" && id.Name != "plainErr") {
				return true
			}
			i := 0
			if id.Name == "colErr" {
				i = 1
			}
			if i < len(call.Args) {
				if lit, ok := call.Args[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					formats = append(formats, s)
				}
			}
			return true
		})
	}
	if len(formats) < 10 {
		t.Fatalf("found %d problem formats in mentions/query; the scan no longer sees them", len(formats))
	}
	args := []any{"x", "y"}
	for _, format := range formats {
		n := strings.Count(format, "%") - 2*strings.Count(format, "%%")
		a := args[:min(n, len(args))]
		if got := queryProblem(i18n.French, format, a); got == fmt.Sprintf(format, a...) {
			t.Errorf("queryProblem has no French for mentions/query's %q", format)
		}
	}
}
