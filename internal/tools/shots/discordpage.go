package main

import (
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"strings"
)

const discordCSS = `body{margin:0;background:#313338;color:#dbdee1;font:16px/1.375 "Liberation Sans","DejaVu Sans",Arial,sans-serif;padding:18px 20px}
.msg{display:flex;gap:14px;max-width:720px}.avatar{width:40px;height:40px;border-radius:50%;background:#5865f2;color:#fff;
font-weight:bold;display:flex;align-items:center;justify-content:center;flex:none}
.who b{color:#f2f3f5;font-weight:600}.app{background:#5865f2;color:#fff;font-size:10px;font-weight:bold;padding:1px 4px;border-radius:3px;margin:0 6px}
.when{color:#949ba4;font-size:12px}.content{margin:2px 0}
.embed{background:#2b2d31;border-left:4px solid;border-radius:4px;padding:8px 16px 14px 12px;margin-top:6px;max-width:520px;font-size:14px}
.title{color:#f2f3f5;font-weight:600;font-size:16px;margin:6px 0}.desc{margin:4px 0}
.fields{display:grid;grid-template-columns:repeat(3,1fr);gap:8px;margin-top:8px}.field{grid-column:1/-1}.field.inline{grid-column:auto}
.fname{color:#f2f3f5;font-weight:600;margin-bottom:2px}.footer{color:#b5bac1;font-size:12px;margin-top:8px}
.row{display:flex;flex-wrap:wrap;gap:8px;margin-top:8px}.button{border-radius:3px;padding:2px 16px;min-height:32px;display:flex;
align-items:center;font-size:14px;font-weight:500;color:#fff;background:#4e5058}.s1{background:#5865f2}.s3{background:#248046}
.s4{background:#da373c}a{color:#00a8fc;text-decoration:none}code{background:#1e1f22;border-radius:3px;padding:0 3px;font-size:85%}
.quote{border-left:4px solid #4e5058;padding-left:10px;margin:4px 0}`

// discordMessage is the part of a Discord message the page shows.
type discordMsg struct {
	Content string `json:"content"`
	Embeds  []struct {
		Title       string `json:"title"`
		URL         string `json:"url"`
		Description string `json:"description"`
		Color       int    `json:"color"`
		Fields      []struct {
			Name   string `json:"name"`
			Value  string `json:"value"`
			Inline bool   `json:"inline"`
		} `json:"fields"`
		Footer *struct {
			Text string `json:"text"`
		} `json:"footer"`
	} `json:"embeds"`
	Components []struct {
		Components []struct {
			Label string `json:"label"`
			Style int    `json:"style"`
		} `json:"components"`
	} `json:"components"`
}

// discordPage shows a message as Discord shows one from a bot: content,
// embeds with their colour bar, fields and footer, rows of buttons.
func discordPage(msgJSON string) string {
	var m discordMsg
	if err := json.Unmarshal([]byte(msgJSON), &m); err != nil {
		return wrap("Discord", "discord", discordCSS, template.HTML("<p>"+html.EscapeString(err.Error())+"</p>"))
	}
	var b strings.Builder
	b.WriteString(`<div class="msg"><div class="avatar">H</div><div><div class="who"><b>Herald</b><span class="app">APP</span>` +
		`<span class="when">Today at 09:41</span></div>`)
	if m.Content != "" {
		b.WriteString(`<div class="content">` + string(discordText(m.Content)) + `</div>`)
	}
	for _, e := range m.Embeds {
		fmt.Fprintf(&b, `<div class="embed" style="border-color:#%06x">`, e.Color&0xFFFFFF)
		if e.Title != "" {
			title := html.EscapeString(e.Title)
			if e.URL != "" {
				title = `<a href="` + html.EscapeString(e.URL) + `">` + title + `</a>`
			}
			b.WriteString(`<div class="title">` + title + `</div>`)
		}
		if e.Description != "" {
			b.WriteString(`<div class="desc">` + string(discordText(e.Description)) + `</div>`)
		}
		if len(e.Fields) > 0 {
			b.WriteString(`<div class="fields">`)
			for _, f := range e.Fields {
				class := "field"
				if f.Inline {
					class += " inline"
				}
				b.WriteString(`<div class="` + class + `"><div class="fname">` + string(discordMarkdown(f.Name)) + `</div><div>` +
					string(discordText(f.Value)) + `</div></div>`)
			}
			b.WriteString(`</div>`)
		}
		if e.Footer != nil && e.Footer.Text != "" {
			b.WriteString(`<div class="footer">` + html.EscapeString(e.Footer.Text) + `</div>`)
		}
		b.WriteString(`</div>`)
	}
	for _, row := range m.Components {
		b.WriteString(`<div class="row">`)
		for _, btn := range row.Components {
			fmt.Fprintf(&b, `<span class="button s%d">%s</span>`, btn.Style, html.EscapeString(btn.Label))
		}
		b.WriteString(`</div>`)
	}
	b.WriteString(`</div></div>`)
	return wrap("Discord", "discord", discordCSS, template.HTML(b.String()))
}
