package main

import (
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"regexp"
	"strings"
)

// page is one picture to take: its HTML, and the JSON Herald sent when
// the picture is of a platform's message.
type page struct {
	name string
	json string
	html string
}

// pageTmpl wraps a body in a page with its styles.
var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>{{.Title}}</title><style>{{.CSS}}</style></head>
<body class="{{.Class}}">{{.Body}}</body></html>
`))

func wrap(title, class string, css template.CSS, body template.HTML) string {
	var b strings.Builder
	pageTmpl.Execute(&b, struct {
		Title, Class string
		CSS          template.CSS
		Body         template.HTML
	}{title, class, css, body})
	return b.String()
}

const terminalCSS = `body{margin:0;background:#1e1e1e;font:15px/1.45 "DejaVu Sans Mono","Liberation Mono",monospace;color:#d4d4d4}
.bar{background:#333;color:#bbb;padding:6px 14px;font:13px "DejaVu Sans",sans-serif}
.bar i{display:inline-block;width:11px;height:11px;border-radius:50%;margin-right:6px;background:#ff5f56}
.bar i+i{background:#ffbd2e}.bar i+i+i{background:#27c93f;margin-right:14px}
pre{margin:0;padding:14px 18px 18px;width:80ch;white-space:pre-wrap;overflow-wrap:anywhere;font:inherit}
.prompt{color:#4ec9b0}.input{color:#fff;font-weight:bold}.card{color:#dcdcaa}.btn{color:#9cdcfe}`

var promptLine = regexp.MustCompile(`^([A-Za-z0-9_.-]+> )(.*)$`)

// terminalPage shows a console transcript as a terminal window: prompts,
// what was typed, cards and their buttons in colour.
func terminalPage(title, transcript string) string {
	var b strings.Builder
	for _, line := range strings.Split(transcript, "\n") {
		switch m := promptLine.FindStringSubmatch(line); {
		case m != nil:
			fmt.Fprintf(&b, `<span class="prompt">%s</span><span class="input">%s</span>`, html.EscapeString(m[1]), html.EscapeString(m[2]))
		case strings.HasPrefix(strings.TrimSpace(line), "├ ["), strings.HasPrefix(strings.TrimSpace(line), "└ ["):
			fmt.Fprintf(&b, `<span class="btn">%s</span>`, html.EscapeString(line))
		case strings.ContainsAny(strings.TrimSpace(line)[:min(len(strings.TrimSpace(line)), 3)], "┌│├└"):
			fmt.Fprintf(&b, `<span class="card">%s</span>`, html.EscapeString(line))
		default:
			b.WriteString(html.EscapeString(line))
		}
		b.WriteByte('\n')
	}
	body := `<div class="bar"><i></i><i></i><i></i>` + html.EscapeString(title) + `</div><pre>` + b.String() + `</pre>`
	return wrap(title, "terminal", terminalCSS, template.HTML(body))
}

const slackCSS = `body{margin:0;background:#fff;font:15px/1.47 "Liberation Sans","DejaVu Sans",Arial,sans-serif;color:#1d1c1d;padding:18px 20px}
.msg{display:flex;gap:10px;max-width:720px}.avatar{width:36px;height:36px;border-radius:6px;background:#4a154b;color:#fff;
font-weight:bold;display:flex;align-items:center;justify-content:center;flex:none}
.who b{font-weight:900}.app{background:#e8e8e8;color:#616061;font-size:10px;font-weight:bold;padding:1px 3px;border-radius:3px;margin:0 4px}
.when{color:#616061;font-size:12px}.header{font-size:18px;font-weight:900;margin:6px 0 2px}
.section{margin:6px 0}.fields{display:grid;grid-template-columns:1fr 1fr;gap:8px 16px;margin:8px 0}
.context{color:#616061;font-size:13px;margin:6px 0}.divider{border-top:1px solid #ddd;margin:10px 0}
.rich{margin:6px 0;white-space:pre-wrap}.quote{border-left:4px solid #ddd;padding-left:10px;margin:6px 0;white-space:pre-wrap}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0 4px}.button{border:1px solid #bbb;border-radius:4px;padding:3px 12px;
font-weight:bold;font-size:14px;background:#fff}.primary{background:#007a5a;color:#fff;border-color:#007a5a}
.danger{background:#e01e5a;color:#fff;border-color:#e01e5a}a{color:#1264a3;text-decoration:none}
code{background:#f4f4f4;border:1px solid #ddd;border-radius:3px;padding:0 3px;color:#e01e5a;font-size:13px}
.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}`

// block is the part of a Block Kit block the page shows.
type block struct {
	Type     string    `json:"type"`
	Text     *textObj  `json:"text"`
	Fields   []textObj `json:"fields"`
	Elements []element `json:"elements"`
}

type textObj struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// element is a context or actions element, or a rich-text one (which
// nests elements).
type element struct {
	Type     string          `json:"type"`
	Text     json.RawMessage `json:"text"` // a string in rich text, an object on a button
	Style    json.RawMessage `json:"style"`
	URL      string          `json:"url"`
	Elements []element       `json:"elements"`
}

// slackPage shows Block Kit blocks as Slack shows a message from an app.
func slackPage(blocksJSON string) string {
	var blocks []block
	if err := json.Unmarshal([]byte(blocksJSON), &blocks); err != nil {
		return wrap("Slack", "slack", slackCSS, template.HTML("<p>"+html.EscapeString(err.Error())+"</p>"))
	}
	var b strings.Builder
	b.WriteString(`<div class="msg"><div class="avatar">H</div><div class="content"><div class="who"><b>Herald</b>` +
		`<span class="app">APP</span><span class="when">9:41 AM</span></div>`)
	for _, bl := range blocks {
		b.WriteString(string(slackBlock(bl)))
	}
	b.WriteString(`</div></div>`)
	return wrap("Slack", "slack", slackCSS, template.HTML(b.String()))
}

// slackBlock renders one block.
func slackBlock(bl block) template.HTML {
	var b strings.Builder
	switch bl.Type {
	case "header":
		if bl.Text != nil {
			b.WriteString(`<div class="header">` + html.EscapeString(bl.Text.Text) + `</div>`)
		}
	case "section":
		if bl.Text != nil {
			b.WriteString(`<div class="section">` + string(textHTML(*bl.Text)) + `</div>`)
		}
		if len(bl.Fields) > 0 {
			b.WriteString(`<div class="fields">`)
			for _, f := range bl.Fields {
				b.WriteString(`<div>` + string(textHTML(f)) + `</div>`)
			}
			b.WriteString(`</div>`)
		}
	case "context":
		b.WriteString(`<div class="context">`)
		for _, e := range bl.Elements {
			var t textObj
			t.Type = e.Type
			json.Unmarshal(e.Text, &t.Text)
			b.WriteString(string(textHTML(t)) + " ")
		}
		b.WriteString(`</div>`)
	case "actions":
		b.WriteString(`<div class="actions">`)
		for _, e := range bl.Elements {
			var t textObj
			var style string
			json.Unmarshal(e.Text, &t)
			json.Unmarshal(e.Style, &style)
			b.WriteString(`<span class="button ` + html.EscapeString(style) + `">` + html.EscapeString(t.Text) + `</span>`)
		}
		b.WriteString(`</div>`)
	case "divider":
		b.WriteString(`<div class="divider"></div>`)
	case "rich_text":
		for _, e := range bl.Elements {
			b.WriteString(richText(e))
		}
	}
	return template.HTML(b.String())
}

// textHTML renders a text object: mrkdwn formatted, plain_text escaped.
func textHTML(t textObj) template.HTML {
	if t.Type == "mrkdwn" {
		return slackMrkdwn(t.Text)
	}
	return template.HTML(strings.ReplaceAll(html.EscapeString(t.Text), "\n", "<br>"))
}

// richText renders a rich-text section or quote: its runs of text (bold,
// italic, code) and links, always as plain text.
func richText(e element) string {
	class := "rich"
	if e.Type == "rich_text_quote" {
		class = "quote"
	}
	var b strings.Builder
	b.WriteString(`<div class="` + class + `">`)
	for _, run := range e.Elements {
		var text string
		json.Unmarshal(run.Text, &text)
		var style struct{ Bold, Italic, Code bool }
		json.Unmarshal(run.Style, &style)
		s := html.EscapeString(text)
		if run.Type == "link" {
			s = `<a href="` + html.EscapeString(run.URL) + `">` + html.EscapeString(or(text, run.URL)) + `</a>`
		}
		if style.Code {
			s = "<code>" + s + "</code>"
		}
		if style.Bold {
			s = "<b>" + s + "</b>"
		}
		if style.Italic {
			s = "<i>" + s + "</i>"
		}
		b.WriteString(s)
	}
	b.WriteString(`</div>`)
	return b.String()
}
