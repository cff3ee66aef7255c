package main

import (
	"time"

	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/facebook"
	"github.com/heraldhq/herald/publish/targets/instagram"
	"github.com/heraldhq/herald/publish/targets/meta"
	"github.com/heraldhq/herald/publish/targets/threads"
)

// metaNetworks registers the networks Herald reaches through Meta's Graph
// API, each a publisher and a connect Provider: Facebook Pages and
// Instagram through Meta login (META_APP_ID, HERALD_META_API_URL and
// _AUTH_URL, or HERALD_FACEBOOK_… / HERALD_INSTAGRAM_… for one of them),
// Threads through its own app (THREADS_APP_ID, HERALD_THREADS_…). The
// endpoints are the operator's (trusted client).
func (m *Main) metaNetworks(pub *publish.Service, c *publish.Connector) {
	nw := m.Config.Networks
	public := m.Config.PublicURL != "" // Instagram and Threads fetch media from Herald's signed links
	graph := func(network string) meta.Options {
		api, auth := nw.URL(network)
		mapi, mauth := nw.URL("meta")
		return meta.Options{APIURL: orElse(api, mapi), AuthURL: orElse(auth, mauth), Client: m.restClient(60 * time.Second), Clock: m.Clock,
			AppID: nw.MetaAppID, AppSecret: nw.MetaAppSecret, ConfigID: nw.MetaConfigID}
	}
	fb := graph("facebook")
	pub.Register("facebook", facebook.New(fb))
	c.AddProvider("facebook", meta.NewProvider(fb, meta.Pages))
	ig := graph("instagram")
	pub.Register("instagram", instagram.New(instagram.Options{Options: ig, PublicLinks: public}))
	c.AddProvider("instagram", meta.NewProvider(ig, meta.Instagram))

	api, auth := nw.URL("threads")
	th := threads.Options{Options: meta.Options{APIURL: api, AuthURL: auth, Client: m.restClient(60 * time.Second), Clock: m.Clock,
		AppID: nw.ThreadsAppID, AppSecret: nw.ThreadsAppSecret}, PublicLinks: public}
	pub.Register("threads", threads.New(th))
	c.AddProvider("threads", threads.NewProvider(th))
}

func orElse(s, def string) string {
	if s != "" {
		return s
	}
	return def
}
