package main

import "github.com/heraldhq/herald/publish"

// routes are the HTTP endpoints of the domain.
func (a *app) routes() []route {
	rs := []route{{"GET /calendar/{file}", calendarHandler(a.publish)}, hooksRoute(a.mentions),
		{"GET " + publish.CallbackPath, callbackHandler(a.connect)}}
	if a.media.Links != nil {
		rs = append(rs, route{"GET /media/{token}", a.media.Links.Handler(a.media.Store)})
	}
	return rs
}
