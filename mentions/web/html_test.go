package web

import (
	"net/url"
	"strings"
	"testing"
)

func TestUnwrapRedirect(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://www.google.com/url?rct=j&sa=t&url=https://www.theconcordinsider.com/2021/06/04/this-week-in-concord-history-502/&ct=ga&cd=CAIyGjUwMjhiYWRmMWQ5M2MzMGE6Y29tOmVuOlVT&usg=AFQjCNGc3F9NBj810v400CL5oepfu5PTwQ",
			"https://www.theconcordinsider.com/2021/06/04/this-week-in-concord-history-502/"},
		{"https://www.google.com/url?rct=j&sa=t&url=https%3A%2F%2Fexample.com%2Fa%3Fb%3Dc%26d%3De&ct=ga", "https://example.com/a?b=c&d=e"},
		{"https://www.google.fr/url?q=https://acme.fr/actu&sa=U", "https://acme.fr/actu"},
		{"http://google.co.uk/url?url=http://example.co.uk/x", "http://example.co.uk/x"},
		{"https://www.google.com.br/url?url=https://example.com.br/", "https://example.com.br/"},
		{"https://alerts.talkwalker.com/alerts/redirect?url=https%3A%2F%2Fnews.example.com%2Fstory%3Fid%3D7&alert_id=abc", "https://news.example.com/story?id=7"},
		{"https://www.google.com/url?url=https%3A%2F%2Falerts.talkwalker.com%2Fr%3Furl%3Dhttps%253A%252F%252Freal.example%252F", "https://real.example/"},
		// Not wrappers, or wrappers around nothing usable: unchanged.
		{"https://www.google.com/url?url=javascript:alert(1)", "https://www.google.com/url?url=javascript:alert(1)"},
		{"https://www.google.com/url?url=/relative", "https://www.google.com/url?url=/relative"},
		{"https://www.google.com/url?sa=t", "https://www.google.com/url?sa=t"},
		{"https://www.google.com/search?q=https://example.com/", "https://www.google.com/search?q=https://example.com/"},
		{"https://google.evil.com/url?url=https://example.com/", "https://google.evil.com/url?url=https://example.com/"},
		{"https://example.com/url?url=https://other.example/", "https://example.com/url?url=https://other.example/"},
		{"https://news.ycombinator.com/item?id=1", "https://news.ycombinator.com/item?id=1"},
		{"not a url", "not a url"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := UnwrapRedirect(tt.in); got != tt.want {
			t.Errorf("UnwrapRedirect(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func FuzzUnwrapRedirect(f *testing.F) {
	for _, s := range []string{
		"https://www.google.com/url?rct=j&sa=t&url=https://example.com/&ct=ga",
		"https://alerts.talkwalker.com/alerts/redirect?url=https%3A%2F%2Fx.example%2F",
		"https://www.google.com/url?url=javascript:alert(1)",
		"http://%zz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := UnwrapRedirect(s)
		if got == s {
			return
		}
		u, err := url.Parse(got)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Errorf("UnwrapRedirect(%q) = %q: not an absolute http(s) URL", s, got)
		}
	})
}

func TestHTMLText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain text", "plain text"},
		{"This week in <b>Concord</b> history", "This week in Concord history"},
		{"Samuel Bell ... <b>Philip Dick</b>,&nbsp;...", "Samuel Bell ... Philip Dick, ..."},
		{"<p>One</p><p>Two</p>", "One Two"},
		{"line<br>break<br/>again", "line break again"},
		{"<b>Con</b>cord", "Concord"},
		{"Caf&eacute; &amp; cr&#232;me &#x2014; &quot;ok&quot;", `Café & crème — "ok"`},
		{"&lt;b&gt;escaped&lt;/b&gt;", "<b>escaped</b>"},
		{"a < b and c > d", "a < b and c > d"},
		{"1<2", "1<2"},
		{"<script>alert('x')</script>visible", "visible"},
		{"<STYLE type=text/css>p{}</Style>shown", "shown"},
		{"<!-- hidden --> seen", "seen"},
		{"<!-- unclosed comment", ""},
		{`<a href="https://x.example/?a=1>2" title='>'>link</a>`, "link"},
		{"  many \n\t spaces   here ", "many spaces here"},
		{"<div>block</div>text", "block text"},
		{"<unclosed tag", ""},
		{"<?xml version='1.0'?><!DOCTYPE html>doc", "doc"},
		{"<script>never closed", ""},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"submitted by &#32; <a href=\"https://www.reddit.com/user/x\"> /u/x </a>", "submitted by /u/x"},
	}
	for _, tt := range tests {
		if got := HTMLText(tt.in); got != tt.want {
			t.Errorf("HTMLText(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func FuzzHTMLText(f *testing.F) {
	for _, s := range []string{"<b>x</b>", "<script>y</script>z", "<!--", "a < b", "&amp;&#x;&#99999999;", "<a href='>'>", "</"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := HTMLText(s)
		if strings.TrimSpace(got) != got || strings.Contains(got, "  ") {
			t.Errorf("HTMLText(%q) = %q: white space not collapsed", s, got)
		}
		if !strings.Contains(s, "<") && !strings.Contains(s, "&") && got != strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ") {
			t.Errorf("HTMLText(%q) = %q changed plain text", s, got)
		}
	})
}
