package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/storage/sqlite"
)

// TestMain lets the test binary act as herald itself when the crash test
// starts it as a child process.
func TestMain(m *testing.M) {
	if os.Getenv("HERALD_CRASH_CHILD") == "1" {
		args := []string{"herald"}
		for _, a := range os.Args[1:] {
			if !strings.HasPrefix(a, "-test.") {
				args = append(args, a)
			}
		}
		os.Args = args
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

var createdRE = regexp.MustCompile(`Draft #(\d+) created`)
var submittedRE = regexp.MustCompile(`submitted draft #(\d+)`)

// TestCrashLosesNoAcknowledgedAction runs herald's console as a child
// process, feeds it commands one by one, and SIGKILLs it at a random
// moment; again and again on the same database. After every kill the
// database passes PRAGMA integrity_check and holds every action the
// console acknowledged.
func TestCrashLosesNoAcknowledgedAction(t *testing.T) {
	rounds := 30
	if testing.Short() {
		rounds = 5
	}
	db := filepath.Join(t.TempDir(), "herald.db")
	acked := map[int64]approvals.State{} // draft id → the state its last acknowledged command left it in
	rng := rand.New(rand.NewPCG(1, 2))
	// Sent every round: a kill may come before the first round's commit;
	// later rounds are refused "exists already", harmlessly.
	const setup = "brand add Acme\npolicy none\n"
	for round := range rounds {
		// Two rounds in three kill mid-traffic (after the first
		// acknowledgement); the third may kill during start-up and migration.
		afterAck := round%3 != 0
		runUntilKilled(t, db, setup, round, afterAck, time.Duration(rng.IntN(150))*time.Millisecond, acked)
		verifyAfterCrash(t, db, acked)
	}
	if len(acked) < rounds {
		t.Errorf("only %d drafts acknowledged in %d rounds; the test did too little to mean anything", len(acked), rounds)
	}
	t.Logf("%d rounds, %d acknowledged drafts, all present after every crash", rounds, len(acked))
}

// runUntilKilled starts the child, sends drafts and submits, records each
// acknowledgement, and kills the child with SIGKILL after killAfter,
// counted from its first acknowledgement when afterAck is set.
func runUntilKilled(t *testing.T, db, setup string, round int, afterAck bool, killAfter time.Duration, acked map[int64]approvals.State) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$", "console", "-as", "alice")
	cmd.Env = append(os.Environ(), "HERALD_CRASH_CHILD=1", "HERALD_DATABASE=sqlite:"+db, "HERALD_HTTP_ADDR=off", "HERALD_LOG_LEVEL=error")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	readerDone := make(chan struct{})
	firstAck := make(chan struct{})
	var once sync.Once
	go func() { // the acknowledgements, as the console prints them
		defer close(readerDone)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			mu.Lock()
			if m := createdRE.FindStringSubmatch(line); m != nil {
				acked[atoi(m[1])] = approvals.StateDraft
				once.Do(func() { close(firstAck) })
			}
			if m := submittedRE.FindStringSubmatch(line); m != nil {
				acked[atoi(m[1])] = approvals.StateApproved // policy none: approved at once
			}
			mu.Unlock()
		}
	}()
	go func() {
		io.WriteString(stdin, setup)
		for k := 0; ; k++ {
			line := fmt.Sprintf("draft \"crash round %d draft %d\"\n", round, k)
			if k%2 == 1 {
				line += fmt.Sprintf("submit %d\n", lastDraftHint(&mu, acked))
			}
			if _, err := io.WriteString(stdin, line); err != nil {
				return
			}
		}
	}()
	if afterAck {
		select {
		case <-firstAck:
		case <-time.After(30 * time.Second):
			t.Fatal("the console acknowledged nothing in 30 s")
		}
	}
	time.Sleep(killAfter)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	<-readerDone
}

// lastDraftHint returns the newest acknowledged draft id, to submit it.
func lastDraftHint(mu *sync.Mutex, acked map[int64]approvals.State) int64 {
	mu.Lock()
	defer mu.Unlock()
	var last int64 = 1
	for id := range acked {
		last = max(last, id)
	}
	return last
}

func verifyAfterCrash(t *testing.T, db string, acked map[int64]approvals.State) {
	t.Helper()
	s, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if v, err := s.IntegrityCheck(ctx); err != nil || v != "ok" {
		t.Fatalf("integrity check after crash: %q, %v", v, err)
	}
	for id, state := range acked {
		d, err := s.Draft(ctx, id)
		if err != nil {
			t.Fatalf("acknowledged draft #%d is missing after crash: %v", id, err)
		}
		if state == approvals.StateApproved && d.State != approvals.StateApproved {
			t.Fatalf("draft #%d: its submission was acknowledged, but it is %s after crash", id, d.State)
		}
	}
}

func atoi(s string) int64 {
	var n int64
	fmt.Sscan(s, &n)
	return n
}
