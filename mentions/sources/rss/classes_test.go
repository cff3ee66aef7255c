package rss

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/heraldhq/herald/mentions"
)

// The classes of text real feeds carry and the parser lost (issue 14,
// point 5), each in a document of our own.

// titlesAndTexts parses doc and returns each item's "title | text".
func titlesAndTexts(t *testing.T, doc string) []string {
	t.Helper()
	f, err := parse([]byte(doc))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var out []string
	for _, e := range f.Items {
		out = append(out, e.Title+" | "+e.Text)
	}
	return out
}

func TestAtomTextConstructs(t *testing.T) {
	doc := `<feed xmlns="http://www.w3.org/2005/Atom">
<entry><id>1</id><title>Announcing &lt;Acme&gt; 2.0</title><summary type="text">Fish &amp; &lt;chips&gt;</summary></entry>
<entry><id>2</id><title type="html">Announcing &lt;b&gt;Acme&lt;/b&gt; 2.0</title><content type="html">&lt;p&gt;Acme &amp;amp; co&lt;/p&gt;</content></entry>
<entry><id>3</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Announcing <b>Acme</b> &lt;3</div></title>
  <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Acme <em>Rocket</em></p><p>launched</p></div></content></entry>
<entry><id>4</id><title type="text/plain">a &lt;b&gt; c</title><content type="text/html">&lt;i&gt;x&lt;/i&gt;</content></entry>
</feed>`
	want := []string{
		"Announcing <Acme> 2.0 | Fish & <chips>",
		"Announcing Acme 2.0 | Acme & co",
		"Announcing Acme <3 | Acme Rocket launched",
		"a <b> c | x",
	}
	if diff := cmp.Diff(want, titlesAndTexts(t, doc)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRSSTextAndUnescapedMarkup(t *testing.T) {
	doc := `<rss version="2.0"><channel>
<item><guid>1</guid><title>Announcing &lt;Acme&gt; 2.0</title><description><p>Acme launches <b>Rocket</b></p></description></item>
<item><guid>2</guid><title>Fish &amp;amp; chips</title><description>Acme &lt;b&gt;Rocket&lt;/b&gt;<br/>day</description></item>
<item><guid>3</guid><title>x</title><description>Acme <img src="a.png"> launches<br> Rocket <![CDATA[<i>today</i>]]></description></item>
<item><guid>4</guid><title>AT&amp;T <em>news</em></title><description><![CDATA[<p>CDATA <b>HTML</b></p>]]></description></item>
</channel></rss>`
	want := []string{
		"Announcing <Acme> 2.0 | Acme launches Rocket",
		"Fish & chips | Acme Rocket day",
		"x | Acme launches Rocket today",
		"AT&T news | CDATA HTML",
	}
	if diff := cmp.Diff(want, titlesAndTexts(t, doc)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestControlCharactersAndStrayTags(t *testing.T) {
	t.Run("OKControlCharacter", func(t *testing.T) {
		doc := "<rss><channel><item><guid>1</guid><title>Acme\x0c Rocket\x01</title></item><item><guid>2</guid><title>Two</title></item></channel></rss>"
		if diff := cmp.Diff([]string{"Acme Rocket | ", "Two | "}, titlesAndTexts(t, doc)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("OKStrayEndTags", func(t *testing.T) {
		doc := `<rss><channel><item><guid>1</guid><title>One</title></b></item></channel></span>
<item><guid>2</guid><title>Two</title><description><p>open <br> and <b>bold</p></description></item>
<item><guid>3</guid><title>Three</title></item></channel></rss>`
		if diff := cmp.Diff([]string{"One | ", "Two | open and bold", "Three | "}, titlesAndTexts(t, doc)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("OKItemsBeforeASyntaxError", func(t *testing.T) {
		doc := `<rss><channel><item><guid>1</guid><title>One</title></item><item><guid>2</guid><title>Two</title></item>
<item><guid>3</guid><title><![CDAT broken</title></item><item><guid>4</guid><title>Four</title></item></channel></rss>`
		f, err := parse([]byte(doc))
		if err != nil || len(f.Items) != 2 || f.Broken == nil {
			t.Fatalf("got %+v, %v; want the two items before the error", f, err)
		}
	})
}

func TestReusedGUIDs(t *testing.T) {
	ctx := context.Background()
	feedWith := func(items ...string) []byte {
		var b strings.Builder
		b.WriteString(`<rss version="2.0"><channel>`)
		for _, it := range items {
			b.WriteString(`<item><guid isPermaLink="false">same</guid><title>` + it + `</title><link>https://x.example/` + it + `</link></item>`)
		}
		b.WriteString(`</channel></rss>`)
		return []byte(b.String())
	}
	f := &feedServer{body: feedWith("b", "a")}
	src, _ := newServer(t, f)
	first, err := src.Poll(ctx, mentions.Request{})
	if err != nil || len(first.Items) != 2 || first.Items[0].ExternalID == first.Items[1].ExternalID {
		t.Fatalf("first poll: %+v, %v; want two items with ids of their own", first.Items, err)
	}
	if !strings.HasPrefix(first.Items[0].ExternalID, "same#") {
		t.Errorf("id %q does not start with the guid", first.Items[0].ExternalID)
	}
	f.set(func(f *feedServer) { f.body = feedWith("c", "b", "a") })
	second, err := src.Poll(ctx, mentions.Request{Cursor: first.Cursor})
	if err != nil || len(second.Items) != 1 || second.Items[0].Title != "c" {
		t.Fatalf("second poll: %+v, %v; want the new item c only", second.Items, err)
	}
	// A guid listed twice for the same link and title is one item under
	// its guid, as before.
	fd, err := parse([]byte(`<rss><channel><item><guid>g</guid><title>t</title></item><item><guid>g</guid><title>t</title></item></channel></rss>`))
	if err != nil || len(fd.Items) != 2 || fd.Items[0].ID != "g" || fd.Items[1].ID != "g" {
		t.Errorf("got %+v, %v", fd.Items, err)
	}
}

func TestLegacyCharsets(t *testing.T) {
	const text = "Acme"
	tests := []struct {
		label string
		enc   encoding.Encoding
		words string
	}{
		{"windows-1251", charmap.Windows1251, "Новая ракета"},
		{"KOI8-R", charmap.KOI8R, "Новая ракета"},
		{"ISO-8859-7", charmap.ISO8859_7, "Νέος πύραυλος"},
		{"ISO-8859-15", charmap.ISO8859_15, "Fusée à 15 €"},
		{"EUC-KR", korean.EUCKR, "새로운 로켓"},
		{"GB2312", simplifiedchinese.GBK, "新火箭发布"},
		{"Big5", traditionalchinese.Big5, "新火箭發佈"},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			doc := `<?xml version="1.0" encoding="` + tt.label + `"?><rss><channel><item><guid>1</guid><title>` + text + " " + tt.words + `</title></item></channel></rss>`
			body, err := tt.enc.NewEncoder().String(doc)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{text + " " + tt.words + " | "}, titlesAndTexts(t, body)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	t.Run("HTTPCharset", func(t *testing.T) {
		// No declaration in the document: the response's charset says.
		body, _ := charmap.Windows1251.NewEncoder().String(`<rss><channel><item><guid>1</guid><title>Acme ракета</title></item></channel></rss>`)
		f := &feedServer{body: []byte(body), header: http.Header{}}
		src, _ := newServer(t, f)
		f.set(func(f *feedServer) { f.contentType = "application/rss+xml; charset=windows-1251" })
		b, err := src.Poll(context.Background(), mentions.Request{})
		if err != nil || len(b.Items) != 1 || b.Items[0].Title != "Acme ракета" {
			t.Errorf("got %+v, %v", b.Items, err)
		}
	})
	t.Run("UndeclaredLatin1", func(t *testing.T) {
		doc := "<rss><channel><item><guid>1</guid><title>Acme Fus\xe9e \xe0 Paris</title></item></channel></rss>"
		if diff := cmp.Diff([]string{"Acme Fusée à Paris | "}, titlesAndTexts(t, doc)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}

func TestXMLBase(t *testing.T) {
	doc := `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="/blog/">
<entry xml:base="2026/"><id>1</id><title>a</title><link href="post.html"/></entry>
<entry><id>2</id><title>b</title><link xml:base="https://cdn.example/x/" href="y.html"/></entry>
<entry xml:base="https://other.example/a/"><id>3</id><title>c</title><link href="/root.html"/></entry>
<entry><id>4</id><title>d</title><link href="https://abs.example/z"/></entry>
</feed>`
	f, err := parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	base := mustURL(t, "https://feeds.example.org/atom.xml")
	var got []string
	for _, e := range f.Items {
		got = append(got, item(f, e, base).URL)
	}
	want := []string{
		"https://feeds.example.org/blog/2026/post.html",
		"https://cdn.example/x/y.html",
		"https://other.example/root.html",
		"https://abs.example/z",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseDateForms(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Mon, 30 Nov 2026 16:55:03 +01:00", "2026-11-30T15:55:03Z"},
		{"Mon, 13 Feb, 2012 10:00:00 GMT", "2012-02-13T10:00:00Z"},
		{"Mon, 13 Feb, 2012", "2012-02-13T00:00:00Z"},
		{"Mon, 30 Nov 2026 11:20:41 AKST", "2026-11-30T20:20:41Z"},
		{"Mon, 30 Nov 2026 11:20:41 HST", "2026-11-30T21:20:41Z"},
		{"Mon, 30 Nov 2026 11:20:41 CEST", "2026-11-30T09:20:41Z"},
		{"Tue, 10 Jun 2003 04:00:00 +0000 (GMT)", "2003-06-10T04:00:00Z"},
		{"2003-12", "2003-12-01T00:00:00Z"},
		{"2003", "2003-01-01T00:00:00Z"},
		{"2003-12-13T18:30:02+0100", "2003-12-13T17:30:02Z"},
		{"2003-12-13 18:30", "2003-12-13T18:30:00Z"},
		{"13 February 2012", "2012-02-13T00:00:00Z"},
		{"Feb 13, 2012", "2012-02-13T00:00:00Z"},
		{"Thu, 01 Jan 2004 19:48:21 GMT+1", ""},
		{"Wed, 19 Aug 2009 18:28:00 Etc/GMT", "2009-08-19T18:28:00Z"},
		{"Wed, 19 Feb 2012 22:40:00 GMT-01:01", "2012-02-19T23:41:00Z"},
		{"Mon, 26 January 2004 16:31:00 ET", "2004-01-26T21:31:00Z"},
		{"Thu Aug 30 2012 17:26:16 +0200", "2012-08-30T15:26:16Z"},
		{"Fri,24 Nov 2023 18:28:36 -0000", "2023-11-24T18:28:36Z"},
		{"2004-07-08 23:56:58 -00:20", "2004-07-09T00:16:58Z"},
		{"2004-07-08 23:56:58.0", "2004-07-08T23:56:58Z"},
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in)
		s := ""
		if ok {
			s = got.Format("2006-01-02T15:04:05Z07:00")
		}
		if s != tt.want {
			t.Errorf("parseDate(%q) = %q, want %q", tt.in, s, tt.want)
		}
	}
}

// TestReusedGUIDsAfterUpgrade: a cursor written before reused guids had
// ids of their own remembers the shared guid alone. The first poll after
// the upgrade announces only what is newer than the newest item seen, not
// every recent item again under its new id (before: all three were
// announced a second time).
func TestReusedGUIDsAfterUpgrade(t *testing.T) {
	ctx := context.Background()
	item := func(title, date string) string {
		return `<item><guid isPermaLink="false">same</guid><title>` + title + `</title><link>https://x.example/` + title +
			`</link><pubDate>` + date + `</pubDate></item>`
	}
	body := `<rss version="2.0"><channel>` + item("c", "Sat, 05 Dec 2026 12:00:00 +0000") +
		item("b", "Fri, 04 Dec 2026 12:00:00 +0000") + item("a", "Thu, 03 Dec 2026 12:00:00 +0000") + `</channel></rss>`
	src, _ := newServer(t, &feedServer{body: []byte(body)})
	old := cursor{Newest: time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC), Seen: []string{"same"}}
	got, err := src.Poll(ctx, mentions.Request{Cursor: old.String()})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, it := range got.Items {
		titles = append(titles, it.Title)
	}
	if len(titles) != 1 || titles[0] != "c" {
		t.Errorf("first poll after the upgrade announced %q; want only c, the item newer than the cursor", titles)
	}
	next := readCursor(got.Cursor)
	again, err := src.Poll(ctx, mentions.Request{Cursor: next.String()})
	if err != nil || len(again.Items) != 0 {
		t.Errorf("second poll: %d items, %v; want none", len(again.Items), err)
	}
}
