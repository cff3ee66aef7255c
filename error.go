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

// Error is Herald's one error type. Message is one plain sentence meant
// for the user, without any chat syntax; Err is the underlying cause, for
// logs only.
//
// Reason and Facts let an edge word the error itself: Reason names the
// situation in snake_case, prefixed by the package that returns it (e.g.
// "brands.not_visible"), and Facts holds the values the sentence speaks of
// (e.g. {"brand": "Acme"}). The command layer looks the reason up to add
// what to type next; a translation looks it up to say it in the reader's
// language. An edge that knows no wording for the reason shows Message.
type Error struct {
	Code    string
	Message string
	Reason  string // "" when Message says all there is
	Facts   Facts  // the values Message speaks of, by name; nil when none
	Err     error
}

// Facts are the values an error speaks of, by name: strings, numbers,
// lists of strings, or (where the Reason's documentation says so) a list of
// a domain's values, such as the findings of a refused draft.
type Facts map[string]any

// Because sets the error's reason and facts and returns it, e.g.
//
//	herald.Errorf(herald.ENOTFOUND, "There is no brand named %q that you belong to.", name).
//		Because("brands.not_visible", herald.Facts{"brand": name})
func (e *Error) Because(reason string, facts Facts) *Error {
	e.Reason, e.Facts = reason, facts
	return e
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

// AsError returns the first *Error in err's chain, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
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
