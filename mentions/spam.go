package mentions

import (
	"hash/maphash"
	"net/url"
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

// spamFilter is the stateful part of the spam filter: recent counts per author
// and per text, per brand, in memory (a restart forgets them, which only
// lets a flood through once). Safe for concurrent use.
type spamFilter struct {
	opt  SpamOptions
	seed maphash.Seed

	mu      sync.Mutex
	authors map[spamKey]*window
	texts   map[spamKey]*textWindow
	swept   time.Time
}

type spamKey struct {
	brand int64
	h     uint64
}

// window holds the times of recent events, oldest first.
type window struct{ at []time.Time }

// keep drops the times before cut and reports how many remain.
func (w *window) keep(cut time.Time) int {
	i := 0
	for i < len(w.at) && w.at[i].Before(cut) {
		i++
	}
	w.at = w.at[i:]
	return len(w.at)
}

type textWindow struct {
	authors map[string]time.Time // author → last seen
}

// newSpamFilter returns a spam filter with opt.
func newSpamFilter(opt SpamOptions) *spamFilter {
	return &spamFilter{opt: opt.withDefaults(), seed: maphash.MakeSeed(),
		authors: map[spamKey]*window{}, texts: map[spamKey]*textWindow{}}
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
	var h maphash.Hash
	h.SetSeed(s.seed)
	n := textHash(&h, it.Title) + textHash(&h, it.Text)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	if n >= 20 {
		k := spamKey{brandID, h.Sum64()}
		tw := s.texts[k]
		if tw == nil {
			tw = &textWindow{authors: map[string]time.Time{}}
			s.texts[k] = tw
		}
		cut := now.Add(-s.opt.CopiesWindow)
		for a, at := range tw.authors {
			if at.Before(cut) {
				delete(tw.authors, a)
			}
		}
		if _, seen := tw.authors[author]; !seen && len(tw.authors) >= s.opt.CopiesMax {
			return dropCopies
		}
		tw.authors[author] = now
	}
	if author != "" {
		k := spamKey{brandID, maphash.String(s.seed, author)}
		w := s.authors[k]
		if w == nil {
			w = &window{}
			s.authors[k] = w
		}
		if w.keep(now.Add(-s.opt.AuthorWindow)) >= s.opt.AuthorMax {
			return dropFlood
		}
		w.at = append(w.at, now)
	}
	return ""
}

// sweep forgets, at most once a minute, the counts that fell out of their
// windows, so that memory follows recent traffic only.
func (s *spamFilter) sweep(now time.Time) {
	if now.Sub(s.swept) < time.Minute {
		return
	}
	s.swept = now
	acut := now.Add(-s.opt.AuthorWindow)
	for k, w := range s.authors {
		if w.keep(acut) == 0 {
			delete(s.authors, k)
		}
	}
	tcut := now.Add(-s.opt.CopiesWindow)
	for k, tw := range s.texts {
		for a, at := range tw.authors {
			if at.Before(tcut) {
				delete(tw.authors, a)
			}
		}
		if len(tw.authors) == 0 {
			delete(s.texts, k)
		}
	}
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
