package brandcmd

import (
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands/i18n"
)

func TestKeptText(t *testing.T) {
	utc := herald.Brand{Timezone: "UTC"}
	paris := herald.Brand{Timezone: "Europe/Paris"}
	at := time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		lang i18n.Lang
		n    int
		want string
	}{
		{i18n.English, 3, "3 scheduled posts keep their time: 9:00 UTC is now 10:00 Europe/Paris."},
		{i18n.English, 1, "1 scheduled post keeps its time: 9:00 UTC is now 10:00 Europe/Paris."},
		{i18n.French, 3, "3 publications programmées gardent leur heure\u202f: 9 h 00 UTC devient 10 h 00 Europe/Paris."},
		{i18n.French, 1, "1 publication programmée garde son heure\u202f: 9 h 00 UTC devient 10 h 00 Europe/Paris."},
	}
	for _, tt := range tests {
		if got := keptText(tt.lang, tt.n, at, utc, paris); got != tt.want {
			t.Errorf("keptText(%s, %d) = %q\nwant %q", tt.lang, tt.n, got, tt.want)
		}
	}
}
