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

	"github.com/heraldhq/herald/mentions/web"
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
	nsRDF   = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
)

// Limits on what a feed may make the parser do.
const (
	maxDepth = 64       // element nesting outside items; deeper is hostile
	maxItems = 500      // entries kept from one document (fewer than the cursor remembers)
	maxText  = 16 << 10 // bytes of text kept per entry: a feed may carry whole articles
	// maxField bounds the text and markup read from one element of an
	// item (the document itself is bounded by the HTTP client).
	maxField = 256 << 10
)

// feed is what Parse reads from a document: its kind and its entries.
type feed struct {
	Kind  string // "rss", "rdf" or "atom"
	Lang  string // the feed's language, as declared
	Base  string // the feed's xml:base, as declared (may be relative)
	Items []entry
	// Broken is the syntax error that ended the document early, when
	// the entries before it were kept.
	Broken error
}

// entry is one RSS item or Atom entry, reduced to what Herald uses.
type entry struct {
	ID        string // guid, id, or link; a hash when none
	Shared    string // the guid or id this entry shares with others (distinguish), "" when unique
	Link      string
	Base      string // xml:base of the entry, then of its link (may be relative)
	Title     string // plain text
	Text      string // plain text
	Author    string
	AuthorURL string
	Lang      string
	Published time.Time
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

// ErrNotFeed is returned (wrapped) for a document that is not an RSS or
// Atom feed: an HTML page, JSON, plain text.
var ErrNotFeed = errors.New("not an RSS or Atom feed")

// parse reads an RSS 2.0 (or 0.9x), RSS 1.0 (RDF) or Atom document
// whose HTTP response named no charset; see parseDoc.
func parse(data []byte) (feed, error) { return parseDoc(data, "") }

// parseDoc reads an RSS 2.0 (or 0.9x), RSS 1.0 (RDF) or Atom document;
// httpCharset is the charset of the response's Content-Type, if any,
// used when the document declares none.
//
// It accepts the usual mistakes of real feeds: HTML entities, unclosed
// and stray tags, undeclared prefixes, control characters, invalid
// UTF-8, legacy charsets (golang.org/x/net/html/charset). A syntax error
// it cannot get past ends the document, and the entries read before it
// are kept. It refuses hostile documents with an error: DTD entities
// are never expanded (no billion laughs), nesting beyond maxDepth
// outside items and documents that are not feeds are errors, and at
// most maxItems entries are read. It never panics.
func parseDoc(data []byte, httpCharset string) (feed, error) {
	data, converted := prepare(data, httpCharset)
	in := xml.NewDecoder(bytes.NewReader(data))
	in.Strict = false
	in.Entity = xml.HTMLEntity
	in.CharsetReader = charsetReader
	if converted {
		in.CharsetReader = asIs
	}
	d := xml.NewTokenDecoder(&balancer{d: in})
	var f feed
	err := readFeed(d, &f)
	switch {
	case err == nil:
	case f.Kind == "":
		return feed{}, fmt.Errorf("%w: %v", ErrNotFeed, err)
	case len(f.Items) == 0 || errors.Is(err, errHostile):
		return feed{}, fmt.Errorf("broken feed: %v", err)
	default:
		f.Broken = err
	}
	if f.Kind == "" {
		return feed{}, fmt.Errorf("%w: the document is empty", ErrNotFeed)
	}
	distinguish(f.Items)
	return f, nil
}

// distinguish gives the entries that share an id but differ (a feed
// that reuses one guid for every new post) ids of their own: the shared
// id, '#', and a hash of the entry's link and title. Entries whose id is
// unique in the feed, or only repeated with the same link and title,
// keep it as it is, so the ids of well-made feeds never change.
func distinguish(es []entry) {
	first := make(map[string]string, len(es)) // id -> the first entry's hash
	differ := map[string]bool{}
	for _, e := range es {
		h := contentHash(e)
		if f, ok := first[e.ID]; !ok {
			first[e.ID] = h
		} else if f != h {
			differ[e.ID] = true
		}
	}
	for i, e := range es {
		if e.ID != "" && differ[e.ID] {
			es[i].Shared = e.ID
			es[i].ID = web.ClipBytes(e.ID, 512-13) + "#" + contentHash(e)
		}
	}
}

// contentHash is 12 hex digits of the hash of an entry's link and title
// (its text when it has neither).
func contentHash(e entry) string {
	what := e.Link + "\x00" + e.Title
	if e.Link == "" && e.Title == "" {
		what = e.Text
	}
	sum := sha256.Sum256([]byte(what))
	return hex.EncodeToString(sum[:6])
}

var errHostile = errors.New("hostile feed")

// readFeed reads the document's elements into f, until its end or an
// error.
func readFeed(d *xml.Decoder, f *feed) error {
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxDepth {
				return fmt.Errorf("%w: elements nested more than %d deep", errHostile, maxDepth)
			}
			if f.Kind == "" {
				kind, err := rootKind(t.Name)
				if err != nil {
					return err
				}
				f.Kind = kind
				f.Base = attr(t, nsXML, "base")
				if kind == "atom" {
					f.Lang = attr(t, nsXML, "lang")
				}
				continue
			}
			if err := readChild(d, f, t); err != nil {
				return err
			}
			if isItem(t.Name) || isLanguage(t.Name) {
				depth--
			}
		case xml.EndElement:
			depth--
		}
	}
}

// readChild reads an item or the feed's language, and notes the
// channel's xml:base; other elements are left to the caller.
func readChild(d *xml.Decoder, f *feed, t xml.StartElement) error {
	switch {
	case isItem(t.Name):
		raw, err := readItem(d, t)
		if err != nil {
			return err
		}
		if len(f.Items) < maxItems {
			f.Items = append(f.Items, raw.entry())
		}
	case isLanguage(t.Name):
		fl, err := readField(d, t)
		if err != nil {
			return err
		}
		if f.Lang == "" {
			f.Lang = strings.TrimSpace(fl.text.String())
		}
	case t.Name.Local == "channel" && own(t.Name.Space):
		if b := attr(t, nsXML, "base"); b != "" {
			f.Base = joinBase(f.Base, b)
		}
	}
	return nil
}

func isItem(n xml.Name) bool {
	return (n.Local == "item" || n.Local == "entry") && own(n.Space)
}

func isLanguage(n xml.Name) bool {
	return n.Local == "language" && (own(n.Space) || n.Space == nsDC)
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
	return "", fmt.Errorf("%w: its root element is <%s>", ErrNotFeed, web.ClipBytes(n.Local, 40))
}

func attr(t xml.StartElement, space, local string) string {
	return attrOf(t.Attr, space, local)
}

func attrOf(as []xml.Attr, space, local string) string {
	for _, a := range as {
		if a.Name.Local == local && (a.Name.Space == space || (space == nsXML && a.Name.Space == "xml")) {
			return a.Value
		}
	}
	return ""
}

// balancer sits between the lenient decoder that reads the bytes and
// the one that resolves namespaces: it hands on raw tokens with every
// element closed, so that a stray end tag (</b> with no <b> open) is
// dropped instead of closing the channel, and an element left open
// (<br>, <p> without </p>) is closed by its parent's end tag, however
// many were left open. A document that ends with elements open is an
// error (a truncated feed).
//
// It works in time linear in the document: counts says at once whether
// an end tag's element is open at all, and each element is opened and
// closed once.
type balancer struct {
	d       *xml.Decoder
	open    []xml.Name
	counts  map[xml.Name]int // open elements by name, Local in lower case
	pending []xml.Token
}

// foldName is n as counts keys it: end tags match start tags whatever
// their case.
func foldName(n xml.Name) xml.Name { return xml.Name{Space: n.Space, Local: strings.ToLower(n.Local)} }

func (b *balancer) Token() (xml.Token, error) {
	for len(b.pending) == 0 {
		tok, err := b.d.RawToken()
		if err == io.EOF && len(b.open) > 0 {
			return nil, fmt.Errorf("the document ends inside <%s>", web.ClipBytes(b.open[len(b.open)-1].Local, 40))
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if b.counts == nil {
				b.counts = map[xml.Name]int{}
			}
			b.open = append(b.open, t.Name)
			b.counts[foldName(t.Name)]++
			b.pending = append(b.pending, t.Copy())
		case xml.EndElement:
			b.close(t.Name)
		default:
			b.pending = append(b.pending, xml.CopyToken(tok))
		}
	}
	tok := b.pending[0]
	b.pending = b.pending[1:]
	return tok, nil
}

// close ends the open element n, and those opened inside it; it does
// nothing when n is not open.
func (b *balancer) close(n xml.Name) {
	if b.counts[foldName(n)] == 0 {
		return
	}
	for k := len(b.open) - 1; k >= 0; k-- {
		b.pending = append(b.pending, xml.EndElement{Name: b.open[k]})
		key := foldName(b.open[k])
		b.counts[key]--
		b.open = b.open[:k]
		if key == foldName(n) {
			return
		}
	}
}
