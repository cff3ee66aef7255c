package herald_test

import (
	"go/build"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/heraldhq/herald"

// layer names what a package may import from this module.
type layer struct {
	prefix string   // package path below the module, "" for the root
	may    []string // module packages it may import (prefixes)
}

// The dependency rule of ARCHITECTURE.md: arrows point inward. The root
// imports only the standard library; domain packages import the root; the
// commands import the domain; bot imports commands; an edge imports the
// domain but never a sibling edge; only cmd/ knows every package. A leaf
// under internal/ that imports only the standard library and other such
// leaves (internal/textfold; internal/textdist; internal/httpx, which uses
// internal/retryafter) is below everything: every package may import it.
var layers = []layer{
	{prefix: "brands", may: []string{""}},                       // tenancy: every domain asks it
	{prefix: "media", may: []string{""}},                        // pictures and videos: stored by content hash
	{prefix: "approvals", may: []string{"", "brands", "media"}}, // a revision holds text and media
	{prefix: "mentions", may: []string{"", "brands", "mentions/query", "mentions/web"}},
	{prefix: "mentions/web", may: []string{""}},                            // what sources share to read the web: part of the domain
	{prefix: "mentions/query", may: []string{""}},                          // the query language and matcher: part of the domain
	{prefix: "publish", may: []string{"", "brands", "approvals", "media"}}, // a post is an approved draft
	{prefix: "assist", may: []string{"", "brands", "media"}},               // media: the alt text rule and suggestions
	{prefix: "commands/when", may: []string{}},                             // WHEN parsing: the standard library only
	{prefix: "commands/i18n", may: []string{}},                             // the words in English and French: no module package
	// commands is the framework the adapters use (no domain); commands/kit
	// the shared base of the families; commands/handlers assembles them.
	{prefix: "commands", may: []string{"", "commands/when", "commands/i18n"}},
	{prefix: "commands/kit", may: []string{"", "brands", "approvals", "media", "mentions", "mentions/query", "publish", "assist", "commands", "commands/when", "commands/i18n"}},
	{prefix: "commands/handlers", may: []string{"", "brands", "approvals", "media", "mentions", "mentions/query", "publish", "assist", "commands", "commands/when", "commands/i18n", "commands/kit",
		"commands/brandcmd", "commands/draftcmd", "commands/publishcmd", "commands/assistcmd", "commands/listencmd", "commands/mediacmd"}}, // the assembly: every family
	{prefix: "commands/", may: []string{"", "brands", "approvals", "media", "mentions", "mentions/query", "publish", "assist", "commands", "commands/when", "commands/i18n", "commands/kit"}}, // a family: never a sibling family
	{prefix: "bot/", may: []string{"", "commands", "commands/i18n", "bot", "brands", "approvals", "media", "mentions", "mentions/query", "publish", "assist"}},
	{prefix: "bot", may: []string{"", "commands", "commands/i18n", "media"}}, // media: the downloader refuses files as the library does
	{prefix: "storage/storagetest", may: []string{"", "brands", "approvals", "media", "mentions", "mentions/query", "publish", "assist"}},
	// storage/sqlstore: what the SQL stores share that is not SQL (tally
	// folding, rollup buckets); not an edge, so the stores stay off each other.
	{prefix: "storage/sqlstore", may: []string{"", "brands", "approvals", "media", "mentions", "mentions/query", "publish", "assist"}},
	{prefix: "storage/", may: []string{"", "brands", "approvals", "media", "mentions", "mentions/query", "publish", "assist", "storage/sqlstore"}},
	{prefix: "cmd/", may: nil}, // wiring: anything
}

// domainParts are the sub-packages that are part of a domain package
// (not edges under it), with that domain: whoever may import the domain may
// import them.
var domainParts = map[string]string{"mentions/query": "mentions", "mentions/web": "mentions"}

// edgeExtras are the other domain packages an edge under a domain may
// import: a publishing target reads the media of the post it sends.
var edgeExtras = map[string][]string{"publish": {"media"}}

// edgeShared are edges that share another edge's client: the networks
// on Meta's Graph API (Facebook Pages, Instagram, Threads) speak it
// through publish/targets/meta.
var edgeShared = map[string][]string{
	"publish/targets/facebook":  {"publish/targets/meta"},
	"publish/targets/instagram": {"publish/targets/meta"},
	"publish/targets/threads":   {"publish/targets/meta"},
}

func TestDependencyRule(t *testing.T) {
	out, err := exec.Command("go", "list", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]*build.Package{}
	for _, path := range strings.Fields(string(out)) {
		pkg, err := build.Import(path, ".", 0)
		if err != nil {
			t.Fatalf("import %s: %v", path, err)
		}
		pkgs[strings.TrimPrefix(strings.TrimPrefix(path, module), "/")] = pkg
	}
	leaves := internalLeaves(pkgs)
	for rel, pkg := range pkgs {
		for _, imp := range pkg.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			target := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")
			if !leaves[target] && !allowed(rel, target) {
				t.Errorf("%s imports %s: against the dependency rule (ARCHITECTURE.md)", pkg.ImportPath, imp)
			}
		}
	}
}

// internalLeaves returns the internal/ packages that import only the
// standard library and other such leaves: the fixed point, grown from the
// stdlib-only ones, so an internal package importing a non-leaf (or the
// root, or a domain package) is never one.
func internalLeaves(pkgs map[string]*build.Package) map[string]bool {
	leaves := map[string]bool{}
	for grew := true; grew; {
		grew = false
		for rel, pkg := range pkgs {
			if leaves[rel] || !strings.HasPrefix(rel, "internal/") {
				continue
			}
			ok := true
			for _, imp := range pkg.Imports {
				target := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")
				if strings.HasPrefix(imp, module) && !leaves[target] {
					ok = false
					break
				}
				if !strings.HasPrefix(imp, module) && !stdlibOnly([]string{imp}) {
					ok = false
					break
				}
			}
			if ok {
				leaves[rel], grew = true, true
			}
		}
	}
	return leaves
}

// TestInternalLeaves checks that the one outbound client stays a leaf
// every package may import (stdlib and internal leaves only).
func TestInternalLeaves(t *testing.T) {
	out, err := exec.Command("go", "list", module+"/internal/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]*build.Package{}
	for _, path := range strings.Fields(string(out)) {
		pkg, err := build.Import(path, ".", 0)
		if err != nil {
			t.Fatalf("import %s: %v", path, err)
		}
		pkgs[strings.TrimPrefix(path, module+"/")] = pkg
	}
	leaves := internalLeaves(pkgs)
	for _, rel := range []string{"internal/httpx", "internal/retryafter", "internal/textfold", "internal/textdist"} {
		if !leaves[rel] {
			t.Errorf("%s is not a leaf: it imports %q; it may import only the standard library and internal leaves", rel, pkgs[rel].Imports)
		}
	}
}

// TestRootImportsStdlibOnly keeps the root package free of dependencies.
func TestRootImportsStdlibOnly(t *testing.T) {
	pkg, err := build.Import(module, ".", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !stdlibOnly(pkg.Imports) {
		t.Errorf("the root package imports %q; it may import only the standard library", pkg.Imports)
	}
}

// stdlibOnly reports whether every import is of the standard library (its
// paths have no dot in their first element).
func stdlibOnly(imports []string) bool {
	for _, imp := range imports {
		if first, _, _ := strings.Cut(imp, "/"); strings.Contains(first, ".") {
			return false
		}
	}
	return true
}

func allowed(from, to string) bool {
	if from == "" {
		return false
	}
	for _, l := range layers {
		if !matches(from, l.prefix) {
			continue
		}
		if l.may == nil {
			return true
		}
		for _, m := range l.may {
			if to == m {
				return true
			}
		}
		return false
	}
	if slices.Contains(edgeShared[from], to) {
		return true
	}
	// A fake beside an edge (publish/targets/webhook/webhooktest) may import
	// the edge it fakes.
	if dir := path.Dir(from); path.Base(from) == path.Base(dir)+"test" && to == dir {
		return true
	}
	// Such a fake may check what it receives with media's test helpers
	// (mediatest.Leaks: no location metadata reached the network).
	if dir := path.Dir(from); path.Base(from) == path.Base(dir)+"test" && to == "media/mediatest" {
		return true
	}
	// A package under a domain package (e.g. mentions/sources/rss) is an
	// edge: it may import the domain above it (with its sub-packages that
	// are part of the domain, such as mentions/query) and the root,
	// nothing else.
	domain, _, _ := strings.Cut(from, "/")
	return to == "" || to == domain || domainParts[to] == domain || slices.Contains(edgeExtras[domain], to)
}

func matches(pkg, prefix string) bool {
	if strings.HasSuffix(prefix, "/") {
		return strings.HasPrefix(pkg, prefix)
	}
	return pkg == prefix
}
