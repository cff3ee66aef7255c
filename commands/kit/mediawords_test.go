package kit_test

import (
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
)

// TestMediaErrorsFrench: the media reasons, and the domain errors that
// gained a reason, are worded in French from their facts (sizes in
// octets, commands kept, placeholders in French); English keeps the
// hint's or the domain's own sentence.
func TestMediaErrorsFrench(t *testing.T) {
	for _, tt := range []struct {
		name   string
		err    error
		en, fr string
	}{
		{"TooLarge", herald.Errorf(herald.EINVALID, "x").Because(media.ReasonTooLarge, herald.Facts{"name": "film.mov", "max": int64(100_000_000)}),
			"film.mov is larger than 100.0 MB, the most Herald takes; send a smaller file.",
			"film.mov dépasse 100,0\u00a0Mo, le maximum que Herald accepte\u202f; envoyez un fichier plus léger."},
		{"NoSuchMedia", herald.Errorf(herald.EINVALID, "x").Because(approvals.ReasonNoSuchMedia, herald.Facts{"draft": int64(3), "n": 5, "count": 2}),
			"Draft #3 has no item 5: its items are numbered 1 to 2 (`media list 3`).",
			"Le brouillon n°\u00a03 n’a pas d’élément 5\u202f: ses éléments sont numérotés de 1 à 2 (`media list 3`)."},
		{"MediaTooBig", herald.Errorf(herald.EINVALID, "x").Because(publish.ReasonMediaTooBig, herald.Facts{"target": "bluesky:main", "max": int64(1_000_000), "n": 1, "draft": int64(4), "name": "a.jpg", "size": int64(2_500_000)}),
			"bluesky:main takes files of at most 1.0 MB; item 1 of draft #4 (a.jpg) has 2.5 MB. Replace it with a smaller file (`media rm 4 1`, then `media add 4 FILE`).",
			"bluesky:main accepte des fichiers de 1,0\u00a0Mo au plus\u202f; l’élément 1 du brouillon n°\u00a04 (a.jpg) fait 2,5\u00a0Mo. Remplacez-le par un fichier plus léger (`media rm 4 1`, puis `media add 4 FICHIER`)."},
		{"TextTooLong", herald.Errorf(herald.EINVALID, "A draft has at most 5000 characters; this one has 5001.").Because(approvals.ReasonTextTooLong, herald.Facts{"max": 5000, "length": 5001}),
			"A draft has at most 5000 characters; this one has 5001.",
			"Un brouillon a au plus 5000 caractères\u202f; celui-ci en a 5001."},
		{"NothingToRetry", herald.Errorf(herald.ECONFLICT, "Draft #2 has nothing to retry on slack:#news.").Because(publish.ReasonNothingToDo, herald.Facts{"draft": int64(2), "action": "retry", "target": "slack:#news"}),
			"Draft #2 has nothing to retry on slack:#news.",
			"Le brouillon n°\u00a02 n’a rien à relancer sur slack:#news."},
		{"NoLLM", assist.NotConfigured(),
			"Drafting help needs an LLM: set OPENAI_BASE_URL (and OPENAI_API_KEY, HERALD_LLM_MODEL) to any OpenAI-compatible endpoint — OpenAI, Azure OpenAI, Ollama, vLLM or llama.cpp; docs/drafting.md shows how.",
			"L’aide à la rédaction a besoin d’un LLM\u202f: réglez OPENAI_BASE_URL (et OPENAI_API_KEY, HERALD_LLM_MODEL) sur n’importe quel point d’accès compatible OpenAI — OpenAI, Azure OpenAI, Ollama, vLLM ou llama.cpp\u202f; docs/drafting.md explique comment."},
		{"Blocked", approvals.Blocking("Draft #7 cannot go to review yet", []approvals.Finding{{Message: "Item 1 has no alt text.", Blocking: true}}),
			"Draft #7 cannot go to review yet: Item 1 has no alt text.",
			"Le brouillon n°\u00a07 ne peut pas encore passer en relecture\u202f: Item 1 has no alt text."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := kit.ErrorText(i18n.English, tt.err); got != tt.en {
				t.Errorf("English:\n%s\nwant\n%s", got, tt.en)
			}
			if got := kit.ErrorText(i18n.French, tt.err); got != tt.fr {
				t.Errorf("French:\n%q\nwant\n%q", got, tt.fr)
			}
		})
	}
}

// TestMediaLineFrench: a media line as media list shows it, in French.
func TestMediaLineFrench(t *testing.T) {
	it := media.Item{Name: "photo.jpg", Type: "image/jpeg", Size: 412_000, Width: 1080, Height: 1350}
	if got, want := kit.MediaLine(i18n.French, it), "photo.jpg · image/jpeg · 412\u00a0Ko · 1080×1350 · ⚠ pas de texte alternatif"; got != want {
		t.Errorf("MediaLine(fr) = %q; want %q", got, want)
	}
	it.Alt = "Un chat"
	if got, want := kit.MediaLine(i18n.French, it), "photo.jpg · image/jpeg · 412\u00a0Ko · 1080×1350 · alt\u202f: Un chat"; got != want {
		t.Errorf("MediaLine(fr) = %q; want %q", got, want)
	}
}
