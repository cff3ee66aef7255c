package main

// Several replicas on one PostgreSQL database (issue 17): each `herald
// run` joins the database's replicas, refusing a local media directory
// when others serve it too, and its news broadcaster relays cards to
// every replica's chat adapters.

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/media/s3"
	"github.com/heraldhq/herald/storage/postgres"
)

// joinReplicas makes this process one of the replicas serving the
// PostgreSQL database s; the replica is released by Close.
func (m *Main) joinReplicas(ctx context.Context, s *postgres.Store) error {
	id := m.replicaID()
	media, local := m.Config.mediaIdentity()
	r, err := s.Join(ctx, id, media, m.Clock.Now(), admitMedia(media, local))
	if err != nil {
		return err
	}
	r.Log = m.log
	m.replica, m.lock = r, r
	m.log.Info("replica joined the database", "replica", id)
	return nil
}

// mediaIdentity names the media store without credentials (which
// HERALD_MEDIA never holds: they come from AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY): file:DIR for a local directory (local is then
// true), s3://BUCKET/PREFIX for an S3-compatible one. Replicas compare
// them: they must share one store.
func (c Config) mediaIdentity() (id string, local bool) {
	if dir, ok := c.mediaDir(); ok {
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
		return "file:" + dir, true
	}
	if cfg, err := s3.ParseURL(c.Media); err == nil {
		return "s3://" + strings.TrimSuffix(cfg.Bucket+"/"+cfg.Prefix, "/"), false
	}
	return c.Media, false
}

// admitMedia refuses to join the other live replicas unless every one
// shares this replica's media store, an S3-compatible one: a picture
// uploaded through one replica is published, shown and swept by any.
func admitMedia(mine string, local bool) func([]postgres.ReplicaInfo) error {
	return func(others []postgres.ReplicaInfo) error {
		if len(others) == 0 {
			return nil
		}
		if local {
			return fmt.Errorf("this PostgreSQL database is already served by %s, and replicas must share their media: a local media directory (%s) cannot be shared. "+
				"Set HERALD_MEDIA=s3://BUCKET/PREFIX?endpoint=HOST:PORT (an S3-compatible store such as MinIO) on every replica (docs/replicas.md)", replicasNamed(others), mine)
		}
		for _, o := range others {
			switch {
			case strings.HasPrefix(o.Media, "file:"):
				return fmt.Errorf("replica %s serves this PostgreSQL database with a local media directory, which other replicas cannot share: "+
					"restart it with HERALD_MEDIA=%s, like this one (docs/replicas.md)", o.ID, mine)
			case o.Media != mine:
				return fmt.Errorf("replica %s serves this PostgreSQL database with the media store %s, this one with %s: every replica needs the same HERALD_MEDIA (docs/replicas.md)", o.ID, o.Media, mine)
			}
		}
		return nil
	}
}

func replicasNamed(rs []postgres.ReplicaInfo) string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	if len(rs) == 1 {
		return "another Herald replica (" + ids[0] + ")"
	}
	return fmt.Sprintf("%d other Herald replicas (%s)", len(rs), strings.Join(ids, ", "))
}

// newBroadcaster returns the news broadcaster: in memory for a lone
// Herald, relayed through the database to every replica's adapters on
// PostgreSQL.
func (m *Main) newBroadcaster() *bot.Broadcaster {
	if m.replica == nil {
		return bot.NewBroadcaster(m.log)
	}
	return bot.NewRelayedBroadcaster(m.log, m.replica, m.store, m.Clock)
}

// doctorReplicas prints, on PostgreSQL, the replicas serving the database
// and whether this configuration could join them (its media store).
func (m *Main) doctorReplicas(ctx context.Context) error {
	s, ok := m.store.(*postgres.Store)
	if !ok {
		return nil
	}
	rs, err := s.Replicas(ctx)
	if err != nil {
		return fmt.Errorf("replicas: %w", err)
	}
	if len(rs) == 0 {
		fmt.Fprintln(m.Stdout, "replicas: none serving")
		return nil
	}
	list := make([]string, len(rs))
	for i, r := range rs {
		list[i] = fmt.Sprintf("%s (%s, since %s)", r.ID, r.Media, r.Since.Format(time.RFC3339))
	}
	fmt.Fprintf(m.Stdout, "replicas: %d serving: %s\n", len(rs), strings.Join(list, "; "))
	media, local := m.Config.mediaIdentity()
	if err := admitMedia(media, local)(rs); err != nil {
		return fmt.Errorf("this configuration could not join them: %w", err)
	}
	return nil
}

// replica is this process among the replicas of a PostgreSQL database.
type replica = postgres.Replica
