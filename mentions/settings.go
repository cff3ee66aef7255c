package mentions

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald"
)

// Mute silences an author or a domain for the brand.
func (s *Service) Mute(ctx context.Context, actor herald.Actor, brand herald.Brand, kind MuteKind, value string) (Mute, error) {
	m, err := s.mute(ctx, actor, brand, kind, value)
	if err != nil {
		return Mute{}, err
	}
	if err := s.store.PutMute(ctx, m, s.audit(brand.ID, 0, actor, actMute, string(kind)+" "+m.Value)); err != nil {
		if herald.ErrorCode(err) == herald.ECONFLICT {
			return Mute{}, herald.Errorf(herald.ECONFLICT, "The %s %s is muted already.", kind, m.Value).
				Because(ReasonMuted, herald.Facts{"kind": kind, "value": m.Value})
		}
		return Mute{}, err
	}
	return m, nil
}

// Unmute lifts a mute; ENOTFOUND when there is none.
func (s *Service) Unmute(ctx context.Context, actor herald.Actor, brand herald.Brand, kind MuteKind, value string) (Mute, error) {
	m, err := s.mute(ctx, actor, brand, kind, value)
	if err != nil {
		return Mute{}, err
	}
	if err := s.store.DeleteMute(ctx, m, s.audit(brand.ID, 0, actor, actUnmute, string(kind)+" "+m.Value)); err != nil {
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			return Mute{}, herald.Errorf(herald.ENOTFOUND, "The %s %s is not muted.", kind, m.Value).
				Because(ReasonNotMuted, herald.Facts{"kind": kind, "value": m.Value})
		}
		return Mute{}, err
	}
	return m, nil
}

func (s *Service) mute(ctx context.Context, actor herald.Actor, brand herald.Brand, kind MuteKind, value string) (Mute, error) {
	if err := s.require(ctx, actor, brand.ID, permManage); err != nil {
		return Mute{}, err
	}
	if kind != MuteAuthor && kind != MuteDomain {
		return Mute{}, herald.Errorf(herald.EINVALID, "One mutes an author or a domain, not %q.", kind).
			Because(ReasonBadMuteKind, herald.Facts{"kind": kind})
	}
	v := NormalizeMute(kind, value)
	if v == "" || utf8.RuneCountInString(v) > 200 {
		return Mute{}, herald.Errorf(herald.EINVALID, "%q is not a usable %s to mute.", value, kind).
			Because(ReasonBadMute, herald.Facts{"kind": kind, "value": value})
	}
	return Mute{BrandID: brand.ID, Kind: kind, Value: v, By: actor, At: s.now()}, nil
}

// Mutes lists the brand's mutes.
func (s *Service) Mutes(ctx context.Context, actor herald.Actor, brand herald.Brand) ([]Mute, error) {
	if err := s.require(ctx, actor, brand.ID, permRead); err != nil {
		return nil, err
	}
	return s.store.Mutes(ctx, brand.ID)
}

// Settings returns the brand's listening settings.
func (s *Service) Settings(ctx context.Context, actor herald.Actor, brand herald.Brand) (Settings, error) {
	if err := s.require(ctx, actor, brand.ID, permRead); err != nil {
		return Settings{}, err
	}
	return s.store.Settings(ctx, brand.ID)
}

// SetLangs sets the language filter: primary subtags such as "fr", "en";
// none keeps every language.
func (s *Service) SetLangs(ctx context.Context, actor herald.Actor, brand herald.Brand, langs []string) (Settings, error) {
	var clean []string
	for _, l := range langs {
		for _, f := range strings.FieldsFunc(l, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
			f = strings.ToLower(f)
			if len(f) < 2 || len(f) > 3 || strings.IndexFunc(f, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
				return Settings{}, herald.Errorf(herald.EINVALID, "%q is not a language code; use two-letter codes such as fr, en.", f).
					Because(ReasonBadLang, herald.Facts{"value": f})
			}
			if !slices.Contains(clean, f) {
				clean = append(clean, f)
			}
		}
	}
	return s.setSettings(ctx, actor, brand, "langs "+strings.Join(clean, ","), func(st *Settings) { st.Langs = clean })
}

// SetDigestAt sets the daily digest's time, "HH:MM" in the brand's zone;
// "" or "off" turns the digest off.
func (s *Service) SetDigestAt(ctx context.Context, actor herald.Actor, brand herald.Brand, at string) (Settings, error) {
	at = strings.TrimSpace(strings.ToLower(at))
	if at == "off" || at == "none" {
		at = ""
	}
	if at != "" {
		t, err := time.Parse("15:04", at)
		if err != nil {
			return Settings{}, herald.Errorf(herald.EINVALID, "Give the digest time as HH:MM (e.g. 09:00), or off.").Because(ReasonBadDigest, nil)
		}
		at = t.Format("15:04")
	}
	return s.setSettings(ctx, actor, brand, "digest "+at, func(st *Settings) { st.DigestAt = at })
}

// SetTriage turns the LLM triage of new mentions on or off.
func (s *Service) SetTriage(ctx context.Context, actor herald.Actor, brand herald.Brand, on bool) (Settings, error) {
	return s.setSettings(ctx, actor, brand, fmt.Sprintf("triage %t", on), func(st *Settings) { st.Triage = on })
}

func (s *Service) setSettings(ctx context.Context, actor herald.Actor, brand herald.Brand, detail string, f func(*Settings)) (Settings, error) {
	if err := s.require(ctx, actor, brand.ID, permManage); err != nil {
		return Settings{}, err
	}
	st, err := s.store.Settings(ctx, brand.ID)
	if err != nil {
		return Settings{}, err
	}
	f(&st)
	if err := s.store.PutSettings(ctx, st, s.audit(brand.ID, 0, actor, actSettings, detail)); err != nil {
		return Settings{}, err
	}
	return st, nil
}
