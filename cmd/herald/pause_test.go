package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/testclock"
)

// surgeBody is a webhook push of n distinct mentions of Acme, by n authors.
func surgeBody(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(`{"id": "recall-%d", "source": "brand24", "url": "https://forum.example/t/%d", "title": "Acme kettle recall %d",
			"text": "Is the Acme kettle recall real? My kettle sparked (%d)", "author": "user%d", "published_at": "2026-12-01T09:0%d:00Z"}`, i, i, i, i, i, i%10)
	}
	return `{"mentions": [` + strings.Join(items, ",") + `]}`
}

// TestPauseThroughMain: a surge alert in the console offers Pause
// publishing; pressed (with its reason), the brand's scheduled posts are
// held (the queue and the draft cards say so, the scheduler leaves them),
// a confirmed crisis answer still goes out, and on resume the post whose
// time passed is missed, listed on the resume card with its actions, while
// the post still ahead keeps its time.
func TestPauseThroughMain(t *testing.T) {
	db := filepath.Join(t.TempDir(), "herald.db")
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "127.0.0.1:0"}
	clock := testclock.New(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	c := startConsoleWith(t, env, func(m *Main) { m.Clock = clock })
	c.send("brand add Acme", "Brand Acme created")
	c.send("policy none", "")
	c.send(`draft "Black Friday kettles, 30% off" --to slack:#news --at "today 10:00"`, "Draft #1")
	c.send("submit 1", "scheduled")
	c.send(`draft "Winter menu tasting" --to slack:#news --at "today 18:00"`, "Draft #2")
	c.send("submit 2", "scheduled")
	c.send(`draft "About the kettle recall: here is what we know" --to slack:#news`, "Draft #3")
	c.send("submit 3", "approved")
	c.send("watch add acme", "added watch #1")
	out := c.send("source add webhook", "/hooks/mentions/")
	path := regexp.MustCompile(`/hooks/mentions/[A-Za-z0-9_-]+`).FindString(out)
	resp, err := http.Post("http://"+c.m.HTTPAddr+path, "application/json", strings.NewReader(surgeBody(12)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	// The surge alert offers Pause publishing; pressing it asks a reason.
	button := regexp.MustCompile(`\[Pause publishing\] /herald (pause --brand "Acme") REASON`)
	waitFor(t, "the surge alert's Pause publishing button", func() bool { return button.MatchString(c.out.String()) }, c.out.String)
	if !strings.Contains(c.out.String(), "Surge of mentions · Acme") {
		t.Fatalf("no surge alert:\n%s", c.out.String())
	}
	press := button.FindStringSubmatch(c.out.String())[1] + ` "kettle recall"`
	out = c.send(press, "Resume")
	for _, want := range []string{"Publishing paused · Acme", "2 post(s) held", "kettle recall", "until someone resumes it"} {
		if !strings.Contains(out, want) {
			t.Errorf("the pause card lacks %q:\n%s", want, out)
		}
	}
	out = c.send("queue", "posts:")
	if !strings.Contains(out, "#1 · ") || strings.Count(out, "held: kettle recall") != 2 {
		t.Errorf("queue during the pause does not show both posts held:\n%s", out)
	}
	c.send("show 1", "Held: kettle recall")

	// 10:30: the first post's time has passed; a publish asks first, and
	// the confirmed crisis answer wakes the scheduler, which holds #1.
	clock.Set(time.Date(2026, 12, 1, 10, 30, 0, 0, time.UTC))
	c.send("publish 3", "publish 3 --during-pause")
	c.send("publish 3 --during-pause", "About the kettle recall")
	waitFor(t, "the crisis answer published", func() bool { return openRO(t, db).draftState(t, 3) == "published" }, c.out.String)
	if st := openRO(t, db).draftState(t, 1); st != "scheduled" {
		t.Errorf("draft #1 during the pause, after its time: %s; want scheduled (held)", st)
	}
	if strings.Contains(c.out.String(), "(console preview: connect slack to post there)\n  │ Black Friday") {
		t.Errorf("a held post was published:\n%s", c.out.String())
	}

	out = c.send("resume", "Publishing resumed · Acme")
	for _, want := range []string{"Missed, not published by themselves", "#1", "[Publish #1 now] /herald publish 1", "[Reschedule #1] /herald schedule 1 WHEN", "[Cancel #1] /herald cancel 1 REASON"} {
		if !strings.Contains(out, want) {
			t.Errorf("the resume card lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "#2 · was due") {
		t.Errorf("the resume card lists #2, whose time is still ahead:\n%s", out)
	}
	ro := openRO(t, db)
	if st := ro.draftState(t, 1); st != "missed" {
		t.Errorf("draft #1 after resume: %s; want missed", st)
	}
	if st := ro.draftState(t, 2); st != "scheduled" {
		t.Errorf("draft #2 after resume: %s; want still scheduled", st)
	}
	var acts []string
	rows, err := ro.Query(`SELECT action || ':' || actor_name || ':' || detail FROM audit WHERE draft_id IS NULL AND action IN ('pause', 'resume') ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		acts = append(acts, s)
	}
	if want := []string{"pause:alice:kettle recall", "resume:alice:missed: #1"}; strings.Join(acts, "|") != strings.Join(want, "|") {
		t.Errorf("brand audit %q, want %q", acts, want)
	}
}
