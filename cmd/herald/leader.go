package main

// Leadership: several replicas serve one PostgreSQL database; the single
// jobs (source polling and Jetstream, digests, retention, the media
// sweeper, pause ends and review reminders, the Discord gateway) run on
// one of them, the leader, elected on an advisory lock that PostgreSQL
// drops with the leader's connection. On SQLite the one process leads.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/storage/postgres"
)

// campaign is a replica's side of the election (postgres.Leader).
type campaign interface {
	TryLead(ctx context.Context) (bool, error)
	Resign() error
}

var _ campaign = (*postgres.Leader)(nil)

// leadership says whether this replica leads and runs the single jobs
// while it does. It is gocron's Elector too (IsLeader).
type leadership struct {
	c     campaign // nil: the one process always leads (SQLite)
	every time.Duration
	log   *slog.Logger

	mu      sync.Mutex
	leader  bool
	since   time.Time
	term    context.Context // done when the term ends
	end     context.CancelFunc
	changed chan struct{} // closed at every change
	jobs    map[string]int
}

func newLeadership(c campaign, every time.Duration, log *slog.Logger) *leadership {
	return &leadership{c: c, every: every, log: log, changed: make(chan struct{}), jobs: map[string]int{}}
}

// leadership returns the replica's leadership, made on first use from the
// store: an election on PostgreSQL, always the leader on SQLite.
func (m *Main) leadership() *leadership {
	if m.lead == nil {
		var c campaign
		if s, ok := m.store.(*postgres.Store); ok {
			c = s.Leader()
		}
		m.lead = newLeadership(c, m.Config.ElectionInterval, m.log.With("replica", m.replicaID()))
	}
	return m.lead
}

// replicaID names this replica among the replicas (its row in the
// replicas table) and in its publishing leases: HERALD_REPLICA_ID,
// else on PostgreSQL the host, the process and a random part (a restarted
// replica is another: its old leases expire); on SQLite always "herald"
// (the file's lock makes it the only one, so a restart takes its leases
// back at once and recovers what a crash cut short).
func (m *Main) replicaID() string {
	if m.replicaName != "" {
		return m.replicaName
	}
	switch _, pg := m.Config.PostgresURL(); {
	case m.Config.ReplicaID != "":
		m.replicaName = m.Config.ReplicaID
	case pg:
		host, _ := os.Hostname()
		b := make([]byte, 4)
		rand.Read(b)
		m.replicaName = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
	default:
		m.replicaName = "herald"
	}
	return m.replicaName
}

// Run campaigns until ctx is done: every interval a follower tries to
// take the lead and the leader checks that it still holds it. It resigns
// when ctx ends, so that another replica takes over at its next try.
func (l *leadership) Run(ctx context.Context) error {
	if l.c == nil {
		l.set(ctx, true)
		<-ctx.Done()
		l.set(ctx, false)
		return nil
	}
	defer func() {
		l.set(ctx, false)
		if err := l.c.Resign(); err != nil {
			l.log.Warn("leadership not resigned", "error", err)
		}
	}()
	for {
		tctx, cancel := context.WithTimeout(ctx, max(l.every, time.Second))
		ok, err := l.c.TryLead(tctx)
		cancel()
		if err != nil && ctx.Err() == nil {
			l.log.Warn("leader election", "error", err)
		}
		l.set(ctx, ok)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(l.every):
		}
	}
}

// set records whether this replica leads; a new term starts (under
// parent) when it becomes the leader, and ends when it no longer is.
func (l *leadership) set(parent context.Context, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ok == l.leader {
		return
	}
	l.leader = ok
	if ok {
		l.since = time.Now()
		l.term, l.end = context.WithCancel(parent)
		l.log.Info("leader elected: this replica runs the single jobs")
	} else {
		l.end()
		l.term, l.end = nil, nil
		l.log.Info("leadership lost: the single jobs stop here")
	}
	close(l.changed)
	l.changed = make(chan struct{})
}

// Leader reports whether this replica leads now.
func (l *leadership) Leader() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.leader
}

// errFollower is IsLeader's answer on a replica that does not lead.
var errFollower = fmt.Errorf("this replica is not the leader")

// IsLeader implements gocron's Elector: nil on the leader.
func (l *leadership) IsLeader(context.Context) error {
	if l.Leader() {
		return nil
	}
	return errFollower
}

// await blocks until this replica leads and returns its term, or false
// when ctx ends first.
func (l *leadership) await(ctx context.Context) (context.Context, bool) {
	for {
		l.mu.Lock()
		term, changed := l.term, l.changed
		l.mu.Unlock()
		if term != nil && term.Err() == nil {
			return term, true
		}
		select {
		case <-ctx.Done():
			return nil, false
		case <-changed:
		}
	}
}

// only returns f run on the leader alone: started at each term (it
// resumes from what the store holds), stopped when the term ends, and
// started again after an interval when it fails during a term.
func (l *leadership) only(name string, f func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		for {
			err, failed, done := l.runTerm(ctx, name, f)
			if done {
				return nil
			}
			if failed {
				l.log.Error(name+" stopped on the leader; starting it again", "error", err)
				select {
				case <-ctx.Done():
					return nil
				case <-time.After(l.every):
				}
			}
		}
	}
}

// whileLeader runs f on the leader alone, at each term, until ctx is done
// (the Discord gateway's way: discord.Options.WhileLeader). Unlike only,
// it returns f's error when f fails during a term (a token the platform
// refuses stops Herald, as it does with one process).
func (l *leadership) whileLeader(name string) func(context.Context, func(context.Context) error) error {
	return func(ctx context.Context, f func(context.Context) error) error {
		for {
			err, failed, done := l.runTerm(ctx, name, f)
			if done {
				return nil
			}
			if failed {
				return err
			}
		}
	}
}

// runTerm waits for this replica to lead and runs f until it returns or
// the term ends. failed: f returned during the term (with err); done: ctx
// ended.
func (l *leadership) runTerm(ctx context.Context, name string, f func(context.Context) error) (err error, failed, done bool) {
	term, ok := l.await(ctx)
	if !ok {
		return nil, false, true
	}
	tctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(term, cancel)
	defer stop()
	l.running(name, 1)
	err = f(tctx)
	l.running(name, -1)
	if ctx.Err() != nil {
		return nil, false, true
	}
	return err, term.Err() == nil, false
}

func (l *leadership) running(name string, d int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.jobs[name] += d
	if l.jobs[name] <= 0 {
		delete(l.jobs, name)
	}
}

// status is what /readyz says of the leadership: whether this replica
// leads, since when, and the single jobs running on it.
func (l *leadership) status() (leader bool, since time.Time, jobs []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for name := range l.jobs {
		jobs = append(jobs, name)
	}
	slices.Sort(jobs)
	return l.leader, l.since, jobs
}

// watch adds the replica's figures to /metrics: herald_leader (1 on the
// leader) and herald_publish_leases (the unfinished deliveries under a
// live lease, this replica's and the others').
func (m *metrics) watch(l *leadership, s *publish.Scheduler) {
	m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "herald_leader",
		Help: "1 when this replica is the leader that runs the single jobs, else 0.",
	}, func() float64 {
		if l.Leader() {
			return 1
		}
		return 0
	}), leaseCollector{s})
}

var leasesDesc = prometheus.NewDesc("herald_publish_leases",
	"Unfinished deliveries under a live publishing lease, by holder: this replica or the others.", []string{"holder"}, nil)

// leaseCollector reads the lease counts at each scrape.
type leaseCollector struct{ s *publish.Scheduler }

func (c leaseCollector) Describe(ch chan<- *prometheus.Desc) { ch <- leasesDesc }

func (c leaseCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	mine, others, err := c.s.LeaseCounts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(leasesDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(leasesDesc, prometheus.GaugeValue, float64(mine), "this")
	ch <- prometheus.MustNewConstMetric(leasesDesc, prometheus.GaugeValue, float64(others), "others")
}

// readyz answers whether this replica can serve: 200 when the database
// answers, 503 when not. The body says, line by line, the replica's id,
// the database, whether it leads and, on the leader, its single jobs:
//
//	ready
//	replica: web-1-4242-9f0c1a2b
//	database: ok
//	leader: yes (since 2026-12-06T09:00:00Z)
//	jobs: digests, media sweeper, poller, retention
func (m *Main) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	body := fmt.Sprintf("replica: %s\n", m.replicaID())
	if err := m.store.Ping(ctx); err != nil {
		m.log.Warn("not ready", "error", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "database unavailable\n%sdatabase: unavailable\nleader: no\n", body)
		return
	}
	if c, ok := m.lock.(interface{ Check(context.Context) error }); ok {
		if err := c.Check(ctx); err != nil { // PostgreSQL's serving lock went with its connection
			m.log.Warn("not ready: the serving lock is lost", "error", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, "serving lock lost\n%sdatabase: lock lost\nleader: no\n", body)
			return
		}
	}
	body += "database: ok\n"
	leader, since, jobs := m.leadership().status()
	if leader {
		body += fmt.Sprintf("leader: yes (since %s)\njobs: %s\n", since.UTC().Format(time.RFC3339), strings.Join(jobs, ", "))
	} else {
		body += "leader: no\n"
	}
	io.WriteString(w, "ready\n"+body)
}
