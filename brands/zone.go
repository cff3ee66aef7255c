package brands

import (
	"context"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/textdist"
)

// ReasonUnknownZone refuses a time zone that is not an IANA name. Facts:
// "zone" (as given) and "suggestion" (the nearest known zone, or "").
const ReasonUnknownZone = "brands.unknown_zone"

// AuditZone is the audit action of a time zone change; Detail: "NEW (was
// OLD)".
const AuditZone = "zone"

// SetZone changes the time zone of the brand a command acts on (SetZone):
// the zone its people's times are read and shown in. Scheduled posts keep
// their instant. It returns the brand before and after. A zone is an IANA
// name ("Europe/Paris", "UTC"); its case is corrected ("europe/paris").
func (s *Service) SetZone(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand, zone string) (before, after herald.Brand, err error) {
	name, err := CanonicalZone(zone)
	if err != nil {
		return herald.Brand{}, herald.Brand{}, err
	}
	after, err = s.Configure(ctx, actor, ch, brand, SetZone, AuditZone, func(b *herald.Brand) (string, error) {
		before = *b
		b.Timezone = name
		return name + " (was " + before.Timezone + ")", nil
	})
	return before, after, err
}

// CanonicalZone returns the IANA name of zone as Herald stores it, or an
// EINVALID error (ReasonUnknownZone) naming the nearest known zone.
func CanonicalZone(zone string) (string, error) {
	zone = strings.TrimSpace(zone)
	for _, z := range zoneNames {
		if strings.EqualFold(z, zone) {
			return z, nil
		}
	}
	if zone != "" && !strings.HasPrefix(zone, ".") && !strings.Contains(zone, "..") {
		if _, err := time.LoadLocation(zone); err == nil && zone != "Local" {
			return zone, nil
		}
	}
	near := NearestZone(zone)
	msg := "Unknown time zone " + quote(zone) + "; give an IANA name such as Europe/Paris."
	if near != "" {
		msg = "Unknown time zone " + quote(zone) + "; did you mean " + near + "?"
	}
	return "", herald.Errorf(herald.EINVALID, "%s", msg).
		Because(ReasonUnknownZone, herald.Facts{"zone": zone, "suggestion": near})
}

// NearestZone returns the known zone closest to zone ("Europe/Pariss",
// "paris" and "Europe/Paris" all give Europe/Paris), or "" when none is
// close.
func NearestZone(zone string) string {
	key := strings.ToLower(strings.TrimSpace(zone))
	if key == "" {
		return ""
	}
	lower := make([]string, len(zoneNames))
	cities := make([]string, len(zoneNames))
	for i, z := range zoneNames {
		lower[i] = strings.ToLower(z)
		cities[i] = strings.ToLower(z[strings.LastIndexByte(z, '/')+1:])
	}
	if near, ok := textdist.Nearest(key, lower, textdist.Budget(key)); ok {
		return zoneNames[indexOf(lower, near)]
	}
	city := strings.ReplaceAll(key, " ", "_")
	if i := indexOf(cities, city); i >= 0 {
		return zoneNames[i]
	}
	if near, ok := textdist.Nearest(city, cities, max(1, textdist.Budget(city)-1)); ok {
		return zoneNames[indexOf(cities, near)]
	}
	return ""
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// quote writes s between double quotes, shortened when long.
func quote(s string) string {
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "..."
	}
	return `"` + s + `"`
}
