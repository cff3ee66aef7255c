package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands"
)

// benchMain wires a Main on a fresh database, as `herald run` does.
func benchMain(b testing.TB) *Main {
	b.Helper()
	return benchMainOn(b, "sqlite:"+filepath.Join(b.TempDir(), "bench.db"))
}

// benchMainOn is benchMain on the database of HERALD_DATABASE database.
func benchMainOn(b testing.TB, database string) *Main {
	b.Helper()
	m := NewMain()
	m.Stdout, m.Stderr = io.Discard, io.Discard
	env := map[string]string{"HERALD_DATABASE": database, "HERALD_LOG_LEVEL": "error"}
	if err := m.ParseFlags(nil, func(k string) string { return env[k] }); err != nil {
		b.Fatal(err)
	}
	m.log = m.logger()
	m.metrics = newMetrics()
	if _, err := m.openStore(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	return m
}

func mustDispatch(b testing.TB, r *commands.Router, who, line string) commands.Response {
	b.Helper()
	resp := r.Dispatch(context.Background(), commands.Call{
		Actor:   herald.Actor{Platform: "console", UserID: who, Name: who},
		Channel: herald.ChannelRef{Platform: "console", Workspace: "local", Channel: "#general"},
		Text:    line,
	})
	if resp.ErrCode != "" {
		b.Fatalf("%s: %s", line, resp.Text)
	}
	return resp
}

// reportPercentiles adds p50 and p99 of the per-operation durations.
func reportPercentiles(b *testing.B, ds []time.Duration) {
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkDispatchDraft measures a typed `draft` command from text to
// stored revision and audit row: parse, middleware, rules, SQLite commit,
// card. Target: median under 1 ms.
func BenchmarkDispatchDraft(b *testing.B) {
	m := benchMain(b)
	a, err := m.wire()
	if err != nil {
		b.Fatal(err)
	}
	r := a.router
	mustDispatch(b, r, "alice", "brand add Acme")
	line := `draft "Our new store opens Monday! Come and see the new collection." --to slack:#news,mastodon:main --at "in 2h"`
	var ds []time.Duration
	for b.Loop() {
		start := time.Now()
		mustDispatch(b, r, "alice", line)
		ds = append(ds, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, ds)
}

// BenchmarkApprove measures approvals committed one by one, each a
// compare-and-set with its approval and audit rows in one transaction.
// Target: at least 1,000 per second.
func BenchmarkApprove(b *testing.B) { benchApprove(b, benchMain(b).store) }

// benchApprove is BenchmarkApprove on store s (BenchmarkStores runs it on
// SQLite and PostgreSQL).
func benchApprove(b *testing.B, s store) {
	ctx := context.Background()
	bsvc := brands.NewService(s, herald.SystemClock{}, "UTC")
	svc := approvals.NewService(s, bsvc, herald.SystemClock{})
	alice := herald.Actor{Platform: "console", UserID: "alice"}
	ch := herald.ChannelRef{Platform: "console", Workspace: "local", Channel: "#general"}
	if _, err := bsvc.AddBrand(ctx, alice, "Acme", &ch); err != nil {
		b.Fatal(err)
	}
	if _, _, err := svc.SetPolicy(ctx, alice, ch, "", "team:10"); err != nil {
		b.Fatal(err)
	}
	// Ten approvals per draft: approvers a0..a9 on drafts submitted ahead.
	var approvers []herald.Actor
	for i := range 10 {
		a := herald.Actor{Platform: "console", UserID: "a" + strconv.Itoa(i)}
		approvers = append(approvers, a)
		if _, err := bsvc.SetRole(ctx, alice, ch, "", a, herald.RoleApprover); err != nil {
			b.Fatal(err)
		}
	}
	newDraft := func() int64 {
		d, err := svc.CreateDraft(ctx, alice, ch, approvals.NewDraft{Text: "launch"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.Submit(ctx, alice, d.ID); err != nil {
			b.Fatal(err)
		}
		return d.ID
	}
	id := newDraft()
	next := 0
	for b.Loop() {
		if next == len(approvers) {
			b.StopTimer()
			id, next = newDraft(), 0
			b.StartTimer()
		}
		if _, err := svc.Approve(ctx, approvers[next], id, approvals.Decide{}); err != nil {
			b.Fatal(err)
		}
		next++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "approvals/s")
}

// BenchmarkIdleMemory builds herald, starts `herald run` (the console, as
// a new user does), waits for it to settle and reports its resident memory.
// Target: under 30 MB.
func BenchmarkIdleMemory(b *testing.B) {
	dir := b.TempDir()
	bin := filepath.Join(dir, "herald")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	for i := 0; b.Loop(); i++ {
		cmd := exec.Command(bin, "run")
		db := filepath.Join(dir, fmt.Sprintf("idle%d.db", i))
		cmd.Env = append(os.Environ(), "HERALD_DATABASE=sqlite:"+db, "HERALD_HTTP_ADDR=127.0.0.1:0")
		stdin, _ := cmd.StdinPipe()
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		io.WriteString(stdin, "brand add Acme\nhelp\n")
		time.Sleep(2 * time.Second) // idle: let start-up garbage be collected
		rss, err := residentKB(cmd.Process.Pid)
		stdin.Close()
		cmd.Wait()
		if err != nil {
			b.Fatal(err)
		}
		if !strings.Contains(out.String(), "Brand Acme created") {
			b.Fatalf("herald did not answer:\n%s", out.String())
		}
		b.ReportMetric(float64(rss)/1024, "RSS-MB")
	}
}

func residentKB(pid int) (int, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}
