package ics

import (
	"cmp"
	"container/heap"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/recur"
)

// Expand returns every occurrence that overlaps [from, to): recurring series
// expanded, overrides in place of the instances they replace, cancelled ones
// kept with StatusCancelled. A zero-length occurrence at t is included when
// from <= t < to. The result is sorted by Start, then UID, then RecurrenceID.
// Expansion is bounded (see Occurrences); Expand drops the warnings.
func (c *Calendar) Expand(from, to time.Time) []calendar.Event {
	evs, _ := c.Occurrences(from, to)
	return evs
}

// Occurrences is Expand, with a warning for each rule the expansion's budget
// cut (recur.Default): a rule that examines more than RuleWork candidate
// instants, or runs when the feed's rules together have examined FeedWork, is
// stopped there (series are expanded cheapest first, by recur.Rule.Cost, so
// that is the most expensive ones); a series keeps at most RuleInstances
// instances in the window;
// and when the feed's series together have more than FeedInstances, the
// biggest are cut to a common number (recur.Share) so that the small ones are
// kept whole. A cut series keeps its earliest instances. Single events and
// overrides are never cut.
func (c *Calendar) Occurrences(from, to time.Time) ([]calendar.Event, []Warning) {
	limits := c.limits
	if limits == (recur.Limits{}) {
		limits = recur.Default
	}
	x := &expansion{limits: limits, budget: recur.NewBudget(limits), level: limits.RuleInstances, feed: feedName(c.name)}
	w := c.window(from, to)
	// The occurrences are gathered as small references and made into
	// calendar.Events once, in a slice of their exact number: growing a slice
	// of Events by appending leaves several times their size in garbage. Nor
	// do the references grow one slice: the single events, most of a feed,
	// get one made with room for all of them, and each series one of its own,
	// made once its instances are known (see vevent.expand).
	plain, series := c.cheapestFirst(from, to)
	singles := make([]occRef, 0, c.singlesIn(w, plain))
	expand := func(m *vevent) {
		var ovs map[int64]*vevent
		var future []*vevent
		if m.uid != "" {
			ovs, future = c.overrides[m.uid], c.future[m.uid]
		}
		if !m.recurring() {
			singles = m.expand(w, ovs, future, singles, x)
			return
		}
		x.capped = recur.Kept
		refs := m.expand(w, ovs, future, nil, x)
		x.series = append(x.series, segment{m: m, refs: refs, cut: x.capped})
		x.kept += len(refs)
		if x.kept > limits.FeedInstances {
			x.share()
		}
	}
	for _, m := range plain {
		expand(m)
	}
	for _, m := range series {
		expand(m)
	}
	x.finish()
	var overrides []occRef
	for _, byID := range c.overrides {
		for _, o := range byID {
			if w.overlaps(o.st.date, o.st.t, o.st.t.Add(o.dur)) {
				overrides = append(overrides, o.instance(o, o.st.t, o.dur, o.ov.recurID))
			}
		}
	}
	parts := make([][]occRef, 0, len(x.series)+2)
	parts = append(parts, singles)
	for _, s := range x.series {
		parts = append(parts, s.refs)
	}
	parts = append(parts, overrides)
	evs := merge(parts, func(r occRef) calendar.Event { return r.event(c.name) })
	return evs, x.warns
}

// cheapestFirst returns the masters in the order to expand them: those
// without rules (single events, RDATE-only series), then series by the work
// their rules are expected to take, so that a spent work budget cuts the most
// expensive series, wherever they stand in the feed. Only the series are
// sorted: a feed is mostly single events.
func (c *Calendar) cheapestFirst(from, to time.Time) (plain, series []*vevent) {
	type costed struct {
		m    *vevent
		cost float64
	}
	wfrom, wto := wallOf(from), wallOf(to)
	var rules []costed
	for _, m := range c.masters {
		if m.rec == nil || len(m.rec.rules) == 0 && len(m.rec.exrules) == 0 {
			plain = append(plain, m)
			continue
		}
		s := costed{m: m}
		for _, r := range m.rec.rules {
			s.cost += r.Cost(wfrom, wto)
		}
		for _, r := range m.rec.exrules {
			s.cost += r.Cost(wfrom, wto)
		}
		rules = append(rules, s)
	}
	slices.SortStableFunc(rules, func(a, b costed) int { return cmp.Compare(a.cost, b.cost) })
	series = make([]*vevent, len(rules))
	for i, s := range rules {
		series[i] = s.m
	}
	return plain, series
}

// singlesIn is at least how many occurrences the single events among plain
// (the masters without rules) have in w: one for each that overlaps it.
func (c *Calendar) singlesIn(w window, plain []*vevent) int {
	n := 0
	for _, m := range plain {
		if !m.recurring() && w.overlaps(m.st.date, m.st.t, m.st.t.Add(m.dur)) {
			n++
		}
	}
	return n
}

// expansion is the state of one Occurrences call: its budget, the share each
// series may keep, and the warnings so far.
type expansion struct {
	limits recur.Limits
	budget *recur.Budget
	// level is the most instances one series may keep: RuleInstances, or less
	// once the feed's series have had to share FeedInstances.
	level  int
	feed   string
	series []segment // each recurring master's occurrences
	kept   int       // their sum
	warns  []Warning
	// feedCuts counts the rules cut because the feed's work budget was spent;
	// only the first gets its own warning.
	feedCuts int
	// capped is set by vevent.expand when the series it expands hit its cap.
	capped recur.InstanceCut
}

// segment is one series' occurrences.
type segment struct {
	m    *vevent
	refs []occRef
	cut  recur.InstanceCut
}

// capAt records that the series being expanded kept max instances and lost
// others.
func (x *expansion) capAt(n int) {
	x.capped = max(x.capped, x.limits.CapAt(n))
}

// warn records a warning about series m, naming its rule (kind and text) when
// there is one.
func (x *expansion) warn(m *vevent, kind, text, format string, args ...any) {
	what := "series"
	if text != "" {
		what = kind + " " + quoteRule(text)
	}
	if m.uid != "" {
		what += " of " + strconv.Quote(m.uid)
	}
	x.warns = append(x.warns, Warning{Feed: x.feed, Line: int(m.line), Msg: what + " " + fmt.Sprintf(format, args...)})
}

// cut reports a walk of series m's rule r that the budget stopped; max is the
// instance cap it had.
func (x *expansion) cut(m *vevent, kind string, r *rule, how recur.Cut, max int) {
	switch how {
	case recur.CutRuleWork:
		x.warn(m, kind, r.text, "cut: it examined %s candidate times (the per-rule limit) before the window's end; later instances are left out",
			thousands(x.limits.RuleWork))
	case recur.CutFeedWork:
		x.feedCuts++
		if x.feedCuts == 1 {
			x.warn(m, kind, r.text, "cut: the feed's rules examined %s candidate times (the per-feed limit); this rule and every later one keep only the instances found so far",
				thousands(x.limits.FeedWork))
		}
	case recur.CutInstances:
		x.capAt(max)
	}
}

// finish adds the warnings about series that lost instances to a cap, with
// the number each kept in the end, and the one that sums up; it sorts them
// by line, the summary last.
func (x *expansion) finish() {
	for _, s := range x.series {
		switch s.cut {
		case recur.RuleCapped:
			x.warn(s.m, "RRULE", firstRule(s.m), "cut at %s instances in the window (the per-rule limit); later instances are left out",
				thousands(len(s.refs)))
		case recur.Shared:
			x.warn(s.m, "RRULE", firstRule(s.m), "cut at %s instances: the feed's series have more than %s instances in the window "+
				"(the per-feed limit), and the biggest are cut to a common number; later instances are left out",
				thousands(len(s.refs)), thousands(x.limits.FeedInstances))
		}
	}
	slices.SortStableFunc(x.warns, func(a, b Warning) int { return a.Line - b.Line })
	if x.feedCuts > 1 {
		x.warns = append(x.warns, Warning{Feed: x.feed, Msg: fmt.Sprintf("%d more rules were cut: the feed's work budget (%s candidate times) was spent",
			x.feedCuts-1, thousands(x.limits.FeedWork))})
	}
}

// share cuts the biggest series so that together they keep at most 7/8 of
// FeedInstances (leaving room for the next ones), each keeping its earliest
// instances, and lowers level so later series are cut alike. A cut series'
// instances are copied, so what it loses is garbage at once.
func (x *expansion) share() {
	counts := make([]int, len(x.series))
	for i, s := range x.series {
		counts[i] = len(s.refs)
	}
	level := recur.Share(counts, x.limits.FeedInstances/8*7)
	x.level = min(x.level, level)
	x.kept = 0
	for i := range x.series {
		s := &x.series[i]
		if len(s.refs) > level {
			slices.SortFunc(s.refs, func(a, b occRef) int { return a.start.Compare(b.start) })
			s.cut = recur.Shared
			s.refs = slices.Clone(s.refs[:level])
		}
		x.kept += len(s.refs)
	}
}

// merge makes the occurrences of parts, each sorted here by start, UID and
// recurrence id, into one slice in that order, made once: a tie is taken
// from the earlier part, as one stable sort of the parts one after the other
// would have it.
func merge(parts [][]occRef, event func(occRef) calendar.Event) []calendar.Event {
	n := 0
	h := &cursors{parts: parts}
	for i, p := range parts {
		slices.SortStableFunc(p, byStart)
		n += len(p)
		if len(p) > 0 {
			h.next = append(h.next, i)
		}
	}
	heap.Init(h)
	evs := make([]calendar.Event, n)
	for k := range evs {
		p := h.next[0]
		evs[k] = event(parts[p][0])
		if parts[p] = parts[p][1:]; len(parts[p]) == 0 {
			heap.Pop(h)
		} else {
			heap.Fix(h, 0)
		}
	}
	return evs
}

// byStart orders occurrences by start, then UID, then recurrence id.
func byStart(a, b occRef) int {
	return cmp.Or(a.start.Compare(b.start), cmp.Compare(a.m.uid, b.m.uid), a.recurID.Compare(b.recurID))
}

// cursors is a heap (container/heap) of the parts merge has not used up, by
// their next occurrence, then by their place.
type cursors struct {
	parts [][]occRef
	next  []int // indexes into parts
}

func (h *cursors) Len() int { return len(h.next) }
func (h *cursors) Less(i, j int) bool {
	a, b := h.next[i], h.next[j]
	if c := byStart(h.parts[a][0], h.parts[b][0]); c != 0 {
		return c < 0
	}
	return a < b
}
func (h *cursors) Swap(i, j int) { h.next[i], h.next[j] = h.next[j], h.next[i] }
func (h *cursors) Push(x any)    { h.next = append(h.next, x.(int)) }
func (h *cursors) Pop() any {
	x := h.next[len(h.next)-1]
	h.next = h.next[:len(h.next)-1]
	return x
}

// firstRule is the text of a series' first RRULE, "" when it has only RDATEs.
func firstRule(m *vevent) string {
	if len(m.rec.rules) > 0 {
		return m.rec.rules[0].text
	}
	return ""
}

// thousands writes n with thousands separators: 1,000,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// window is the span occurrences are listed for, and the zone all-day dates
// are read in when checking them against it: an all-day event on the 24th is
// the whole 24th where the user is, not midnight to midnight in UTC.
type window struct {
	from, to time.Time
	dayZone  *time.Location
}

func (c *Calendar) window(from, to time.Time) window {
	loc := c.dayZone
	if loc == nil {
		loc = time.UTC
	}
	return window{from, to, loc}
}

// overlaps reports whether an occurrence overlaps the window; a zero-length
// one at t does when from <= t < to.
func (w window) overlaps(allDay bool, start, end time.Time) bool {
	if allDay {
		start, end = calendar.DateIn(start, w.dayZone), calendar.DateIn(end, w.dayZone)
	}
	return start.Before(w.to) && (end.After(w.from) || !start.Before(w.from))
}

// instance makes the occurrence of v starting at start, with the fields of
// tmpl (v itself, or a THISANDFUTURE override of v).
func (v *vevent) instance(tmpl *vevent, start time.Time, dur time.Duration, recurID time.Time) occRef {
	return occRef{m: v, tmpl: tmpl, start: start, dur: dur, recurID: recurID}
}

// occRef is an occurrence before it is made a calendar.Event: a quarter of
// its size.
type occRef struct {
	m, tmpl *vevent
	start   time.Time
	dur     time.Duration
	recurID time.Time
}

// event makes the occurrence r refers to.
func (r occRef) event(calName string) calendar.Event {
	v, tmpl, start, dur := r.m, r.tmpl, r.start, r.dur
	in := tmpl.info
	return calendar.Event{
		Calendar: calName, UID: v.uid, RecurrenceID: r.recurID,
		Start: start, End: start.Add(dur), AllDay: tmpl.st.date, Floating: tmpl.st.floating,
		Status: statuses[in.status], Summary: in.summary, Transparent: in.transparent,
		Organizer: in.organizer, Attendees: in.attendees[:len(in.attendees):len(in.attendees)],
		Kind: kinds[in.kind], Tag: tags[in.tag], TagPeer: in.tagPeer,
	}
}

// expand appends v's occurrences in w to out, leaving out the instances an
// override replaces (the override itself is emitted by Expand). future are the
// THISANDFUTURE overrides of v, sorted: an instance after one of them is moved
// by as much as that override moved its own instance, takes its length, and
// takes its fields.
func (v *vevent) expand(w window, ovs map[int64]*vevent, future []*vevent, out []occRef, x *expansion) (result []occRef) {
	// Last resort: a series that cannot be expanded is left out, not the feed.
	n := len(out)
	defer func() {
		if recover() != nil {
			result = out[:n]
		}
	}()
	if !v.recurring() {
		if k := v.st.t.UTC().UnixNano(); ovs[k] != nil || v.exdate(k) {
			return out
		}
		if w.overlaps(v.st.date, v.st.t, v.st.t.Add(v.dur)) {
			out = append(out, v.instance(v, v.st.t, v.dur, time.Time{}))
		}
		return out
	}

	// Start early enough to catch an instance that began before from and is
	// still running; for an all-day series a day more covers its dates read
	// in a zone behind UTC. THISANDFUTURE overrides may move instances either
	// way. (Timed instances are instants: their length is exact, DST or not.)
	rec := v.rec
	longest := v.dur
	for _, rd := range rec.rdates {
		if rd.hasDur && rd.dur > longest {
			longest = rd.dur
		}
	}
	var shift time.Duration
	for _, f := range future {
		longest = max(longest, f.dur)
		d := f.st.t.Sub(f.ov.recurID)
		shift = max(shift, d, -d)
	}
	margin := time.Hour
	if v.st.date || slices.ContainsFunc(future, func(f *vevent) bool { return f.st.date }) {
		margin = 25 * time.Hour
	}
	lo := w.from.Add(-longest - shift - margin)
	hi := w.to.Add(shift + margin)

	// The instances, in the order found: DTSTART, each rule's (in order),
	// RDATEs. Sorted and rid of duplicates below.
	type inst struct {
		t   time.Time
		dur time.Duration
	}
	var insts []inst
	// add adds an instance, and says whether it counts against the series'
	// cap: whether it may be in the window (the walk runs from a little before).
	add := func(t time.Time, dur time.Duration) bool {
		if t.Before(lo) || !t.Before(hi) || rec.exdates[t.UnixNano()] {
			return false
		}
		insts = append(insts, inst{t, dur})
		return len(future) > 0 || w.overlaps(v.st.date, t, t.Add(dur))
	}
	// RFC 5545 §3.8.5.3: DTSTART is always the first instance, matching the rule
	// or not (recurring_ical_events does the same).
	add(v.st.t, v.dur)
	loc := v.st.t.Location()
	for _, r := range rec.rules {
		if how := walk(r, loc, lo, hi, x.level, x.budget, func(t time.Time) bool { return add(t, v.dur) }); how != recur.Complete {
			x.cut(v, "RRULE", r, how, x.level)
		}
	}
	for _, rd := range rec.rdates {
		if rd.hasDur {
			add(rd.t, rd.dur)
		} else {
			add(rd.t, v.dur)
		}
	}
	var excluded map[int64]bool
	for _, r := range rec.exrules {
		exclude := func(t time.Time) bool {
			if excluded == nil {
				excluded = map[int64]bool{}
			}
			excluded[t.UnixNano()] = true
			return false
		}
		if how := walk(r, loc, lo, hi, x.limits.RuleInstances, x.budget, exclude); how != recur.Complete {
			x.cut(v, "EXRULE", r, how, x.limits.RuleInstances)
		}
	}
	// In time order; of the same instant, the first found (DTSTART's length
	// over an RDATE's).
	slices.SortStableFunc(insts, func(a, b inst) int { return a.t.Compare(b.t) })

	// The series' own slice (see Occurrences), made once: at most its
	// instances, at most its share.
	out = slices.Grow(out, min(len(insts), x.level))
	emitted := 0
	for i, in := range insts {
		k := in.t.UnixNano()
		if i > 0 && in.t.Equal(insts[i-1].t) || excluded[k] || ovs[k] != nil {
			continue
		}
		tmpl, start, dur := v, in.t, in.dur
		if f := lastBefore(future, in.t); f != nil {
			tmpl, dur = f, f.dur
			start = in.t.Add(f.st.t.Sub(f.ov.recurID))
			if f.st.date != v.st.date {
				continue // a range override changing the value type: only its own instance
			}
		}
		if w.overlaps(tmpl.st.date, start, start.Add(dur)) {
			if emitted == x.level {
				x.capAt(x.level) // several rules and RDATEs together: the earliest are kept
				break
			}
			out = append(out, v.instance(tmpl, start, dur, in.t.UTC()))
			emitted++
		}
	}
	return out
}

// lastBefore returns the last THISANDFUTURE override that replaces an instance
// at or before t, or nil.
func lastBefore(future []*vevent, t time.Time) *vevent {
	var last *vevent
	for _, f := range future {
		if f.ov.recurID.After(t) {
			break
		}
		last = f
	}
	return last
}

// walk calls fn for every instance of r (a rule on wall clocks, from rule) in
// or near [lo, to), placed in loc: callers check the bounds. It passes at most
// max instances, and says why it stopped early (recur.Walk).
func walk(r *rule, loc *time.Location, lo, to time.Time, max int, b *recur.Budget, fn func(time.Time) bool) recur.Cut {
	// A wall clock and its instant differ by a zone offset (at most a day)
	// and a DST shift.
	wlo := wallOf(lo.In(loc)).Add(-3 * time.Hour)
	wto := wallOf(to.In(loc)).Add(3 * time.Hour)
	if r.skip != nil {
		// The helper rule's instance is up to a month before the moved one.
		return r.Walk(wlo.AddDate(0, -1, -1), wto, max, b, func(w time.Time) bool {
			t, ok := r.skip.move(w)
			return ok && t.Before(wto) && fn(inZone(t, loc))
		})
	}
	return r.Walk(wlo, wto, max, b, func(w time.Time) bool {
		return w.Before(wto) && fn(inZone(w, loc))
	})
}
