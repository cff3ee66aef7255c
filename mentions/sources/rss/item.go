package rss

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"html"
	"io"
	"strings"

	"github.com/heraldhq/herald/mentions/web"
)

// field is one child element of an item, read whole: its attributes,
// its text (the character data of it and its descendants), the same as
// markup when it has child elements (unescaped XHTML or HTML), and the
// text of its own children by local name (an Atom author's name and
// uri). The markup is kept twice: xhtml with the character data escaped
// again (XHTML: "&lt;3" is the text "<3"), html with it as it is (HTML
// pasted into an RSS description, where an escaped "&lt;b&gt;" or a
// CDATA section beside the tags is more HTML).
type field struct {
	name     xml.Name
	attrs    []xml.Attr
	text     strings.Builder
	xhtml    strings.Builder
	html     strings.Builder
	children bool
	sub      map[string]string
}

// kept reports whether an element of an item is read (the others are
// skipped).
func kept(n xml.Name) bool {
	switch n.Space {
	case nsDC:
		return n.Local == "date" || n.Local == "creator"
	case nsCE:
		return n.Local == "encoded"
	}
	if !own(n.Space) {
		return false
	}
	switch n.Local {
	case "title", "link", "description", "summary", "content", "guid", "id", "pubDate",
		"published", "issued", "updated", "modified", "created", "author":
		return true
	}
	return false
}

// readField reads the element start opened, up to its end.
func readField(d *xml.Decoder, start xml.StartElement) (*field, error) {
	f := &field{name: start.Name, attrs: start.Attr}
	depth := 0
	var child string // the local name of the child being read (depth 1)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			f.children = true
			if depth == 1 {
				child = t.Name.Local
			}
			tag := "<" + strings.ToLower(t.Name.Local) + ">"
			f.write(&f.xhtml, tag)
			f.write(&f.html, tag)
		case xml.EndElement:
			if depth == 0 {
				return f, nil
			}
			depth--
			tag := "</" + strings.ToLower(t.Name.Local) + ">"
			f.write(&f.xhtml, tag)
			f.write(&f.html, tag)
		case xml.CharData:
			f.write(&f.text, string(t))
			f.write(&f.xhtml, html.EscapeString(string(t)))
			f.write(&f.html, string(t))
			if depth == 1 && child != "" {
				if f.sub == nil {
					f.sub = map[string]string{}
				}
				if f.sub[child] == "" {
					f.sub[child] = web.ClipBytes(strings.TrimSpace(string(t)), 1024)
				}
			}
		}
	}
}

func (f *field) write(b *strings.Builder, s string) {
	if b.Len()+len(s) <= maxField {
		b.WriteString(s)
	}
}

// skip consumes the element start opened, up to its end, without
// recursion.
func skip(d *xml.Decoder) error {
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return io.ErrUnexpectedEOF
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return nil
			}
			depth--
		}
	}
}

// rawItem is an RSS item or Atom entry as read: its kept elements in
// document order.
type rawItem struct {
	Lang   string
	Base   string
	About  string
	Fields []*field
}

// readItem reads the item or entry start opened, up to its end.
func readItem(d *xml.Decoder, start xml.StartElement) (rawItem, error) {
	r := rawItem{
		Lang:  attr(start, nsXML, "lang"),
		Base:  attr(start, nsXML, "base"),
		About: attr(start, nsRDF, "about"),
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return r, io.ErrUnexpectedEOF
		}
		if err != nil {
			return r, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !kept(t.Name) {
				if err := skip(d); err != nil {
					return r, err
				}
				continue
			}
			f, err := readField(d, t)
			if err != nil {
				return r, err
			}
			r.Fields = append(r.Fields, f)
		case xml.EndElement:
			return r, nil
		}
	}
}

// all returns the item's elements named local in one of the spaces
// (own spaces when none is given).
func (r rawItem) all(local string, spaces ...string) []*field {
	var out []*field
	for _, f := range r.Fields {
		if f.name.Local != local {
			continue
		}
		if (len(spaces) == 0 && own(f.name.Space)) || (len(spaces) > 0 && containsStr(spaces, f.name.Space)) {
			out = append(out, f)
		}
	}
	return out
}

func containsStr(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// firstText returns the first of fs with text, as plain text.
func firstText(fs []*field) string {
	for _, f := range fs {
		if s := f.plain(); s != "" {
			return s
		}
	}
	return ""
}

// firstRaw returns the trimmed text of the first of fs that has some.
func firstRaw(fs []*field) string {
	for _, f := range fs {
		if s := strings.TrimSpace(f.text.String()); s != "" {
			return s
		}
	}
	return ""
}

// entry reduces a raw item to what Herald keeps.
func (r rawItem) entry() entry {
	link, linkBase := r.link()
	e := entry{
		Link:  link,
		Base:  joinBase(r.Base, linkBase),
		Title: firstText(r.all("title")),
		Lang:  strings.TrimSpace(r.Lang),
	}
	for _, fs := range [][]*field{r.all("encoded", nsCE), r.all("content"), r.all("description"), r.all("summary")} {
		if e.Text = firstText(fs); e.Text != "" {
			break
		}
	}
	e.Text = web.ClipBytes(e.Text, maxText)
	e.Title = web.ClipBytes(e.Title, 1024)
	e.Author, e.AuthorURL = r.author()
	dates := []string{firstRaw(r.all("published")), firstRaw(r.all("pubDate")), firstRaw(r.all("date", nsDC)),
		firstRaw(r.all("issued")), firstRaw(r.all("created")), firstRaw(r.all("updated")), firstRaw(r.all("modified"))}
	for _, s := range dates {
		if t, ok := parseDate(s); ok {
			e.Published = t
			break
		}
	}
	e.ID = r.id(e)
	return e
}

// id returns the item's identity: its guid, Atom id, rdf:about or link,
// else a hash of what it says.
func (r rawItem) id(e entry) string {
	for _, s := range []string{firstRaw(r.all("guid")), firstRaw(r.all("id")), strings.TrimSpace(r.About), e.Link} {
		if s != "" {
			return web.ClipBytes(s, 512)
		}
	}
	if e.Title != "" || e.Text != "" {
		sum := sha256.Sum256([]byte(e.Title + "\x00" + e.Text + "\x00" + e.Published.String()))
		return "sha256:" + hex.EncodeToString(sum[:16])
	}
	return ""
}

// link picks the item's link and that link's own xml:base: an RSS
// <link>, else the Atom link with rel="alternate" (or no rel), else a
// permalink guid.
func (r rawItem) link() (link, base string) {
	var fallback, fallbackBase string
	for _, l := range r.all("link") {
		href := strings.TrimSpace(attrOf(l.attrs, "", "href"))
		lbase := attrOf(l.attrs, nsXML, "base")
		if body := strings.TrimSpace(l.text.String()); body != "" && href == "" {
			return body, lbase
		}
		if href == "" {
			continue
		}
		switch attrOf(l.attrs, "", "rel") {
		case "", "alternate":
			return href, lbase
		case "self", "edit", "replies", "enclosure", "via", "related":
		default:
			if fallback == "" {
				fallback, fallbackBase = href, lbase
			}
		}
	}
	if fallback != "" {
		return fallback, fallbackBase
	}
	if g := firstRaw(r.all("guid")); strings.HasPrefix(g, "http://") || strings.HasPrefix(g, "https://") {
		return g, ""
	}
	return "", ""
}

// author returns the author's name and link: dc:creator, an Atom
// author's name, or an RSS author ("jo@example.com (Jo Doe)" gives
// "Jo Doe").
func (r rawItem) author() (name, uri string) {
	if c := firstRaw(r.all("creator", nsDC)); c != "" {
		return web.ClipBytes(web.HTMLText(c), 200), ""
	}
	for _, p := range r.all("author") {
		if n := strings.TrimSpace(p.sub["name"]); n != "" {
			return web.ClipBytes(web.HTMLText(n), 200), strings.TrimSpace(p.sub["uri"])
		}
		if p.children {
			continue
		}
		if b := strings.TrimSpace(p.text.String()); b != "" {
			if open, close := strings.IndexByte(b, '('), strings.LastIndexByte(b, ')'); open >= 0 && close > open+1 {
				b = b[open+1 : close]
			}
			return web.ClipBytes(web.HTMLText(b), 200), ""
		}
	}
	return "", ""
}
