//go:build ignore

// gen writes calendar.ics: the embedded sample calendar of `sideways demo`, six
// months (June 1 - December 31 2026) of a fictional Director of Engineering's work
// calendar, as exported by a calendar app. Run it from this folder:
//
//	go run gen.go
//
// It is deterministic: the same source always writes the same bytes. The story it
// tells, peer by peer, is in the comments below and in sideways.yaml; the demo's
// "today" is demo.Now, Monday 2026-11-23 09:00 in New York.
package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"strings"
	"time"
	"unicode/utf8"
)

const zone = "America/New_York"

var ny = func() *time.Location {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		log.Fatal(err)
	}
	return loc
}()

// stamp is the DTSTAMP of every event, so the output never depends on the clock.
const stamp = "20261120T120000Z"

// until ends the all-year series: the calendar covers June 1 - December 31 2026.
const until = "20261231T235959Z"

type person struct{ name, email string }

var (
	me    = person{"Alex Rivera", "alex@acme.test"}
	meAlt = person{"Alex Rivera", "arivera@acme.test"} // my second address

	// Up: my boss. Down: my four directs. Neither is a peer, and none is on the roster.
	jordan = person{"Jordan Blake", "jordan@acme.test"} // VP Engineering
	ben    = person{"Ben Ortiz", "ben@acme.test"}
	chloe  = person{"Chloe Nguyen", "chloe@acme.test"}
	diego  = person{"Diego Santos", "diego@acme.test"}
	emma   = person{"Emma Larsen", "emma@acme.test"}

	// Others who show up in group meetings.
	maya   = person{"Maya Singh", "maya@acme.test"}     // HR business partner
	ravi   = person{"Ravi Menon", "ravi@acme.test"}     // fellow director, not on the roster
	lena   = person{"Lena Fischer", "lena@acme.test"}   // fellow director, not on the roster
	rachel = person{"Rachel Adams", "rachel@acme.test"} // recruiter
	omar   = person{"Omar Haddad", "omar@acme.test"}    // staff engineer

	// The roster (sideways.yaml), in importance order.
	dana   = person{"Dana Whitfield", "dana@acme.test"}
	priya  = person{"Priya Raman", "priya@acme.test"}
	marcus = person{"Marcus Chen", "marcus@acme.test"}
	sofia  = person{"Sofia Alvarez", "sofia@acme.test"}
	tom    = person{"Tom Becker", "tom@acme.test"}
	hannah = person{"Hannah Okafor", "hannah@acme.test"}
	liam   = person{"Liam O'Brien", "liam@acme.test"}
	grace  = person{"Grace Kim", "grace@acme.test"}
	noah   = person{"Noah Williams", "noah@acme.test"}
	ava    = person{"Ava Patel", "ava@acme.test"}
	ethan  = person{"Ethan Park", "ethan@acme.test"}
	zoe    = person{"Zoe Martin", "zoe@acme.test"}

	room = person{"NYC-5 Hudson", "nyc-5-hudson@resource.acme.test"}
)

type att struct {
	p        person
	partstat string
	room     bool
}

func acc(ps ...person) []att {
	out := make([]att, len(ps))
	for i, p := range ps {
		out[i] = att{p: p, partstat: "ACCEPTED"}
	}
	return out
}

type event struct {
	uid       string
	summary   string
	desc      string
	location  string
	start     time.Time // timed events, in New York (written with TZID)
	end       time.Time
	utc       bool      // write DTSTART/DTEND in UTC ("Z") instead of with TZID
	day, last time.Time // all-day events: first and last date (inclusive)
	rrule     string
	exdates   []time.Time
	rid       time.Time // RECURRENCE-ID of an override
	status    string
	transp    string
	organizer *person
	attendees []att
	extra     []string // raw content lines
}

// at is a wall-clock time in New York.
func at(m time.Month, d, hh, mm int) time.Time { return time.Date(2026, m, d, hh, mm, 0, 0, ny) }

func date(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }

func mins(t time.Time, n int) time.Time { return t.Add(time.Duration(n) * time.Minute) }

var events []event

func add(e event) { events = append(events, e) }

// meeting adds a one-off meeting organized by org (accepted) with guests.
func meeting(uid, summary string, start time.Time, length int, org person, guests []att) {
	add(event{uid: uid, summary: summary, start: start, end: mins(start, length), organizer: &org,
		attendees: append(acc(org), guests...)})
}

// block adds a one-off event of mine without guests.
func block(uid, summary string, start time.Time, length int, transparent bool) {
	e := event{uid: uid, summary: summary, start: start, end: mins(start, length), organizer: &me}
	if transparent {
		e.transp = "TRANSPARENT"
	}
	add(e)
}

// allDay adds an all-day event from first to last (inclusive).
func allDay(uid, summary string, first, last time.Time, ooo bool) {
	e := event{uid: uid, summary: summary, day: first, last: last, organizer: &me}
	if ooo {
		e.transp = "OPAQUE"
		e.extra = []string{"X-MICROSOFT-CDO-BUSYSTATUS:OOF"}
	} else {
		e.transp = "TRANSPARENT"
		e.extra = []string{"X-MICROSOFT-CDO-BUSYSTATUS:FREE"}
	}
	add(e)
}

func main() {
	series()
	peerHistory()
	pastWeeks()
	upcoming()
	sideways()
	var buf bytes.Buffer
	write(&buf)
	if err := os.WriteFile("calendar.ics", buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}

// series are the standing meetings of the whole half-year.
func series() {
	// Daily leads standup, skipping company holidays and Thanksgiving.
	add(event{uid: "standup-2026@acme.test", summary: "Eng leads standup",
		start: at(6, 1, 9, 30), end: at(6, 1, 9, 45),
		rrule:     "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=" + until,
		exdates:   []time.Time{at(7, 3, 9, 30), at(9, 7, 9, 30), at(11, 26, 9, 30), at(11, 27, 9, 30), at(12, 24, 9, 30), at(12, 25, 9, 30)},
		location:  "Zoom",
		organizer: &me, attendees: acc(me, ben, chloe, diego, emma)})

	// Weekly staff meeting: me, my four directs and our HR partner (6 people).
	// Labor Day's instance moved to the Tuesday.
	add(event{uid: "staff-2026@acme.test", summary: "Engineering staff meeting",
		start: at(6, 1, 11, 0), end: at(6, 1, 12, 0),
		rrule:     "FREQ=WEEKLY;BYDAY=MO;UNTIL=" + until,
		location:  "NYC-5 Hudson",
		organizer: &me, attendees: append(acc(me, ben, chloe, diego, emma, maya), att{room, "ACCEPTED", true})})
	add(event{uid: "staff-2026@acme.test", summary: "Engineering staff meeting (moved: Labor Day)",
		rid:   at(9, 7, 11, 0),
		start: at(9, 8, 11, 0), end: at(9, 8, 12, 0),
		location:  "NYC-5 Hudson",
		organizer: &me, attendees: append(acc(me, ben, chloe, diego, emma, maya), att{room, "ACCEPTED", true})})

	// Up: weekly 1:1 with my boss (she organizes it). Not a peer.
	add(event{uid: "jordan-alex-2026@acme.test", summary: "Jordan / Alex 1:1",
		start: at(6, 4, 15, 0), end: at(6, 4, 15, 30),
		rrule:     "FREQ=WEEKLY;BYDAY=TH;UNTIL=" + until,
		exdates:   []time.Time{at(8, 13, 15, 0), at(11, 26, 15, 0)},
		organizer: &jordan, attendees: acc(jordan, me)})

	// Down: weekly 1:1s with my directs. Not peers.
	for _, d := range []struct {
		p     person
		start time.Time
		day   string
	}{
		{ben, at(6, 1, 13, 0), "MO"},
		{chloe, at(6, 1, 13, 30), "MO"},
		{diego, at(6, 2, 16, 15), "TU"},
		{emma, at(6, 5, 10, 0), "FR"},
	} {
		first := strings.Fields(d.p.name)[0]
		e := event{uid: strings.ToLower(first) + "-alex-2026@acme.test", summary: first + " / Alex 1:1",
			start: d.start, end: mins(d.start, 30),
			rrule:     "FREQ=WEEKLY;BYDAY=" + d.day + ";UNTIL=" + until,
			organizer: &me, attendees: acc(me, d.p)}
		if d.day == "FR" {
			e.exdates = []time.Time{mins(at(11, 27, 0, 0), d.start.Hour()*60+d.start.Minute())}
		}
		add(e)
	}

	// Jordan's staff: the engineering directors (Ava among them) — a group.
	add(event{uid: "eng-leadership-2026@acme.test", summary: "Eng leadership weekly",
		start: at(6, 3, 14, 0), end: at(6, 3, 15, 0),
		rrule:     "FREQ=WEEKLY;BYDAY=WE;UNTIL=" + until,
		location:  "Zoom",
		organizer: &jordan, attendees: acc(jordan, me, ava, ravi, lena)})

	// Focus time and lunch: my own blocks, no guests.
	add(event{uid: "focus-mon-2026@acme.test", summary: "Focus time",
		start: at(6, 1, 15, 0), end: at(6, 1, 17, 0),
		rrule: "FREQ=WEEKLY;BYDAY=MO;UNTIL=" + until, organizer: &me})
	add(event{uid: "focus-fri-2026@acme.test", summary: "Focus time (no meetings)",
		start: at(6, 5, 13, 0), end: at(6, 5, 15, 0),
		rrule:   "FREQ=WEEKLY;BYDAY=FR;UNTIL=" + until,
		exdates: []time.Time{at(11, 27, 13, 0)}, organizer: &me})
	add(event{uid: "lunch-2026@acme.test", summary: "Lunch",
		start: at(6, 1, 12, 0), end: at(6, 1, 12, 45),
		rrule:   "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=" + until,
		exdates: []time.Time{at(11, 26, 12, 0), at(11, 27, 12, 0)}, organizer: &me})

	// Ava Patel is a fellow Engineering director: we meet weekly, but the rule
	// "same department is not a peer 1:1" skips her.
	add(event{uid: "ava-alex-2026@acme.test", summary: "Ava / Alex",
		start: at(6, 5, 11, 0), end: at(6, 5, 11, 30),
		rrule:     "FREQ=WEEKLY;BYDAY=FR;UNTIL=" + until,
		exdates:   []time.Time{at(8, 14, 11, 0), at(11, 27, 11, 0)},
		organizer: &ava, attendees: acc(ava, me)})

	// Security roadmap sync: Tom's biweekly group meeting (not a 1:1 with anyone).
	add(event{uid: "security-roadmap-2026@acme.test", summary: "Security roadmap sync",
		start: at(7, 8, 11, 0), end: at(7, 8, 11, 45),
		rrule:     "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;UNTIL=" + until,
		location:  "Zoom",
		organizer: &tom, attendees: acc(tom, me, ava, ethan, diego)})

	// Vacation in August and the day after Thanksgiving: all-day, opaque. Thanksgiving
	// is on holidays.ics (marked free): only holidays: true keeps the plan off it.
	allDay("ooo-vacation-2026@acme.test", "OOO: vacation (Outer Banks)", date(8, 10), date(8, 14), true)
	allDay("ooo-thanksgiving-2026@acme.test", "OOO: day after Thanksgiving", date(11, 27), date(11, 27), true)
	// Company holidays: transparent reminders.
	allDay("holiday-20260703@acme.test", "Company holiday: Independence Day (observed)", date(7, 3), date(7, 3), false)
	allDay("holiday-20260907@acme.test", "Company holiday: Labor Day", date(9, 7), date(9, 7), false)
	allDay("holiday-20261224@acme.test", "Company holiday: winter break", date(12, 24), date(12, 25), false)
}

// peerHistory is the 1:1 history with each peer on the roster.
func peerHistory() {
	// 1. Dana Whitfield (Finance, weekly by rule): biweekly 1:1s since June, the
	// last on Mon Nov 9 — nothing since, nothing booked: overdue.
	add(event{uid: "dana-alex-2026@acme.test", summary: "Dana / Alex",
		desc:  "Fortnightly Finance <> Eng check-in.",
		start: at(6, 8, 10, 0), end: at(6, 8, 10, 30),
		rrule:     "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;UNTIL=20261109T150000Z",
		location:  "Google Meet",
		organizer: &dana, attendees: acc(dana, meAlt)})

	// 2. Priya Raman (Product, weekly): a weekly series on Tuesdays at 09:00 New
	// York (evening in Bengaluru) through December: scheduled.
	add(event{uid: "priya-alex-2026@acme.test", summary: "Alex <> Priya weekly",
		start: at(6, 2, 9, 0), end: at(6, 2, 9, 30),
		rrule:     "FREQ=WEEKLY;BYDAY=TU;UNTIL=" + until,
		exdates:   []time.Time{at(8, 11, 9, 0)},
		location:  "Zoom",
		organizer: &me, attendees: acc(me, priya)})

	// 3. Marcus Chen (Sales, monthly): roughly monthly, a title-only coffee in
	// October, last met Tue Nov 10: ok.
	for _, m := range []time.Time{at(6, 17, 13, 0), at(7, 21, 13, 0), at(8, 26, 13, 0), at(9, 22, 13, 0), at(11, 10, 13, 0)} {
		add(event{uid: fmt.Sprintf("marcus-alex-%s@acme.test", m.Format("20060102")), summary: "Marcus / Alex",
			start: m, end: mins(m, 30), location: "Zoom", organizer: &marcus, attendees: acc(marcus, me)})
	}
	block("coffee-marcus-20261014@acme.test", "Coffee with Marcus Chen", at(10, 14, 8, 15), 30, false)

	// 4. Sofia Alvarez (Design, monthly): last 1:1 Thu Oct 29, 25 days before
	// today: due (the lead time is a quarter of 30 days).
	for _, s := range []time.Time{at(6, 25, 14, 0), at(7, 30, 14, 0), at(8, 27, 14, 0), at(9, 29, 14, 0), at(10, 29, 14, 0)} {
		add(event{uid: fmt.Sprintf("sofia-alex-%s@acme.test", s.Format("20060102")), summary: "Sofia / Alex: design x eng",
			start: s, end: mins(s, 30), location: "NYC-5 Hudson",
			organizer: &sofia, attendees: append(acc(sofia, meAlt), att{room, "ACCEPTED", true})})
	}

	// 5. Tom Becker (Security, right-now, weekly): weekly on Thursdays from Aug 20.
	// Sep 17 was moved to Tue Sep 15; the last one held was Oct 22; then Oct 29
	// cancelled, Nov 5 declined by Tom, Nov 12 cancelled, and the series ended:
	// overdue, cancelled streak 3.
	tomSeries := func(rid, start time.Time, status, tomPS string) {
		e := event{uid: "tom-alex-2026@acme.test", summary: "Security roadmap 1:1 (Tom / Alex)",
			rid: rid, start: start, end: mins(start, 30), status: status, location: "Zoom",
			organizer: &me, attendees: []att{{me, "ACCEPTED", false}, {tom, tomPS, false}}}
		add(e)
	}
	add(event{uid: "tom-alex-2026@acme.test", summary: "Security roadmap 1:1 (Tom / Alex)",
		start: at(8, 20, 10, 0), end: at(8, 20, 10, 30),
		rrule:     "FREQ=WEEKLY;BYDAY=TH;UNTIL=20261112T150000Z",
		location:  "Zoom",
		organizer: &me, attendees: acc(me, tom)})
	tomSeries(at(9, 17, 10, 0), at(9, 15, 10, 30), "", "ACCEPTED")
	tomSeries(at(10, 29, 10, 0), at(10, 29, 10, 0), "CANCELLED", "ACCEPTED")
	tomSeries(at(11, 5, 10, 0), at(11, 5, 10, 0), "", "DECLINED")
	tomSeries(at(11, 12, 10, 0), at(11, 12, 10, 0), "CANCELLED", "ACCEPTED")

	// 6. Hannah Okafor (Legal): only ever in group meetings (below): never met.

	// 7. Liam O'Brien (Marketing): last 1:1 Sep 15; sideways has a suggestion
	// open (see sideways()).
	for _, l := range []time.Time{at(6, 10, 14, 0), at(7, 22, 14, 0), at(9, 15, 14, 0)} {
		add(event{uid: fmt.Sprintf("liam-alex-%s@acme.test", l.Format("20060102")), summary: "Liam <> Alex catch-up",
			start: l, end: mins(l, 30), location: "Zoom", organizer: &liam, attendees: acc(liam, me)})
	}

	// 8. Grace Kim (Customer Success): last 1:1 Aug 20; sideways has sent an
	// invite she has not answered yet (see sideways()).
	for _, g := range []time.Time{at(6, 18, 11, 0), at(7, 16, 11, 0), at(8, 20, 11, 0)} {
		add(event{uid: fmt.Sprintf("grace-alex-%s@acme.test", g.Format("20060102")), summary: "Grace / Alex",
			start: g, end: mins(g, 30), location: "Zoom", organizer: &me, attendees: acc(me, grace)})
	}

	// 9. Noah Williams (Data Platform): last met Jul 14. The user deleted a
	// suggestion on Nov 18 (demo.Dismissals): snoozed.
	for _, n := range []time.Time{at(6, 9, 10, 0), at(7, 14, 10, 0)} {
		add(event{uid: fmt.Sprintf("noah-alex-%s@acme.test", n.Format("20060102")), summary: "Noah / Alex: data platform",
			start: n, end: mins(n, 30), location: "Zoom", organizer: &noah, attendees: acc(noah, me)})
	}

	// 11. Ethan Park (Infrastructure, right-now until Oct 31): skipped now.
	// These three are written in UTC, as some exporters do.
	for _, e := range []time.Time{at(9, 3, 11, 30), at(9, 17, 11, 30), at(10, 1, 11, 30)} {
		add(event{uid: fmt.Sprintf("ethan-alex-%s@acme.test", e.Format("20060102")), summary: "Ethan / Alex: infra migration",
			start: e, end: mins(e, 30), utc: true, location: "Zoom", organizer: &ethan, attendees: acc(ethan, me)})
	}

	// 12. Zoe Martin (Support, Sydney): only in group meetings: never met.
}

// pastWeeks fills June 1 - November 20 with the one-off group meetings a
// director's week is made of. None is a 1:1 with a peer.
func pastWeeks() {
	type tmpl struct {
		summary  string
		org      person
		guests   []person
		declined bool // I declined it
		topics   []string
	}
	pool := []tmpl{
		{"Architecture review: %s", ravi, []person{me, ava, ben, chloe, omar}, false,
			[]string{"payments v2", "search indexing", "EU region", "event bus", "mobile sync"}},
		{"Interview: Senior Software Engineer (%s)", rachel, []person{me, ben, omar}, false,
			[]string{"system design", "hiring manager", "leadership", "debrief"}},
		{"Launch readiness: %s", priya, []person{me, liam, grace, hannah, zoe, sofia}, false,
			[]string{"mobile relaunch", "SSO", "usage-based billing", "audit logs"}},
		{"Incident review: %s", diego, []person{me, noah, zoe, omar}, false,
			[]string{"search outage", "delayed exports", "login errors", "webhook backlog", "stale dashboards"}},
		{"Contract review: %s", hannah, []person{me, tom, noah}, false,
			[]string{"vendor DPA", "observability renewal", "data residency addendum", "pen-test SOW"}},
		{"Deal review: %s", marcus, []person{me, grace, priya}, false,
			[]string{"Northwind", "Globex", "Initech", "Umbrella Health"}},
		{"Lunch & learn: %s", maya, []person{me, ben, chloe, diego, emma, ava}, true,
			[]string{"negotiation", "giving feedback", "writing RFCs"}},
		{"Design critique: %s", sofia, []person{me, chloe, ravi}, false,
			[]string{"onboarding", "settings", "mobile nav", "empty states"}},
		{"Q%s planning (Finance + Eng)", dana, []person{me, jordan, ava}, false, nil},
		{"Data platform roadmap: %s", noah, []person{me, ava, ethan}, false,
			[]string{"warehouse migration", "data contracts", "retention"}},
		{"Brand refresh feedback: %s", liam, []person{me, sofia, priya, grace}, true,
			[]string{"website", "product UI", "docs"}},
		{"Hiring sync: %s", rachel, []person{me, ben, chloe, maya}, false,
			[]string{"pipeline", "offers", "H2 headcount", "interviewer training"}},
	}
	// Slots that never clash with the standing meetings or the 1:1s above.
	slots := []struct {
		wd     int // days after Monday
		hh, mm int
		length int
	}{{1, 11, 0, 60}, {2, 10, 0, 60}, {3, 13, 0, 60}, {1, 14, 45, 45}, {2, 15, 15, 45}}
	uses := make([]int, len(pool)) // so each template cycles through its topics
	week := 0
	for mon := at(6, 1, 0, 0); mon.Before(at(11, 21, 0, 0)); mon = mon.AddDate(0, 0, 7) {
		n := 3 + week%3 // 3, 4 or 5 meetings a week
		for i := 0; i < n; i++ {
			s := slots[i]
			day := mon.AddDate(0, 0, s.wd)
			if skipDay(day) {
				continue
			}
			k := (week*5 + i*7) % len(pool)
			t := pool[k]
			var topic string
			if len(t.topics) > 0 {
				topic = t.topics[uses[k]%len(t.topics)]
				uses[k]++
			} else {
				topic = fmt.Sprint((int(day.Month())-1)/3 + 2) // the next quarter
				if topic == "5" {
					topic = "1"
				}
			}
			start := time.Date(day.Year(), day.Month(), day.Day(), s.hh, s.mm, 0, 0, ny)
			var guests []att
			for _, g := range t.guests {
				ps := "ACCEPTED"
				if g == me && t.declined {
					ps = "DECLINED"
				}
				guests = append(guests, att{g, ps, false})
			}
			meeting(fmt.Sprintf("w%02d-%d@acme.test", week, i), fmt.Sprintf(t.summary, topic), start, s.length, t.org, guests)
		}
		week++
	}
	// Zoe's APAC support escalations: late in my day, early in hers. I declined two.
	for i, d := range []time.Time{at(6, 24, 17, 30), at(7, 29, 17, 30), at(8, 26, 17, 30), at(9, 30, 17, 30), at(10, 28, 17, 30)} {
		ps := "ACCEPTED"
		if i%2 == 1 {
			ps = "DECLINED"
		}
		meeting(fmt.Sprintf("apac-escalations-%s@acme.test", d.Format("20060102")), "APAC support escalations",
			d, 30, zoe, []att{{me, ps, false}, {grace, "ACCEPTED", false}, {diego, "TENTATIVE", false}})
	}
}

func skipDay(d time.Time) bool {
	switch {
	case d.Month() == 8 && d.Day() >= 10 && d.Day() <= 14: // vacation
		return true
	case d.Month() == 7 && d.Day() == 3, d.Month() == 9 && d.Day() == 7: // holidays
		return true
	}
	return false
}

// upcoming is Nov 23 - Dec 31, written out by hand: the week of Nov 23 has room
// on Tue and Wed (Thu is Thanksgiving, Fri a day off); the week of Nov 30 is packed, so
// the caps bite; the weeks of Dec 7 and Dec 14 have room again.
func upcoming() {
	dir := []person{ben, chloe, diego, emma}
	g := func(ps ...person) []att { return acc(ps...) }

	// Week of Nov 23.
	meeting("oncall-handoff-20261123@acme.test", "Holiday on-call handoff", at(11, 23, 10, 0), 30, diego, g(me, ben, omar))
	meeting("interview-20261124@acme.test", "Interview: Staff SRE (panel)", at(11, 24, 11, 0), 60, rachel, g(me, diego, omar))
	meeting("freeze-20261125@acme.test", "Release go/no-go (holiday freeze)", at(11, 25, 15, 15), 30, diego, g(me, ben, chloe, emma))

	// Week of Nov 30: Q1 planning season.
	meeting("q1-kickoff-20261130@acme.test", "Q1 planning kickoff", at(11, 30, 9, 45), 60, jordan, g(me, ava, ravi, lena, dana, priya))
	meeting("hiring-20261130@acme.test", "Hiring sync: Q1 headcount", at(11, 30, 14, 0), 45, rachel, g(me, ben, chloe, maya))
	meeting("interview-20261201@acme.test", "Interview: Staff Engineer (onsite)", at(12, 1, 10, 0), 60, rachel, g(me, omar, ben))
	meeting("qbr-20261201@acme.test", "Quarterly business review", at(12, 1, 13, 0), 120, jordan, g(me, ava, ravi, lena, dana, marcus, priya))
	meeting("budget-20261202@acme.test", "Q1 planning (Finance + Eng)", at(12, 2, 9, 45), 60, dana, g(me, jordan, ava))
	meeting("vendor-20261202@acme.test", "Vendor review: observability RFP", at(12, 2, 13, 0), 60, diego, g(me, ethan, omar))
	meeting("hiring-committee-20261202@acme.test", "Hiring committee", at(12, 2, 15, 15), 60, maya, g(me, ava, ravi))
	add(event{uid: "campaign-20261202@acme.test", summary: "Holiday campaign review",
		start: at(12, 2, 16, 30), end: at(12, 2, 17, 0), organizer: &liam,
		attendees: []att{{liam, "ACCEPTED", false}, {me, "DECLINED", false}, {sofia, "ACCEPTED", false}, {priya, "NEEDS-ACTION", false}}})
	meeting("postmortem-20261203@acme.test", "Incident postmortem: checkout latency", at(12, 3, 10, 0), 60, diego, g(me, noah, zoe, omar))
	meeting("escalation-20261203@acme.test", "Customer escalation: Northwind", at(12, 3, 11, 0), 45, grace, g(me, marcus))
	meeting("design-20261203@acme.test", "Design review: onboarding revamp", at(12, 3, 13, 0), 60, sofia, g(me, chloe, ravi))
	meeting("offsite-20261203@acme.test", "Offsite logistics", at(12, 3, 16, 0), 30, maya, g(me, ben, chloe, diego, emma))
	meeting("allhands-20261204@acme.test", "Engineering all-hands", at(12, 4, 15, 30), 60, jordan,
		g(append([]person{me, ava, ravi, lena, omar}, dir...)...))

	// Week of Dec 7.
	meeting("interview-20261208@acme.test", "Interview: Senior Software Engineer (onsite)", at(12, 8, 13, 0), 60, rachel, g(me, chloe, omar))
	add(event{uid: "sko-20261209@acme.test", summary: "Sales kickoff planning",
		start: at(12, 9, 10, 0), end: at(12, 9, 11, 0), organizer: &marcus,
		attendees: []att{{marcus, "ACCEPTED", false}, {me, "DECLINED", false}, {grace, "ACCEPTED", false}, {liam, "ACCEPTED", false}}})
	meeting("launch-20261210@acme.test", "Launch readiness: Q1 releases", at(12, 10, 13, 0), 60, priya, g(me, liam, grace, hannah, zoe, sofia))
	meeting("party-20261211@acme.test", "Engineering holiday party", at(12, 11, 15, 0), 120, maya,
		g(append([]person{me, ava, ravi, lena, omar, jordan}, dir...)...))

	// Week of Dec 14.
	meeting("okr-20261215@acme.test", "Q1 OKR drafting", at(12, 15, 10, 0), 90, me, g(ben, chloe, diego, emma))
	meeting("arch-20261216@acme.test", "Architecture review: EU region", at(12, 16, 10, 0), 60, ravi, g(me, ava, ben, omar))
	meeting("calibration-20261217@acme.test", "Year-end performance calibration", at(12, 17, 10, 0), 120, maya, g(me, ava, ravi, lena, jordan))

	// Week of Dec 21.
	meeting("retro-20261222@acme.test", "2026 retro: engineering leads", at(12, 22, 11, 0), 60, me, g(ben, chloe, diego, emma))
}

// sideways are the events sideways itself wrote on an earlier run.
func sideways() {
	// 7. Liam: an open suggestion, Tue Nov 24 14:00 — free, no guests, no organizer.
	add(event{uid: "swq6bd1m0vj2kcn8s4u7fhei3o@google.com",
		summary: "Suggested: peer 1:1 with Liam O'Brien (Marketing)",
		desc: "Why now: last met 66 days ago (Tue Sep 15); cadence monthly from rule \"forever peers monthly\".\n\n" +
			"Agenda (10/10/10, 30 min):\n- 10 min: What's keeping you up at night?\n- 10 min: What I'm working on\n- 10 min: Where might we help each other?\n\n" +
			"To accept: add Liam as a guest. To dismiss: delete this event (sideways will leave Liam alone for 14 days).",
		start: at(11, 24, 14, 0), end: at(11, 24, 14, 30), transp: "TRANSPARENT",
		extra: []string{"X-SIDEWAYS:suggestion", "X-SIDEWAYS-PEER:liam@acme.test"}})

	// 8. Grace: an invite sideways sent; she has not answered.
	add(event{uid: "sw3t9kq0f1a8mhd5c2rve7lu4g@google.com",
		summary: "Peer 1:1 · Alex / Grace",
		desc: "A 30-minute peer 1:1, 10/10/10:\n- 10 min: What's keeping you up at night?\n- 10 min: What I'm working on\n- 10 min: Where might we help each other?\n\n" +
			"Some questions to start from:\n- What are you most focused on for Q1?\n- Where is Customer Success waiting on Engineering?\n- How could we hear about escalations earlier?",
		start: at(12, 2, 11, 0), end: at(12, 2, 11, 30), location: "Google Meet",
		organizer: &me, attendees: []att{{me, "ACCEPTED", false}, {grace, "NEEDS-ACTION", false}},
		extra: []string{"X-SIDEWAYS:invite", "X-SIDEWAYS-PEER:grace@acme.test"}})
}

// write renders the whole calendar.
func write(buf *bytes.Buffer) {
	line := func(s string) { fold(buf, s) }
	line("BEGIN:VCALENDAR")
	line("PRODID:-//sideways//demo calendar generator//EN")
	line("VERSION:2.0")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:Alex Rivera (work)")
	line("X-WR-TIMEZONE:" + zone)
	for _, l := range vtimezone {
		line(l)
	}
	for _, e := range events {
		line("BEGIN:VEVENT")
		line("UID:" + e.uid)
		line("DTSTAMP:" + stamp)
		switch {
		case !e.day.IsZero():
			line("DTSTART;VALUE=DATE:" + e.day.Format("20060102"))
			line("DTEND;VALUE=DATE:" + e.last.AddDate(0, 0, 1).Format("20060102"))
		case e.utc:
			line("DTSTART:" + e.start.UTC().Format("20060102T150405Z"))
			line("DTEND:" + e.end.UTC().Format("20060102T150405Z"))
		default:
			line("DTSTART;TZID=" + zone + ":" + e.start.Format("20060102T150405"))
			line("DTEND;TZID=" + zone + ":" + e.end.Format("20060102T150405"))
		}
		if !e.rid.IsZero() {
			line("RECURRENCE-ID;TZID=" + zone + ":" + e.rid.Format("20060102T150405"))
		}
		if e.rrule != "" {
			line("RRULE:" + e.rrule)
		}
		if len(e.exdates) > 0 {
			var xs []string
			for _, x := range e.exdates {
				xs = append(xs, x.Format("20060102T150405"))
			}
			line("EXDATE;TZID=" + zone + ":" + strings.Join(xs, ","))
		}
		line("SUMMARY:" + text(e.summary))
		if e.desc != "" {
			line("DESCRIPTION:" + text(e.desc))
		}
		if e.location != "" {
			line("LOCATION:" + text(e.location))
		}
		if e.status != "" {
			line("STATUS:" + e.status)
		} else {
			line("STATUS:CONFIRMED")
		}
		if e.transp != "" {
			line("TRANSP:" + e.transp)
		} else {
			line("TRANSP:OPAQUE")
		}
		if e.organizer != nil {
			line("ORGANIZER;CN=" + param(e.organizer.name) + ":mailto:" + e.organizer.email)
		}
		for _, a := range e.attendees {
			cutype := "INDIVIDUAL"
			if a.room {
				cutype = "ROOM"
			}
			line("ATTENDEE;CUTYPE=" + cutype + ";ROLE=REQ-PARTICIPANT;PARTSTAT=" + a.partstat +
				";CN=" + param(a.p.name) + ":mailto:" + a.p.email)
		}
		for _, x := range e.extra {
			line(x)
		}
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
}

var vtimezone = []string{
	"BEGIN:VTIMEZONE",
	"TZID:" + zone,
	"X-LIC-LOCATION:" + zone,
	"BEGIN:DAYLIGHT",
	"TZOFFSETFROM:-0500",
	"TZOFFSETTO:-0400",
	"TZNAME:EDT",
	"DTSTART:19700308T020000",
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
	"END:DAYLIGHT",
	"BEGIN:STANDARD",
	"TZOFFSETFROM:-0400",
	"TZOFFSETTO:-0500",
	"TZNAME:EST",
	"DTSTART:19701101T020000",
	"RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
	"END:STANDARD",
	"END:VTIMEZONE",
}

// text escapes a TEXT value (RFC 5545 §3.3.11).
func text(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`).Replace(s)
}

// param quotes a parameter value that holds a character that needs it.
func param(s string) string {
	if strings.ContainsAny(s, ":;,") {
		return `"` + s + `"`
	}
	return s
}

// fold writes one content line, folded at 75 octets (never inside a UTF-8
// sequence), with CRLF line endings.
func fold(buf *bytes.Buffer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		buf.WriteString(s[:cut])
		buf.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	buf.WriteString(s)
	buf.WriteString("\r\n")
}
