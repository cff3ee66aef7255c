// Package slack connects Herald to Slack with slack-go: Socket Mode or the
// HTTP endpoints (commands, events, interactivity), Block Kit cards, modals
// and the app manifest. slack-go types stop here: the rest of Herald sees
// commands.Call and commands.Response.
package slack

import (
	_ "github.com/slack-go/slack"
	_ "go.yaml.in/yaml/v3"
)
