package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/heraldhq/herald/internal/httpx"
)

// healthTimeout bounds `herald healthcheck`: a container's HEALTHCHECK
// must not hang.
const healthTimeout = 3 * time.Second

// runHealthcheck asks the Herald serving this configuration whether it is
// up: GET /healthz (with --ready, /readyz) on HERALD_HTTP_ADDR (a wildcard host asked on
// loopback). Exit status 0 when it answers 200, 1 otherwise: what a
// container's HEALTHCHECK wants. It reads no database, so it runs beside
// the serving Herald.
func (m *Main) runHealthcheck(ctx context.Context) error {
	if m.Config.HTTPAddr == "off" {
		return errors.New(m.Lang.T("the HTTP server is off (HERALD_HTTP_ADDR=off): there is nothing to check"))
	}
	path := "/healthz"
	if m.Ready {
		path = "/readyz"
	}
	url := "http://" + healthAddr(m.Config.HTTPAddr) + path
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	o := m.operatorURLs()
	o.Timeout = healthTimeout
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, _, err := httpx.Fetch(ctx, httpx.New(o), req, 1<<10)
	if err != nil {
		return errors.New(m.Lang.F("%s does not answer: %v", url, err))
	}
	if resp.StatusCode != http.StatusOK {
		return errors.New(m.Lang.F("%s answered %d", url, resp.StatusCode))
	}
	fmt.Fprintln(m.Stdout, m.Lang.F("%s: ok", url))
	return nil
}

// healthAddr is the address to ask for HERALD_HTTP_ADDR: a wildcard or
// empty host is this machine's loopback.
func healthAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::", "[::]":
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}
