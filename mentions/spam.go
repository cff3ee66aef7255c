package mentions

import (
	"encoding/binary"
	"hash/maphash"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald/mentions/query"
)

// SpamOptions tune the spam filter. Zero fields take the defaults.
type SpamOptions struct {
	// AuthorMax mentions from one author per brand within AuthorWindow
	// pass; further ones are dropped (default 5 per 10 minutes).
	AuthorMax    int
	AuthorWindow time.Duration
	// CopiesMax copies of the same text (normalised) from different
	// authors within CopiesWindow pass; further ones are dropped, as a
	// hijacked hashtag (default 3 per hour).
	CopiesMax    int
	CopiesWindow time.Duration
}

func (o SpamOptions) withDefaults() SpamOptions {
	if o.AuthorMax <= 0 {
		o.AuthorMax = 5
	}
	if o.AuthorWindow <= 0 {
		o.AuthorWindow = 10 * time.Minute
	}
	if o.CopiesMax <= 0 {
		o.CopiesMax = 3
	}
	if o.CopiesWindow <= 0 {
		o.CopiesWindow = time.Hour
	}
	return o
}

// Why an item was dropped by the spam filter.
const (
	dropMuted  = "muted"
	dropLang   = "lang"
	dropFlood  = "flood"  // too many from one author
	dropCopies = "copies" // the same text from many authors
)

// spamFilter is the stateful part of the spam filter: recent passes per
// author and per text, per brand, in memory (a restart forgets them, which
// only lets a flood through once). Its memory is bounded whatever the
// traffic: fingerprints in windowSets of fixed greatest size (see
// spamMemory), not a record per mention. Safe for concurrent use.
//
// What the bound costs: a window is seen in slices (tenths of the author
// window, sixths of the copies window), so a pass at the window's far edge
// may be forgotten up to one slice early; and beyond the traffic the sets
// are sized for (authorSlots, copySlots) a slice that is full records no
// more, so floods and copies may then pass. Both errors let spam through;
// neither drops a real mention. A real mention is dropped wrongly only
// when two fingerprints collide: 64 bits per author, 52 bits per text (an
// author inside a text counts by 12 bits, copyAuthorBits, which can only
// merge two authors into one, i.e. let a copy through).
type spamFilter struct {
	opt  SpamOptions
	seed maphash.Seed

	mu      sync.Mutex
	authors *windowSet // one fingerprint of brand+author per pass
	texts   *windowSet // text fingerprint (52 bits) | author (12 bits), per author and slice
}

// The sizes of the spam filter's sets: per slice, at most this many slots
// of 8 bytes (3/4 used). Authors: 10 slices of the 10-minute window, exact
// up to 24,576 passes a minute (409 mentions/s); texts: 6 slices of the
// hour, exact up to 49,152 texts in 10 minutes (81 mentions/s sustained
// for the whole hour). Together at most 5.8 MB (spamMemory), reached only
// at such rates; a quiet Herald holds a few kilobytes. (Twice these sizes
// kept more exact at higher rates, but a busy process then held 41-45 MB
// resident with the garbage collector's headroom, over the 40 MB target.)
const (
	authorSlices, authorSlots = 10, 1 << 15
	copySlices, copySlots     = 6, 1 << 16
	spamMemory                = 8 * (authorSlices*authorSlots + copySlices*copySlots)
	// copyAuthorBits are the bits of a text's fingerprint that tell its
	// authors apart; the others are the text's.
	copyAuthorBits = 1<<12 - 1
)

// newSpamFilter returns a spam filter with opt.
func newSpamFilter(opt SpamOptions) *spamFilter {
	opt = opt.withDefaults()
	return &spamFilter{opt: opt, seed: maphash.MakeSeed(),
		authors: newWindowSet(opt.AuthorWindow, authorSlices, authorSlots),
		texts:   newWindowSet(opt.CopiesWindow, copySlices, copySlots)}
}

// staticDrop checks what needs no memory: mutes and the language filter. It
// returns the reason to drop it, or "".
func staticDrop(it *Item, mutes []Mute, langs []string) string {
	if muted(it, mutes) {
		return dropMuted
	}
	if it.Lang != "" && len(langs) > 0 {
		primary, _, _ := strings.Cut(strings.ToLower(it.Lang), "-")
		keep := false
		for _, l := range langs {
			if l == primary {
				keep = true
				break
			}
		}
		if !keep {
			return dropLang
		}
	}
	return ""
}

func muted(it *Item, mutes []Mute) bool {
	if len(mutes) == 0 {
		return false
	}
	author := query.NormalizeAuthor(it.Author)
	var host string
	if u, err := url.Parse(it.URL); err == nil {
		host = strings.ToLower(u.Hostname())
	}
	for _, m := range mutes {
		switch m.Kind {
		case MuteAuthor:
			if author != "" && author == m.Value {
				return true
			}
		case MuteDomain:
			if host != "" && (host == m.Value || strings.HasSuffix(host, "."+m.Value)) {
				return true
			}
		}
	}
	return false
}

// Check counts the item for its brand at now and returns the reason to
// drop it (dropFlood, dropCopies), or "". Only items that pass are counted
// against their author.
func (s *spamFilter) Check(brandID int64, it *Item, now time.Time) string {
	author := query.NormalizeAuthor(it.Author)
	var brand [8]byte
	binary.LittleEndian.PutUint64(brand[:], uint64(brandID))
	var h maphash.Hash
	h.SetSeed(s.seed)
	h.Write(brand[:])
	n := textHash(&h, it.Title) + textHash(&h, it.Text)
	s.mu.Lock()
	defer s.mu.Unlock()
	if n >= 20 && s.copied(now, h.Sum64(), maphash.String(s.seed, author)&copyAuthorBits) {
		return dropCopies
	}
	if author != "" {
		h.Reset()
		h.Write(brand[:])
		h.WriteString(author)
		fp := max(h.Sum64(), 1)
		if s.authors.count(now, fp) >= s.opt.AuthorMax {
			return dropFlood
		}
		s.authors.add(now, fp)
	}
	return ""
}

// copied reports whether the text (its fingerprint) came from CopiesMax
// other authors within the window, and else records that author posted it
// (again: the author's last time moves to now's slice).
func (s *spamFilter) copied(now time.Time, text, author uint64) bool {
	fp := max(text&^copyAuthorBits|author, 1)
	var buf [8]uint64
	others, known, recent := buf[:0], false, false
	s.texts.each(now, fp, ^uint64(copyAuthorBits), func(v uint64) {
		switch a := v & copyAuthorBits; {
		case a == author:
			known = true
		case !slices.Contains(others, a):
			others = append(others, a)
		}
	})
	if !known && len(others) >= s.opt.CopiesMax {
		return true
	}
	if known {
		recent = s.texts.hasNow(now, fp)
	}
	if !recent {
		s.texts.add(now, fp)
	}
	return false
}

// textHash feeds h the folded form of s used by the copies check:
// lowercased letters and digits (and '#', '@'), links skipped, so that the
// same text with other punctuation, case or links counts as a copy. It
// returns how many characters it fed.
func textHash(h *maphash.Hash, s string) int {
	n := 0
	fed := false
	for i := 0; i < len(s); {
		// At a word's start: skip links.
		if (i == 0 || isSpaceByte(s[i-1])) && (strings.HasPrefix(s[i:], "http://") || strings.HasPrefix(s[i:], "https://")) {
			for i < len(s) && !isSpaceByte(s[i]) {
				i++
			}
			continue
		}
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '#', c == '@':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			default:
				if isSpaceByte(c) && fed {
					h.WriteByte(' ')
					fed = false
				}
				continue
			}
			h.WriteByte(c)
			n++
			fed = true
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			var buf [utf8.UTFMax]byte
			h.Write(buf[:utf8.EncodeRune(buf[:], unicode.ToLower(r))])
			n++
			fed = true
		} else if unicode.IsSpace(r) && fed {
			h.WriteByte(' ')
			fed = false
		}
	}
	if fed {
		h.WriteByte(' ')
	}
	return n
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

// NormalizeMute checks and folds a mute's value: an author handle (see
// query.NormalizeAuthor) or a domain (lowercased, scheme, path and "www."
// removed). It returns "" when nothing usable is left.
func NormalizeMute(kind MuteKind, value string) string {
	switch kind {
	case MuteAuthor:
		return query.NormalizeAuthor(value)
	case MuteDomain:
		v := strings.ToLower(strings.TrimSpace(value))
		if u, err := url.Parse(v); err == nil && u.Host != "" {
			v = u.Hostname()
		}
		v, _, _ = strings.Cut(v, "/")
		v = strings.TrimPrefix(strings.Trim(v, "."), "www.")
		if v == "" || strings.ContainsAny(v, " @:?#") || !strings.Contains(v, ".") {
			return ""
		}
		return v
	}
	return ""
}
