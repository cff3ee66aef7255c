package herald

import (
	"errors"
	"fmt"
)

// Error codes. Each edge translates them to its own vocabulary (HTTP status,
// chat reply); users see the Message, operators see the wrapped cause in logs.
const (
	EINVALID     = "invalid"     // the input is wrong: the user can fix it
	ENOTFOUND    = "not_found"   // the thing does not exist (or is not visible to the actor)
	ECONFLICT    = "conflict"    // the thing changed under the actor, or the action was already done
	EFORBIDDEN   = "forbidden"   // the actor may not do this
	EUNAVAILABLE = "unavailable" // a dependency is down or not configured; try later
	EINTERNAL    = "internal"    // a bug or an unexpected failure
)

// Error is Herald's one error type. Message is one sentence meant for the
// user; Err is the underlying cause, for logs only.
type Error struct {
	Code    string
	Message string
	Err     error
}

// Error returns the message, or the code when there is none.
func (e *Error) Error() string {
	switch {
	case e.Message != "" && e.Err != nil:
		return e.Message + ": " + e.Err.Error()
	case e.Message != "":
		return e.Message
	case e.Err != nil:
		return e.Code + ": " + e.Err.Error()
	}
	return e.Code
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with code and a formatted user message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps an unexpected failure. Its user message is generic; the
// cause goes to the logs.
func Internal(err error) *Error {
	return &Error{Code: EINTERNAL, Message: "Something went wrong on Herald's side; the team running it can find the details in its logs.", Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the Message of an
// *Error, or a generic sentence for anything else, so internal details never
// reach a chat.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Message != "" && e.Code != EINTERNAL {
		return e.Message
	}
	return Internal(nil).Message
}
