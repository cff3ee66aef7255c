package textdist

import "testing"

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "abc", 3}, {"drafs", "drafts", 1}, {"drafs", "draft", 1},
		{"kitten", "sitting", 3}, {"demian", "demain", 1}, {"décembre", "decembre", 1}, {"same", "same", 0}, {"hlep", "help", 1}, {"ca", "abc", 3},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	long := string(make([]byte, 100))
	if Distance(long, "a") < 100 {
		t.Errorf("Distance of a huge word should be large")
	}
}

func TestNearest(t *testing.T) {
	tests := []struct {
		name  string
		word  string
		cands []string
		max   int
		want  string
		ok    bool
	}{
		{name: "length breaks a tie", word: "drafs", cands: []string{"draft", "drafts"}, max: 2, want: "drafts", ok: true},
		{name: "order does not matter", word: "drafs", cands: []string{"drafts", "draft"}, max: 2, want: "drafts", ok: true},
		{name: "closest wins", word: "aprove", cands: []string{"approve", "reject", "help"}, max: 2, want: "approve", ok: true},
		{name: "too far", word: "zzzz", cands: []string{"approve"}, max: 2},
		{name: "exact is no suggestion", word: "add", cands: []string{"add", "ad"}, max: 2},
		{name: "none", word: "x", max: 2},
		{name: "first of equals", word: "ab", cands: []string{"ac", "ad"}, max: 1, want: "ac", ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Nearest(tt.word, tt.cands, tt.max)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Nearest(%q) = %q, %v; want %q, %v", tt.word, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestBudget(t *testing.T) {
	for word, want := range map[string]int{"ad": 1, "help": 1, "drafs": 2, "approval": 2, "pauseuntil": 3} {
		if got := Budget(word); got != want {
			t.Errorf("Budget(%q) = %d, want %d", word, got, want)
		}
	}
}
