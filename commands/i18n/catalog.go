package i18n

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"strings"
)

// The French catalog: fr/*.txt, one file per area so areas are edited
// apart. Each entry is two lines,
//
//	en: Draft #%v is approved.
//	fr: Le brouillon n° %v est approuvé.
//
// separated from the next by a blank line; "#" starts a comment line; "\n"
// in a line is a newline. The catalog is read once; a malformed file stops
// Herald at start (and fails the tests).
//
//go:embed fr/*.txt
var frFiles embed.FS

var french = mustLoad(frFiles)

func mustLoad(fsys fs.FS) map[string]string {
	m, err := load(fsys)
	if err != nil {
		panic(err)
	}
	return m
}

// load reads every catalog file of fsys into one map.
func load(fsys fs.FS) (map[string]string, error) {
	m := map[string]string{}
	names, err := fs.Glob(fsys, "fr/*.txt")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if err := parse(name, string(b), m); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// parse adds the entries of one catalog file to m; a key defined twice
// (in any file) is an error.
func parse(name, text string, m map[string]string) error {
	var en string
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		s := sc.Text()
		switch {
		case strings.TrimSpace(s) == "" || strings.HasPrefix(s, "#"):
			if en != "" {
				return fmt.Errorf("%s:%d: %q has no fr: line", name, line, en)
			}
		case strings.HasPrefix(s, "en: "):
			if en != "" {
				return fmt.Errorf("%s:%d: %q has no fr: line", name, line, en)
			}
			en = unescape(s[len("en: "):])
			if _, dup := m[en]; dup {
				return fmt.Errorf("%s:%d: %q is defined twice", name, line, en)
			}
		case strings.HasPrefix(s, "fr: ") && en != "":
			m[en] = unescape(s[len("fr: "):])
			en = ""
		default:
			return fmt.Errorf("%s:%d: expected \"en: \", \"fr: \", a comment or a blank line", name, line)
		}
	}
	if en != "" {
		return fmt.Errorf("%s: %q has no fr: line", name, en)
	}
	return sc.Err()
}

func unescape(s string) string { return strings.ReplaceAll(s, `\n`, "\n") }
