package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// moduleRoot is the root of Herald's module, two levels above this package.
const moduleRoot = "../.."

// use is one English key found in the source, and where; format is set
// when it is a format (F, N), whose placeholders the French must keep.
type use struct {
	key    string
	at     string
	format bool
}

// sourceKeys scans every .go file of the module (tests aside) for the
// English words that reach the catalog: the string literal arguments of
// X.T("…"), X.F("…", …) and X.N(n, "…", "…"), and the Summary and Help
// of command definitions and parameters (help and Discord's descriptions
// look them up).
func sourceKeys(t *testing.T) []use {
	t.Helper()
	var uses []use
	fset := token.NewFileSet()
	err := filepath.WalkDir(moduleRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "vendor" || strings.HasPrefix(d.Name(), ".") && path != moduleRoot) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		consts := stringConsts(f)
		ast.Inspect(f, func(n ast.Node) bool {
			lits, format := keyLiterals(n, consts)
			for _, lit := range lits {
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Errorf("%s: %v", fset.Position(lit.Pos()), err)
					continue
				}
				uses = append(uses, use{key: s, at: fset.Position(lit.Pos()).String(), format: format})
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return uses
}

// keyLiterals returns the catalog keys node n writes as literals, and
// whether they are formats.
func keyLiterals(n ast.Node, consts map[string]*ast.BasicLit) ([]*ast.BasicLit, bool) {
	switch n := n.(type) {
	case *ast.CallExpr:
		sel, ok := n.Fun.(*ast.SelectorExpr)
		if !ok {
			return nil, false
		}
		switch {
		case sel.Sel.Name == "T" && len(n.Args) == 1:
			return stringLits(n.Args[:1]), false
		case sel.Sel.Name == "F" && len(n.Args) >= 1:
			return stringLits(n.Args[:1]), true
		case sel.Sel.Name == "N" && len(n.Args) == 3:
			if lits := stringLits(n.Args[1:]); len(lits) == 2 {
				return lits, true
			}
		}
	case *ast.CompositeLit:
		if !definition(n.Type) {
			return nil, false
		}
		var out []*ast.BasicLit
		for _, e := range n.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			if k, isIdent := kv.Key.(*ast.Ident); isIdent && (k.Name == "Summary" || k.Name == "Help") {
				if id, ok := kv.Value.(*ast.Ident); ok && consts[id.Name] != nil { // Help: draftHelp
					out = append(out, consts[id.Name])
					continue
				}
				out = append(out, stringLits([]ast.Expr{kv.Value})...)
			}
		}
		return out, false
	}
	return nil, false
}

// definition reports whether a composite literal of type t may be a
// command definition or parameter: commands.Def, commands.Param, or a type
// left out (an element of []commands.Param).
func definition(t ast.Expr) bool {
	switch t := t.(type) {
	case nil:
		return true
	case *ast.Ident:
		return t.Name == "Def" || t.Name == "Param"
	case *ast.SelectorExpr:
		return t.Sel.Name == "Def" || t.Sel.Name == "Param"
	case *ast.UnaryExpr:
		return definition(t.X)
	}
	return false
}

// stringConsts maps the string constants (and variables) a file declares to their
// literal: a definition's Help may name one.
func stringConsts(f *ast.File) map[string]*ast.BasicLit {
	out := map[string]*ast.BasicLit{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST && g.Tok != token.VAR {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if i < len(vs.Values) {
					if lits := stringLits(vs.Values[i : i+1]); len(lits) == 1 {
						out[name.Name] = lits[0]
					}
				}
			}
		}
	}
	return out
}

// stringLits returns the string literals among args.
func stringLits(args []ast.Expr) []*ast.BasicLit {
	var out []*ast.BasicLit
	for _, a := range args {
		if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			out = append(out, lit)
		}
	}
	return out
}

// verbRE matches a fmt verb, with its explicit argument index if any.
var verbRE = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*(?:\d+|\*)?(?:\.\d+)?([a-zA-Z%])`)

// verbs maps each argument a format reads (1-based) to the verbs that
// read it, sorted: "Draft #%v by %s" → {1: [v], 2: [s]}. A translation
// may reorder its arguments (%[2]s), not change what it prints.
func verbs(format string) map[int][]string {
	out := map[int][]string{}
	next := 1
	for _, m := range verbRE.FindAllStringSubmatch(format, -1) {
		if m[2] == "%" {
			continue
		}
		arg := next
		if m[1] != "" {
			arg, _ = strconv.Atoi(m[1])
		}
		out[arg] = append(out[arg], m[2])
		next = arg + 1
	}
	for _, v := range out {
		sort.Strings(v)
	}
	return out
}

func sameVerbs(a, b map[int][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// TestCatalogComplete: every English sentence of the source has its
// French in fr/*.txt with the same placeholders, and every French entry
// is still used.
func TestCatalogComplete(t *testing.T) {
	if _, err := os.Stat(filepath.Join(moduleRoot, "go.mod")); err != nil {
		t.Fatalf("the module root is not at %s: %v", moduleRoot, err)
	}
	used := map[string]bool{}
	for _, u := range sourceKeys(t) {
		if u.key == "" {
			continue
		}
		used[u.key] = true
		fr, ok := french[u.key]
		switch {
		case !ok:
			t.Errorf("%s: no French for %q (add it to commands/i18n/fr/*.txt)", u.at, u.key)
		case u.format && !sameVerbs(verbs(u.key), verbs(fr)):
			t.Errorf("%s: the French of %q, %q, has other placeholders", u.at, u.key, fr)
		}
	}
	for key := range french {
		if !used[key] {
			t.Errorf("the catalog's %q is used nowhere in the source (remove it)", key)
		}
	}
}

// TestVerbs checks the placeholder comparison itself.
func TestVerbs(t *testing.T) {
	for _, tt := range []struct {
		en, fr string
		same   bool
	}{
		{"Draft #%v by %s.", "Brouillon n° %v par %s.", true},
		{"Draft #%v by %s.", "Par %[2]s : brouillon n° %[1]v.", true},
		{"%d%% done", "%d %% fait", true},
		{"Draft #%v.", "Brouillon n° %d.", false},
		{"%s and %s", "%s", false},
		{"%q is not", "%s n'est pas", false},
		{"%-*s x", "%-*s y", true},
	} {
		if got := sameVerbs(verbs(tt.en), verbs(tt.fr)); got != tt.same {
			t.Errorf("sameVerbs(%q, %q) = %v; want %v", tt.en, tt.fr, got, tt.same)
		}
	}
}
