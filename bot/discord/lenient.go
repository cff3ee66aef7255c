package discord

import (
	"encoding/json"

	"github.com/bwmarrin/discordgo"
)

// Discord adds component types faster than discordgo learns them (the
// Label, type 18, that wraps a modal's fields; Text Display, type 10;
// File Upload, type 19; the Components V2 layouts in messages), and
// discordgo refuses a whole interaction that carries one it does not
// know. Herald reads only two things made of components: the text inputs
// of its own forms, and the label of the button clicked. So before
// discordgo reads an interaction, lenient rewrites those two places into
// the shapes discordgo knows, keeping what Herald reads and dropping the
// rest:
//
//   - a modal submission's data.components becomes one Action Row per
//     text input (type 4) found at any depth, by custom_id and value, in
//     the order of the form;
//   - a component interaction's message.components becomes Action Rows
//     of the buttons (type 2) found at any depth, with their custom_id
//     and label.
//
// Everything else in the payload is left as it came. A payload lenient
// cannot read is passed on unchanged, for discordgo to refuse.

// maxComponentDepth bounds how deep components are looked for: Discord
// nests them three levels at most (Container > Section > Button).
const maxComponentDepth = 8

// lenient returns body with the components of a modal submission or of
// the message under a clicked button rewritten as above.
func lenient(body []byte) []byte {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return body
	}
	var typ discordgo.InteractionType
	if json.Unmarshal(top["type"], &typ) != nil {
		return body
	}
	field, holder := "", ""
	switch typ {
	case discordgo.InteractionModalSubmit:
		field, holder = "data", "components"
	case discordgo.InteractionMessageComponent:
		field, holder = "message", "components"
	default:
		return body
	}
	var part map[string]json.RawMessage
	if json.Unmarshal(top[field], &part) != nil || part[holder] == nil {
		return body
	}
	var rows []any
	if typ == discordgo.InteractionModalSubmit {
		rows = inputRows(part[holder])
	} else {
		rows = clickedRows(part[holder])
	}
	if rows == nil {
		rows = []any{}
	}
	var err error
	if part[holder], err = json.Marshal(rows); err != nil {
		return body
	}
	if top[field], err = json.Marshal(part); err != nil {
		return body
	}
	out, err := json.Marshal(top)
	if err != nil {
		return body
	}
	return out
}

// node is one component, read as far as Herald needs; fields of another
// shape than expected are left unread.
type node map[string]json.RawMessage

func (n node) int(key string) int {
	var v int
	_ = json.Unmarshal(n[key], &v)
	return v
}

func (n node) str(key string) (string, bool) {
	var v string
	err := json.Unmarshal(n[key], &v)
	return v, err == nil
}

// walk calls visit for every component in raw (an array of components),
// depth first in document order, looking into components (Action Row,
// Container, Section), component (Label) and accessory (Section).
func walk(raw json.RawMessage, depth int, visit func(node)) {
	if depth > maxComponentDepth {
		return
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return
	}
	for _, item := range list {
		var n node
		if json.Unmarshal(item, &n) != nil || n == nil {
			continue
		}
		visit(n)
		walk(n["components"], depth+1, visit)
		for _, key := range []string{"component", "accessory"} {
			if child := n[key]; child != nil {
				walk(append(append(json.RawMessage{'['}, child...), ']'), depth+1, visit)
			}
		}
	}
}

// inputRows finds the text inputs of a modal submission wherever they
// are nested (in an Action Row, in a Label), one Action Row each.
func inputRows(raw json.RawMessage) []any {
	var rows []any
	walk(raw, 0, func(n node) {
		if n.int("type") != int(discordgo.TextInputComponent) {
			return
		}
		id, ok := n.str("custom_id")
		if !ok {
			return
		}
		value, _ := n.str("value") // an empty optional field may have none
		input := map[string]any{"type": discordgo.TextInputComponent, "custom_id": id, "value": value}
		rows = append(rows, map[string]any{"type": discordgo.ActionsRowComponent, "components": []any{input}})
	})
	return rows
}

// clickedRows finds the buttons of a message wherever they are nested (in
// an Action Row, a Container, a Section's accessory), five to a row.
func clickedRows(raw json.RawMessage) []any {
	var rows []any
	var row []any
	walk(raw, 0, func(n node) {
		if n.int("type") != int(discordgo.ButtonComponent) {
			return
		}
		id, _ := n.str("custom_id")
		label, _ := n.str("label")
		row = append(row, map[string]any{"type": discordgo.ButtonComponent, "custom_id": id, "label": label, "style": discordgo.SecondaryButton})
		if len(row) == 5 {
			rows = append(rows, map[string]any{"type": discordgo.ActionsRowComponent, "components": row})
			row = nil
		}
	})
	if len(row) > 0 {
		rows = append(rows, map[string]any{"type": discordgo.ActionsRowComponent, "components": row})
	}
	return rows
}
