package main

import (
	"html/template"
	"net/http"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/publish"
)

// callbackPage is the plain page the browser shows at the end of
// connecting an account: what happened, and where to go back. The choice
// of account, when there is one, waits in chat.
var callbackPage = template.Must(template.New("callback").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="referrer" content="no-referrer"><title>Herald</title></head>
<body style="font-family:sans-serif;max-width:36em;margin:4em auto;line-height:1.5">
<h1>{{.Title}}</h1><p>{{.Text}}</p></body></html>
`))

// callbackStatus is the HTTP status of a refused callback, by error code.
var callbackStatus = map[string]int{
	herald.ENOTFOUND: http.StatusBadRequest, herald.ECONFLICT: http.StatusBadRequest, herald.EINVALID: http.StatusBadRequest,
	herald.EUNAVAILABLE: http.StatusBadGateway,
}

// callbackHandler serves HERALD_PUBLIC_URL/oauth/callback, where every
// network sends the browser back (publish.Connector.Callback). Its query
// (the code, the state) is never logged.
func callbackHandler(c *publish.Connector) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang, _ := i18n.Parse(r.Header.Get("Accept-Language"))
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		res, err := c.Callback(r.Context(), r.URL.Query())
		page := struct{ Lang, Title, Text string }{Lang: lang.String()}
		switch {
		case err != nil:
			status, ok := callbackStatus[herald.ErrorCode(err)]
			if !ok {
				status = http.StatusInternalServerError
			}
			w.WriteHeader(status)
			page.Title = lang.T("Not connected")
			page.Text = herald.ErrorMessage(err) + " " + lang.T("Nothing was changed. Go back to chat and ask for a new link if you still want to connect the account.")
		case len(res.Choices) > 0:
			page.Title = lang.T("Almost done: choose in chat")
			page.Text = lang.F("You may post as several accounts. Go back to chat: in the channel where you asked, Herald shows you (alone) a button for each; choose the one %s of %s posts as.", res.Target, res.Brand.Name)
		default:
			page.Title = lang.F("%s is connected", res.Target)
			page.Text = lang.F("%s of %s now posts as %s. You can close this page and go back to chat.", res.Target, res.Brand.Name, res.As)
		}
		callbackPage.Execute(w, page)
	})
}
