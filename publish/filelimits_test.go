package publish_test

import (
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
)

func TestFileLimits(t *testing.T) {
	l := publish.FileLimits{Network: "Chat", Files: 2, Each: 100, Total: 150, Alt: 5}
	for _, tc := range []struct {
		name  string
		items []media.Item
		want  string
	}{
		{"OKNone", nil, ""},
		{"OKTwo", []media.Item{{Size: 70, Alt: "abcde"}, {Size: 80}}, ""},
		{"ErrThree", make([]media.Item, 3), publish.ReasonTooManyMedia},
		{"ErrOneTooBig", []media.Item{{Size: 101}}, publish.ReasonMediaTooBig},
		{"ErrAltTooLong", []media.Item{{Size: 1, Alt: "abcdéf"}}, publish.ReasonAltTooLong},
		{"ErrTogetherTooBig", []media.Item{{Size: 100}, {Size: 51}}, publish.ReasonMediaTooBigTotal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := l.Check(tc.items)
			got := ""
			if he := herald.AsError(err); he != nil {
				got = he.Reason
				if !strings.Contains(he.Message, "Chat") {
					t.Errorf("message %q does not name the network", he.Message)
				}
			}
			if got != tc.want {
				t.Errorf("Check = %v (reason %q); want %q", err, got, tc.want)
			}
		})
	}
	if err := (publish.FileLimits{Network: "Chat", Files: 1, Total: 10}).Check([]media.Item{{Size: 11}}); herald.AsError(err).Reason != publish.ReasonMediaTooBig {
		t.Errorf("without Each, Total bounds one file: %v", err)
	}
}
