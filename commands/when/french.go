package when

import (
	"strings"
	"time"
)

// nnbsp is the narrow no-break space French puts before : ; ! ? and
// inside « guillemets »; the sentences below write it "~".
const nnbsp = "\u202f"

// french is the French vocabulary. Its words are written folded (lower
// case, no accents: see normalise); display gives them back their accents
// for suggestions. It is never modified.
var french = &vocabulary{
	code:         "fr",
	dayFirst:     true,
	defaultClock: whenClock{hour: 9},
	dayOffsets: map[string]int{
		"aujourd'hui": 0, "aujourdhui": 0, "auj": 0,
		"demain":       1,
		"apres-demain": 2,
	},
	weekdays: map[string]time.Weekday{
		"dim": time.Sunday, "dimanche": time.Sunday,
		"lun": time.Monday, "lundi": time.Monday,
		"mar": time.Tuesday, "mardi": time.Tuesday,
		"mer": time.Wednesday, "mercredi": time.Wednesday,
		"jeu": time.Thursday, "jeudi": time.Thursday,
		"ven": time.Friday, "vendredi": time.Friday,
		"sam": time.Saturday, "samedi": time.Saturday,
	},
	months: map[string]time.Month{
		"janv": time.January, "janvier": time.January, "fev": time.February, "fevr": time.February,
		"fevrier": time.February, "mars": time.March, "avr": time.April, "avril": time.April,
		"mai": time.May, "juin": time.June, "juil": time.July, "juillet": time.July,
		"aout": time.August, "sept": time.September, "septembre": time.September,
		"oct": time.October, "octobre": time.October, "nov": time.November, "novembre": time.November,
		"dec": time.December, "decembre": time.December,
	},
	monthNames: [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
		"août", "septembre", "octobre", "novembre", "décembre"},
	clocks: map[string]whenClock{"midi": {hour: 12}, "minuit": {}},
	dayParts: map[string]dayPart{
		"matin":      {clock: whenClock{hour: 9}},
		"apres-midi": {clock: whenClock{hour: 14}, pmBelow: 8},
		"soir":       {clock: whenClock{hour: 18}, pmBelow: 12},
	},
	units: map[string]time.Duration{
		"seconde": time.Second, "secondes": time.Second,
		"mn":    time.Minute,
		"heure": time.Hour, "heures": time.Hour,
		"j": 24 * time.Hour, "jour": 24 * time.Hour, "jours": 24 * time.Hour,
		"sem": 7 * 24 * time.Hour, "semaine": 7 * 24 * time.Hour, "semaines": 7 * 24 * time.Hour,
	},
	ones:        []string{"un", "une"},
	ands:        []string{"et"},
	next:        []string{"prochain", "prochaine"},
	leading:     []string{"le"},
	beforeClock: []string{"a", "vers"},
	ordinals:    []string{"er"},
	display: map[string]string{
		"aujourd'hui": "aujourd'hui", "aujourdhui": "aujourd'hui", "apres-demain": "après-demain",
		"fevrier": "février", "aout": "août", "decembre": "décembre", "apres-midi": "après-midi",
	},
	msgs: frenchMessages([mMessages]string{
		mCannotRead:    "Impossible de lire «~%s~» comme une date~: %s. Essayez %s.",
		mHint:          "«~demain 9h~», «~lundi 14h30~», «~dans 2 heures~», «~le 3 décembre à 10h~», «~3/12 10h~», suivis si besoin d'un fuseau comme Europe/Paris",
		mTooLong:       "le texte fait %d octets, plus que les %d permis",
		mEmpty:         "le texte est vide",
		mOnlyZone:      "il ne donne qu'un fuseau~; mettez une date ou une heure avant",
		mPast:          "cela donne %s, qui est déjà passé (il est %s)",
		mUnknownZone:   "fuseau horaire inconnu «~%s~»",
		mUnknownWord:   "mot inconnu «~%s~»",
		mNear:          "%s (vouliez-vous dire «~%s~»~?)",
		mExtraWords:    "mots en trop «~%s~»",
		mNeedsDuration: "«~%s~» demande une durée comme 2h, 90 min ou 3 jours",
		mNotDate:       "«~%s~» n'est pas une date~; écrivez 3/12, 3 décembre ou 2026-12-03",
		mMonthRange:    "le mois %d n'existe pas (1 à 12)",
		mDayRange:      "le jour %d n'existe pas en %s %d (1 à %d)",
		mNeedsMinutes:  "«~%s~» demande une heure complète, comme %sh00 ou %sh",
		mNotClock:      "«~%s~» n'est pas une heure comme 14h30 ou 9h",
		mMeridiemRange: "l'heure %d n'existe pas avec am/pm (1 à 12)",
		mHourRange:     "l'heure %d n'existe pas (0 à 23)",
		mMinuteRange:   "la minute %d n'existe pas (0 à 59)",
		mSecondRange:   "la seconde %d n'existe pas (0 à 59)",
		mDurPositive:   "la durée doit être positive",
		mDurWhole:      "écrivez les durées en nombres entiers, comme 1h30 plutôt que 1,5h",
		mNotDuration:   "«~%s~» n'est pas une durée comme 2h, 90 min ou 3 jours",
		mDurTooLong:    "la durée dépasse 366 jours",
		mDurZero:       "la durée doit être supérieure à zéro",
		mMissingUnit:   "il manque une unité après «~%s~», comme h, min, j ou sem",
		mUnknownUnit:   "unité inconnue «~%s~»~; utilisez s, min, h, j ou sem",
		mNeedsDayPart:  "«~%s~» doit être suivi de matin, après-midi ou soir",
		mNeedsWeekday:  "«~%s~» doit être suivi d'un jour, comme lundi",
	}),
}

// frenchMessages puts the narrow no-break spaces in.
func frenchMessages(m [mMessages]string) [mMessages]string {
	for i, s := range m {
		m[i] = strings.ReplaceAll(s, "~", nnbsp)
	}
	return m
}

// How Format writes days and months in French.
var (
	frWeekdayShort = [7]string{"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."}
	frMonthShort   = [12]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.",
		"août", "sept.", "oct.", "nov.", "déc."}
)
