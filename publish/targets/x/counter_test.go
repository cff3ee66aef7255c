package x_test

import (
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald/publish/targets/x"
	"go.yaml.in/yaml/v3"
)

// conformanceCase is one case of twitter-text's validate.yml counters.
type conformanceCase struct {
	Description string `yaml:"description"`
	Text        string `yaml:"text"`
	Expected    struct {
		WeightedLength    int  `yaml:"weightedLength"`
		Valid             bool `yaml:"valid"`
		Permillage        int  `yaml:"permillage"`
		DisplayRangeStart int  `yaml:"displayRangeStart"`
		DisplayRangeEnd   int  `yaml:"displayRangeEnd"`
		ValidRangeStart   int  `yaml:"validRangeStart"`
		ValidRangeEnd     int  `yaml:"validRangeEnd"`
	} `yaml:"expected"`
}

func loadConformance(t *testing.T) map[string][]conformanceCase {
	t.Helper()
	b, err := os.ReadFile("testdata/validate.yml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests map[string]yaml.Node `yaml:"tests"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string][]conformanceCase{}
	for _, name := range []string{"WeightedTweetsCounterTest", "WeightedTweetsWithDiscountedEmojiCounterTest", "UnicodeDirectionalMarkerCounterTest"} {
		var cases []conformanceCase
		n := doc.Tests[name]
		if err := n.Decode(&cases); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = cases
	}
	return out
}

// TestConformance runs every case of twitter-text's weighted counters,
// each section under the configuration its reference runner uses.
func TestConformance(t *testing.T) {
	tests := loadConformance(t)
	for _, section := range []struct {
		name string
		cfg  x.Config
	}{
		{"WeightedTweetsCounterTest", x.ConfigV2},
		{"WeightedTweetsWithDiscountedEmojiCounterTest", x.ConfigV3},
		{"UnicodeDirectionalMarkerCounterTest", x.ConfigV3},
	} {
		cases := tests[section.name]
		if len(cases) == 0 {
			t.Fatalf("no cases in %s", section.name)
		}
		t.Run(section.name, func(t *testing.T) {
			for _, c := range cases {
				got := section.cfg.Parse(c.Text)
				e := c.Expected
				want := x.Result{WeightedLength: e.WeightedLength, Valid: e.Valid, Permillage: e.Permillage,
					ValidRangeStart: e.ValidRangeStart, ValidRangeEnd: e.ValidRangeEnd,
					DisplayRangeStart: e.DisplayRangeStart, DisplayRangeEnd: e.DisplayRangeEnd}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", c.Description, diff)
				}
			}
		})
	}
}

func TestCountBoundaries(t *testing.T) {
	url := "https://example.com/a/very/long/path/that/is/far/longer/than/twenty-three/characters"
	tests := []struct {
		name string
		text string
		want int
	}{
		{"Latin", strings.Repeat("a", 280), 280},
		{"CJK", strings.Repeat("漢", 140), 280},
		{"URLCounts23", url, 23},
		{"URLWithoutProtocol", "see example.com today", 33},
		{"EmojiSequenceCounts2", "👩🏽‍💻", 2},
		{"Flag", "🇫🇷", 2},
		{"NFC", "e\u0301", 1},
		{"EmailIsNotAURL", "a@example.com", 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := x.Count(tt.text); got != tt.want {
				t.Errorf("Count(%q) = %d, want %d", tt.text, got, tt.want)
			}
		})
	}
}

// FuzzCount counts any text: no panic, ranges inside the text, a valid
// text within the limit, and a text without dots (no URL) weighing 1 or
// 2 per character.
func FuzzCount(f *testing.F) {
	for _, s := range []string{"Hi http://test.co", "😷👾", "1⃣", "ABC\u202A\uFFFFABC\uFFFE", "http://foobar.پاکستان/", "a.co/(b(c)d)?q=1#", "xn--abc.com", "http://t.co/abc?x=1", "e\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := x.ConfigV3.Parse(s)
		if r.Valid && (r.WeightedLength > 280 || r.WeightedLength <= 0) {
			t.Fatalf("%q valid with %d", s, r.WeightedLength)
		}
		if r.ValidRangeEnd > r.DisplayRangeEnd || r.WeightedLength < 0 {
			t.Fatalf("%q: %+v", s, r)
		}
		if !strings.Contains(s, ".") && utf8.ValidString(s) {
			n := utf8.RuneCountInString(norm.NFC.String(s))
			if r.WeightedLength < min(n, 1) || r.WeightedLength > 2*n {
				t.Fatalf("%q (%d runes) weighs %d", s, n, r.WeightedLength)
			}
		}
	})
}
