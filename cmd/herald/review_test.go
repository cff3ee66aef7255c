package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/testclock"
)

// TestReviewTranscript drives the README's review through Main, in
// English and in French (LANG, /lang fr, brand lang fr, "demain 9h"):
// brand, policy, roles, /as, a draft with a time, submit, the team's and
// the client's approvals (which schedule it), the audit and the queue. The
// outputs are golden; the French one holds no English sentence. Then
// publishing, which runs in the background, is checked on the same
// database as it comes.
func TestReviewTranscript(t *testing.T) {
	for _, tt := range []struct {
		name, lang, input, golden string
		published                 []string // in the publishing session's output
	}{
		{"English", "en_US.UTF-8", "review-en.txt", "review-en.golden",
			[]string{"alice is publishing draft #1 now.", "📣 slack:#news (console preview: connect slack to post there)", "Our new store opens Monday!"}},
		{"French", "fr_FR.UTF-8", "review-fr.txt", "review-fr.golden",
			[]string{"alice publie le brouillon n°\u00a01 maintenant.", "📣 slack:#news (aperçu dans la console\u202f: connectez slack pour y publier)", "Notre nouvelle boutique ouvre lundi !"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "herald.db")
			env := map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "off", "HERALD_TIMEZONE": "Europe/Paris", "LANG": tt.lang}
			paths := strings.NewReplacer(db, "$DB", filepath.Dir(db), "$DIR")
			out := paths.Replace(MustRunMain(t, env, mustOpen(t, "testdata/"+tt.input), "-as", "alice"))
			golden(t, tt.golden, out)

			// The same day as the transcript's clock: the post is not missed.
			c := startConsoleWith(t, env, func(m *Main) { m.Clock = testclock.New(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)) })
			from := len(c.out.String())
			c.send("publish 1", "📣")
			for _, want := range tt.published { // the answer and the preview, in either order
				waitFor(t, "publishing to say "+want, func() bool { return strings.Contains(c.out.String()[from:], want) }, c.out.String)
			}
			c.stop()
			// The golden part holds every answer and card of the review. (The
			// scheduler's note in the card's thread, "Draft #1 is published
			// on …", is the notifier's, translated apart: it is not checked.)
			if tt.lang == "fr_FR.UTF-8" {
				for _, l := range englishLines(out) {
					t.Errorf("an English sentence in the French transcript: %q", l)
				}
			}
		})
	}
}

// englishWords are common English words that French sentences do not
// hold: one of them in a French answer means an untranslated sentence.
// Words written alike in both languages (client, admin, console, post,
// on, or, a…) are left out.
var englishWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the is was are were be been has have had will would can cannot could
		should must not no yes and with without for from to of by at into your you our we they it its this
		that these those there here who which what when where why how only now then than also please
		draft drafts approved approve approval approvals review reviews reviewer scheduled schedule publish
		published publishing created submitted submit waiting wait state author revision targets target
		updated update cancel cancelled edit edited reject rejected request changes change brand brands
		channel channels policy team editor approver viewer role roles member members new store opens
		monday tomorrow today logs data local configured shows previewed connect platform audit
		mon tue wed thu fri sat sun jan feb apr jun jul aug sep dec`) {
		englishWords[w] = true
	}
}

var (
	// typedLine is the echo of a line the user typed ("alice> ...").
	typedLine = regexp.MustCompile(`^[A-Za-z0-9_.-]+> `)
	// commandSpan is a command quoted for the user to type (`brand list`)
	// or shown on a button (] /herald approve 1 --rev 1).
	commandSpan = regexp.MustCompile("`[^`]*`|\\] /herald .*$")
	wordRE      = regexp.MustCompile(`[\p{L}’']+`)
)

// englishLines returns the lines of out, except what the user typed and
// the commands quoted for them, that hold a common English word.
func englishLines(out string) []string {
	var bad []string
	for _, line := range strings.Split(out, "\n") {
		if typedLine.MatchString(line) {
			continue
		}
		prose := commandSpan.ReplaceAllString(line, " ")
		for _, f := range strings.Fields(prose) {
			if strings.ContainsAny(f, ":#@/$=") && !strings.HasSuffix(f, ":") { // a target, a path, a rule
				continue
			}
			for _, w := range wordRE.FindAllString(f, -1) {
				if englishWords[strings.ToLower(w)] {
					bad = append(bad, line)
					break
				}
			}
		}
	}
	return dedupe(bad)
}

func dedupe(xs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// TestEnglishLines: the checker finds an English sentence, and lets
// French through with the commands and targets it quotes.
func TestEnglishLines(t *testing.T) {
	for _, tt := range []struct {
		name, out string
		bad       int
	}{
		{"ErrEnglish", "  Draft #1 created. Submit it for review with `submit 1`.", 1},
		{"ErrEnglishDate", "  │ Cibles : slack:#news · Publication : Mon 7 Dec 2026 09:00 CET", 1},
		{"ErrEnglishField", "  │ State: draft · Review: not submitted", 1},
		{"OKFrench", "  Brouillon n° 1 créé. Envoyez-le en relecture avec `submit 1`.", 0},
		{"OKTyped", "alice> draft \"Our new store opens Monday!\" --to slack:#news", 0},
		{"OKButton", "  ├ [Valider] /herald approve 1 --rev 1", 0},
		{"OKTargets", "  │ Cibles : slack:#news · Publication : lun. 7 déc. 2026 à 9 h 00", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := englishLines(tt.out); len(got) != tt.bad {
				t.Errorf("englishLines(%q) = %q; want %d line(s)", tt.out, got, tt.bad)
			}
		})
	}
}
