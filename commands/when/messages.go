package when

import (
	"fmt"
	"time"
)

// msg names a sentence of an error; each vocabulary writes it in its
// language with the same verbs in the same order.
type msg int

const (
	mCannotRead msg = iota // input, problem, hint
	mHint
	mTooLong       // bytes, limit
	mEmpty         //
	mOnlyZone      //
	mPast          // instant, now
	mUnknownZone   // zone
	mUnknownWord   // word
	mNear          // problem, suggestion
	mExtraWords    // words
	mNeedsDuration // keyword
	mNotDate       // word
	mMonthRange    // month
	mDayRange      // day, month, year, last day
	mNeedsMinutes  // word, number, number
	mNotClock      // word
	mMeridiemRange // hour
	mHourRange     // hour
	mMinuteRange   // minute
	mSecondRange   // second
	mDurPositive   //
	mDurWhole      //
	mNotDuration   // text
	mDurTooLong    //
	mDurZero       //
	mMissingUnit   // number
	mUnknownUnit   // unit
	mNeedsDayPart  // keyword
	mNeedsWeekday  // keyword
	mMessages      // the number of messages
)

// problem is what went wrong, to be written in the reader's language.
type problem struct {
	m    msg
	args []any
	near string // a word the person probably meant, or ""
}

// Error writes the problem in English (for logs and tests).
func (p *problem) Error() string { return english.render(p) }

// fail returns the problem m with its arguments.
func fail(m msg, args ...any) error { return &problem{m: m, args: args} }

// failNear returns the problem m with a suggestion, when near is not "".
func failNear(m msg, near string, args ...any) error {
	return &problem{m: m, args: args, near: near}
}

// render writes err, a problem, in v's language; a month among its
// arguments is named in that language.
func (v *vocabulary) render(err error) string {
	p, ok := err.(*problem)
	if !ok {
		return err.Error()
	}
	args := make([]any, len(p.args))
	for i, a := range p.args {
		if m, ok := a.(time.Month); ok {
			a = v.monthNames[m-1]
		}
		args[i] = a
	}
	s := fmt.Sprintf(v.msgs[p.m], args...)
	if p.near != "" {
		s = fmt.Sprintf(v.msgs[mNear], s, p.near)
	}
	return s
}
