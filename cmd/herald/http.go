package main

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/publish"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the Prometheus metrics of one Main.
type metrics struct {
	registry *prometheus.Registry
	commands *prometheus.CounterVec
	seconds  *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_commands_total",
			Help: "Commands handled, by command and error code (empty on success).",
		}, []string{"command", "code"}),
		seconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "herald_command_duration_seconds",
			Help:    "Time to handle a command, storage included.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"command"}),
	}
	m.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.commands, m.seconds)
	return m
}

func (m *metrics) observeCommand(command, code string, d time.Duration) {
	m.commands.WithLabelValues(command, code).Inc()
	m.seconds.WithLabelValues(command).Observe(d.Seconds())
}

// httpHandler serves /healthz (the process is up), /readyz (the database
// answers), /metrics (Prometheus) and the platforms' routes.
// route mounts a platform's handler under a path prefix.
type route struct {
	prefix  string
	handler http.Handler
}

func (m *Main) httpHandler(routes ...route) http.Handler {
	mux := http.NewServeMux()
	for _, r := range routes {
		mux.Handle(r.prefix, r.handler)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := m.store.Ping(ctx); err != nil {
			m.log.Warn("not ready", "error", err)
			http.Error(w, "database unavailable\n", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.metrics.registry, promhttp.HandlerOpts{}))
	return mux
}

// calendarHandler serves /calendar/{token}.ics: a brand's posts as an
// iCalendar feed, for anyone holding the token.
func calendarHandler(p *publish.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
		if !ok {
			http.NotFound(w, r)
			return
		}
		body, err := p.Feed(r.Context(), tok)
		switch herald.ErrorCode(err) {
		case "":
		case herald.ENOTFOUND:
			http.Error(w, "no such calendar\n", http.StatusNotFound)
			return
		default:
			http.Error(w, "the calendar is unavailable\n", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
		w.Header().Set("Cache-Control", "private, max-age=300")
		w.Write(body)
	})
}
