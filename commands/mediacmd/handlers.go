// Package mediacmd holds the media commands: media add, alt, rm, move and
// list — the pictures and videos of a draft, each change a new revision.
package mediacmd

import (
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/kit"
)

// handlers are the commands of this family over the shared base.
type handlers struct{ *kit.Base }

// Defs returns the media commands. Their handlers act through b; b.Media
// (the library) must be set.
func Defs(b *kit.Base) []*commands.Def { return (&handlers{b}).defs() }

var nParam = commands.Param{Name: "n", Kind: commands.Int, Required: true, Help: "the item's number, as media list shows it"}

func (h *handlers) defs() []*commands.Def {
	return []*commands.Def{
		{
			Path:    "media add",
			Summary: "Add pictures or videos to a draft (a new revision): a file in the console, an https link anywhere, or attached files.",
			Params: []commands.Param{kit.IDParam,
				{Name: "source", Kind: commands.String, Help: "a file's path (console only) or an https URL; none when files are attached"},
				{Name: "alt", Kind: commands.String, Flag: true, Help: "alt text: what the picture shows, for people who cannot see it"},
				{Name: "file", Kind: commands.Attachment, Help: "a picture or video to attach (Discord)"}},
			Examples: []string{"media add 12 photos/launch.jpg --alt \"The team on the new store's steps\"", "media add 12 https://example.com/launch.jpg"},
			Handler:  h.add,
		},
		{
			Path:    "media alt",
			Summary: "Set the alt text of a draft's picture or video (a new revision); --suggest asks the LLM for one.",
			Params: []commands.Param{kit.IDParam, nParam,
				{Name: "text", Kind: commands.Text, Help: "what the picture shows, for people who cannot see it"},
				{Name: "suggest", Kind: commands.Choice, Flag: true, Choices: []string{"suggest"}, Help: "ask the LLM to describe the picture; you can change what it writes"},
				{Name: "clear", Kind: commands.Choice, Flag: true, Choices: []string{"clear"}, Help: "remove the alt text"}},
			Examples: []string{"media alt 12 1 \"The team on the new store's steps\"", "media alt 12 1 --suggest"},
			Handler:  h.alt,
		},
		{
			Path:     "media rm",
			Summary:  "Remove a picture or video from a draft (a new revision).",
			Params:   []commands.Param{kit.IDParam, nParam},
			Examples: []string{"media rm 12 2"},
			Handler:  h.rm,
		},
		{
			Path:     "media move",
			Summary:  "Move a draft's picture or video to another place in its order (a new revision).",
			Params:   []commands.Param{kit.IDParam, nParam, {Name: "to", Kind: commands.Int, Required: true, Help: "its new place, from 1"}},
			Examples: []string{"media move 12 3 1"},
			Extra:    true,
			Handler:  h.move,
		},
		{
			Path:     "media list",
			Summary:  "List a draft's pictures and videos: name, type, size, dimensions, alt text.",
			Params:   []commands.Param{kit.IDParam},
			Examples: []string{"media list 12"},
			Handler:  h.list,
		},
	}
}
