package assist

import (
	"fmt"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
)

// AltRequired is the alt text policy of alt=required.
const AltRequired = "required"

// ReasonAltMissing names the finding of alt=required, with its facts:
// "items" ([]int, the numbers of the items without alt text, from 1),
// "names" ([]string, their names), "draft" (its id, 0 before it exists;
// set by the caller that knows it).
const ReasonAltMissing = "assist.alt_missing"

// LintMedia checks a revision's media against the brand's guidelines:
// under alt=required, items without alt text are one blocking finding
// (a picture is posted with its description, or not at all). It is
// deterministic and does no I/O.
func LintMedia(g Guidelines, items []media.Item) []Finding {
	if g.Alt != AltRequired {
		return nil
	}
	var nums []int
	var names, words []string
	for i, it := range items {
		if strings.TrimSpace(it.Alt) == "" {
			nums = append(nums, i+1)
			names = append(names, it.Name)
			words = append(words, fmt.Sprintf("%d (%s)", i+1, it.Name))
		}
	}
	if len(nums) == 0 {
		return nil
	}
	what := "Item " + words[0] + " has"
	if len(words) > 1 {
		what = "Items " + joinAnd(words) + " have"
	}
	return []Finding{{Rule: "alt", Blocking: true, Reason: ReasonAltMissing,
		Facts:   herald.Facts{"items": nums, "names": names},
		Message: what + " no alt text; the brand's guidelines require a description of every picture and video."}}
}
