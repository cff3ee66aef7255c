package publish

import (
	"time"

	"github.com/heraldhq/herald"
)

// Pause is a brand's publishing stopped (issue 20): while it lasts the
// scheduler starts no post of the brand; a confirmed publish still goes out.
type Pause struct {
	BrandID int64
	Reason  string
	By      herald.Actor
	At      time.Time
	Until   time.Time // zero: until someone resumes
}

// ReasonPaused is the Reason of the refusals a pause causes: "brand", and
// "draft" for a publish that needs confirming.
const ReasonPaused = "publish.paused"

// ReasonNotPaused is the Reason of resuming a brand that is not paused:
// "brand".
const ReasonNotPaused = "publish.not_paused"

// ReasonAlreadyPaused is the Reason of pausing a paused brand: "brand".
const ReasonAlreadyPaused = "publish.already_paused"
