package mentions

import (
	"context"
	"slices"

	"github.com/heraldhq/herald"
)

// channelCache holds a brand's channels for one batch.
type channelCache struct {
	brand int64
	chans []herald.ChannelRef
	ok    bool
}

// routes returns where a mention of the brand matched by watchIDs goes.
func (s *Service) routes(ctx context.Context, brandID int64, watchIDs []int64, cc *channelCache) []herald.ChannelRef {
	wi, err := s.index(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "no watch index for routing", "brand_id", brandID, "error", err)
		wi = &watchIndex{}
	}
	if cc == nil {
		cc = &channelCache{}
	}
	return s.routesWith(ctx, wi, brandID, watchIDs, cc)
}

func (s *Service) routesWith(ctx context.Context, wi *watchIndex, brandID int64, watchIDs []int64, cc *channelCache) []herald.ChannelRef {
	var watchChans []herald.ChannelRef
	for _, id := range watchIDs {
		if w, ok := wi.watches[id]; ok {
			watchChans = append(watchChans, w.Channel)
		}
	}
	if !cc.ok || cc.brand != brandID {
		cc.brand, cc.chans, cc.ok = brandID, nil, true
		if s.opt.Channels != nil {
			chans, err := s.opt.Channels.BrandChannels(ctx, brandID)
			if err != nil {
				s.log.WarnContext(ctx, "brand channels unknown; routing to watch channels only", "brand_id", brandID, "error", err)
			}
			cc.chans = chans
		}
	}
	return routeTo(watchChans, cc.chans)
}

// routeTo decides where a mention goes: each matching watch's channel, plus
// the brand's channels on the platforms no watch channel covers, without
// duplicates, in that order.
func routeTo(watchChans, brandChans []herald.ChannelRef) []herald.ChannelRef {
	var out []herald.ChannelRef
	covered := map[string]bool{}
	for _, c := range watchChans {
		if c.Platform == "" || c.Channel == "" || slices.Contains(out, c) {
			continue
		}
		out = append(out, c)
		covered[c.Platform] = true
	}
	for _, c := range brandChans {
		if c.Platform == "" || c.Channel == "" || covered[c.Platform] || slices.Contains(out, c) {
			continue
		}
		out = append(out, c)
	}
	return out
}
