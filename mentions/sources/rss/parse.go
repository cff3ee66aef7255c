package rss

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald/mentions"
)

// The namespaces whose elements are a feed's own (the rest are
// extensions: media:title, itunes:author and the like are ignored).
const (
	nsAtom  = "http://www.w3.org/2005/Atom"
	nsAtom3 = "http://purl.org/atom/ns#"
	nsRSS1  = "http://purl.org/rss/1.0/"
	nsRSS09 = "http://my.netscape.com/rdf/simple/0.9/"
	nsDC    = "http://purl.org/dc/elements/1.1/"
	nsCE    = "http://purl.org/rss/1.0/modules/content/"
	nsXML   = "http://www.w3.org/XML/1998/namespace"
)

// Limits on what a feed may make the parser do.
const (
	maxDepth = 64       // element nesting outside items; deeper is hostile
	maxItems = 500      // entries kept from one document (fewer than the cursor remembers)
	maxText  = 16 << 10 // bytes of text kept per entry: a feed may carry whole articles
)

// feed is what Parse reads from a document: its kind and its entries.
type feed struct {
	Kind  string // "rss", "rdf" or "atom"
	Lang  string // the feed's language, as declared
	Items []entry
}

// entry is one RSS item or Atom entry, reduced to what Herald uses.
type entry struct {
	ID        string // guid, id, or link; a hash when none
	Link      string
	Title     string // plain text
	Text      string // plain text
	Author    string
	AuthorURL string
	Lang      string
	Published time.Time
}

// text is an element whose content may be text, escaped HTML or inline
// XHTML (Atom's type attribute).
type text struct {
	XMLName xml.Name
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
	Inner   string `xml:",innerxml"`
}

// plain returns t as plain text.
func (t text) plain() string {
	if strings.EqualFold(t.Type, "xhtml") || strings.Contains(strings.ToLower(t.Type), "xml") {
		return mentions.HTMLText(t.Inner)
	}
	return mentions.HTMLText(t.Body)
}

// link is an RSS <link>URL</link> or an Atom <link rel href/>.
type link struct {
	XMLName xml.Name
	Rel     string `xml:"rel,attr"`
	Href    string `xml:"href,attr"`
	Body    string `xml:",chardata"`
}

// person is an RSS <author>email (Name)</author> or an Atom
// <author><name/><uri/></author>.
type person struct {
	XMLName xml.Name
	Body    string `xml:",chardata"`
	Name    string `xml:"name"`
	URI     string `xml:"uri"`
}

// rawItem is the union of the RSS item and the Atom entry.
type rawItem struct {
	Lang        string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Titles      []text   `xml:"title"`
	Links       []link   `xml:"link"`
	Description []text   `xml:"description"`
	Encoded     string   `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
	Summary     []text   `xml:"summary"`
	Content     []text   `xml:"content"`
	GUID        string   `xml:"guid"`
	IDs         []text   `xml:"id"`
	PubDate     string   `xml:"pubDate"`
	DCDate      string   `xml:"http://purl.org/dc/elements/1.1/ date"`
	Published   []text   `xml:"published"`
	Issued      []text   `xml:"issued"` // Atom 0.3
	Updated     []text   `xml:"updated"`
	Authors     []person `xml:"author"`
	Creator     string   `xml:"http://purl.org/dc/elements/1.1/ creator"`
	About       string   `xml:"http://www.w3.org/1999/02/22-rdf-syntax-ns# about,attr"`
}

// own reports whether an element in namespace space belongs to the
// feed formats (not to an extension).
func own(space string) bool {
	switch space {
	case "", nsAtom, nsAtom3, nsRSS1, nsRSS09:
		return true
	}
	return false
}

// firstText returns the first own element of ts as plain text.
func firstText(ts []text) string {
	for _, t := range ts {
		if own(t.XMLName.Space) {
			if s := t.plain(); s != "" {
				return s
			}
		}
	}
	return ""
}

// firstRaw returns the trimmed character data of the first own element.
func firstRaw(ts []text) string {
	for _, t := range ts {
		if own(t.XMLName.Space) {
			if s := strings.TrimSpace(t.Body); s != "" {
				return s
			}
		}
	}
	return ""
}

// ErrNotFeed is returned (wrapped) for a document that is not an RSS or
// Atom feed: an HTML page, JSON, plain text.
var ErrNotFeed = errors.New("not an RSS or Atom feed")

// parse reads an RSS 2.0 (or 0.9x), RSS 1.0 (RDF) or Atom document.
// It accepts the usual mistakes of real feeds (HTML entities, unclosed
// tags, undeclared prefixes) and refuses hostile ones with an error:
// DTD entities are never expanded (no billion laughs), nesting beyond
// maxDepth and documents that are not feeds are errors, and at most
// maxItems entries are read. It never panics.
func parse(data []byte) (feed, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	d.CharsetReader = charsetReader
	var f feed
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if f.Kind == "" {
				return feed{}, fmt.Errorf("%w: %v", ErrNotFeed, err)
			}
			return feed{}, fmt.Errorf("broken feed: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxDepth {
				return feed{}, fmt.Errorf("broken feed: elements nested more than %d deep", maxDepth)
			}
			if f.Kind == "" {
				kind, err := rootKind(t.Name)
				if err != nil {
					return feed{}, err
				}
				f.Kind = kind
				if kind == "atom" {
					f.Lang = attr(t, nsXML, "lang")
				}
				continue
			}
			switch {
			case (t.Name.Local == "item" || t.Name.Local == "entry") && own(t.Name.Space):
				var raw rawItem
				if err := d.DecodeElement(&raw, &t); err != nil {
					return feed{}, fmt.Errorf("broken feed: %v", err)
				}
				depth--
				if len(f.Items) < maxItems {
					f.Items = append(f.Items, raw.entry())
				}
			case (t.Name.Local == "language" && own(t.Name.Space)) || (t.Name.Local == "language" && t.Name.Space == nsDC):
				var s string
				if err := d.DecodeElement(&s, &t); err != nil {
					return feed{}, fmt.Errorf("broken feed: %v", err)
				}
				depth--
				if f.Lang == "" {
					f.Lang = strings.TrimSpace(s)
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	if f.Kind == "" {
		return feed{}, fmt.Errorf("%w: the document is empty", ErrNotFeed)
	}
	return f, nil
}

// rootKind tells the feed format from the root element.
func rootKind(n xml.Name) (string, error) {
	switch strings.ToLower(n.Local) {
	case "rss":
		return "rss", nil
	case "rdf":
		return "rdf", nil
	case "feed":
		return "atom", nil
	case "html":
		return "", fmt.Errorf("%w: the address serves an HTML page", ErrNotFeed)
	}
	return "", fmt.Errorf("%w: its root element is <%s>", ErrNotFeed, mentions.ClipBytes(n.Local, 40))
}

func attr(t xml.StartElement, space, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local && (a.Name.Space == space || a.Name.Space == "xml") {
			return a.Value
		}
	}
	return ""
}

// entry reduces a raw item to what Herald keeps.
func (r rawItem) entry() entry {
	e := entry{
		Link:  r.link(),
		Title: firstText(r.Titles),
		Lang:  strings.TrimSpace(r.Lang),
	}
	switch {
	case strings.TrimSpace(r.Encoded) != "":
		e.Text = mentions.HTMLText(r.Encoded)
	case firstText(r.Content) != "":
		e.Text = firstText(r.Content)
	case firstText(r.Description) != "":
		e.Text = firstText(r.Description)
	default:
		e.Text = firstText(r.Summary)
	}
	e.Text = mentions.ClipBytes(e.Text, maxText)
	e.Title = mentions.ClipBytes(e.Title, 1024)
	e.Author, e.AuthorURL = r.author()
	for _, s := range []string{firstRaw(r.Published), r.PubDate, r.DCDate, firstRaw(r.Issued), firstRaw(r.Updated)} {
		if t, ok := parseDate(s); ok {
			e.Published = t
			break
		}
	}
	e.ID = mentions.ClipBytes(strings.TrimSpace(r.GUID), 512)
	if e.ID == "" {
		e.ID = mentions.ClipBytes(firstRaw(r.IDs), 512)
	}
	if e.ID == "" {
		e.ID = mentions.ClipBytes(strings.TrimSpace(r.About), 512)
	}
	if e.ID == "" {
		e.ID = mentions.ClipBytes(e.Link, 512)
	}
	if e.ID == "" && (e.Title != "" || e.Text != "") {
		sum := sha256.Sum256([]byte(e.Title + "\x00" + e.Text + "\x00" + e.Published.String()))
		e.ID = "sha256:" + hex.EncodeToString(sum[:16])
	}
	return e
}

// link picks the item's link: an RSS <link>, else the Atom link with
// rel="alternate" (or no rel), else a permalink guid.
func (r rawItem) link() string {
	var fallback string
	for _, l := range r.Links {
		if !own(l.XMLName.Space) {
			continue
		}
		if body := strings.TrimSpace(l.Body); body != "" && l.Href == "" {
			return body
		}
		href := strings.TrimSpace(l.Href)
		if href == "" {
			continue
		}
		switch l.Rel {
		case "", "alternate":
			return href
		case "self", "edit", "replies", "enclosure", "via", "related":
		default:
			if fallback == "" {
				fallback = href
			}
		}
	}
	if fallback != "" {
		return fallback
	}
	if g := strings.TrimSpace(r.GUID); strings.HasPrefix(g, "http://") || strings.HasPrefix(g, "https://") {
		return g
	}
	return ""
}

// author returns the author's name and link: dc:creator, an Atom
// author's name, or an RSS author ("jo@example.com (Jo Doe)" gives
// "Jo Doe").
func (r rawItem) author() (name, uri string) {
	if c := strings.TrimSpace(r.Creator); c != "" {
		return mentions.ClipBytes(mentions.HTMLText(c), 200), ""
	}
	for _, p := range r.Authors {
		if !own(p.XMLName.Space) {
			continue
		}
		if n := strings.TrimSpace(p.Name); n != "" {
			return mentions.ClipBytes(mentions.HTMLText(n), 200), strings.TrimSpace(p.URI)
		}
		if b := strings.TrimSpace(p.Body); b != "" {
			if open, close := strings.IndexByte(b, '('), strings.LastIndexByte(b, ')'); open >= 0 && close > open+1 {
				b = b[open+1 : close]
			}
			return mentions.ClipBytes(mentions.HTMLText(b), 200), ""
		}
	}
	return "", ""
}

// zones are the North American abbreviations RSS dates use (RFC 822);
// Go's parser would read them as UTC.
var zones = map[string]string{
	"EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500",
	"MST": "-0700", "MDT": "-0600", "PST": "-0800", "PDT": "-0700",
	"GMT": "+0000", "UTC": "+0000", "UT": "+0000", "Z": "+0000",
}

// dateLayouts are tried in order, after the weekday is dropped and a
// zone abbreviation replaced by its offset.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
	"2006-01-02",
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04 -0700",
	"2 Jan 06 15:04:05 -0700",
	"2 January 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05",
	"2 Jan 2006",
}

// parseDate reads the dates found in real feeds: RFC 3339 (Atom), RFC
// 822/1123 with or without weekday, seconds, or a numeric zone (RSS),
// and a few common variants. The result is in UTC.
func parseDate(s string) (time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || len(s) > 64 {
		return time.Time{}, false
	}
	if i := strings.IndexByte(s, ','); i >= 0 && i < 10 {
		s = strings.TrimSpace(s[i+1:])
	}
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		if off, ok := zones[strings.ToUpper(s[i+1:])]; ok {
			s = s[:i+1] + off
		}
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// charsetReader converts the 8-bit charsets feeds still declare to
// UTF-8; anything else is refused with an error.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(charset)) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1":
		return &eightBit{r: input}, nil
	case "windows-1252", "cp1252":
		return &eightBit{r: input, cp1252: true}, nil
	}
	return nil, fmt.Errorf("unsupported charset %q", mentions.ClipBytes(charset, 40))
}

// cp1252 maps the bytes 0x80–0x9F of Windows-1252 (0 where undefined).
var cp1252 = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
}

// eightBit decodes ISO-8859-1 (or Windows-1252) to UTF-8.
type eightBit struct {
	r      io.Reader
	cp1252 bool
	buf    []byte // decoded, not yet returned
	in     [512]byte
}

func (e *eightBit) Read(p []byte) (int, error) {
	if len(e.buf) == 0 {
		n, err := e.r.Read(e.in[:])
		for _, b := range e.in[:n] {
			r := rune(b)
			if e.cp1252 && b >= 0x80 && b <= 0x9F {
				if r = cp1252[b-0x80]; r == 0 {
					r = utf8.RuneError
				}
			}
			e.buf = utf8.AppendRune(e.buf, r)
		}
		if n == 0 {
			return 0, err
		}
	}
	n := copy(p, e.buf)
	e.buf = e.buf[n:]
	return n, nil
}
