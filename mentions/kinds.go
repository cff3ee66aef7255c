package mentions

import "time"

// sourceKind is what Herald knows of one kind of source. sourceKinds is the
// one table of them: the commands (Kinds), the query language (source:),
// `source add` and the Poller's intervals all read it.
type sourceKind struct {
	name     string
	url, tag bool          // what `source add KIND` must be given
	interval time.Duration // between polls of a healthy source; 0: pushed, not polled (the Poller's default applies)
}

var sourceKinds = []sourceKind{
	{name: "rss", url: true, interval: 15 * time.Minute},
	{name: "hn", interval: 5 * time.Minute},
	{name: "reddit", interval: 5 * time.Minute},
	{name: "mastodon", url: true, tag: true, interval: 5 * time.Minute},
	{name: "bluesky", interval: 5 * time.Minute},
	{name: "webhook"},
}

// Kinds lists every source kind Herald knows, in the order of its table.
var Kinds = kindNames()

func kindNames() []string {
	out := make([]string, len(sourceKinds))
	for i, k := range sourceKinds {
		out[i] = k.name
	}
	return out
}

// kindOf returns the kind named name.
func kindOf(name string) (sourceKind, bool) {
	for _, k := range sourceKinds {
		if k.name == name {
			return k, true
		}
	}
	return sourceKind{}, false
}

// defaultIntervals are the polling intervals of the table, by kind.
func defaultIntervals() map[string]time.Duration {
	iv := map[string]time.Duration{}
	for _, k := range sourceKinds {
		if k.interval > 0 {
			iv[k.name] = k.interval
		}
	}
	return iv
}
