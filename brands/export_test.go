package brands

// IsGrantee lets the external tests check isGrantee.
var IsGrantee = isGrantee

// ZoneNames exposes the zones suggestions come from.
func ZoneNames() []string { return zoneNames }
