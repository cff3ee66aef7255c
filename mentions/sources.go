package mentions

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/mentions/web"
)

// AddSource configures a source for the brand. The kind must be one this
// server runs (Options.Kinds); rss takes a feed URL, mastodon an instance
// URL and a tag, both checked with Options.CheckURL; a webhook gets an
// unguessable token. The same source twice is ECONFLICT.
func (s *Service) AddSource(ctx context.Context, actor herald.Actor, brand herald.Brand, spec Spec) (SourceStatus, error) {
	if err := s.require(ctx, actor, brand.ID, permManage); err != nil {
		return SourceStatus{}, err
	}
	spec.Kind = strings.ToLower(strings.TrimSpace(spec.Kind))
	needs, known := kindOf(spec.Kind)
	if !known {
		return SourceStatus{}, herald.Errorf(herald.EINVALID, "%q is not a source kind; use one of %s.", spec.Kind, strings.Join(Kinds, ", ")).
			Because(ReasonBadKind, herald.Facts{"kind": spec.Kind, "kinds": Kinds})
	}
	if !slices.Contains(s.opt.Kinds, spec.Kind) {
		return SourceStatus{}, herald.Errorf(herald.EUNAVAILABLE, "%s sources are not set up on this Herald; available here: %s.", spec.Kind, strings.Join(s.opt.Kinds, ", ")).
			Because(ReasonKindOff, herald.Facts{"kind": spec.Kind, "kinds": s.opt.Kinds})
	}
	spec.ID, spec.BrandID = 0, brand.ID
	var err error
	if spec.URL, err = s.sourceURL(ctx, spec.Kind, spec.URL, needs.url); err != nil {
		return SourceStatus{}, err
	}
	if spec.Tag, err = sourceTag(spec.Kind, spec.Tag, needs.tag); err != nil {
		return SourceStatus{}, err
	}
	st := SourceStatus{Spec: spec, NextPoll: s.now(), CreatedBy: actor, CreatedAt: s.now()}
	secret := ""
	if spec.Kind == "webhook" {
		if secret, err = s.token(); err != nil {
			return SourceStatus{}, herald.Internal(err)
		}
		st.Token, st.NextPoll = tokenHash(secret), time.Time{}
	}
	if err := s.store.CreateSource(ctx, &st, s.audit(brand.ID, 0, actor, actAddSource, spec.String())); err != nil {
		if herald.ErrorCode(err) == herald.ECONFLICT {
			return SourceStatus{}, herald.Errorf(herald.ECONFLICT, "This brand has the source %s already.", spec.String()).
				Because(ReasonSourceTaken, herald.Facts{"source": spec.String()})
		}
		return SourceStatus{}, err
	}
	if secret != "" {
		st.Token = secret // shown once, to the one who added it
	}
	return st, nil
}

// tokenHash is what is stored of a webhook's token: its SHA-256, so that
// the database alone gives no one the right to push mentions, and a
// lookup compares digests rather than the secret.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func (s *Service) sourceURL(ctx context.Context, kind, raw string, need bool) (string, error) {
	raw = strings.TrimSpace(raw)
	if !need {
		if raw != "" {
			return "", herald.Errorf(herald.EINVALID, "A %s source takes no URL.", kind).Because(ReasonURLUnwanted, herald.Facts{"kind": kind})
		}
		return "", nil
	}
	if raw == "" {
		return "", herald.Errorf(herald.EINVALID, "A %s source needs a URL.", kind).Because(ReasonNeedsURL, herald.Facts{"kind": kind})
	}
	if kind == "mastodon" && !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	if kind == "mastodon" {
		raw = strings.TrimRight(raw, "/")
	}
	u := web.ParseURL(raw)
	if u == nil {
		return "", herald.Errorf(herald.EINVALID, "%q is not an http or https URL.", raw).Because(ReasonBadURL, herald.Facts{"url": raw})
	}
	if u.User != nil {
		return "", herald.Errorf(herald.EINVALID, "Give the URL without a user name or password.").Because(ReasonURLUser, nil)
	}
	if kind == "mastodon" {
		raw = (&url.URL{Scheme: u.Scheme, Host: strings.ToLower(u.Host)}).String()
	}
	if s.opt.CheckURL != nil {
		if err := s.opt.CheckURL(ctx, raw); err != nil {
			var he *herald.Error
			if errors.As(err, &he) {
				return "", err
			}
			return "", &herald.Error{Code: herald.EINVALID, Message: fmt.Sprintf("The URL %s cannot be used as a source: %v.", raw, err), Err: err,
				Reason: ReasonURLRefused, Facts: herald.Facts{"url": raw, "error": err.Error()}}
		}
	}
	return raw, nil
}

func sourceTag(kind, tag string, need bool) (string, error) {
	tag = strings.TrimPrefix(strings.TrimSpace(tag), "#")
	if !need {
		if tag != "" {
			return "", herald.Errorf(herald.EINVALID, "A %s source takes no tag.", kind).Because(ReasonTagUnwanted, herald.Facts{"kind": kind})
		}
		return "", nil
	}
	if tag == "" {
		return "", herald.Errorf(herald.EINVALID, "A %s source needs a #tag.", kind).Because(ReasonNeedsTag, herald.Facts{"kind": kind})
	}
	if utf8.RuneCountInString(tag) > 100 {
		return "", herald.Errorf(herald.EINVALID, "The tag is too long (at most 100 characters).").Because(ReasonTagLong, herald.Facts{"max": 100})
	}
	for _, r := range tag {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
			return "", herald.Errorf(herald.EINVALID, "A tag has letters, digits and '_' only; %q has %q.", tag, r).
				Because(ReasonTagChars, herald.Facts{"tag": tag, "char": string(r)})
		}
	}
	return tag, nil
}

func (s *Service) token() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Sources lists the brand's sources with their health, oldest first.
func (s *Service) Sources(ctx context.Context, actor herald.Actor, brand herald.Brand) ([]SourceStatus, error) {
	if err := s.require(ctx, actor, brand.ID, permRead); err != nil {
		return nil, err
	}
	return s.store.Sources(ctx, brand.ID)
}

// RemoveSource deletes a source and returns it. Its mentions stay.
func (s *Service) RemoveSource(ctx context.Context, actor herald.Actor, id int64) (SourceStatus, error) {
	st, err := s.store.Source(ctx, id)
	if err != nil {
		return SourceStatus{}, notFound(err, "source", id)
	}
	if err := s.requireOn(ctx, actor, st.Spec.BrandID, permManage, "source", id); err != nil {
		return SourceStatus{}, err
	}
	if err := s.store.DeleteSource(ctx, id, s.audit(st.Spec.BrandID, 0, actor, actRemoveSrc, fmt.Sprintf("#%d %s", id, st.Spec.String()))); err != nil {
		return SourceStatus{}, notFound(err, "source", id)
	}
	return st, nil
}
