package kit

import (
	"fmt"
	"strings"
	"time"

	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/media"
)

// MediaLine words one picture or video for people, as media list shows
// it: "photo.jpg · image/jpeg · 412 KB · 1080×1350 · alt: The team…", or
// "⚠ no alt text" when it has none.
func MediaLine(it media.Item) string {
	parts := []string{it.Name, it.Type, media.Bytes(it.Size)}
	if it.Width > 0 && it.Height > 0 {
		parts = append(parts, fmt.Sprintf("%d×%d", it.Width, it.Height))
	}
	if it.Video() && it.Duration > 0 {
		parts = append(parts, it.Duration.Round(time.Second).String())
	}
	if it.Alt == "" {
		parts = append(parts, "⚠ no alt text")
	} else {
		parts = append(parts, "alt: "+OneLine(it.Alt, 200))
	}
	return strings.Join(parts, " · ")
}

// cardMedia are a draft's media as its card shows them, in order. Link is
// left empty: Base.ViewCard fills it when media can be linked.
func cardMedia(items []media.Item) []commands.CardMedia {
	if len(items) == 0 {
		return nil
	}
	out := make([]commands.CardMedia, len(items))
	for i, it := range items {
		out[i] = commands.CardMedia{SHA256: it.SHA256, Name: it.Name, Type: it.Type, Size: it.Size,
			Width: it.Width, Height: it.Height, Alt: it.Alt}
	}
	return out
}

// JoinAnd joins words as a sentence lists them: "a", "a and b",
// "a, b and c".
func JoinAnd(words []string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
