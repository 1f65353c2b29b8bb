package calendar

import (
	"errors"
	"fmt"
)

// Refusals of one request that adapters translate a provider's answer into.
// Unlike ErrAuth and *RetryError, they concern one action, not the account:
// the daemon records them and goes on with the cycle's other actions.
var (
	// ErrRejected: the calendar refused this one change for good (a bad
	// request, an event it forbids changing, an event that does not exist).
	// Retrying the same change cannot help.
	ErrRejected = errors.New("the calendar refused the change")
	// ErrMeetUnavailable: the calendar cannot create Google Meet links (Meet
	// is turned off for the account, or the account type has none). The
	// same event can be written without a conference.
	ErrMeetUnavailable = errors.New("google meet is not available on this calendar")
	// ErrPermission: the sign-in does not grant an access a request needs
	// (the user unticked it on the consent screen). Errors wrapping it are
	// *PermissionError, which says which access.
	ErrPermission = errors.New("access not granted")
)

// PermissionError is a request refused because the sign-in lacks an access.
// Access names it as the consent screen shows it: AccessEvents or
// AccessFreeBusy.
type PermissionError struct {
	Access string
	Err    error
}

// The accesses sideways asks for at sign-in, by what stops working without them.
const (
	AccessEvents   = "events"
	AccessFreeBusy = "free/busy"
)

func (e *PermissionError) Error() string {
	return fmt.Sprintf("%v: the sign-in does not grant access to %s", e.Err, e.Access)
}

// Unwrap returns ErrPermission and the underlying error.
func (e *PermissionError) Unwrap() []error { return []error{ErrPermission, e.Err} }
