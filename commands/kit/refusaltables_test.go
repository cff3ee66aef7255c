package kit

import "testing"

// TestRefusalTablesDisjoint checks that no reason is worded twice: a
// reason in two refusal tables, or in a refusal table and among the hints,
// would have one wording shadowed by the other and never shown.
func TestRefusalTablesDisjoint(t *testing.T) {
	seen := map[string]int{}
	for i, table := range refusalTables {
		for reason := range table {
			if j, ok := seen[reason]; ok {
				t.Errorf("reason %q is in refusal tables %d and %d", reason, j, i)
			}
			seen[reason] = i
			if _, ok := hint(reason); ok {
				t.Errorf("reason %q has a hint, so its refusal-table wording (table %d) is never shown", reason, i)
			}
		}
	}
	for reason := range mediaHints {
		if _, ok := hints[reason]; ok {
			t.Errorf("reason %q is in both hints and mediaHints", reason)
		}
	}
	if len(seen) == 0 {
		t.Fatal("the refusal tables are empty")
	}
}
