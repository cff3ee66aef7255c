package kit

import (
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/publish"
)

// TestCancelButton: a draft's card offers Cancel in every state the
// transition table lets it be cancelled, asking for the reason first (as
// Reject does), and in no other.
func TestCancelButton(t *testing.T) {
	for _, s := range approvals.States {
		var found bool
		for _, b := range draftButtons(i18n.English, approvals.Draft{ID: 12, Rev: 2, State: s}) {
			if b.Command == "cancel 12" {
				found = true
				if b.Input != "reason" || b.Style != "danger" {
					t.Errorf("%s: Cancel button %+v; want it to ask for a reason, in danger style", s, b)
				}
			}
		}
		if _, ok := approvals.Next(s, approvals.ActCancel); found != ok {
			t.Errorf("%s: Cancel button offered = %v; the transition table says %v", s, found, ok)
		}
	}
}

// TestDeliveryErrorsVerbatim: a network's words on a draft card (why a
// target refused the post) are outside text, so the Targets field is
// Verbatim then; without them it keeps Herald's rendering (links).
func TestDeliveryErrorsVerbatim(t *testing.T) {
	mastodon := herald.Target{Kind: "mastodon", Name: "main"}
	targets := func(ds ...publish.Delivery) (string, bool) {
		for _, f := range draftCard(publish.DraftView{Deliveries: ds}, i18n.English).Fields {
			if f.Label == "Targets" {
				return f.Value, f.Verbatim
			}
		}
		t.Fatal("no Targets field")
		return "", false
	}
	if v, verbatim := targets(publish.Delivery{Target: mastodon, State: publish.Failed, Error: "*admin* <!channel>"}); !verbatim {
		t.Errorf("Targets %q with a network's words is not Verbatim", v)
	}
	if v, verbatim := targets(publish.Delivery{Target: mastodon, State: publish.Delivered, Receipt: publish.Receipt{URL: "https://m.example/1"}}); verbatim {
		t.Errorf("Targets %q without a network's words is Verbatim", v)
	}
}
