package mentions

import "context"

// TriageWanted reports whether a brand turned on the LLM triage of its new
// mentions (`listen triage on`). It is Herald's own read, for the relay of
// new mentions: it checks no one's rights.
func (s *Service) TriageWanted(ctx context.Context, brandID int64) (bool, error) {
	st, err := s.store.Settings(ctx, brandID)
	return st.Triage, err
}
