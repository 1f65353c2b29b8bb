package daemon

import (
	"context"
	"fmt"
	"time"

	"github.com/sidewayscal/sideways/calendar"
)

// MaxCycle caps a cycle's time limit, however long poll is.
const MaxCycle = 5 * time.Minute

// CycleLimit is how long one cycle may take: half the poll interval, at most
// MaxCycle (MaxCycle when poll is unset). A cycle still running then is
// stopped and fails, so a stalled server can never hold the daemon past its
// next cycle.
func CycleLimit(poll time.Duration) time.Duration {
	if poll <= 0 {
		return MaxCycle
	}
	return min(poll/2, MaxCycle)
}

// LimitError is a cycle that ran out of its time limit (CycleLimit). It
// matches context.DeadlineExceeded.
type LimitError struct {
	Limit time.Duration
	// What ran out of time, as a sentence without its end: "calendar work did
	// not answer", "the cycle did not finish".
	What string
}

func (e *LimitError) Error() string {
	what := e.What
	if what == "" {
		what = "the cycle did not finish"
	}
	return fmt.Sprintf("%s within %s, the time a cycle may take (half of poll, at most %s)",
		what, calendar.HumanDuration(e.Limit), calendar.HumanDuration(MaxCycle))
}

// Is makes a LimitError match context.DeadlineExceeded.
func (e *LimitError) Is(target error) bool { return target == context.DeadlineExceeded }

// stopped is the error of a cycle whose context ended while what was going
// on: its own time limit, saying what ran out of time; or the caller's reason
// (a signal), as given.
func stopped(ctx context.Context, what string) error {
	cause := context.Cause(ctx)
	if le, ok := cause.(*LimitError); ok {
		return &LimitError{Limit: le.Limit, What: what}
	}
	return cause
}
