package herald_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// domainDirs are the packages whose errors must not quote chat syntax:
// they return a code, a reason, facts and a plain sentence, and the command
// layer words the hint (commands/kit/hints.go), in the reader's language next.
var domainDirs = []string{".", "brands", "approvals", "publish", "mentions", "assist"}

// TestDomainErrorsWithoutChatSyntax fails when a domain package builds an
// error whose text holds a backtick (a quoted command): in a call to an
// Errorf (herald.Errorf, fmt.Errorf) or a herald.Error literal's Message.
func TestDomainErrorsWithoutChatSyntax(t *testing.T) {
	fset := token.NewFileSet()
	for _, dir := range domainDirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			f, err := parser.ParseFile(fset, name, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, lit := range errorTexts(f) {
				if s, err := strconv.Unquote(lit.Value); err == nil && strings.Contains(s, "`") {
					t.Errorf("%s: a domain error quotes chat syntax (%s); give it a Reason and Facts and word the hint in commands/kit/hints.go", fset.Position(lit.Pos()), lit.Value)
				}
			}
		}
	}
}

// errorTexts returns the string literals that become an error's text in f.
func errorTexts(f *ast.File) []*ast.BasicLit {
	var out []*ast.BasicLit
	add := func(e ast.Expr) {
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			out = append(out, lit)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if name := funcName(n.Fun); name == "Errorf" {
				for _, a := range n.Args {
					add(a)
				}
			}
		case *ast.CompositeLit:
			if funcName(n.Type) == "Error" {
				for _, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Message" {
							add(kv.Value)
						}
					}
				}
			}
		}
		return true
	})
	return out
}

// funcName is the name an expression ends with: Errorf for herald.Errorf.
func funcName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return ""
}
