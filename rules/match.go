package rules

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/config"
)

// occurrence is one peer 1:1 (held, cancelled or declined) in a peer's history.
type occurrence struct {
	start  time.Time
	failed bool // cancelled, or declined by either side
	ev     *calendar.Event
	missed string // why it failed ("cancelled", "declined by you"); see PeerMatch.Missed
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
	first   []string // each peer's first name, for "declined by Dana"
	// holidays names the calendars marked holidays: days off, never 1:1s.
	holidays map[string]bool
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
	for _, c := range cfg.Calendars {
		if c.Holidays {
			if m.holidays == nil {
				m.holidays = map[string]bool{}
			}
			m.holidays[c.Name] = true
		}
	}
	for i := range cfg.Peers {
		p := &cfg.Peers[i]
		m.first = append(m.first, p.FirstName())
		m.byEmail[strings.ToLower(p.Email)] = i
		for _, e := range p.Emails {
			m.byEmail[strings.ToLower(e)] = i
		}
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
	edited := editedSeries(in.Events)
	for i := range in.Events {
		e := &in.Events[i]
		if m.holidays[e.Calendar] {
			continue
		}
		ppl := people(e)
		if p, ok := m.byEmail[strings.ToLower(e.TagPeer)]; ok && edited[e.SeriesID] {
			// A series of sideways' the user edited is their 1:1 with the peer.
			o := occurrence{start: e.Start, failed: e.Cancelled(), ev: e}
			if o.failed {
				o.missed = missedCancel
			}
			hs[p].occ = append(hs[p].occ, o)
			continue
		}
		if e.Tag != "" {
			if p, ok := m.byEmail[strings.ToLower(e.TagPeer)]; ok && m.ours(e, ppl, p, in.Now, &hs[p]) {
				continue
			}
		}
		found, _ := m.classify(e, ppl)
		for _, f := range found {
			hs[f.peer].occ = append(hs[f.peer].occ, occurrence{start: e.Start, failed: f.missed != "", ev: e, missed: f.missed})
		}
	}
	return hs
}

// found is one peer an event is a 1:1 with; missed says why it did not take
// place ("cancelled", "declined by you", "declined by Dana"), empty when it did
// or will.
type peerFound struct {
	peer   int
	missed string
}

// Reasons an event is not a 1:1 with anyone on the roster.
const (
	WhyNoMatch     = "no attendee and no name match"
	WhyNotMine     = "you are not among the attendees"
	WhyNoPeer      = "no one on the roster among the attendees"
	WhySuggestion  = "a sideways suggestion, not a meeting yet"
	WhyPending     = "an invite sideways sent, not answered yet"
	WhyWithdrawn   = "a sideways event that was deleted"
	WhyHoliday     = "on a holidays calendar: a day off"
	missedCancel   = "cancelled"
	missedByMe     = "declined by you"
	missedTemplate = "declined by %s"
)

// classify says which roster peers an event (not one sideways wrote) is a
// 1:1 with, each once, and why each did not take place; or, when it is a 1:1
// with no one, why not.
func (m *matcher) classify(e *calendar.Event, ppl []string) ([]peerFound, string) {
	if len(ppl) == 0 {
		var out []peerFound
		for _, p := range m.titlePeers(e.Summary) {
			f := peerFound{peer: p}
			if e.Cancelled() {
				f.missed = missedCancel
			}
			out = append(out, f)
		}
		if len(out) == 0 {
			return nil, WhyNoMatch
		}
		return out, ""
	}
	if n := m.persons(ppl); n > m.max {
		return nil, fmt.Sprintf("too many people (%d; a 1:1 has at most %d)", n, m.max)
	}
	var mine string
	for _, p := range ppl {
		if m.me[p] {
			mine = p
			break
		}
	}
	if mine == "" {
		return nil, WhyNotMine
	}
	var out []peerFound
	for _, email := range ppl {
		p, ok := m.byEmail[email]
		if !ok || slices.ContainsFunc(out, func(f peerFound) bool { return f.peer == p }) {
			continue // a peer with two addresses on one event is one peer
		}
		f := peerFound{peer: p}
		switch {
		case e.Cancelled():
			f.missed = missedCancel
		case partstat(e, mine) == calendar.PartStatDeclined:
			f.missed = missedByMe
		case partstat(e, email) == calendar.PartStatDeclined:
			f.missed = fmt.Sprintf(missedTemplate, m.first[p])
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, WhyNoPeer
	}
	return out, ""
}

// persons counts the people behind addresses: you once whatever addresses you
// use, each roster peer once, anyone else by address.
func (m *matcher) persons(ppl []string) int {
	n, me := 0, false
	var peers []int
	for _, email := range ppl {
		if m.me[email] {
			if !me {
				me = true
				n++
			}
			continue
		}
		if p, ok := m.byEmail[email]; ok {
			if slices.Contains(peers, p) {
				continue
			}
			peers = append(peers, p)
		}
		n++
	}
	return n
}

// EventMatch says what an event is to the roster.
type EventMatch struct {
	// Peers are the roster peers the event is a 1:1 with, in the order their
	// addresses or names appear.
	Peers []PeerMatch
	// NotOneOnOne says why the event is a 1:1 with no one on the roster
	// (WhyNoMatch, "too many people (…)", WhyNotMine, WhyNoPeer, or one of
	// sideways' own events); empty when Peers is not.
	NotOneOnOne string
}

// PeerMatch is one peer an event is a 1:1 with.
type PeerMatch struct {
	Email string // the peer's primary address
	Name  string
	// Missed says why the 1:1 did not take place ("cancelled", "declined by
	// you", "declined by Dana"); empty when it did or will. A missed 1:1
	// counts towards the cancelled streak, never as met.
	Missed string
}

// MatchEvent says whether ev is a 1:1 with a roster peer, and why or why not,
// as Assess reads it at now. It is pure, and the same rule the assessment
// uses, so `events` can show what counted.
func (e *Engine) MatchEvent(ev *calendar.Event, now time.Time) EventMatch {
	m := e.match
	if m.holidays[ev.Calendar] {
		return EventMatch{NotOneOnOne: WhyHoliday}
	}
	ppl := people(ev)
	if ev.Tag != "" {
		if p, ok := m.byEmail[strings.ToLower(ev.TagPeer)]; ok {
			var h history
			if m.ours(ev, ppl, p, now, &h) {
				switch {
				case ev.Cancelled():
					return EventMatch{NotOneOnOne: WhyWithdrawn}
				case ev.Tag == calendar.TagInvite:
					return EventMatch{NotOneOnOne: WhyPending}
				}
				return EventMatch{NotOneOnOne: WhySuggestion}
			}
		}
	}
	found, why := m.classify(ev, ppl)
	out := EventMatch{NotOneOnOne: why}
	for _, f := range found {
		p := &e.cfg.Peers[f.peer]
		out.Peers = append(out.Peers, PeerMatch{Email: p.Email, Name: p.Name, Missed: f.missed})
	}
	return out
}

// ours files an event sideways wrote. It reports false when the event has become
// an ordinary 1:1 (the user added the peer as a guest, or the peer answered the
// invite), which is then read like any other event.
func (m *matcher) ours(e *calendar.Event, ppl []string, p int, now time.Time, h *history) bool {
	if e.Cancelled() {
		// Deleted: a dismissal (calendarDismissals), not a 1:1. But one
		// cancelled meeting of a series that became a real 1:1 (the peer
		// added as a guest, or the invite accepted) is a missed 1:1, read
		// like any other (the cancelled streak).
		return e.RecurrenceID.IsZero() || !m.realSeries(e, ppl)
	}
	switch e.Tag {
	case calendar.TagSuggestion:
		for _, email := range ppl {
			if !m.me[email] {
				return false // guests were added: it is a real meeting now
			}
		}
		if e.SeriesID != "" {
			// A suggested series is open until its first instance passes
			// without a guest being added; then the whole series is stale
			// (see staleSeries).
			if e.Start.After(now) {
				h.open = append(h.open, e)
			} else {
				h.stale = append(h.stale, e)
			}
			return true
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

// realSeries reports whether e, an instance of a series sideways wrote, is
// a meeting with a person: a suggestion with a guest other than you, or an
// invite a guest other than you accepted.
func (m *matcher) realSeries(e *calendar.Event, ppl []string) bool {
	for _, email := range ppl {
		if m.me[email] {
			continue
		}
		if e.Tag == calendar.TagSuggestion || partstat(e, email) == calendar.PartStatAccepted {
			return true
		}
	}
	return false
}

// byTitle files an event without attendee data under the peers its title names.
func (m *matcher) byTitle(e *calendar.Event, hs []history) {
	for _, p := range m.titlePeers(e.Summary) {
		o := occurrence{start: e.Start, failed: e.Cancelled(), ev: e}
		if o.failed {
			o.missed = missedCancel
		}
		hs[p].occ = append(hs[p].occ, o)
	}
}

// titlePeers returns the peers whose names or aliases a title holds, each once.
func (m *matcher) titlePeers(summary string) []int {
	w := words(summary)
	var (
		out  []int
		seen map[int]bool // the peers matched, once a second name is found
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
			if len(ps) == 0 {
				continue
			}
			if out != nil && seen == nil {
				seen = make(map[int]bool, len(out)+len(ps))
				for _, p := range out {
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
				out = append(out, p)
			}
		}
	}
	return out
}
