// Package ics is the iCalendar (RFC 5545) adapter: it reads a feed from a file or
// an http(s)/webcal URL (conditional GET, size limit, last good copy when a
// feed starts failing), parses it as a stream (go-ical's types; its decoder for
// VTIMEZONEs, a faster one-pass reader for events) and expands it (package
// recur: rrule-go's expansion, bounded by a work budget and instance caps) into
// the normalized occurrences of package calendar — recurrences expanded in
// their own time zones, RECURRENCE-ID overrides applied, cancelled instances
// kept.
//
// Parsing is forgiving by design: feeds in the wild are often broken in small
// ways, and one bad event must not hide a user's week. A malformed component is
// skipped with a Warning naming the feed and the line it starts on; the rest is
// used.
package ics

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/recur"
)

// Options control how a feed is read.
type Options struct {
	// Name is the calendar's name: copied into Event.Calendar and used in warnings.
	Name string
	// Floating is the zone floating date-times are read in; nil means UTC. A valid
	// X-WR-TIMEZONE in the feed takes precedence, as calendar apps do.
	Floating *time.Location
	// Since, when set, is the earliest window start the calendar will be asked
	// for: single events that ended well before it (PruneMargin) are not kept,
	// so a feed's years of history cost no memory. Series and overrides are
	// always kept. Zero keeps everything. See Calendar.Covers.
	Since time.Time
}

// PruneMargin is how long before Options.Since a single event must have ended
// to be left out: more than an all-day date can move between zones (26
// hours), with room for a caller whose window start moves back a little.
const PruneMargin = 72 * time.Hour

// Warning is a problem in a feed that did not stop it from being used.
type Warning struct {
	Feed string
	Line int // 1-based line of the component's BEGIN; 0 when it concerns the whole feed
	Msg  string
}

// String renders the warning as "feed:LINE: msg".
func (w Warning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", w.Feed, w.Line, w.Msg)
	}
	return fmt.Sprintf("%s: %s", w.Feed, w.Msg)
}

// Calendar is a parsed feed, ready to expand into occurrences of any window.
// It is immutable after Parse, so Expand may be called from several goroutines.
type Calendar struct {
	masters []*vevent
	// overrides holds the RECURRENCE-ID components by UID, then by the instant of
	// the instance they replace (UnixNano of its UTC start).
	overrides map[string]map[int64]*vevent
	// future holds, by UID, the overrides with RANGE=THISANDFUTURE, sorted by
	// the instance they replace: each also changes every later instance.
	future map[string][]*vevent
	// name is the calendar's name, for Event.Calendar.
	name string
	// dayZone is the zone all-day dates are read in when checking them against
	// a window: the user's (Options.Floating); nil means UTC.
	dayZone *time.Location
	// limits bound expansion; zero means recur.Default (tests set smaller).
	limits recur.Limits
	// since is Options.Since: windows starting before it may lack single
	// events that the parse left out.
	since time.Time
}

// Covers reports whether the calendar holds every event a window starting at
// from needs: always, unless it was parsed with Options.Since after from.
func (c *Calendar) Covers(from time.Time) bool {
	return c.since.IsZero() || !from.Before(c.since)
}

// vevent is one VEVENT, decoded: a series master (or single event) or an
// override. It is kept small, since a feed holds thousands: what only series
// or only overrides need hangs off pointers.
type vevent struct {
	st   stamp // DTSTART, in its own zone; midnight UTC for all-day
	dur  time.Duration
	uid  string
	line int32
	seq  int32
	rec  *recurrence // RRULE, RDATE, EXDATE, EXRULE; nil when none
	ov   *override   // RECURRENCE-ID; nil for a series master or single event
	// info is shared by every event of the feed with the same fields (see
	// pack): a pointer is a tenth of an info, and events repeat a lot.
	info *info
}

// recurrence is what makes a series.
type recurrence struct {
	rules   []*rule
	exrules []*rule
	rdates  []rdate
	exdates map[int64]bool
}

// rule is one RRULE or EXRULE, with its text for warnings.
type rule struct {
	*recur.Rule
	text string
	skip *skip // RFC 7529 SKIP=BACKWARD or FORWARD; nil when none applies
}

// override is what a RECURRENCE-ID component adds.
type override struct {
	rid     stamp     // RECURRENCE-ID as written
	recurID time.Time // the instance replaced (UTC)
	future  bool      // RANGE=THISANDFUTURE: it also applies to later instances
}

// info is every field of an occurrence but its times, packed: text is
// interned, and the enumerations are small codes.
type info struct {
	summary, organizer, tagPeer string
	attendees                   []calendar.Attendee
	status, kind, tag           uint8
	transparent                 bool
}

var (
	statuses = []calendar.Status{calendar.StatusConfirmed, calendar.StatusTentative, calendar.StatusCancelled}
	kinds    = []calendar.Kind{calendar.KindDefault, calendar.KindOutOfOffice, calendar.KindFocusTime}
	tags     = []string{"", calendar.TagSuggestion, calendar.TagInvite}
)

func code[T comparable](all []T, v T) uint8 {
	for i, x := range all {
		if x == v {
			return uint8(i)
		}
	}
	return 0
}

// infoKey identifies an info: its text is interned and its attendee list
// shared, so their addresses stand for their contents.
type infoKey struct {
	summary, organizer, tagPeer string
	attendees                   *calendar.Attendee
	n                           int
	status, kind, tag           uint8
	transparent                 bool
}

// pack turns the fields of ev into an info, interning its text, and returns
// the feed's one copy of that info: nothing changes an info once made.
func (p *parser) pack(ev calendar.Event) *info {
	in := info{
		summary: p.intern(ev.Summary), organizer: p.intern(ev.Organizer), tagPeer: p.intern(ev.TagPeer),
		status: code(statuses, ev.Status), kind: code(kinds, ev.Kind), tag: code(tags, ev.Tag),
		transparent: ev.Transparent,
	}
	if len(ev.Attendees) > 0 {
		in.attendees = p.internAttendees(ev.Attendees)
	}
	k := infoKey{summary: in.summary, organizer: in.organizer, tagPeer: in.tagPeer, n: len(in.attendees),
		status: in.status, kind: in.kind, tag: in.tag, transparent: in.transparent}
	if len(in.attendees) > 0 {
		k.attendees = &in.attendees[0]
	}
	if shared, ok := p.infos[k]; ok {
		return shared
	}
	shared := p.infoSlab.add(in)
	p.infos[k] = shared
	return shared
}

// internAttendees returns a copy of as, one per distinct list in the feed:
// the same people meet again and again, and their lists are most of an
// event's memory. Nothing changes a list once made (occurrences get it with
// its capacity cut, so an append copies).
func (p *parser) internAttendees(as []calendar.Attendee) []calendar.Attendee {
	b := p.key[:0]
	for _, a := range as {
		b = append(b, a.Email...)
		b = append(b, 0)
		b = append(b, a.Name...)
		b = append(b, 0)
		b = append(b, a.PartStat...)
		b = append(b, 0, flag(a.Resource), flag(a.Optional), flag(a.Implied))
	}
	p.key = b
	if list, ok := p.lists[string(b)]; ok {
		return list
	}
	list := p.attSlab.list(len(as))
	for i, a := range as {
		a.Email, a.Name, a.PartStat = p.intern(a.Email), p.intern(a.Name), calendar.PartStat(p.intern(string(a.PartStat)))
		list[i] = a
	}
	p.lists[string(b)] = list
	return list
}

func flag(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// rdate is one RDATE: an extra instance, with its own length when it was a PERIOD.
type rdate struct {
	t      time.Time
	dur    time.Duration
	hasDur bool
}

func (v *vevent) recurring() bool {
	return v.rec != nil && (len(v.rec.rules) > 0 || len(v.rec.rdates) > 0)
}

func (v *vevent) exdate(k int64) bool { return v.rec != nil && v.rec.exdates[k] }

// Parse reads a whole feed. It fails only when r cannot be read or holds no
// VCALENDAR at all; every smaller problem is a Warning, and the components it
// concerns are skipped.
func Parse(r io.Reader, opts Options) (*Calendar, []Warning, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("read feed %s: %w", feedName(opts.Name), err)
	}
	return parseStream(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }, opts)
}

func feedName(name string) string {
	if name == "" {
		return "ics"
	}
	return name
}

// parser carries what decoding one feed needs: zones and the warnings so far.
type parser struct {
	name     string
	feed     string
	floating *time.Location
	vtz      map[string]*ical.Component
	zones    map[string]*time.Location
	xwr      *time.Location
	warnings []Warning
	strs     map[string]string              // interned text: titles and people repeat a lot
	lists    map[string][]calendar.Attendee // interned attendee lists, by internAttendees' key
	infos    map[infoKey]*info              // interned infos, by pack's key
	key      []byte
	props    props               // reused by eventProps
	params   paramList           // reused by eventProps: the parameters of props
	atts     []calendar.Attendee // reused by fields
	// What the Calendar keeps is allocated a chunk at a time (see slab).
	events   slab[vevent]
	attSlab  slab[calendar.Attendee]
	infoSlab slab[info]
	text     textArena
	// prune is when a single event must have ended by to be left out (zero:
	// none is); pruned holds a hash of each such event's UID, so a UID that
	// is also kept (a copy sent twice, an override) can be told.
	prune  time.Time
	seed   maphash.Seed
	pruned []uint64
	// zoneBudget bounds the walks of the feed's VTIMEZONE rules.
	zoneBudget *recur.Budget
}

func (p *parser) warn(line int, format string, args ...any) {
	p.warnings = append(p.warnings, Warning{Feed: p.feed, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// intern returns s, sharing one copy of each distinct value across the feed
// (and never a substring that would keep a whole content line alive).
func (p *parser) intern(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := p.strs[s]; ok {
		return v
	}
	s = p.text.clone(s)
	p.strs[s] = s
	return s
}

// parseStream reads a feed in two passes over what open returns: the first
// takes the calendar's properties and VTIMEZONEs, the second decodes the
// events, knowing every zone and X-WR-TIMEZONE wherever they stand in the
// feed. Neither pass holds more than one component's text at a time, so a
// feed read from a file is never in memory whole.
func parseStream(open func() (io.ReadCloser, error), opts Options) (*Calendar, []Warning, error) {
	p := &parser{
		name:     opts.Name,
		feed:     feedName(opts.Name),
		floating: opts.Floating,
		vtz:      map[string]*ical.Component{},
		zones:    map[string]*time.Location{},
		strs:     map[string]string{},
		lists:    map[string][]calendar.Attendee{},
		infos:    map[infoKey]*info{},
	}
	if !opts.Since.IsZero() {
		p.prune, p.seed = opts.Since.Add(-PruneMargin), maphash.MakeSeed()
	}
	if p.floating == nil {
		p.floating = time.UTC
	}
	pass := func(sp *splitter) error {
		r, err := open()
		if err != nil {
			return err
		}
		defer r.Close()
		lx := newLexer(r)
		sp.run(lx)
		return lx.err
	}

	// Pass 1: calendar properties, VTIMEZONEs, and the feed's structure.
	var xwr []line
	first := &splitter{
		keep: func(name string) bool { return name == "VTIMEZONE" },
		prop: func(l line) {
			name, _, _ := strings.Cut(l.text, ":")
			if n, _, _ := strings.Cut(name, ";"); strings.EqualFold(strings.TrimSpace(n), "X-WR-TIMEZONE") {
				xwr = append(xwr, l)
			}
		},
		block: func(b block) {
			comp, err := p.decodeBlock(b)
			if err != nil {
				p.warn(b.lines[0].no, "skipped VTIMEZONE: %v", err)
				return
			}
			if tzid := comp.Props.Get(ical.PropTimezoneID); tzid != nil {
				p.vtz[tzidKey(tzid.Value)] = comp
			}
		},
		problem: func(w Warning) {
			w.Feed = p.feed
			p.warnings = append(p.warnings, w)
		},
	}
	if err := pass(first); err != nil {
		return nil, nil, fmt.Errorf("read feed %s: %w", p.feed, err)
	}
	if !first.sawCal {
		return nil, nil, fmt.Errorf("feed %s is not an iCalendar file (no BEGIN:VCALENDAR)", p.feed)
	}
	for _, l := range xwr {
		_, value, _ := strings.Cut(l.text, ":")
		if loc, ok := loadZone(unescapeText(value)); ok {
			p.xwr, p.floating = loc, loc
		} else {
			p.warn(l.no, "unknown X-WR-TIMEZONE %q ignored", value)
		}
	}

	// Pass 2: the events.
	var decoded []*vevent
	second := &splitter{
		keep: func(name string) bool { return name == "VEVENT" },
		drop: unusedEventLine,
		prop: func(line) {},
		block: func(b block) {
			v, err := p.decodeEvent(b)
			if err != nil {
				p.warn(b.lines[0].no, "skipped VEVENT: %v", err)
				return
			}
			if v != nil {
				decoded = append(decoded, v)
			}
		},
		problem: func(Warning) {}, // reported by the first pass
	}
	warned := len(p.warnings)
	if err := pass(second); err != nil {
		return nil, nil, fmt.Errorf("read feed %s: %w", p.feed, err)
	}
	if p.prunedKept(decoded) {
		// A UID left out is also kept: which copy wins, or what an override
		// replaces, needs every copy. Read the events again, keeping all.
		p.prune, p.pruned, decoded, p.warnings = time.Time{}, nil, nil, p.warnings[:warned]
		if err := pass(second); err != nil {
			return nil, nil, fmt.Errorf("read feed %s: %w", p.feed, err)
		}
	}
	slices.SortStableFunc(p.warnings, func(a, b Warning) int { return a.Line - b.Line })
	c := group(decoded)
	c.dayZone, c.name = opts.Floating, opts.Name
	if !p.prune.IsZero() {
		c.since = opts.Since
	}
	return c, p.warnings, nil
}

// group sorts decoded events into series masters and overrides. A UID sent more
// than once keeps the copy with the highest SEQUENCE (the later one on a tie),
// as an updated invitation replaces the old one, in the place of its first
// copy. The masters are matched by sorting rather than with a map by UID,
// which would cost several times as much memory as the sort for a large feed.
func group(decoded []*vevent) *Calendar {
	c := &Calendar{overrides: map[string]map[int64]*vevent{}, future: map[string][]*vevent{}}
	// byUID: the positions of the masters with a UID, by UID then position.
	var byUID []int32
	for i, v := range decoded {
		if v.ov == nil && v.uid != "" {
			byUID = append(byUID, int32(i))
		}
	}
	slices.SortFunc(byUID, func(a, b int32) int {
		return cmp.Or(strings.Compare(decoded[a].uid, decoded[b].uid), cmp.Compare(a, b))
	})
	// winner[i] is the copy kept for a UID sent more than once and first
	// seen at i; later copies are dropped.
	winner := map[int32]*vevent{}
	dropped := make([]bool, len(decoded))
	var uids []*vevent // the kept master of each UID, sorted by UID
	for i := 0; i < len(byUID); {
		j := i
		best := decoded[byUID[i]]
		for j+1 < len(byUID) && decoded[byUID[j+1]].uid == best.uid {
			j++
			if v := decoded[byUID[j]]; v.seq >= best.seq {
				best = v
			}
		}
		if j > i {
			winner[byUID[i]] = best
			for _, k := range byUID[i+1 : j+1] {
				dropped[k] = true
			}
		}
		uids = append(uids, best)
		i = j + 1
	}
	master := func(uid string) *vevent {
		k, ok := slices.BinarySearchFunc(uids, uid, func(v *vevent, uid string) int { return strings.Compare(v.uid, uid) })
		if !ok {
			return nil
		}
		return uids[k]
	}
	for i, v := range decoded {
		if v.ov != nil && v.uid != "" || dropped[i] {
			continue
		}
		if w, ok := winner[int32(i)]; ok {
			v = w
		}
		c.masters = append(c.masters, v)
	}
	for _, v := range decoded {
		if v.ov == nil || v.uid == "" {
			continue
		}
		key := v.ov.rid.t
		if m := master(v.uid); m != nil {
			key = conformRID(v.ov.rid, m.st)
		}
		v.ov.recurID = key.UTC()
		byID := c.overrides[v.uid]
		if byID == nil {
			byID = map[int64]*vevent{}
			c.overrides[v.uid] = byID
		}
		k := v.ov.recurID.UnixNano()
		if old := byID[k]; old == nil || v.seq >= old.seq {
			byID[k] = v
		}
	}
	for uid, byID := range c.overrides {
		for _, v := range byID {
			if v.ov.future && master(uid) != nil {
				c.future[uid] = append(c.future[uid], v)
			}
		}
		slices.SortFunc(c.future[uid], func(a, b *vevent) int { return a.ov.recurID.Compare(b.ov.recurID) })
	}
	return c
}

// decodeBlock decodes one component with go-ical. go-ical rejects a whole
// component for one malformed content line; so on failure the lines it cannot
// read are dropped, each with a warning, and the rest is decoded again.
func (p *parser) decodeBlock(b block) (*ical.Component, error) {
	if slices.ContainsFunc(b.lines, func(l line) bool { return paramsLen(l.text) > maxParams }) {
		kept := make([]line, 0, len(b.lines))
		for _, l := range b.lines {
			if paramsLen(l.text) > maxParams {
				p.warn(l.no, "ignored line in %s: parameters longer than %d bytes", b.name, maxParams)
				continue
			}
			kept = append(kept, l)
		}
		b.lines = kept
	}
	comp, err := decodeLines(b.lines)
	if err == nil {
		return comp, nil
	}
	kept := make([]line, 0, len(b.lines))
	for _, l := range b.lines {
		if kind, _ := beginEnd(l.text); kind == "" {
			if _, lerr := decodeLines([]line{l}); lerr != nil {
				p.warn(l.no, "ignored malformed line in %s: %v", b.name, lerr)
				continue
			}
		}
		kept = append(kept, l)
	}
	if len(kept) == len(b.lines) {
		return nil, err
	}
	return decodeLines(kept)
}

// decodeLines decodes lines, wrapped in a VCALENDAR, and returns the single
// component they hold (nil when they are bare properties).
func decodeLines(lines []line) (comp *ical.Component, err error) {
	defer func() {
		if r := recover(); r != nil {
			comp, err = nil, fmt.Errorf("unreadable component: %v", r)
		}
	}()
	cal, err := ical.NewDecoder(strings.NewReader(wrap(lines))).Decode()
	if err != nil {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "ical: "))
	}
	switch len(cal.Children) {
	case 0:
		return nil, nil
	case 1:
		return cal.Children[0], nil
	}
	return nil, errors.New("unreadable component")
}

// maxParams bounds the name and parameters of a content line. go-ical builds
// parameter values a byte at a time (quadratic in their length), and no real
// parameter comes near this.
const maxParams = 8 << 10

// paramsLen returns the length of a content line's name and parameters: up to
// the first colon outside double quotes.
func paramsLen(s string) int {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case ':':
			if !quoted {
				return i
			}
		}
	}
	return len(s)
}
