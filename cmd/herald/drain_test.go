package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/publish/targets/mastodon/mastodontest"
)

// TestConsoleDrainsAtEndOfInput: a piped script that ends with `publish 1`
// gets its post out before Herald stops, even when the network is slow to
// answer: the console waits for the publishing under way, and says so.
func TestConsoleDrainsAtEndOfInput(t *testing.T) {
	masto := mastodontest.New(mastodontest.WithToken("masto-token"))
	defer masto.Close()
	slow := slowProxy(t, masto.URL(), 700*time.Millisecond)
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + filepath.Join(t.TempDir(), "herald.db"),
		"HERALD_HTTP_ADDR": "off", "HERALD_ALLOW_PRIVATE_SOURCES": "true"}
	script := strings.Join([]string{
		"/as alice",
		"brand add Acme",
		"policy none",
		"target add mastodon:main " + slow + " --secret masto-token",
		`draft "Opening day" --to mastodon:main`,
		"submit 1",
		"publish 1",
	}, "\n") + "\n"
	out := MustRunMain(t, env, strings.NewReader(script))
	if n := len(masto.Statuses()); n != 1 {
		t.Fatalf("Mastodon has %d statuses after the input ended, want 1:\n%s", n, out)
	}
	if !strings.Contains(out, "Finishing 1 post before stopping") {
		t.Errorf("the console did not say it was finishing the post:\n%s", out)
	}
}
