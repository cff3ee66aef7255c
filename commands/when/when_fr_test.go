package when

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestParseWhenFrench reads the forms a French reader types, and the
// English forms added beside them. whenNow is Sunday 22 Nov 2026, 10:00
// in Paris.
func TestParseWhenFrench(t *testing.T) {
	mondayTen := whenAt(whenParis, 2026, 11, 23, 10, 0, 0)
	tests := []struct {
		name string
		in   string
		lang string
		now  time.Time // whenNow if zero
		want time.Time
	}{
		{name: "demain", in: "demain 9h", want: whenAt(whenParis, 2026, 11, 23, 9, 0, 0)},
		{name: "demain upper", in: "DEMAIN 9H", want: whenAt(whenParis, 2026, 11, 23, 9, 0, 0)},
		{name: "demain alone", in: "demain", want: whenAt(whenParis, 2026, 11, 23, 9, 0, 0)},
		{name: "demain à", in: "demain à 9h", want: whenAt(whenParis, 2026, 11, 23, 9, 0, 0)},
		{name: "demain midi", in: "demain midi", want: whenAt(whenParis, 2026, 11, 23, 12, 0, 0)},
		{name: "demain soir", in: "demain soir", want: whenAt(whenParis, 2026, 11, 23, 18, 0, 0)},
		{name: "après-demain", in: "après-demain 14h30", want: whenAt(whenParis, 2026, 11, 24, 14, 30, 0)},
		{name: "apres-demain", in: "apres-demain 14h30", want: whenAt(whenParis, 2026, 11, 24, 14, 30, 0)},
		{name: "après demain", in: "après demain 14h30", want: whenAt(whenParis, 2026, 11, 24, 14, 30, 0)},
		{name: "lundi", in: "lundi 9h", want: whenAt(whenParis, 2026, 11, 23, 9, 0, 0)},
		{name: "lun", in: "lun 9h", want: whenAt(whenParis, 2026, 11, 23, 9, 0, 0)},
		{name: "mar is mardi", in: "mar 10h", want: whenAt(whenParis, 2026, 11, 24, 10, 0, 0)},
		{name: "vendredi", in: "vendredi 18h", want: whenAt(whenParis, 2026, 11, 27, 18, 0, 0)},
		{name: "lundi prochain", in: "lundi prochain 10h", want: whenAt(whenParis, 2026, 11, 23, 10, 0, 0)},
		{name: "lundi prochain on a monday", in: "lundi prochain 14h", now: mondayTen, want: whenAt(whenParis, 2026, 11, 30, 14, 0, 0)},
		{name: "lundi on a monday", in: "lundi 14h", now: mondayTen, want: whenAt(whenParis, 2026, 11, 23, 14, 0, 0)},
		{name: "dans 2 heures", in: "dans 2 heures", want: whenNow.Add(2 * time.Hour)},
		{name: "dans 30 min", in: "dans 30 min", want: whenNow.Add(30 * time.Minute)},
		{name: "dans une heure", in: "dans une heure", want: whenNow.Add(time.Hour)},
		{name: "dans 1 heure et 30 minutes", in: "dans 1 heure et 30 minutes", want: whenNow.Add(90 * time.Minute)},
		{name: "dans 3 jours", in: "dans 3 jours", want: whenNow.Add(72 * time.Hour)},
		{name: "dans 1h30", in: "dans 1h30", want: whenNow.Add(90 * time.Minute)},
		{name: "ce soir 18h", in: "ce soir 18h", want: whenAt(whenParis, 2026, 11, 22, 18, 0, 0)},
		{name: "ce soir", in: "ce soir", want: whenAt(whenParis, 2026, 11, 22, 18, 0, 0)},
		{name: "ce soir 8h", in: "ce soir 8h", want: whenAt(whenParis, 2026, 11, 22, 20, 0, 0)},
		{name: "cet après-midi 3h", in: "cet après-midi 3h", want: whenAt(whenParis, 2026, 11, 22, 15, 0, 0)},
		{name: "le 3 décembre à 10h", in: "le 3 décembre à 10h", want: whenAt(whenParis, 2026, 12, 3, 10, 0, 0)},
		{name: "3 decembre 10h", in: "3 decembre 10h", want: whenAt(whenParis, 2026, 12, 3, 10, 0, 0)},
		{name: "le 3 déc. à 10 h", in: "le 3 déc. à 10 h", want: whenAt(whenParis, 2026, 12, 3, 10, 0, 0)},
		{name: "1er décembre", in: "1er décembre", want: whenAt(whenParis, 2026, 12, 1, 9, 0, 0)},
		{name: "with year", in: "le 3 décembre 2027 à 10h", want: whenAt(whenParis, 2027, 12, 3, 10, 0, 0)},
		{name: "passed this year", in: "le 1er janvier", want: whenAt(whenParis, 2027, 1, 1, 9, 0, 0)},
		{name: "3/12 french", in: "3/12 10h", lang: "fr", want: whenAt(whenParis, 2026, 12, 3, 10, 0, 0)},
		{name: "3/12 fr-FR", in: "3/12 10h", lang: "fr-FR", want: whenAt(whenParis, 2026, 12, 3, 10, 0, 0)},
		{name: "3/12 english", in: "3/12 10h", lang: "en", want: whenAt(whenParis, 2027, 3, 12, 10, 0, 0)},
		{name: "3/12/2027 french", in: "3/12/2027 10h", lang: "fr", want: whenAt(whenParis, 2027, 12, 3, 10, 0, 0)},
		{name: "03/12/26 french", in: "03/12/26 10:00", lang: "fr", want: whenAt(whenParis, 2026, 12, 3, 10, 0, 0)},
		{name: "aujourd'hui", in: "aujourd'hui 17h", want: whenAt(whenParis, 2026, 11, 22, 17, 0, 0)},
		{name: "aujourd’hui curly", in: "aujourd’hui 17h", want: whenAt(whenParis, 2026, 11, 22, 17, 0, 0)},
		{name: "9h", in: "9h", want: whenAt(whenParis, 2026, 11, 23, 9, 0, 0)},
		{name: "9 h 30", in: "9 h 30", want: whenAt(whenParis, 2026, 11, 23, 9, 30, 0)},
		{name: "11 h", in: "11 h", want: whenAt(whenParis, 2026, 11, 22, 11, 0, 0)},
		{name: "midi", in: "midi", want: whenAt(whenParis, 2026, 11, 22, 12, 0, 0)},
		{name: "minuit", in: "minuit", want: whenAt(whenParis, 2026, 11, 23, 0, 0, 0)},
		{name: "maintenant", in: "maintenant", want: whenNow},
		{name: "à 10h alone", in: "à 10h", want: whenAt(whenParis, 2026, 11, 22, 10, 0, 0).Add(24 * time.Hour)},
		{name: "9 heures 30", in: "demain 9 heures 30", want: whenAt(whenParis, 2026, 11, 23, 9, 30, 0)},
		{name: "jeudi 3 décembre", in: "jeudi 3 décembre à 10h", want: whenAt(whenParis, 2026, 12, 3, 10, 0, 0)},
		{name: "thursday dec 3", in: "thursday dec 3 10am", want: whenAt(whenParis, 2026, 12, 3, 10, 0, 0)},
		{name: "mardi prochain à", in: "mardi prochain à 10h", want: whenAt(whenParis, 2026, 11, 24, 10, 0, 0)},
		{name: "zone", in: "demain 9h America/New_York", want: whenAt(whenNewYork, 2026, 11, 23, 9, 0, 0)},

		{name: "dec 3", in: "dec 3 10am", want: whenAt(whenParis, 2026, 12, 3, 10, 0, 0)},
		{name: "december 3rd 2027", in: "December 3rd 2027 9:00", want: whenAt(whenParis, 2027, 12, 3, 9, 0, 0)},
		{name: "3 dec", in: "3 dec 10:00", want: whenAt(whenParis, 2026, 12, 3, 10, 0, 0)},
		{name: "12/3 english", in: "12/3 10am", want: whenAt(whenParis, 2026, 12, 3, 10, 0, 0)},
		{name: "next monday", in: "next monday 10am", want: whenAt(whenParis, 2026, 11, 23, 10, 0, 0)},
		{name: "tomorrow at", in: "tomorrow at 9am", want: whenAt(whenParis, 2026, 11, 23, 9, 0, 0)},
		{name: "tonight", in: "tonight 8pm", want: whenAt(whenParis, 2026, 11, 22, 20, 0, 0)},
		{name: "this evening", in: "this evening 7", want: whenAt(whenParis, 2026, 11, 22, 19, 0, 0)},
		{name: "noon", in: "noon", want: whenAt(whenParis, 2026, 11, 22, 12, 0, 0)},
		{name: "in an hour", in: "in an hour", want: whenNow.Add(time.Hour)},
		{name: "29 feb waits for a leap year", in: "29 feb", want: whenAt(whenParis, 2028, 2, 29, 9, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := tt.now
			if now.IsZero() {
				now = whenNow
			}
			got, err := Parse(tt.in, now, whenParis, tt.lang)
			if err != nil {
				t.Fatalf("Parse(%q, %q) error: %v", tt.in, tt.lang, err)
			}
			if !got.Equal(tt.want) || got.Location().String() != tt.want.Location().String() {
				t.Errorf("Parse(%q, %q) = %v, want %v", tt.in, tt.lang, got, tt.want)
			}
		})
	}
}

// TestParseWhenFrenchErrors checks errors in French: the problem, a
// suggestion in the word's language, typographic spaces.
func TestParseWhenFrenchErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		msg  string
	}{
		{name: "near demain", in: "demian 9h", msg: "mot inconnu «\u202fdemian\u202f» (vouliez-vous dire «\u202fdemain\u202f»\u202f?)"},
		{name: "near accents", in: "apres-demian 9h", msg: "(vouliez-vous dire «\u202faprès-demain\u202f»\u202f?)"},
		{name: "near english", in: "tomorow 9h", msg: "(vouliez-vous dire «\u202ftomorrow\u202f»\u202f?)"},
		{name: "near month", in: "décembr", msg: "«\u202fdécembre\u202f»"},
		{name: "no such day", in: "le 31 novembre", msg: "le jour 31 n'existe pas en novembre 2026 (1 à 30)"},
		{name: "past", in: "aujourd'hui 8h", msg: "cela donne dim. 22 nov. à 8 h 00, qui est déjà passé (il est dim. 22 nov. à 10 h 00)"},
		{name: "unit", in: "dans 2 heurs", msg: "unité inconnue «\u202fheurs\u202f»"},
		{name: "ce alone", in: "ce", msg: "doit être suivi de matin, après-midi ou soir"},
		{name: "dans alone", in: "dans", msg: "«\u202fdans\u202f» demande une durée"},
		{name: "bare number", in: "demain 9", msg: "«\u202f9\u202f» demande une heure complète, comme 9h00 ou 9h"},
		{name: "extra", in: "demain 9h pile", msg: "mots en trop «\u202fpile\u202f»"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in, whenNow, whenParis, "fr")
			var we *Error
			if !errors.As(err, &we) {
				t.Fatalf("Parse(%q) error %v, want *Error", tt.in, err)
			}
			if !strings.Contains(we.Msg, tt.msg) {
				t.Errorf("Msg = %q\nwant it to contain %q", we.Msg, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "Impossible de lire «\u202f"+tt.in+"\u202f» comme une date\u202f: ") ||
				!strings.Contains(err.Error(), "«\u202fdemain 9h\u202f»") {
				t.Errorf("Error() = %q, want the French sentence with the accepted forms", err)
			}
		})
	}
}

func TestFormatWhenFrench(t *testing.T) {
	tests := []struct {
		name string
		t    time.Time
		loc  *time.Location
		now  time.Time
		want string
	}{
		{name: "this year", t: whenAt(whenParis, 2026, 12, 7, 9, 0, 0), loc: whenParis, now: whenNow, want: "lun. 7 déc. à 9 h 00"},
		{name: "afternoon", t: whenAt(whenParis, 2026, 12, 1, 14, 30, 0), loc: whenParis, now: whenNow, want: "mar. 1er déc. à 14 h 30"},
		{name: "next year", t: whenAt(whenParis, 2027, 2, 5, 9, 5, 0), loc: whenParis, now: whenNow, want: "ven. 5 févr. 2027 à 9 h 05"},
		{name: "now unknown shows the year", t: whenAt(whenParis, 2026, 12, 7, 9, 0, 0), loc: whenParis, want: "lun. 7 déc. 2026 à 9 h 00"},
		{name: "converted", t: whenAt(whenParis, 2026, 12, 7, 9, 0, 0), loc: whenNewYork, now: whenNow, want: "lun. 7 déc. à 3 h 00"},
		{name: "utc says so", t: whenAt(whenParis, 2026, 12, 7, 9, 0, 0), loc: nil, now: whenNow, want: "lun. 7 déc. à 8 h 00 UTC"},
		{name: "seconds", t: whenAt(whenParis, 2026, 8, 15, 9, 0, 30), loc: whenParis, now: whenNow, want: "sam. 15 août à 9 h 00 min 30 s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Format(tt.t, tt.loc, "fr", tt.now); got != tt.want {
				t.Errorf("Format() = %q, want %q", got, tt.want)
			}
		})
	}
	if got := Format(whenAt(whenParis, 2026, 12, 7, 9, 0, 0), whenParis, "en", whenNow); got != "Mon 7 Dec 2026 09:00 CET" {
		t.Errorf("English Format() = %q, unchanged expected", got)
	}
}

// TestVocabulariesAgree checks the French sentences keep the English
// verbs in order, and that every word is written folded.
func TestVocabulariesAgree(t *testing.T) {
	for m := range mMessages {
		if en, fr := verbsOf(english.msgs[m]), verbsOf(french.msgs[m]); en != fr {
			t.Errorf("message %d: English verbs %q, French %q", m, en, fr)
		}
		if french.msgs[m] == "" || english.msgs[m] == "" {
			t.Errorf("message %d is missing", m)
		}
	}
	for _, v := range vocabularies {
		for _, w := range v.startWords() {
			if fold(w) != w {
				t.Errorf("%s word %q is not folded", v.code, w)
			}
		}
	}
}

// verbsOf lists the fmt verbs of a format, %q and %s counted alike (French
// writes « %s » where English writes %q).
func verbsOf(format string) string {
	var out []string
	for i := 0; i < len(format)-1; i++ {
		if format[i] == '%' {
			v := format[i+1]
			if v == 'q' {
				v = 's'
			}
			out = append(out, string(v))
			i++
		}
	}
	return strings.Join(out, ",")
}
