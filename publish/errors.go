package publish

import (
	"errors"
	"fmt"
	"time"
)

// Outcome is how a failed attempt ended.
type Outcome int

const (
	// Ambiguous: the network may have received the post. Never retried
	// blindly: checked where the destination allows, otherwise a person
	// decides.
	Ambiguous Outcome = iota
	// Transient: the post did not arrive, or the network asked to come back
	// later (429, 5xx, a connection that failed before the request was
	// sent). Retried with backoff.
	Transient
	// Rejected: the network refused the post for good (4xx). Not retried;
	// its message is shown.
	Rejected
)

func (o Outcome) String() string {
	switch o {
	case Transient:
		return "transient"
	case Rejected:
		return "rejected"
	}
	return "ambiguous"
}

// Error is a failed attempt, classified.
type Error struct {
	Outcome    Outcome
	Message    string        // for people: the network's own words where it gave some
	RetryAfter time.Duration // the network's Retry-After, for Transient
	// Dead says the account's token is revoked or invalid: the account
	// must be connected again (target connect).
	Dead bool
	Err  error
}

func (e *Error) Error() string {
	if e.Err != nil && e.Message == "" {
		return fmt.Sprintf("%s: %v", e.Outcome, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Outcome, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Rejectedf is a clear refusal with a message for people.
func Rejectedf(format string, args ...any) error {
	return &Error{Outcome: Rejected, Message: fmt.Sprintf(format, args...)}
}

// TransientError is a failure worth retrying after retryAfter (0: the
// scheduler's backoff decides).
func TransientError(err error, retryAfter time.Duration) error {
	return &Error{Outcome: Transient, Message: errText(err), RetryAfter: retryAfter, Err: err}
}

// AmbiguousError is a failure after which the post may have arrived.
func AmbiguousError(err error) error {
	return &Error{Outcome: Ambiguous, Message: errText(err), Err: err}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// Classify returns err as an *Error; an unclassified error is Ambiguous,
// the only safe reading.
func Classify(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Outcome: Ambiguous, Message: errText(err), Err: err}
}
