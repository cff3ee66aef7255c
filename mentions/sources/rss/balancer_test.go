package rss

import (
	"fmt"
	"strings"
	"testing"
)

// TestManyUnclosedTags: unescaped HTML in a description often leaves
// void elements open (<br>, <img ...>, <p> without </p>). However many
// there are, the description's end tag closes them and the items after
// it are read. Before, an end tag looked only 64 elements down: with 65
// <br> in one item the rest of the feed was lost ("the document ends
// inside <br>").
func TestManyUnclosedTags(t *testing.T) {
	for _, n := range []int{3, 64, 65, 5000} {
		markup := strings.Repeat(`Acme<br><img src="/a.png"><p>line `, n)
		doc := `<rss version="2.0"><channel><title>News</title>
<item><guid>1</guid><title>Long article</title><description>` + markup + `</description></item>
<item><guid>2</guid><title>Acme opens in Lyon</title><description>Short</description></item>
</channel></rss>`
		got := titlesAndTexts(t, doc)
		if len(got) != 2 || got[1] != "Acme opens in Lyon | Short" || !strings.HasPrefix(got[0], "Long article | Acme") {
			t.Errorf("%d unclosed tags ×3: %d items %.80q; want both items, the second whole", n, len(got), got)
		}
	}
}

// BenchmarkParseHostileMarkup parses 1 MiB and 5 MiB feeds whose one
// description leaves every element open (<br> after <br>), or opens more
// than it closes: the time per MiB stays the same (no quadratic step).
func BenchmarkParseHostileMarkup(b *testing.B) {
	for _, mib := range []int{1, 5} {
		size := mib << 20
		for name, markup := range map[string]string{
			"br":     strings.Repeat("<br>", size/4),
			"nested": strings.Repeat("<b>", size/6) + strings.Repeat("</b>", size/8),
		} {
			doc := []byte(`<rss version="2.0"><channel><item><title>a</title><description>` + markup + `</description></item></channel></rss>`)
			b.Run(fmt.Sprintf("%s/%dMiB", name, mib), func(b *testing.B) {
				b.SetBytes(int64(len(doc)))
				for b.Loop() {
					if f, err := parse(doc); err != nil || len(f.Items) != 1 {
						b.Fatalf("parse: %d items, %v", len(f.Items), err)
					}
				}
			})
		}
	}
}
