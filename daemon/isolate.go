package daemon

import (
	"context"
	"errors"
	"fmt"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/daemon/state"
	"github.com/sidewayscal/sideways/rules"
)

// Failed is one action the calendar refused for good (a bad request, an event
// it will not let sideways change, one that does not exist): the cycle
// recorded it and went on with the others.
type Failed struct {
	Action rules.Action
	// Reason is the calendar's answer, for people.
	Reason string
}

// isolate decides whether err, the failure of action a, stops the cycle. An
// error that concerns this action only (calendar.ErrRejected; ErrNotOurs, an
// event that lost sideways' tag; a Meet link the calendar cannot make that
// the retry without one did not cure) is
// recorded in the audit log and returned as a Failed; transport, sign-in,
// permission and quota errors return nil: they stop the cycle, since every
// later action would meet them too.
func (d *Daemon) isolate(ctx context.Context, a *rules.Action, writable string, err error) (*Failed, error) {
	if !errors.Is(err, calendar.ErrRejected) && !errors.Is(err, calendar.ErrMeetUnavailable) && !errors.Is(err, calendar.ErrNotOurs) {
		return nil, nil
	}
	if _, retry := calendar.RetryAfter(err); retry {
		return nil, nil
	}
	peer := a.Assessment.Peer.Email
	f := &Failed{Action: *a, Reason: err.Error()}
	d.Logger.Warn("the calendar refused one action; going on with the others", "action", a.Kind, "peer", peer, "err", err)
	if d.Store != nil {
		cal := a.Calendar
		if cal == "" {
			cal = writable
		}
		e := state.AuditEntry{Calendar: cal, EventID: a.EventID, Action: string(a.Kind) + " failed", Peer: peer, Reason: err.Error()}
		if aerr := d.Store.Audit(context.WithoutCancel(ctx), e); aerr != nil {
			return nil, aerr
		}
	}
	return f, nil
}

// meetNote is what an invite says instead of a Meet link on a calendar that
// cannot create one.
const meetNote = "Google Meet could not be added on this calendar: please add a video link."

// withoutMeet makes draft an invite without a conference, when it asked for
// one and the calendar cal is known not to create Meet links.
func (d *Daemon) withoutMeet(ctx context.Context, cal string, draft *calendar.Draft) error {
	if !draft.Meet || d.Store == nil {
		return nil
	}
	_, unavailable, err := d.Store.CalendarFlag(ctx, cal, state.FlagMeetUnavailable)
	if err != nil || !unavailable {
		return err
	}
	dropMeet(draft)
	return nil
}

// dropMeet removes the conference from draft and says so in its description.
func dropMeet(draft *calendar.Draft) {
	draft.Meet = false
	if draft.Location == "" {
		draft.Description = meetNote + "<br><br>" + draft.Description
	}
}

// insert writes draft to the writable calendar cal. When the calendar
// answers that it cannot create Meet links, it remembers that (so no later
// cycle asks again) and writes the invite without one.
func (d *Daemon) insert(ctx context.Context, cal string, draft calendar.Draft) error {
	if err := d.withoutMeet(ctx, cal, &draft); err != nil {
		return err
	}
	err := d.Writer.Insert(ctx, draft)
	if !draft.Meet || !errors.Is(err, calendar.ErrMeetUnavailable) {
		return err
	}
	d.Logger.Warn("the calendar cannot create Google Meet links; writing invites without one", "calendar", cal)
	if d.Store != nil {
		if serr := d.Store.SetCalendarFlag(context.WithoutCancel(ctx), cal, state.FlagMeetUnavailable); serr != nil {
			return fmt.Errorf("%w (and %v)", err, serr)
		}
	}
	dropMeet(&draft)
	return d.Writer.Insert(ctx, draft)
}

// signInProblem words, for status, a refusal that needs the user to sign in
// again (the hint of what to run is cmd's), and whether err is one.
func signInProblem(err error) (msg string, ok bool) {
	var pe *calendar.PermissionError
	switch {
	case errors.As(err, &pe):
		return fmt.Sprintf("the sign-in does not grant access to %s", pe.Access), true
	case errors.Is(err, calendar.ErrAuth):
		return "sign-in expired or revoked", true
	}
	return "", false
}
