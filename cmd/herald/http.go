package main

import (
	"net/http"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
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

// route mounts a platform's handler under a path prefix.
type route struct {
	prefix  string
	handler http.Handler
}

// HTTPTimeouts bound how long one client may hold the HTTP server. A zero
// field takes its value in DefaultHTTPTimeouts. Socket Mode and the
// Discord gateway dial out and are not concerned.
type HTTPTimeouts struct {
	Header time.Duration // the request line and headers (ReadHeaderTimeout)
	Body   time.Duration // a request's body, from the end of its headers: Slack, Discord, health, metrics, calendar
	Upload time.Duration // the same for the mention webhook (/hooks/), whose batches are larger (up to 1 MiB)
	Write  time.Duration // the response, from the end of the request's headers (WriteTimeout): long enough for a calendar feed to a slow reader
	Idle   time.Duration // a kept-alive connection between two requests (IdleTimeout)
}

// DefaultHTTPTimeouts are the production figures (see README, HTTP).
var DefaultHTTPTimeouts = HTTPTimeouts{Header: 10 * time.Second, Body: 10 * time.Second, Upload: 60 * time.Second,
	Write: 2 * time.Minute, Idle: 2 * time.Minute}

// orDefault fills t's zero fields from DefaultHTTPTimeouts.
func (t HTTPTimeouts) orDefault() HTTPTimeouts {
	d := DefaultHTTPTimeouts
	for _, f := range []struct{ v, def *time.Duration }{{&t.Header, &d.Header}, {&t.Body, &d.Body}, {&t.Upload, &d.Upload}, {&t.Write, &d.Write}, {&t.Idle, &d.Idle}} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return t
}

// server is the HTTP server of h with the timeouts t. ReadTimeout is only
// a backstop: bodyDeadline sets each request's own.
func (t HTTPTimeouts) server(h http.Handler) *http.Server {
	t = t.orDefault()
	return &http.Server{Handler: t.bodyDeadline(h), ReadHeaderTimeout: t.Header, ReadTimeout: t.Header + max(t.Body, t.Upload),
		WriteTimeout: t.Write, IdleTimeout: t.Idle}
}

// bodyDeadline gives each request with a body a read deadline, from the
// end of its headers: Upload under /hooks/, Body elsewhere. A client
// sending its body byte by byte is cut there: its handler reads an error,
// and the server closes the connection. Requests without a body get no
// deadline: the server is already waiting in the background for the
// connection's next request, and a deadline there would cancel the
// handler's context; once a body is read whole, the server's background
// read lifts the deadline in the same way (net/http), so a long handler
// runs to its end.
func (t HTTPTimeouts) bodyDeadline(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
			d := t.Body
			if strings.HasPrefix(r.URL.Path, "/hooks/") {
				d = t.Upload
			}
			http.NewResponseController(w).SetReadDeadline(time.Now().Add(d))
		}
		h.ServeHTTP(w, r)
	})
}

// httpHandler serves /healthz (the process is up), /readyz (the database
// answers; the leadership: leader.go), /metrics (Prometheus) and the platforms' routes.
func (m *Main) httpHandler(routes ...route) http.Handler {
	mux := http.NewServeMux()
	for _, r := range routes {
		mux.Handle(r.prefix, r.handler)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", m.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.metrics.registry, promhttp.HandlerOpts{}))
	return mux
}

// brandCalendarWords are a brand's calendar words, in its language.
func brandCalendarWords(b herald.Brand) publish.CalendarWords {
	return kit.CalendarWords(i18n.Lang(b.Lang))
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
		body, err := p.Feed(r.Context(), tok, brandCalendarWords)
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
