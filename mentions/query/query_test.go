package query

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald"
)

func mustQuery(tb testing.TB, s string) *Query {
	tb.Helper()
	q, err := parse(s)
	if err != nil {
		tb.Fatalf("parse(%q): %v", s, err)
	}
	return q
}

func TestParseQuery(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		tests := []struct {
			in, canon string
			terms     []string
		}{
			{"acme", "acme", []string{"acme"}},
			{"  Acme  ", "Acme", []string{"Acme"}},
			{`"acme corp"`, `"acme corp"`, []string{"acme corp"}},
			{`"  acme   corp "`, `"acme corp"`, []string{"acme corp"}},
			{`“acme corp”`, `"acme corp"`, []string{"acme corp"}},
			{`«acme corp»`, `"acme corp"`, []string{"acme corp"}},
			{"acme OR acmecorp", "acme OR acmecorp", []string{"acme", "acmecorp"}},
			{"acme or acmecorp", "acme or acmecorp", []string{"acme", "or", "acmecorp"}},
			{"acme -job -hiring", "acme -job -hiring", []string{"acme"}},
			{`acme -"job offer"`, `acme -"job offer"`, []string{"acme"}},
			{`(acme OR acmecorp) "new store"`, `(acme OR acmecorp) "new store"`, []string{"acme", "acmecorp", "new store"}},
			{`acme OR acmecorp "new store"`, `(acme OR acmecorp) "new store"`, []string{"acme", "acmecorp", "new store"}},
			{"a OR b OR c", "a OR b OR c", []string{"a", "b", "c"}},
			{"(a OR b) OR c", "a OR b OR c", []string{"a", "b", "c"}},
			{"a (b c)", "a b c", []string{"a", "b", "c"}},
			{"a AND b", "a b", []string{"a", "b"}},
			{"a OR (b c)", "a OR (b c)", []string{"a", "b", "c"}},
			{"((acme))", "acme", []string{"acme"}},
			{"acme -(job OR hiring)", "acme -(job OR hiring)", []string{"acme"}},
			{"acme --acmecorp", "acme --acmecorp", []string{"acme", "acmecorp"}},
			{"acme site:reddit.com", "acme site:reddit.com", []string{"acme"}},
			{"acme site:https://www.Reddit.com/", "acme site:https://www.Reddit.com/", []string{"acme"}},
			{"acme SITE:reddit.com", "acme site:reddit.com", []string{"acme"}},
			{`acme author:"Jane Doe"`, `acme author:"Jane Doe"`, []string{"acme"}},
			{`acme author:“Jane Doe”`, `acme author:"Jane Doe"`, []string{"acme"}},
			{`acme author:«Jane Doe»`, `acme author:"Jane Doe"`, []string{"acme"}},
			{"acme author:@jane@mastodon.social", "acme author:@jane@mastodon.social", []string{"acme"}},
			{"acme lang:fr source:hn", "acme lang:fr source:hn", []string{"acme"}},
			{"acme lang:fr-CA -source:reddit", "acme lang:fr-CA -source:reddit", []string{"acme"}},
			{"l'acme Crédit", "l'acme Crédit", []string{"l'acme", "Crédit"}},
			{"acme-corp", "acme-corp", []string{"acme-corp"}},
			{"acme: 10:30 https://acme.com", "acme: 10:30 https://acme.com", []string{"acme:", "10:30", "https://acme.com"}},
			{`"OR" acme`, `"OR" acme`, []string{"OR", "acme"}},
			{"acme acme ACME", "acme acme ACME", []string{"acme"}},
			{"acme OR -job", "acme OR -job", []string{"acme"}},
			{"acme\t\n\"corp\"", `acme "corp"`, []string{"acme", "corp"}},
			{strings.Repeat("é", 500), strings.Repeat("é", 500), []string{strings.Repeat("é", 500)}},
		}
		for _, tt := range tests {
			q, err := parse(tt.in)
			if err != nil {
				t.Errorf("parse(%q): %v", tt.in, err)
				continue
			}
			if got := q.String(); got != tt.canon {
				t.Errorf("parse(%q).String() = %q, want %q", tt.in, got, tt.canon)
			}
			if diff := cmp.Diff(tt.terms, q.Terms()); diff != "" {
				t.Errorf("parse(%q).Terms() (-want +got):\n%s", tt.in, diff)
			}
			again := mustQuery(t, q.String())
			if diff := cmp.Diff(q, again, cmp.AllowUnexported(Query{}, node{})); diff != "" {
				t.Errorf("%q does not round-trip (-first +again):\n%s", tt.in, diff)
			}
		}
	})
	tests := []struct {
		name, in, msg string
	}{
		{"ErrEmpty", "   ", "the query is empty"},
		{"ErrUnclosedQuote", `acme "new store`, "column 6: unclosed quote"},
		{"ErrUnclosedCurlyQuote", `acme “new store`, "column 6: unclosed quote"},
		{"ErrEmptyQuotes", `acme ""`, "column 6: empty quotes"},
		{"ErrUnclosedParen", "(acme OR corp", "column 1: this ( is never closed"},
		{"ErrStrayParen", "acme) corp", "column 5: ) without a matching ("},
		{"ErrEmptyParens", "acme ()", "column 6: empty parentheses"},
		{"ErrLeadingOR", "OR acme", "column 1: OR needs a term on each side"},
		{"ErrTrailingOR", "acme OR", "column 6: OR needs a term on each side"},
		{"ErrDoubleOR", "acme OR OR corp", "column 6: OR needs a term on each side"},
		{"ErrORParen", "(acme OR) corp", "column 7: OR needs a term on each side"},
		{"ErrLeadingAND", "AND acme", "column 1: AND needs a term on each side"},
		{"ErrTrailingAND", "acme AND", "column 6: AND needs a term on each side"},
		{"ErrLoneMinus", "acme - job", "column 6: a - must be followed"},
		{"ErrTrailingMinus", "acme -", "column 6: a - must be followed"},
		{"ErrOnlyExclusions", "-job -hiring", "needs a word"},
		{"ErrOnlyFilters", "site:reddit.com lang:fr", "needs a word"},
		{"ErrExcludedGroup", "-(acme OR job) lang:fr", "needs a word"},
		{"ErrNoLetters", "acme 🚀", "column 6: \"🚀\" has no letters or digits"},
		{"ErrNoLettersPhrase", `acme "..."`, "column 6: \"...\" has no letters or digits"},
		{"ErrUnknownFilter", "acme titl:acme", "column 6: unknown filter titl:"},
		{"ErrFieldNoValue", "acme site:", "column 6: site: needs a value"},
		{"ErrFieldUnclosed", `acme author:"Jane`, "column 13: unclosed quote"},
		{"ErrFieldUnclosedGuillemet", `acme author:«Jane`, "column 13: unclosed quote"},
		{"ErrSitePath", "acme site:reddit.com/r/acme", "column 6: site: takes a host name"},
		{"ErrSiteBad", "acme site:a..b", "column 6: site: takes a host name"},
		{"ErrLang", "acme lang:french", "column 6: lang: takes a language code"},
		{"ErrSource", "acme source:twitter", "column 6: unknown source \"twitter\""},
		{"ErrAuthorEmpty", `acme author:"@"`, "column 6: author: needs a name"},
		{"ErrTooLong", strings.Repeat("a", 501), "column 501: the query is longer than 500 characters"},
		{"ErrTooLongHuge", strings.Repeat("acme ", 1<<20), "column 501: the query is longer than 500 characters"},
		{"ErrTooDeep", strings.Repeat("(", 11) + "a" + strings.Repeat(")", 11), "column 11: the query nests more than 10 levels"},
		{"ErrTooDeepMinus", strings.Repeat("-", 11) + "a", "column 11: the query nests more than 10 levels"},
		{"ErrTooManyTerms", strings.Repeat("a ", 51), "more than 50 terms"},
		{"ErrNotUTF8", "acme \xff", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := parse(tt.in)
			if err == nil {
				t.Fatalf("parse(%q) = %v, want an error", tt.in, q)
			}
			var he *herald.Error
			if !errors.As(err, &he) || he.Code != herald.EINVALID {
				t.Fatalf("parse(%q) error %v: not EINVALID", tt.in, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("parse(%q) = %q, want it to contain %q", tt.in, err, tt.msg)
			}
		})
	}
}

func TestQueryMatch(t *testing.T) {
	tests := []struct {
		query string
		item  Item
		want  bool
	}{
		// Words: case, accents, whole words.
		{"acme", Item{Text: "I love ACME products"}, true},
		{"acme", Item{Title: "Acme"}, true},
		{"acme", Item{Text: "acmes are great"}, false},
		{"acme", Item{Text: "acmecorp is hiring"}, false},
		{"acme", Item{Text: "#acme #promo"}, true},
		{"acme", Item{Text: "thanks @acme!"}, true},
		{"acme", Item{Text: "see https://www.acme.com/store"}, true},
		{"acme", Item{Text: "Acme's new store"}, true},
		{"credit", Item{Text: "Le Crédit Agricole"}, true},
		{"Crédit", Item{Text: "credit card"}, true},
		{"ete", Item{Text: "CET ÉTÉ"}, true},
		{"ÉTÉ", Item{Text: "cet été"}, true},
		{"acme", Item{Text: "j'adore l'Acme"}, true},
		{"acme", Item{Text: "l’avis d’ACME"}, true},
		{"l'acme", Item{Text: "j'adore l’acme"}, true},
		{"coeur", Item{Text: "Le cœur de la ville"}, true},
		{"strasse", Item{Text: "Hauptstraße 5"}, false},
		{"hauptstrasse", Item{Text: "Hauptstraße 5"}, true},
		{"acme", Item{Text: "ac me"}, false},
		{"acme", Item{}, false},
		// Phrases.
		{`"acme corp"`, Item{Text: "ACME  Corp. rocks"}, true},
		{`"acme corp"`, Item{Text: "Acme—corp"}, true},
		{`"acme corp"`, Item{Text: "acme big corp"}, false},
		{`"acme corp"`, Item{Title: "news from acme", Text: "corp stuff"}, false},
		{`"acme corp"`, Item{Text: "acmecorp"}, false},
		{"acme-corp", Item{Text: "acme corp"}, true},
		{`"new store"`, Item{Text: "Acme opens a NEW store in Lyon"}, true},
		// Boolean.
		{"acme OR acmecorp", Item{Text: "acmecorp"}, true},
		{"acme OR acmecorp", Item{Text: "acme inc"}, true},
		{"acme OR acmecorp", Item{Text: "initech"}, false},
		{"acme -job -hiring", Item{Text: "acme is hiring"}, false},
		{"acme -job -hiring", Item{Text: "acme is great"}, true},
		{`acme -"job offer"`, Item{Text: "acme job offer"}, false},
		{`acme -"job offer"`, Item{Text: "acme offer job"}, true},
		{`(acme OR acmecorp) "new store"`, Item{Text: "Acmecorp: a new store!"}, true},
		{`(acme OR acmecorp) "new store"`, Item{Text: "Acmecorp: a store!"}, false},
		{`acme OR acmecorp "new store"`, Item{Text: "acme"}, false},
		{"acme -(job OR hiring)", Item{Text: "acme jobs"}, true},
		{"acme -(job OR hiring)", Item{Text: "acme job"}, false},
		{"acme OR -job", Item{Text: "nothing"}, true},
		// Filters.
		{"acme site:reddit.com", Item{Text: "acme", URL: "https://www.reddit.com/r/x"}, true},
		{"acme site:reddit.com", Item{Text: "acme", URL: "https://reddit.com"}, true},
		{"acme site:reddit.com", Item{Text: "acme", URL: "https://old.Reddit.COM:443/r/x"}, true},
		{"acme site:reddit.com", Item{Text: "acme", URL: "https://notreddit.com/r/x"}, false},
		{"acme site:reddit.com", Item{Text: "acme", URL: "https://reddit.com.evil.io/"}, false},
		{"acme site:reddit.com", Item{Text: "acme", URL: "https://evil.io/?u=reddit.com"}, false},
		{"acme site:reddit.com", Item{Text: "acme", URL: "https://reddit.com@evil.io/"}, false},
		{"acme site:reddit.com", Item{Text: "acme"}, false},
		{"acme -site:pinterest.com", Item{Text: "acme", URL: "https://fr.pinterest.com/pin/1"}, false},
		{"acme author:jane", Item{Text: "acme", Author: "@Jane"}, true},
		{"acme author:jane", Item{Text: "acme", Author: "@jane@mastodon.social"}, true},
		{"acme author:jane", Item{Text: "acme", Author: "janet"}, false},
		{"acme author:@jane@mastodon.social", Item{Text: "acme", Author: "jane@mastodon.social"}, true},
		{"acme author:jane@mastodon.social", Item{Text: "acme", Author: "@jane@piaille.fr"}, false},
		{`acme author:"Hélène Dupont"`, Item{Text: "acme", Author: "helene dupont"}, true},
		{"acme author:spez", Item{Text: "acme", Author: "u/spez"}, true},
		{"acme lang:fr", Item{Text: "acme", Lang: "fr"}, true},
		{"acme lang:fr", Item{Text: "acme", Lang: "FR-ca"}, true},
		{"acme lang:fr", Item{Text: "acme", Lang: "fro"}, false},
		{"acme lang:fr", Item{Text: "acme"}, false},
		{"acme -lang:en", Item{Text: "acme"}, true},
		{"acme source:hn", Item{Text: "acme", Source: "hn"}, true},
		{"acme source:hn", Item{Text: "acme", Source: "reddit"}, false},
		// Other scripts.
		{"日本", Item{Text: "私は日本が好き"}, true},
		{"日本", Item{Text: "日曜日"}, false},
		{"москва", Item{Text: "Привет, МОСКВА!"}, true},
	}
	for _, tt := range tests {
		q := mustQuery(t, tt.query)
		if got := q.Match(&tt.item); got != tt.want {
			t.Errorf("%q.Match(%+v) = %v, want %v", tt.query, tt.item, got, tt.want)
		}
	}
}

func TestMatchedTerms(t *testing.T) {
	q := mustQuery(t, `(Acme OR acmecorp) "new store" -job Crédit`)
	it := &Item{Title: "ACME", Text: "a NEW store, credit"}
	if diff := cmp.Diff([]string{"Acme", "new store", "Crédit"}, q.MatchedTerms(it)); diff != "" {
		t.Errorf("MatchedTerms (-want +got):\n%s", diff)
	}
	if got := q.MatchedTerms(&Item{Text: "nothing"}); len(got) != 0 {
		t.Errorf("MatchedTerms of nothing = %q", got)
	}
}

func TestHighlight(t *testing.T) {
	tests := []struct {
		text  string
		terms []string
		want  []string // the highlighted substrings
	}{
		{"I love Acme!", []string{"acme"}, []string{"Acme"}},
		{"Le Crédit Agricole et le CRÉDIT", []string{"credit"}, []string{"Crédit", "CRÉDIT"}},
		{"j'adore l’Acme", []string{"acme"}, []string{"Acme"}},
		{"j'adore l’Acme", []string{"l'acme"}, []string{"l’Acme"}},
		{"#acme @acme acmes", []string{"acme"}, []string{"acme", "acme"}},
		{"ACME  Corp. opened", []string{"acme corp"}, []string{"ACME  Corp"}},
		{"acme corp", []string{"acme", "acme corp", "corp"}, []string{"acme corp"}},
		{"cafe\u0301 acme", []string{"café"}, []string{"cafe\u0301"}},
		{"Hauptstraße", []string{"hauptstrasse"}, []string{"Hauptstraße"}},
		{"日本が好き", []string{"日本", "好"}, []string{"日本", "好"}},
		{"acme acme", []string{"acme"}, []string{"acme", "acme"}},
		{"nothing here", []string{"acme"}, nil},
		{"acme", nil, nil},
		{"acme", []string{"", "..."}, nil},
	}
	for _, tt := range tests {
		rs := Highlight(tt.text, tt.terms)
		var got []string
		for _, r := range rs {
			got = append(got, tt.text[r[0]:r[1]])
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Highlight(%q, %q) (-want +got):\n%s", tt.text, tt.terms, diff)
		}
		checkRanges(t, tt.text, rs)
	}
}

func checkRanges(t *testing.T, text string, rs [][2]int) {
	t.Helper()
	for i, r := range rs {
		if r[0] < 0 || r[1] > len(text) || r[0] >= r[1] {
			t.Fatalf("Highlight(%q): bad range %v", text, r)
		}
		if i > 0 && r[0] <= rs[i-1][1] {
			t.Fatalf("Highlight(%q): ranges %v and %v overlap or touch", text, rs[i-1], r)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"acme", `"acme corp"`, "acme OR acmecorp", "acme -job -hiring", `acme -"job offer"`,
		`(acme OR acmecorp) "new store"`, "site:reddit.com acme", `author:"Jane Doe" acme`, "lang:fr source:hn acme",
		"((a OR b) (c OR -d)) AND e", `“acme” «corp»`, "a OR", "(", `"`, "-", "re:x", "--a", "acme –emploi", "a —(b OR c)", "−x y", "lʼacme Ac\u00ADme",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := parse(s)
		if err != nil {
			if herald.ErrorCode(err) != herald.EINVALID {
				t.Fatalf("parse(%q): %v is not EINVALID", s, err)
			}
			return
		}
		canon := q.String()
		again, err := parse(canon)
		if err != nil {
			t.Fatalf("parse(%q).String() = %q does not parse: %v", s, canon, err)
		}
		if !cmp.Equal(q, again, cmp.AllowUnexported(Query{}, node{})) {
			t.Fatalf("%q → %q → %q: not the same query", s, canon, again.String())
		}
		if len(q.Terms()) == 0 {
			t.Fatalf("parse(%q) has no terms", s)
		}
		it := &Item{Title: s, Text: strings.Join(q.Terms(), " ")}
		q.Match(it)
		for _, term := range q.MatchedTerms(it) {
			if !slices.Contains(q.Terms(), term) {
				t.Fatalf("MatchedTerms gives %q, not a term", term)
			}
		}
	})
}

func FuzzHighlight(f *testing.F) {
	f.Add("Le Crédit Agricole, l’Acme #acme", "credit", "acme corp")
	f.Add("e\u0301te\u0301 日本 ﬁn", "été", "fin")
	f.Add("\xff acme \xfe", "acme", "")
	f.Fuzz(func(t *testing.T, text, a, b string) {
		rs := Highlight(text, []string{a, b})
		checkRanges(t, text, rs)
		for _, r := range rs {
			if Fold(text[r[0]:r[1]]) == "" {
				t.Fatalf("Highlight(%q, %q, %q): range %v has no word", text, a, b, r)
			}
		}
	})
}

// testSources are the source kinds the tests' queries may name.
var testSources = []string{"rss", "hn", "reddit", "mastodon", "bluesky", "webhook"}

// parse is Parse with the source kinds of Herald.
func parse(s string) (*Query, error) { return Parse(s, testSources) }

// Issue 14, point 6: the dashes phones and word processors type for '-',
// the soft hyphen of news sites and the modifier letter apostrophe.
func TestTypographicDashesAndApostrophes(t *testing.T) {
	parses := []struct{ in, canon string }{
		{"acme –emploi", "acme -emploi"}, // en dash
		{"acme —emploi", "acme -emploi"}, // em dash
		{"acme −emploi", "acme -emploi"}, // minus sign
		{"acme –\"offre d'emploi\"", `acme -"offre d'emploi"`},
		{"acme –(job OR hiring)", "acme -(job OR hiring)"},
		{"acme –site:pinterest.com", "acme -site:pinterest.com"},
		{"acme-corp –emploi", "acme-corp -emploi"},
		{"acme–corp", "acme–corp"}, // inside a word it is a hyphen
	}
	for _, tt := range parses {
		q, err := parse(tt.in)
		if err != nil {
			t.Errorf("parse(%q): %v", tt.in, err)
			continue
		}
		if got := q.String(); got != tt.canon {
			t.Errorf("parse(%q).String() = %q, want %q", tt.in, got, tt.canon)
		}
	}
	if _, err := parse("acme – emploi"); err == nil || !strings.Contains(err.Error(), "column 6: a - must be followed") {
		t.Errorf("a lone en dash: %v, want the lone-minus error", err)
	}
	if _, err := parse("–emploi"); err == nil || !strings.Contains(err.Error(), "needs a word") {
		t.Errorf("an en dash alone before the only term: %v, want 'needs a word'", err)
	}
	matches := []struct {
		query string
		item  Item
		want  bool
	}{
		{"acme –emploi", Item{Text: "Acme recrute : offre d'emploi"}, false},
		{"acme –emploi", Item{Text: "Acme ouvre un magasin"}, true},
		{"acme —emploi", Item{Text: "acme emploi"}, false},
		{"acme −emploi", Item{Text: "acme emploi"}, false},
		{"acme–corp", Item{Text: "Acme Corp"}, true},
		// Soft hyphens, in the text and in the query, join.
		{"Rocketlauncher", Item{Text: "the Rocket\u00ADlauncher by Acme"}, true},
		{"rocket", Item{Text: "the Rocket\u00ADlauncher by Acme"}, false},
		{"Rocket\u00ADlauncher", Item{Text: "rocketlauncher"}, true},
		{"Rocket\u00ADlauncher", Item{Text: "rocket launcher"}, false},
		{"acme", Item{Text: "\u00ADAcme\u00AD news"}, true},
		// ʼ is an apostrophe, like ' and ’.
		{"acme", Item{Text: "lʼAcme"}, true},
		{"lʼacme", Item{Text: "l'acme"}, true},
		{"l'acme", Item{Text: "lʼACME"}, true},
		{"dʼacme", Item{Text: "d’acme"}, true},
	}
	for _, tt := range matches {
		q := mustQuery(t, tt.query)
		if got := q.Match(&tt.item); got != tt.want {
			t.Errorf("%q.Match(%+v) = %v, want %v", tt.query, tt.item, got, tt.want)
		}
		ix := NewIndex(map[int64]*Query{1: q})
		if got := len(ix.Match(&tt.item)) == 1; got != tt.want {
			t.Errorf("Index %q.Match(%+v) = %v, want %v", tt.query, tt.item, got, tt.want)
		}
	}
}
