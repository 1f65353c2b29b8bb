package rules

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/config"
)

// State is where a peer relationship stands (PRODUCT §4 step 2).
type State string

// The states, in the order they are tested: a peer is in the first that holds.
const (
	Skipped   State = "skipped"
	Scheduled State = "scheduled"
	Suggested State = "suggested"
	Invited   State = "invited"
	Snoozed   State = "snoozed"
	NeverMet  State = "never_met"
	Overdue   State = "overdue"
	Due       State = "due"
	OK        State = "ok"
)

// Actionable reports whether the planner looks for a slot for a peer in this state.
func (s State) Actionable() bool { return s == NeverMet || s == Overdue || s == Due }

// Dismissal is a "no" that snoozes a peer from At: the user deleted a
// suggestion or an invite sideways wrote, or the peer declined an invite.
type Dismissal struct {
	Peer string // email, lower case
	At   time.Time
	// What was refused: "suggestion" or "invite" (the user deleted it),
	// Declined (the peer declined the invite), or empty when only the state
	// database remembers it.
	What string
	// Slot is the start of the event that was refused; zero when unknown.
	Slot time.Time
}

// Declined is Dismissal.What for an invite the peer declined.
const Declined = "declined"

// calendarDismissals reads the "no"s the calendars themselves show, so they
// hold on a fresh state folder too: a tagged event that was deleted before
// its time and not by sideways (the user's dismissal, snoozed from its
// deletion), and a tagged invite the peer declined (snoozed from when the
// answer changed the event). Google keeps a deleted event visible for a
// limited time only (about 30 days); the state database keeps dismissals for
// longer.
func calendarDismissals(evs []calendar.Event) []Dismissal {
	var out []Dismissal
	for i := range evs {
		e := &evs[i]
		if e.Tag == "" || e.TagPeer == "" || e.Updated.IsZero() || !e.RecurrenceID.IsZero() {
			continue
		}
		peer := strings.ToLower(e.TagPeer)
		switch {
		case e.Cancelled():
			if !e.Withdrawn && e.Start.After(e.Updated) {
				out = append(out, Dismissal{Peer: peer, At: e.Updated, What: e.Tag, Slot: e.Start})
			}
		case e.Tag == calendar.TagInvite:
			if a := e.Attendee(peer); a != nil && a.PartStat == calendar.PartStatDeclined {
				out = append(out, Dismissal{Peer: peer, At: e.Updated, What: Declined, Slot: e.Start})
			}
		}
	}
	return out
}

// Input is everything a cycle decides from. It is plain data: the shell gathers
// it, the core decides.
type Input struct {
	Now time.Time
	// Events are the occurrences of every calendar, covering at least
	// [Now-lookback, Now+horizon]. Order does not matter.
	Events []calendar.Event
	// Writable names the calendar suggestions and invites are written to; empty
	// when there is none (report mode).
	Writable string
	// Dismissals are the suggestions the user deleted (for snooze).
	Dismissals []Dismissal
	// PeerBusy is peers' busy time by email, when free/busy is available.
	PeerBusy map[string][]calendar.Interval
	// Warnings the shell met while gathering, passed through to the plan.
	Warnings []string
}

// Assessment is what sideways knows and decided about one peer.
type Assessment struct {
	Peer  *config.Peer
	Index int // position in the roster
	Settings
	State State
	// Why explains the state in a few words ("last met 54 days ago, cadence monthly").
	Why string

	LastMet         time.Time // zero when never met in the look-back window
	NextScheduled   time.Time // zero when nothing is scheduled
	DaysSinceLast   int       // whole days in the user's zone; -1 when never met
	MetCount        int
	CancelledStreak int
	// DueAt is the day the next 1:1 falls due (midnight, user's zone); Now when never met.
	DueAt time.Time
	// Open are the future suggestions and pending invites sideways wrote for this peer.
	Open []*calendar.Event
	// Expired are suggestions sideways wrote whose time has passed.
	Expired []*calendar.Event
	// SnoozedUntil is when a snooze ends; zero when not snoozed.
	SnoozedUntil time.Time
	// Dismissal is the "no" behind the snooze (the latest the calendars
	// show, else the state database's); nil when not snoozed.
	Dismissal *Dismissal
	// RuleErrors are the rules whose condition failed to evaluate for this
	// peer; each was treated as not matching.
	RuleErrors []RuleError
}

// Overdueness is time since the last 1:1 divided by the cadence; a never-met
// peer counts as exactly due (1).
func (a *Assessment) Overdueness() float64 {
	if a.LastMet.IsZero() {
		return 1
	}
	return float64(a.DaysSinceLast) / float64(max(a.Cadence.Days(), 1))
}

// occurrence is one peer 1:1 (held, cancelled or declined) in a peer's history.
type occurrence struct {
	start  time.Time
	failed bool // cancelled, or declined by either side
}

// history is what the calendars say about one peer, before any rule runs.
type history struct {
	occ   []occurrence
	open  []*calendar.Event // tagged suggestions without guests, pending invites
	stale []*calendar.Event // suggestions whose time has passed
}

// matcher finds which roster peers an event is a 1:1 with. Building it and
// matching an event take time linear in the roster and the event (plus the
// peers matched): peers are indexed by email and by name.
type matcher struct {
	me      map[string]bool
	byEmail map[string]int
	// names maps a peer's name or alias, as its lower-case words joined by
	// spaces, to the peers who go by it (each once, in roster order): title
	// matching for feeds without attendee data.
	names map[string][]int
	// lengths lists, for each first word of a name, the distinct numbers of
	// words of the names that start with it.
	lengths map[string][]int
	max     int
}

func newMatcher(cfg *config.Config) *matcher {
	m := &matcher{
		me:      map[string]bool{},
		byEmail: make(map[string]int, len(cfg.Peers)),
		names:   make(map[string][]int, len(cfg.Peers)),
		lengths: map[string][]int{},
		max:     cfg.OneOnOne.MaxAttendees,
	}
	if m.max < 2 {
		m.max = 2
	}
	for _, e := range cfg.Me.Emails {
		m.me[strings.ToLower(e)] = true
	}
	for i := range cfg.Peers {
		p := &cfg.Peers[i]
		m.byEmail[strings.ToLower(p.Email)] = i
		// The full name always matches; aliases add to it.
		m.addName(i, p.Name)
		for _, a := range p.Aliases {
			m.addName(i, a)
		}
	}
	return m
}

func (m *matcher) addName(peer int, name string) {
	w := words(name)
	if len(w) == 0 {
		return
	}
	key := strings.Join(w, " ")
	ps := m.names[key]
	if len(ps) > 0 && ps[len(ps)-1] == peer {
		return // the peer's own names are added together: a repeat is last
	}
	m.names[key] = append(ps, peer)
	if ls := m.lengths[w[0]]; !slices.Contains(ls, len(w)) {
		m.lengths[w[0]] = append(ls, len(w))
	}
}

// words splits s into lower-case words of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
}

// people returns the non-resource participants of e (attendees plus organizer),
// lower-cased and de-duplicated.
func people(e *calendar.Event) []string {
	var (
		out  []string
		seen map[string]bool // once the list is long enough for a linear scan to cost
	)
	add := func(email string) {
		email = strings.ToLower(strings.TrimSpace(email))
		switch {
		case email == "":
			return
		case seen != nil:
			if seen[email] {
				return
			}
			seen[email] = true
		case slices.Contains(out, email):
			return
		case len(out) == 16:
			seen = make(map[string]bool, len(e.Attendees)+1)
			for _, x := range out {
				seen[x] = true
			}
			seen[email] = true
		}
		out = append(out, email)
	}
	for _, a := range e.Attendees {
		if !a.Resource {
			add(a.Email)
		}
	}
	if len(out) > 0 {
		add(e.Organizer)
	}
	return out
}

// partstat returns email's response on e; an organizer who is not listed as an
// attendee has accepted their own meeting.
func partstat(e *calendar.Event, email string) calendar.PartStat {
	if a := e.Attendee(email); a != nil {
		return a.PartStat
	}
	return calendar.PartStatAccepted
}

// histories reads every event once and files it under the peers it concerns.
func (m *matcher) histories(in *Input, nPeers int) []history {
	hs := make([]history, nPeers)
	for i := range in.Events {
		e := &in.Events[i]
		ppl := people(e)
		if e.Tag != "" {
			if p, ok := m.byEmail[strings.ToLower(e.TagPeer)]; ok && m.ours(e, ppl, p, in.Now, &hs[p]) {
				continue
			}
		}
		if len(ppl) == 0 {
			m.byTitle(e, hs)
			continue
		}
		if len(ppl) > m.max {
			continue // a group meeting is not a 1:1
		}
		var mine string
		for _, p := range ppl {
			if m.me[p] {
				mine = p
				break
			}
		}
		if mine == "" {
			continue
		}
		for _, email := range ppl {
			p, ok := m.byEmail[email]
			if !ok {
				continue
			}
			failed := e.Cancelled() ||
				partstat(e, mine) == calendar.PartStatDeclined ||
				partstat(e, email) == calendar.PartStatDeclined
			hs[p].occ = append(hs[p].occ, occurrence{start: e.Start, failed: failed})
		}
	}
	return hs
}

// ours files an event sideways wrote. It reports false when the event has become
// an ordinary 1:1 (the user added the peer as a guest, or the peer answered the
// invite), which is then read like any other event.
func (m *matcher) ours(e *calendar.Event, ppl []string, p int, now time.Time, h *history) bool {
	if e.Cancelled() {
		return true // deleted: a dismissal (calendarDismissals), not a 1:1
	}
	switch e.Tag {
	case calendar.TagSuggestion:
		for _, email := range ppl {
			if !m.me[email] {
				return false // guests were added: it is a real meeting now
			}
		}
		if e.Cancelled() {
			return true
		}
		if e.Start.After(now) {
			h.open = append(h.open, e)
		} else {
			h.stale = append(h.stale, e)
		}
		return true
	case calendar.TagInvite:
		email := ""
		for _, x := range ppl {
			if !m.me[x] {
				email = x
			}
		}
		if e.Cancelled() || !e.Start.After(now) || email == "" {
			return false
		}
		if partstat(e, email) == calendar.PartStatNeedsAction {
			h.open = append(h.open, e)
			return true
		}
	}
	return false
}

// byTitle matches an event without attendee data by the peer names in its title.
func (m *matcher) byTitle(e *calendar.Event, hs []history) {
	w := words(e.Summary)
	var (
		first []int        // the peers of the first name found
		seen  map[int]bool // the peers matched, once a second name is found
	)
	for i, word := range w {
		for _, n := range m.lengths[word] {
			if i+n > len(w) {
				continue
			}
			key := word
			if n > 1 {
				key = strings.Join(w[i:i+n], " ")
			}
			ps := m.names[key]
			switch {
			case len(ps) == 0:
				continue
			case first == nil:
				first = ps // a name's peers are distinct
			case seen == nil:
				seen = make(map[int]bool, len(first)+len(ps))
				for _, p := range first {
					seen[p] = true
				}
			}
			for _, p := range ps {
				if seen != nil {
					if seen[p] {
						continue
					}
					seen[p] = true
				}
				hs[p].occ = append(hs[p].occ, occurrence{start: e.Start, failed: e.Cancelled()})
			}
		}
	}
}

// Assess decides, for every peer in roster order, its history, settings and state.
// It is pure: the same input gives the same assessments.
func (e *Engine) Assess(in *Input) ([]Assessment, error) {
	return e.AssessContext(context.Background(), in)
}

// AssessContext is Assess under ctx: a rule's condition being evaluated when
// ctx is done stops, and ctx's error is returned.
func (e *Engine) AssessContext(ctx context.Context, in *Input) ([]Assessment, error) {
	as, _, err := e.assess(ctx, in)
	return as, err
}

func (e *Engine) assess(ctx context.Context, in *Input) ([]Assessment, []history, error) {
	cfg := e.cfg
	loc := cfg.Me.Location
	now := in.Now.In(loc)
	from := now.Add(-cfg.Lookback)
	hs := e.match.histories(in, len(cfg.Peers))
	dismissals := append(calendarDismissals(in.Events), in.Dismissals...)
	out := make([]Assessment, len(cfg.Peers))
	for i := range cfg.Peers {
		p := &cfg.Peers[i]
		h := &hs[i]
		a := Assessment{Peer: p, Index: i, DaysSinceLast: -1}
		slices.SortFunc(h.occ, func(x, y occurrence) int { return x.start.Compare(y.start) })
		streakOpen := true
		for j := len(h.occ) - 1; j >= 0; j-- {
			o := h.occ[j]
			if o.start.After(now) {
				if !o.failed {
					a.NextScheduled = o.start.In(loc)
				}
				continue
			}
			if o.start.Before(from) {
				break
			}
			if o.failed {
				if streakOpen {
					a.CancelledStreak++
				}
				continue
			}
			streakOpen = false
			if a.LastMet.IsZero() {
				a.LastMet = o.start.In(loc)
			}
			a.MetCount++
		}
		if !a.LastMet.IsZero() {
			a.DaysSinceLast = daysBetween(a.LastMet, now)
		}
		hv := HistoryVars{
			LastMet: a.LastMet, DaysSinceLast: int64(a.DaysSinceLast), MetCount: int64(a.MetCount),
			NextScheduled: a.NextScheduled, CancelledStreak: int64(a.CancelledStreak), NeverMet: a.LastMet.IsZero(),
		}
		s, failed, err := e.settings(ctx, now, p, i, hv)
		if err != nil {
			return nil, nil, err
		}
		a.Settings = s
		a.RuleErrors = failed
		a.Open = sortedEvents(h.open)
		a.Expired = sortedEvents(h.stale)
		for j := range dismissals {
			d := &dismissals[j]
			if !strings.EqualFold(d.Peer, p.Email) {
				continue
			}
			until := d.At.Add(cfg.Snooze)
			if !until.After(now) {
				continue
			}
			if until.After(a.SnoozedUntil) {
				a.SnoozedUntil = until.In(loc)
			}
			if a.Dismissal == nil || moreTelling(d, a.Dismissal) {
				a.Dismissal = d
			}
		}
		a.State, a.Why = state(now, &a)
		out[i] = a
	}
	return out, hs, nil
}

func sortedEvents(es []*calendar.Event) []*calendar.Event {
	slices.SortFunc(es, func(x, y *calendar.Event) int {
		return cmp.Or(x.Start.Compare(y.Start), cmp.Compare(x.ID, y.ID), cmp.Compare(x.UID, y.UID))
	})
	return es
}

// state picks the first state that holds (PRODUCT §4 step 2).
func state(now time.Time, a *Assessment) (State, string) {
	p := a.Peer
	today := civil(now)
	cad := a.Cadence.Days()
	lead := cad / 4
	if !a.LastMet.IsZero() {
		a.DueAt = civil(a.LastMet).AddDate(0, 0, cad)
	} else {
		a.DueAt = now
	}
	switch {
	case a.Skip:
		return Skipped, fmt.Sprintf("rule %q says skip", a.Rules["skip"])
	case !p.Until.IsZero() && today.After(p.Until.In(now.Location())):
		return Skipped, fmt.Sprintf("past until %s", p.Until)
	case !p.Since.IsZero() && today.Before(p.Since.In(now.Location())):
		return Skipped, fmt.Sprintf("before since %s", p.Since)
	case !a.NextScheduled.IsZero():
		return Scheduled, "1:1 on " + a.NextScheduled.Format("Mon Jan 2 15:04")
	}
	for _, o := range a.Open {
		if o.Tag == calendar.TagSuggestion {
			return Suggested, "suggestion open for " + o.Start.In(now.Location()).Format("Mon Jan 2 15:04")
		}
	}
	if len(a.Open) > 0 {
		return Invited, "invite pending for " + a.Open[0].Start.In(now.Location()).Format("Mon Jan 2 15:04")
	}
	switch {
	case !a.SnoozedUntil.IsZero():
		return Snoozed, snoozeWhy(a.Dismissal, a.SnoozedUntil, now.Location())
	case a.LastMet.IsZero():
		return NeverMet, "no 1:1 in the look-back window"
	case a.DaysSinceLast >= cad:
		return Overdue, fmt.Sprintf("last met %d days ago, cadence %s", a.DaysSinceLast, a.Cadence.Name)
	case a.DaysSinceLast >= cad-lead:
		return Due, fmt.Sprintf("last met %d days ago, cadence %s; due %s", a.DaysSinceLast, a.Cadence.Name, a.DueAt.Format("Mon Jan 2"))
	}
	return OK, fmt.Sprintf("last met %d days ago, cadence %s", a.DaysSinceLast, a.Cadence.Name)
}

// civil returns midnight of t's date in t's zone.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// daysBetween counts calendar days from a's date to b's date, in b's zone.
func daysBetween(a, b time.Time) int {
	ya, ma, da := a.In(b.Location()).Date()
	yb, mb, db := b.Date()
	ua := time.Date(ya, ma, da, 0, 0, 0, 0, time.UTC)
	ub := time.Date(yb, mb, db, 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua) / (24 * time.Hour))
}

// moreTelling reports whether d explains a snooze better than cur: what the
// calendar shows beats what only the state database remembers (that and when),
// and a later "no" beats an earlier one.
func moreTelling(d, cur *Dismissal) bool {
	if known, curKnown := d.What != "", cur.What != ""; known != curKnown {
		return known
	}
	return d.At.After(cur.At)
}

// snoozeWhy words a snooze for status: who said no, to what, when, and until
// when sideways leaves the peer alone.
func snoozeWhy(d *Dismissal, until time.Time, loc *time.Location) string {
	const day = "Mon Jan 2"
	slot := ""
	if d != nil && !d.Slot.IsZero() {
		slot = " for " + d.Slot.In(loc).Format(day)
	}
	switch {
	case d == nil || d.What == "":
		return "suggestion dismissed; snoozed until " + until.Format(day)
	case d.What == Declined:
		return fmt.Sprintf("declined the invite%s on %s; left alone until %s", slot, d.At.In(loc).Format(day), until.Format(day))
	case d.What == calendar.TagInvite:
		return fmt.Sprintf("you cancelled the invite%s on %s; snoozed until %s", slot, d.At.In(loc).Format(day), until.Format(day))
	}
	return fmt.Sprintf("you deleted the suggestion%s on %s; snoozed until %s", slot, d.At.In(loc).Format(day), until.Format(day))
}

// declineWarnings are the one warning per peer who declined an invite and is
// still left alone for it: a declined 1:1 is worth a word in person.
func declineWarnings(as []Assessment) []string {
	var out []string
	for i := range as {
		a := &as[i]
		if a.State != Snoozed || a.Dismissal == nil || a.Dismissal.What != Declined {
			continue
		}
		loc := a.SnoozedUntil.Location()
		slot := ""
		if !a.Dismissal.Slot.IsZero() {
			slot = " for " + a.Dismissal.Slot.In(loc).Format("Mon Jan 2")
		}
		out = append(out, fmt.Sprintf("%s declined your 1:1 invite%s on %s; sideways leaves them alone until %s. Worth a word in person: ask what would suit them",
			a.Peer.Name, slot, a.Dismissal.At.In(loc).Format("Mon Jan 2"), a.SnoozedUntil.Format("Mon Jan 2")))
	}
	return out
}

// orphans returns the open suggestions sideways wrote on the writable
// calendar for people no longer on the roster: nothing else tracks them, so
// the plan withdraws them. (Their pending invites are meetings with a person
// and are left alone.)
func (m *matcher) orphans(in *Input) []*calendar.Event {
	var out []*calendar.Event
	for i := range in.Events {
		e := &in.Events[i]
		if e.Tag != calendar.TagSuggestion || e.Calendar != in.Writable || e.Cancelled() || len(e.Attendees) > 0 || !e.Start.After(in.Now) {
			continue
		}
		if _, ok := m.byEmail[strings.ToLower(e.TagPeer)]; !ok {
			out = append(out, e)
		}
	}
	return sortedEvents(out)
}
