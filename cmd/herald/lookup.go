package main

import (
	"context"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
)

// lookup answers the Discord adapter's autocomplete: brands from brands,
// drafts from approvals.
type lookup struct {
	brands *brands.Service
	drafts *approvals.Service
}

func (l lookup) Brands(ctx context.Context, a herald.Actor) ([]brands.Membership, error) {
	return l.brands.Brands(ctx, a)
}

func (l lookup) List(ctx context.Context, a herald.Actor, ch herald.ChannelRef, brand string, f approvals.DraftFilter) ([]approvals.Draft, map[int64]herald.Brand, error) {
	return l.drafts.List(ctx, a, ch, brand, f)
}
