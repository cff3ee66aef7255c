package bot

import (
	"context"
	"sync"
	"time"
)

// Work is what a chat adapter runs besides its transport: requests that
// arrive on the HTTP server a moment before Run wait for the dispatcher
// Run brings, and the work done after a platform's acknowledgement runs
// detached from the request, until Stop. The zero Work is ready to use.
type Work struct {
	once    sync.Once
	mu      sync.Mutex
	ready   chan struct{}
	d       Dispatcher
	stopped bool           // nothing new starts
	wg      sync.WaitGroup // work in flight
}

func (w *Work) readyCh() chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ready == nil {
		w.ready = make(chan struct{})
	}
	return w.ready
}

// Start hands over the dispatcher (from the adapter's Run); later calls
// change nothing.
func (w *Work) Start(d Dispatcher) {
	ch := w.readyCh()
	w.once.Do(func() {
		w.d = d
		close(ch)
	})
}

// Ready is closed once Start has run.
func (w *Work) Ready() <-chan struct{} { return w.readyCh() }

// Dispatcher waits for Start and returns its dispatcher, or nil if ctx
// ends first.
func (w *Work) Dispatcher(ctx context.Context) Dispatcher {
	select {
	case <-w.readyCh():
		return w.d
	case <-ctx.Done():
		return nil
	}
}

// Go runs f in the background with a context of its own that ends after
// timeout. It reports false, and runs nothing, once Stop has been called.
func (w *Work) Go(timeout time.Duration, f func(ctx context.Context)) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return false
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		f(ctx)
	}()
	return true
}

// Wait waits for the work in flight.
func (w *Work) Wait() { w.wg.Wait() }

// Stop lets nothing new start, and waits for the work in flight.
func (w *Work) Stop() {
	w.mu.Lock()
	w.stopped = true
	w.mu.Unlock()
	w.wg.Wait()
}
