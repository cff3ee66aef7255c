package publish_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/heraldhq/herald/publish"
)

// cancelNet is a network whose call outlives Herald: the context is
// cancelled (shutdown) while the post is in flight.
type cancelNet struct{ cancel context.CancelFunc }

func (n cancelNet) Publish(ctx context.Context, p publish.Post) (publish.Receipt, error) {
	n.cancel()
	return publish.Receipt{ID: "sent-" + p.Key}, nil
}

// TestShutdownMidPublishLogsNoError: a post cut short by shutdown is
// recovered at the next start (its attempt is recorded before the call);
// stopping is not a failure, so it logs no error (piped console input
// ending while a post went out printed one).
func TestShutdownMidPublishLogsNoError(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": cancelNet{cancel}}})
	e.scheduled(t, "Hello", "webhook:main", start.Add(time.Minute))
	var buf bytes.Buffer
	sched := publish.NewScheduler(e.svc, e.events, slog.New(slog.NewTextHandler(&buf, nil)), publish.Options{})
	e.clock.Advance(time.Minute)
	_ = sched.Tick(ctx)
	if bytes.Contains(buf.Bytes(), []byte("level=ERROR")) {
		t.Errorf("shutdown mid-publish logged an error:\n%s", buf.String())
	}
}
