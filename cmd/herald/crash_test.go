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

// The acknowledgements the console prints, and the state each proves.
var acks = []struct {
	re    *regexp.Regexp
	state approvals.State
}{
	{regexp.MustCompile(`^  Draft #(\d+) created`), approvals.StateDraft},
	{regexp.MustCompile(`^  alice submitted draft #(\d+)`), approvals.StateInReview},
	{regexp.MustCompile(`^  carol approved draft #(\d+)`), approvals.StateApproved},
}

// progress orders the states the test drives a draft through.
var progress = map[approvals.State]int{approvals.StateDraft: 0, approvals.StateInReview: 1, approvals.StateApproved: 2}

// TestCrashLosesNoAcknowledgedAction runs herald's console as a child
// process, feeds it commands (draft, submit as the editor, approve as the
// approver), and SIGKILLs it at a random moment; again and again on the
// same database. After every kill the database passes PRAGMA
// integrity_check and holds every action the console acknowledged, with
// its audit row.
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
	const setup = "brand add Acme\npolicy team:1\nrole @carol approver\n"
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
	count := map[approvals.State]int{}
	for _, st := range acked {
		count[st]++
	}
	if count[approvals.StateApproved] == 0 {
		t.Error("no approval was acknowledged; the test did not exercise approvals")
	}
	t.Logf("%d rounds; acknowledged drafts by last acknowledged state: %v; all present after every crash", rounds, count)
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
	firstAck := make(chan struct{})
	var once sync.Once
	ackedIDs := make(chan int64, 16) // each acknowledgement's draft id, for the writer's pacing
	readerDone := make(chan struct{})
	go func() { // the acknowledgements, as the console prints them
		defer close(readerDone)
		defer close(ackedIDs)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			for _, a := range acks {
				m := a.re.FindStringSubmatch(sc.Text())
				if m == nil {
					continue
				}
				id := atoi(m[1])
				mu.Lock()
				acked[id] = a.state
				mu.Unlock()
				once.Do(func() { close(firstAck) })
				select {
				case ackedIDs <- id:
				default:
				}
			}
		}
	}()
	go func() { // one command at a time: send, wait for its acknowledgement
		io.WriteString(stdin, setup)
		for k := 0; ; k++ {
			steps := []string{fmt.Sprintf("/as alice\ndraft \"crash round %d draft %d\"\n", round, k)}
			if _, err := io.WriteString(stdin, steps[0]); err != nil {
				return
			}
			id, ok := <-ackedIDs
			if !ok {
				return
			}
			for _, next := range []string{fmt.Sprintf("submit %d\n", id), fmt.Sprintf("/as carol\napprove %d\n", id)} {
				if _, err := io.WriteString(stdin, next); err != nil {
					return
				}
				if _, ok := <-ackedIDs; !ok {
					return
				}
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
		if progress[d.State] < progress[state] {
			t.Fatalf("draft #%d: %s was acknowledged, but it is %s after crash", id, state, d.State)
		}
		es, err := s.Audit(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		// create; + submit; + approve and complete.
		if want := []int{1, 2, 4}[progress[state]]; len(es) < want {
			t.Fatalf("draft #%d is %s but has %d audit rows, want at least %d", id, d.State, len(es), want)
		}
	}
}

func atoi(s string) int64 {
	var n int64
	fmt.Sscan(s, &n)
	return n
}
