package daemon

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/config"
	"github.com/sidewayscal/sideways/daemon/state"
	"github.com/sidewayscal/sideways/rules"
)

// ErrNoStore is a daemon set to write with nowhere to record its writes: a
// wiring mistake, refused before anything is read or written.
var ErrNoStore = errors.New("daemon: a Writer needs a Store to record its writes")

// Done is one action a cycle carried out: a calendar write, or (with a Note)
// an action the calendar already reflected.
type Done struct {
	Action  rules.Action
	EventID string
	// Note says what happened when it was not a plain write ("already on the
	// calendar", "was deleted meanwhile").
	Note string
}

// Result is what one cycle did.
type Result struct {
	Plan *rules.Plan
	Done []Done
	// Failed are the actions the calendar refused for good; the cycle went
	// on with the others.
	Failed []Failed
	// Dismissed are the peers whose suggestion the user deleted since the last cycle.
	Dismissed []string
	// Warnings are problems that did not stop the cycle (peers' free/busy);
	// the calendars' health is in Plan.Warnings and Calendars.
	Warnings []string
	// Calendars is each calendar's health as this cycle read it.
	Calendars []CalendarHealth
}

// maxGenerations bounds how many ids a proposal tries when earlier ids of the
// same peer and period were used by events since deleted (Google never reuses
// an event id).
const maxGenerations = 32

// Cycle is one pass: sync every calendar, gather, notice what the user did to
// earlier suggestions, plan, act by mode, and record the result in the state
// database. It returns a non-nil error when the cycle failed; what it wrote
// before failing is recorded.
//
// A cycle has CycleLimit(poll) to finish; past it, it stops with a
// *LimitError naming what did not answer in time. With a Store, cycles on the
// same state folder run one at a time, in any process: a cycle first waits
// for the one running to finish, within its own limit. A cycle the caller stops
// (ctx ends: a signal) returns ctx's cause and is not recorded as a cycle.
func (d *Daemon) Cycle(ctx context.Context) (*Result, error) {
	at := d.Now()
	limit := CycleLimit(d.Poll())
	cctx, cancel := context.WithTimeoutCause(ctx, limit, &LimitError{Limit: limit})
	defer cancel()
	res, err := &Result{}, error(nil)
	if d.Store != nil {
		var release func()
		if release, err = d.lease(cctx, limit); err == nil {
			defer release() // after the cycle is recorded
		}
	}
	if err == nil {
		res, err = d.cycle(cctx)
	}
	if err != nil && ctx.Err() != nil {
		return res, context.Cause(ctx)
	}
	var le *LimitError
	if err != nil && cctx.Err() != nil && !errors.As(err, &le) {
		err = &LimitError{Limit: limit}
	}
	if d.Store != nil {
		c := state.Cycle{At: at, OK: err == nil}
		if err != nil {
			c.Err = err.Error()
		}
		if rerr := d.Store.RecordCycle(context.WithoutCancel(ctx), c); rerr != nil && err == nil {
			err = rerr
		}
	}
	return res, err
}

func (d *Daemon) cycle(ctx context.Context) (*Result, error) {
	cfg := d.Engine.Config()
	res := &Result{}
	writable := writableName(cfg)

	// 1. Sync. A calendar that cannot sync is read from its last mirror, unless
	// it is the one we write to: acting on a stale copy of it could duplicate or
	// dismiss wrongly.
	syncErrs := map[string]error{}
	for _, c := range d.Calendars {
		s, ok := c.Source.(calendar.Syncer)
		if !ok {
			continue
		}
		err := s.Sync(ctx)
		if err == nil {
			if d.Store != nil {
				if cerr := d.Store.ClearAuthProblem(ctx, c.Name); cerr != nil {
					return res, cerr
				}
			}
			continue
		}
		if ctx.Err() != nil {
			return res, stopped(ctx, "calendar "+c.Name+" did not answer")
		}
		msg, signIn := signInProblem(err)
		if signIn && d.Store != nil {
			if serr := d.Store.SetAuthProblem(ctx, c.Name, msg); serr != nil {
				return res, serr
			}
		}
		if c.Name == writable || signIn {
			return res, err
		}
		d.Logger.Warn("calendar did not sync; using its last copy", "calendar", c.Name, "err", err)
		syncErrs[c.Name] = err // the calendar's health says how old that copy is
	}

	// 2. Gather. With a calendar unread nothing is acted on, not even what the
	// user did to earlier suggestions: a calendar that cannot be seen would
	// look like deleted suggestions. The cycle fails, so the loop backs off.
	in, health, gerr := d.gather(ctx, syncErrs)
	if in == nil {
		return res, gerr
	}
	res.Calendars = health
	for _, e := range unjoin(gerr) {
		res.Warnings = append(res.Warnings, e.Error())
	}
	if err := unread(health); err != nil {
		p, perr := d.plan(ctx, in, health)
		if perr != nil {
			return res, perr
		}
		p.Warnings = append(p.Warnings, res.Warnings...)
		res.Plan = p
		return res, err
	}

	// 3. What did the user do to earlier suggestions?
	if d.Store != nil && writable != "" {
		dismissed, err := d.reconcile(ctx, cfg, in, writable)
		if err != nil {
			return res, err
		}
		res.Dismissed = dismissed
		if len(dismissed) > 0 {
			if in.Dismissals, err = d.dismissals(ctx); err != nil {
				return res, err
			}
		}
	}

	// 4. Plan.
	p, err := d.plan(ctx, in, health)
	if err != nil {
		return res, err
	}
	p.Warnings = append(p.Warnings, res.Warnings...)
	res.Plan = p
	if d.Store != nil && writable != "" {
		if err := d.untrackSkipped(ctx, p, writable); err != nil {
			return res, err
		}
	}

	// 5. Act.
	if cfg.Mode == config.ModeReport || d.Writer == nil {
		return res, nil
	}
	for i := range p.Actions {
		a := p.Actions[i]
		if a.Mode == config.ModeReport {
			continue
		}
		if ctx.Err() != nil {
			return res, stopped(ctx, "the cycle did not finish its writes")
		}
		done, err := d.act(ctx, cfg, &a, writable)
		if errors.Is(err, calendar.ErrConflict) {
			// Another writer changed the event between our read and our
			// write, twice: leave it; the next cycle decides from what it reads.
			msg := fmt.Sprintf("%s for %s: event %s changed meanwhile (another writer); left as it is for the next cycle",
				a.Kind, a.Assessment.Peer.Email, a.EventID)
			d.Logger.Warn("event changed meanwhile; left for the next cycle", "action", a.Kind, "peer", a.Assessment.Peer.Email, "event", a.EventID)
			res.Warnings = append(res.Warnings, msg)
			p.Warnings = append(p.Warnings, msg)
			continue
		}
		if f, ferr := d.isolate(ctx, &a, writable, err); f != nil || ferr != nil {
			if ferr != nil {
				return res, ferr
			}
			res.Failed = append(res.Failed, *f)
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return res, stopped(ctx, "calendar "+writable+" did not answer")
			}
			if msg, ok := signInProblem(err); ok && d.Store != nil {
				_ = d.Store.SetAuthProblem(context.WithoutCancel(ctx), writable, msg)
			}
			return res, fmt.Errorf("%s for %s: %w", a.Kind, a.Assessment.Peer.Email, err)
		}
		if done != nil {
			res.Done = append(res.Done, *done)
		}
	}
	return res, nil
}

// act carries out one action through the Writer and records it in one
// transaction. A nil Done means there was nothing to do after all.
func (d *Daemon) act(ctx context.Context, cfg *config.Config, a *rules.Action, writable string) (*Done, error) {
	if d.Store == nil {
		return nil, ErrNoStore
	}
	peer := a.Assessment.Peer.Email
	switch a.Kind {
	case rules.Propose, rules.Invite:
		kind := calendar.TagSuggestion
		if a.Kind == rules.Invite {
			kind = calendar.TagInvite
		}
		for gen := range maxGenerations {
			id := a.EventID
			if gen > 0 {
				id = calendar.EventID(writable, peer, fmt.Sprintf("%s#%d", a.Period, gen))
			}
			draft := rules.Draft(cfg, a, id)
			w := state.Write{Calendar: writable, EventID: id, Peer: peer, Kind: kind, Start: a.Slot.Start, End: a.Slot.End}
			switch err := d.insert(ctx, writable, draft); {
			case errors.Is(err, calendar.ErrGone):
				continue // an earlier event had this id and was deleted: use the next
			case errors.Is(err, calendar.ErrExists):
				// Another writer (a second sideways) put it there first: track
				// it, but this process wrote nothing.
				if err := d.Store.RecordPresent(context.WithoutCancel(ctx), w, state.ActionPresent,
					"on the calendar before this cycle wrote it (another sideways process, or an earlier cycle that stopped before recording it)"); err != nil {
					return nil, err
				}
				return &Done{Action: *a, EventID: id, Note: "already on the calendar: not written again"}, nil
			case err != nil:
				return nil, err
			}
			if err := d.Store.RecordInsert(context.WithoutCancel(ctx), w, string(a.Kind), a.Reason); err != nil {
				return nil, err
			}
			d.Logger.Info("wrote", "action", a.Kind, "calendar", writable, "event", id, "peer", peer)
			return &Done{Action: *a, EventID: id}, nil
		}
		return nil, fmt.Errorf("no free event id after %d tries", maxGenerations)
	case rules.Move:
		draft := rules.Draft(cfg, a, a.EventID)
		w := state.Write{Calendar: a.Calendar, EventID: a.EventID, Peer: peer, Kind: draft.Tag, Start: a.Slot.Start, End: a.Slot.End}
		switch err := d.Writer.Update(ctx, a.EventID, draft); {
		case errors.Is(err, calendar.ErrGone):
			// Deleted since we read the calendar: that is a dismissal.
			if err := d.Store.Dismiss(context.WithoutCancel(ctx), a.Calendar, a.EventID, peer); err != nil {
				return nil, err
			}
			return &Done{Action: *a, EventID: a.EventID, Note: "was deleted meanwhile: snoozed"}, nil
		case errors.Is(err, calendar.ErrExists):
			// Another sideways made the same move first.
			if err := d.Store.RecordPresent(context.WithoutCancel(ctx), w, state.ActionPresent, "moved by another sideways process first"); err != nil {
				return nil, err
			}
			return &Done{Action: *a, EventID: a.EventID, Note: "already moved: not written again"}, nil
		case err != nil:
			return nil, err
		}
		if err := d.Store.RecordWrite(context.WithoutCancel(ctx), w, string(a.Kind), a.Reason); err != nil {
			return nil, err
		}
		return &Done{Action: *a, EventID: a.EventID}, nil
	case rules.Withdraw:
		switch err := d.Writer.Delete(ctx, a.EventID); {
		case errors.Is(err, calendar.ErrGone):
			// Deleted by the user or another sideways: nothing of ours to audit.
			if err := d.Store.Untrack(context.WithoutCancel(ctx), a.Calendar, a.EventID); err != nil {
				return nil, err
			}
			return &Done{Action: *a, EventID: a.EventID, Note: "was already gone: not written"}, nil
		case err != nil:
			return nil, err
		}
		if err := d.Store.RemoveWrite(context.WithoutCancel(ctx), a.Calendar, a.EventID, string(a.Kind), a.Reason); err != nil {
			return nil, err
		}
		return &Done{Action: *a, EventID: a.EventID}, nil
	}
	return nil, fmt.Errorf("unknown action %q", a.Kind)
}

// reconcile compares the suggestions and invites sideways tracks with the
// writable calendar as just read, and records what the user and the peers did:
//   - one deleted before its time was deleted by the user: a dismissal, the
//     peer is snoozed (the deleted event also stays visible on the calendar
//     for a while, which is how a fresh state folder learns of it);
//   - a suggestion that now has guests is a real meeting, no longer tracked;
//   - an invite the peer declined is answered, no longer tracked (the peer is
//     snoozed from the calendar itself: rules read declined invites);
//   - an invite for someone no longer on the roster is left alone, untracked;
//   - one whose time passed, or that is gone, is no longer tracked.
//
// A tagged event the state does not know (an interrupted cycle wrote it, or
// the state folder is new) is adopted, unless it is answered or over. It
// returns the dismissed peers.
func (d *Daemon) reconcile(ctx context.Context, cfg *config.Config, in *rules.Input, writable string) ([]string, error) {
	writes, err := d.Store.Writes(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]*calendar.Event{}
	for i := range in.Events {
		e := &in.Events[i]
		if e.Calendar == writable && e.ID != "" && e.RecurrenceID.IsZero() {
			byID[e.ID] = e
		}
	}
	seriesByID(byID, in.Events, writable)
	onRoster := map[string]bool{}
	for _, p := range cfg.Peers {
		onRoster[strings.ToLower(p.Email)] = true
		for _, e := range p.Emails { // any address: the primary may have changed
			onRoster[strings.ToLower(e)] = true
		}
	}
	var dismissed []string
	known := map[string]bool{}
	for _, w := range writes {
		if w.Calendar != writable {
			continue
		}
		known[w.EventID] = true
		e := byID[w.EventID]
		gone := e == nil || e.Cancelled()
		switch {
		case gone && w.Start.After(in.Now):
			if err := d.Store.Dismiss(ctx, w.Calendar, w.EventID, w.Peer); err != nil {
				return nil, err
			}
			d.Logger.Info(w.Kind+" deleted by the user; snoozing", "peer", w.Peer, "event", w.EventID)
			dismissed = append(dismissed, w.Peer)
		case gone || !w.End.After(in.Now),
			w.Kind == calendar.TagSuggestion && hasGuests(e),
			w.Kind == calendar.TagInvite && !onRoster[strings.ToLower(w.Peer)]:
			// Over, gone, made real by the user, or a meeting with someone
			// off the roster: nothing left to track.
			if err := d.Store.Untrack(ctx, w.Calendar, w.EventID); err != nil {
				return nil, err
			}
		case w.Kind == calendar.TagInvite && declined(e, w.Peer):
			d.Logger.Warn("invite declined; leaving the peer alone for the snooze", "peer", w.Peer, "event", w.EventID)
			if err := d.Store.Untrack(ctx, w.Calendar, w.EventID); err != nil {
				return nil, err
			}
		}
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		e := byID[id]
		if known[id] || e.Tag == "" || e.Cancelled() || !e.Start.After(in.Now) {
			continue
		}
		if e.Tag == calendar.TagSuggestion && hasGuests(e) ||
			e.Tag == calendar.TagInvite && (declined(e, e.TagPeer) || !onRoster[strings.ToLower(e.TagPeer)]) {
			continue
		}
		w := state.Write{Calendar: writable, EventID: id, Peer: e.TagPeer, Kind: e.Tag, Start: e.Start, End: e.End}
		if err := d.Store.RecordPresent(ctx, w, state.ActionAdopt, "found on the calendar with sideways' tag, not in the state (an interrupted cycle, or another sideways process)"); err != nil {
			return nil, err
		}
	}
	return dismissed, nil
}

// untrackSkipped forgets the pending invites of peers the plan skips: they are
// meetings with a person, left alone, and no longer sideways' to track.
func (d *Daemon) untrackSkipped(ctx context.Context, p *rules.Plan, writable string) error {
	skipped := map[string]bool{}
	for i := range p.Peers {
		if p.Peers[i].State == rules.Skipped {
			skipped[strings.ToLower(p.Peers[i].Peer.Email)] = true
			for _, e := range p.Peers[i].Peer.Emails {
				skipped[strings.ToLower(e)] = true
			}
		}
	}
	if len(skipped) == 0 {
		return nil
	}
	writes, err := d.Store.Writes(ctx)
	if err != nil {
		return err
	}
	for _, w := range writes {
		if w.Calendar == writable && w.Kind == calendar.TagInvite && skipped[strings.ToLower(w.Peer)] {
			if err := d.Store.Untrack(ctx, w.Calendar, w.EventID); err != nil {
				return err
			}
		}
	}
	return nil
}

// declined reports whether peer declined the event.
func declined(e *calendar.Event, peer string) bool {
	a := e.Attendee(peer)
	return a != nil && a.PartStat == calendar.PartStatDeclined
}

func hasGuests(e *calendar.Event) bool { return len(e.Attendees) > 0 }

func writableName(cfg *config.Config) string {
	for _, c := range cfg.Calendars {
		if c.Writable {
			return c.Name
		}
	}
	return ""
}

// dismissals reads the user's dismissals from the state database.
func (d *Daemon) dismissals(ctx context.Context) ([]rules.Dismissal, error) {
	m, err := d.Store.Dismissals(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]rules.Dismissal, 0, len(m))
	for peer, at := range m {
		out = append(out, rules.Dismissal{Peer: peer, At: at})
	}
	slices.SortFunc(out, func(a, b rules.Dismissal) int { return a.At.Compare(b.At) })
	return out, nil
}
