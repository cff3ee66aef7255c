package approvals

import (
	"context"

	"github.com/heraldhq/herald"
)

// List returns the drafts of the actor's brands (or of one brand) that f
// selects, newest first (f.Soonest: soonest first).
func (s *Service) List(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand string, f DraftFilter) ([]Draft, map[int64]herald.Brand, error) {
	ds, _, brands, err := s.list(ctx, actor, ch, brand, f, false)
	return ds, brands, err
}

// Page is List with how many more drafts f selects beyond f.Limit.
func (s *Service) Page(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand string, f DraftFilter) ([]Draft, int, map[int64]herald.Brand, error) {
	return s.list(ctx, actor, ch, brand, f, true)
}

func (s *Service) list(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand string, f DraftFilter, count bool) ([]Draft, int, map[int64]herald.Brand, error) {
	brands, err := s.scope(ctx, actor, ch, brand)
	if err != nil || len(brands) == 0 {
		return nil, 0, brands, err
	}
	f.BrandIDs = make([]int64, 0, len(brands)) // never write into the caller's slice
	for id := range brands {
		f.BrandIDs = append(f.BrandIDs, id)
	}
	ds, err := s.store.Drafts(ctx, f)
	if err != nil || !count || f.Limit <= 0 || len(ds) < f.Limit {
		return ds, 0, brands, err
	}
	n, err := s.store.CountDrafts(ctx, f)
	return ds, max(0, n-len(ds)), brands, err
}

// scope returns the brands a list covers: brand, or every brand of the
// actor when it is "".
func (s *Service) scope(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand string) (map[int64]herald.Brand, error) {
	brands := map[int64]herald.Brand{}
	if brand != "" {
		b, _, err := s.brands.Resolve(ctx, actor, ch, brand)
		if err != nil {
			return nil, err
		}
		brands[b.ID] = b
		return brands, nil
	}
	ms, err := s.brands.Brands(ctx, actor)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		brands[m.Brand.ID] = m.Brand
	}
	return brands, nil
}
