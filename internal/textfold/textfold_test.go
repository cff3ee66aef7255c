package textfold

import "testing"

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  GRATUÏT \t Œuvre  ", "gratuit oeuvre"},
		{"Straße ﬁn Ｆｕｌｌ ｜ Łódź", "strasse fin full ｜ lodz"},
		{"e\u0301te\u0301", "ete"},
		{"L’Été #Ad @Acme", "l'ete #ad @acme"},
		{"日本語 Москва", "日本語 москва"},
		{"Rocket\u00ADlauncher \u00AD", "rocketlauncher"}, // a soft hyphen vanishes
		{"lʼAcme", "l'acme"},                              // U+02BC folds like ' and ’
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestContainsWord(t *testing.T) {
	tests := []struct {
		text, phrase string
		want         bool
	}{
		{"it's free!", "free", true},
		{"freedom", "free", false},
		{"great deal #ad", "#ad", true},
		{"#adventure", "#ad", false},
		{"great deal ad", "#ad", false},
		{"a free money offer", "free money", true},
		{"free moneys", "free money", false},
		{"x", "", false},
		{"日本語", "本", true},
		{"москва", "моск", false},
	}
	for _, tt := range tests {
		if got := ContainsWord(tt.text, tt.phrase); got != tt.want {
			t.Errorf("ContainsWord(%q, %q) = %v, want %v", tt.text, tt.phrase, got, tt.want)
		}
	}
}
