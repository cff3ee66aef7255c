package kit

// Unexported renderers that the external tests (which need the full
// router of package handlers) reach.
var (
	MentionButtons = mentionButtons
	Triage         = triage
)
