package kit

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/mentions/query"
)

// checkExcerpt checks what every excerpt must be: valid UTF-8, within the
// snippet budget (plus the two ellipses), marks ascending, on character
// boundaries and kept whole by Segments, each marking one of terms.
func checkExcerpt(t *testing.T, e *commands.Excerpt, terms []string) {
	t.Helper()
	if !utf8.ValidString(e.Text) {
		t.Fatalf("excerpt %q is not valid UTF-8", e.Text)
	}
	if n := utf8.RuneCountInString(e.Text); n > snippetRunes+2 {
		t.Errorf("excerpt has %d characters; want at most %d", n, snippetRunes+2)
	}
	var marked []string
	var joined strings.Builder
	for _, s := range e.Segments() {
		joined.WriteString(s.Text)
		if s.Marked {
			marked = append(marked, s.Text)
		}
	}
	if joined.String() != e.Text {
		t.Errorf("segments do not spell the excerpt")
	}
	if len(marked) != len(e.Marks) {
		t.Errorf("Segments kept %d of %d marks %v in %q: some are invalid", len(marked), len(e.Marks), e.Marks, e.Text)
	}
	for _, m := range marked {
		if !slices.Contains(terms, query.Fold(m)) {
			t.Errorf("marked %q, which is none of the terms %q", m, terms)
		}
	}
}

func TestMentionExcerpt(t *testing.T) {
	filler := strings.Repeat("lorem ipsum dolor sit amet ", 40) // 1080 bytes
	accents := strings.Repeat("Élodie a trouvé ça très réussi à Besançon 🎉🎉 ", 20)
	tests := []struct {
		name       string
		m          mentions.Mention
		wantText   string   // exact, when set
		wantMarked []string // the marked runs, in order
		lead, tail bool     // a leading / trailing "…"
	}{
		{
			name:       "OKShort",
			m:          mentions.Mention{Text: "I love Acme and acme corp's store.", Terms: []string{"acme"}},
			wantText:   "I love Acme and acme corp's store.",
			wantMarked: []string{"Acme", "acme"},
		},
		{
			name:       "OKPhraseWins",
			m:          mentions.Mention{Text: "Acme Corp opens in Lyon.", Terms: []string{"acme", "acme corp"}},
			wantText:   "Acme Corp opens in Lyon.",
			wantMarked: []string{"Acme Corp"},
		},
		{
			name:       "OKTitleFirst",
			m:          mentions.Mention{Title: "Acme opens", Text: "The new store is big.", Terms: []string{"acme"}},
			wantText:   "Acme opens\nThe new store is big.",
			wantMarked: []string{"Acme"},
		},
		{
			name:     "OKTitleRepeatedInText",
			m:        mentions.Mention{Title: "Acme opens", Text: "Acme opens a store.", Terms: []string{"acme"}},
			wantText: "Acme opens a store.", wantMarked: []string{"Acme"},
		},
		{
			name:       "OKAccentInsensitive",
			m:          mentions.Mention{Text: "Le Crédit Agricole et le credit mutuel", Terms: []string{"credit"}},
			wantText:   "Le Crédit Agricole et le credit mutuel",
			wantMarked: []string{"Crédit", "credit"},
		},
		{
			name:       "OKLongTermNearEnd",
			m:          mentions.Mention{Text: filler + "and then Acme shipped it. The end.", Terms: []string{"acme"}},
			wantMarked: []string{"Acme"},
			lead:       true,
		},
		{
			name:       "OKLongTermAtStart",
			m:          mentions.Mention{Text: "Acme! " + filler, Terms: []string{"acme"}},
			wantMarked: []string{"Acme"},
			tail:       true,
		},
		{
			name:       "OKLongTermInMiddle",
			m:          mentions.Mention{Text: filler + " ACME " + filler, Terms: []string{"acme"}},
			wantMarked: []string{"ACME"},
			lead:       true, tail: true,
		},
		{
			name: "OKLongNoTerms",
			m:    mentions.Mention{Text: filler},
			tail: true,
		},
		{
			name:       "OKMultiByte",
			m:          mentions.Mention{Text: accents + "Enfin la crème brûlée d'Acmé ✨ arrive. " + accents, Terms: []string{"acme", "creme brulee"}},
			wantMarked: []string{"crème brûlée", "Acmé"},
			lead:       true, tail: true,
		},
		{
			name:       "OKEmojiOnly",
			m:          mentions.Mention{Text: strings.Repeat("🎉", 300) + " acme " + strings.Repeat("👍🏽", 300), Terms: []string{"acme"}},
			wantMarked: []string{"acme"},
			lead:       true, tail: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mentionExcerpt(tt.m)
			if e == nil {
				t.Fatal("no excerpt")
			}
			var folded []string
			for _, term := range tt.m.Terms {
				folded = append(folded, query.Fold(term))
			}
			checkExcerpt(t, e, folded)
			if tt.wantText != "" && e.Text != tt.wantText {
				t.Errorf("text = %q; want %q", e.Text, tt.wantText)
			}
			var marked []string
			for _, s := range e.Segments() {
				if s.Marked {
					marked = append(marked, s.Text)
				}
			}
			// The window may hold later occurrences too; the first ones
			// must be those wanted, in order.
			if len(marked) < len(tt.wantMarked) || !slices.Equal(marked[:len(tt.wantMarked)], tt.wantMarked) {
				t.Errorf("marked %q; want %q first", marked, tt.wantMarked)
			}
			if got := strings.HasPrefix(e.Text, "…"); got != tt.lead {
				t.Errorf("leading ellipsis = %v; want %v: %q", got, tt.lead, e.Text)
			}
			if got := strings.HasSuffix(e.Text, "…"); got != tt.tail {
				t.Errorf("trailing ellipsis = %v; want %v: %q", got, tt.tail, e.Text)
			}
		})
	}
	t.Run("OKEmpty", func(t *testing.T) {
		if e := mentionExcerpt(mentions.Mention{Title: "  ", Text: "\n"}); e != nil {
			t.Errorf("excerpt of nothing = %+v; want nil", e)
		}
	})
}

// TestWindow checks window's contract over many cut points: at most n
// characters, on character boundaries, holding the first mark whole and
// using the whole budget whenever the text is longer than n.
func TestWindow(t *testing.T) {
	const n = 40
	texts := []string{
		strings.Repeat("ab cd ", 30),
		strings.Repeat("é à ç ", 30),
		strings.Repeat("🎉 ", 60),
		strings.Repeat("x", 200),                           // no space to snap to
		strings.Repeat("👍🏽", 50) + strings.Repeat("é", 50), // combining sequences
	}
	for _, text := range texts {
		for start := 0; start < len(text); start++ {
			if !utf8.RuneStart(text[start]) {
				continue
			}
			_, size := utf8.DecodeRuneInString(text[start:])
			mark := [2]int{start, start + size}
			lo, hi := window(text, [][2]int{mark}, n)
			if !boundary(text, lo) || !boundary(text, hi) || lo > hi {
				t.Fatalf("window(%q…, mark at %d) = %d, %d: not on character boundaries", text[:10], start, lo, hi)
			}
			if got := utf8.RuneCountInString(text[lo:hi]); got != n {
				t.Fatalf("window(mark at %d of %d bytes) holds %d characters; want %d", start, len(text), got, n)
			}
			if lo > mark[0] || hi < mark[1] {
				t.Fatalf("window(mark at %v) = [%d, %d): the mark is not inside", mark, lo, hi)
			}
		}
	}
	t.Run("OKShortText", func(t *testing.T) {
		if lo, hi := window("é acme", [][2]int{{3, 7}}, n); lo != 0 || hi != len("é acme") {
			t.Errorf("window of a short text = %d, %d; want all of it", lo, hi)
		}
	})
	t.Run("OKNoMarks", func(t *testing.T) {
		text := strings.Repeat("é", 100)
		if lo, hi := window(text, nil, n); lo != 0 || hi != 2*n {
			t.Errorf("window without marks = %d, %d; want the first %d characters", lo, hi, n)
		}
	})
}

// FuzzMentionExcerpt feeds mention text and terms from the web: the
// excerpt never panics, stays within budget, and its marks are all valid
// (Segments keeps every one) and fall on the terms.
func FuzzMentionExcerpt(f *testing.F) {
	f.Add("Acme opens", "J'adore le nouveau magasin Acme à Lyon.", "acme")
	f.Add("", strings.Repeat("lorem ipsum ", 60)+"Acme Corp"+strings.Repeat(" dolor", 60), "acme corp")
	f.Add("", strings.Repeat("🎉", 300)+" crème brûlée "+strings.Repeat("👍🏽", 300), "creme brulee")
	f.Add("t", "\xff\xfe acme \xc3", "acme")
	f.Add("", strings.Repeat("é", 500)+"acme", "acme")
	f.Fuzz(func(t *testing.T, title, text, term string) {
		e := mentionExcerpt(mentions.Mention{Title: title, Text: text, Terms: []string{term}})
		if e == nil {
			if strings.TrimSpace(title) != "" || strings.TrimSpace(text) != "" {
				t.Fatalf("no excerpt of %q / %q", title, text)
			}
			return
		}
		if utf8.ValidString(title) && utf8.ValidString(text) && !utf8.ValidString(e.Text) {
			t.Fatalf("excerpt %q of valid text is not valid UTF-8", e.Text)
		}
		if n := utf8.RuneCountInString(e.Text); n > snippetRunes+2 {
			t.Fatalf("excerpt has %d characters", n)
		}
		kept := 0
		for _, s := range e.Segments() {
			if s.Marked {
				kept++
				if query.Fold(s.Text) != query.Fold(term) {
					t.Fatalf("marked %q for the term %q", s.Text, term)
				}
			}
		}
		// Stored mentions are valid UTF-8 (the pipeline makes them so);
		// marks in broken text may be dropped by Segments, never trusted.
		if kept != len(e.Marks) && utf8.ValidString(title) && utf8.ValidString(text) {
			t.Fatalf("Segments kept %d of the marks %v of %q", kept, e.Marks, e.Text)
		}
	})
}

func TestSpan(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{10 * time.Minute, "10 minutes"}, {time.Minute, "1 minute"}, {time.Hour, "1 hour"}, {3 * time.Hour, "3 hours"},
		{90 * time.Minute, "90 minutes"}, {90 * time.Second, "1m30s"}, {0, "0s"},
	} {
		if got := span(tt.d, i18n.English); got != tt.want {
			t.Errorf("span(%v) = %q; want %q", tt.d, got, tt.want)
		}
	}
}

// boundary reports whether i is a rune boundary of s (as the framework's
// Excerpt.Segments checks).
func boundary(s string, i int) bool { return i == len(s) || utf8.RuneStart(s[i]) }
