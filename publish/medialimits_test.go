package publish_test

import (
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
)

func TestFileLimits(t *testing.T) {
	f := func(size int64, alt string) media.Item {
		return media.Item{Name: "f.jpg", Type: "image/jpeg", Size: size, Alt: alt}
	}
	l := publish.FileLimits{Network: "Net", MaxFiles: 3, MaxFile: 100, MaxTotal: 250, MaxAlt: 5}
	tests := []struct {
		name   string
		l      publish.FileLimits
		items  []media.Item
		reason string
		facts  herald.Facts
	}{
		{"OKNone", l, nil, "", nil},
		{"OKAtEveryLimit", l, []media.Item{f(100, "12345"), f(100, ""), f(50, "")}, "", nil},
		{"OKNoLimits", publish.FileLimits{Network: "Any"}, []media.Item{f(1<<40, strings.Repeat("a", 9999))}, "", nil},
		{"ErrCount", l, []media.Item{f(1, ""), f(1, ""), f(1, ""), f(1, "")}, publish.ReasonTooManyMedia,
			herald.Facts{"network": "Net", "max": 3, "count": 4}},
		{"ErrFile", l, []media.Item{f(1, ""), f(101, "")}, publish.ReasonMediaTooBig,
			herald.Facts{"network": "Net", "n": 2, "name": "f.jpg", "size": int64(101), "max": int64(100)}},
		{"ErrFileAgainstTotalWhenNoFileLimit", publish.FileLimits{Network: "Net", MaxTotal: 10}, []media.Item{f(11, "")}, publish.ReasonMediaTooBig,
			herald.Facts{"network": "Net", "n": 1, "name": "f.jpg", "size": int64(11), "max": int64(10)}},
		{"ErrTotal", l, []media.Item{f(100, ""), f(100, ""), f(51, "")}, publish.ReasonMediaTooBigTotal,
			herald.Facts{"network": "Net", "size": int64(251), "max": int64(250)}},
		{"ErrAlt", l, []media.Item{f(1, "éééééé")}, publish.ReasonAltTooLong,
			herald.Facts{"network": "Net", "n": 1, "name": "f.jpg", "length": 6, "max": 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.l.Check(tt.items)
			e := herald.AsError(err)
			switch {
			case tt.reason == "" && err != nil:
				t.Fatalf("Check = %v, want nil", err)
			case tt.reason == "":
			case e == nil || e.Code != herald.EINVALID || e.Reason != tt.reason:
				t.Fatalf("Check = %v, want EINVALID %s", err, tt.reason)
			case !equalFacts(e.Facts, tt.facts):
				t.Errorf("facts %v, want %v", e.Facts, tt.facts)
			}
		})
	}
}

func equalFacts(a, b herald.Facts) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}
