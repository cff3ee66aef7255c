package kit

import (
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/publish"
)

// TestDeliveryErrorsVerbatim: a network's words on a draft card (why a
// target refused the post) are outside text, so the Targets field is
// Verbatim then; without them it keeps Herald's rendering (links).
func TestDeliveryErrorsVerbatim(t *testing.T) {
	mastodon := herald.Target{Kind: "mastodon", Name: "main"}
	targets := func(ds ...publish.Delivery) (string, bool) {
		for _, f := range draftCard(publish.DraftView{Deliveries: ds}).Fields {
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
