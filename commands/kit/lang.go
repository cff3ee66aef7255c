package kit

import (
	"context"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands/i18n"
)

// PersonLang is the language of what a person sees alone (answers, errors,
// forms): their own (the platform's locale, /lang), else the brand's, else
// English.
func PersonLang(a herald.Actor, b herald.Brand) i18n.Lang {
	if l, ok := i18n.Parse(a.Lang); ok {
		return l
	}
	return BrandLang(b)
}

// BrandLang is the language of what a brand's channels see (cards, notes
// in threads, digests): the brand's (brand lang), else English.
func BrandLang(b herald.Brand) i18n.Lang {
	if l, ok := i18n.Parse(b.Lang); ok {
		return l
	}
	return i18n.English
}

// channelLang is the language of a person who did not say theirs: the
// brand's of the channel (or their only brand's), else English. The
// router asks it once per command (Router.SetLanguage).
func (d Deps) channelLang(ctx context.Context, a herald.Actor, ch herald.ChannelRef) i18n.Lang {
	if d.Brands == nil {
		return i18n.English
	}
	b, _, err := d.Brands.Resolve(ctx, a, ch, "")
	if err != nil {
		return i18n.English
	}
	return BrandLang(b)
}

// Language is what handlers.New gives Router.SetLanguage.
func (d Deps) Language() func(ctx context.Context, a herald.Actor, ch herald.ChannelRef) i18n.Lang {
	return d.channelLang
}
