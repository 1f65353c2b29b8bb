// Command icsgen writes a realistic, deterministic work-calendar export for
// the ICS benchmark (bench/ics.sh): years of single meetings, all-day entries
// and recurring series with EXDATEs and overrides (moved, retimed, cancelled),
// attendees with CN/PARTSTAT/ROLE/CUTYPE, VTIMEZONEs, X-WR-TIMEZONE and folded
// lines, the way Google Calendar and Outlook export them.
//
//	go run ./bench/icsgen -events 15000 -years 5 -series 40 -o work.ics
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"strings"
	"time"
)

func main() {
	events := flag.Int("events", 15000, "VEVENT components to write (series, overrides and single events)")
	years := flag.Int("years", 5, "years the calendar covers, ending at the end of -end")
	series := flag.Int("series", 40, "recurring series")
	end := flag.Int("end", 2026, "last year covered")
	out := flag.String("o", "", "output file (default stdout)")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()

	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		w = bufio.NewWriterSize(f, 1<<16)
	}
	g := &gen{w: w, r: rand.New(rand.NewPCG(*seed, 2))}
	g.calendar(*events, *years, *series, *end)
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
}

type gen struct {
	w *bufio.Writer
	r *rand.Rand
	n int
}

var (
	ny     = mustZone("America/New_York")
	people = []string{"dana.whitfield", "marcus.chen", "priya.raman", "sam.okafor", "lena.fischer", "tom.becker",
		"aisha.khan", "jorge.silva", "mei.tanaka", "oliver.grant", "nina.petrova", "raj.patel", "emma.lund",
		"kofi.mensah", "sara.cohen", "lucas.moreau", "ivy.nguyen", "ben.carter", "zoe.adams", "hugo.martin"}
	rooms  = []string{"Room Hudson (8)", "Room Liberty (4)", "Room Brooklyn (12)", "Board Room"}
	topics = []string{"Roadmap review", "Incident retro", "Budget sync", "Hiring loop debrief", "Design review",
		"Customer call: Northwind", "Quarterly planning", "Architecture forum", "Vendor demo", "Security review",
		"Launch readiness", "OKR check-in", "Interview: Staff Engineer", "Coffee chat", "Platform office hours"}
)

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		log.Fatal(err)
	}
	return l
}

// line writes one content line, folded at 75 octets as RFC 5545 asks.
func (g *gen) line(s string) {
	for len(s) > 75 {
		g.w.WriteString(s[:75])
		g.w.WriteString("\r\n ")
		s = s[75:]
	}
	g.w.WriteString(s)
	g.w.WriteString("\r\n")
}

func (g *gen) linef(format string, args ...any) { g.line(fmt.Sprintf(format, args...)) }

func local(t time.Time) string { return t.Format("20060102T150405") }
func utc(t time.Time) string   { return t.UTC().Format("20060102T150405Z") }

func (g *gen) calendar(events, years, series, end int) {
	g.line("BEGIN:VCALENDAR")
	g.line("PRODID:-//Google Inc//Google Calendar 70.9054//EN")
	g.line("VERSION:2.0")
	g.line("CALSCALE:GREGORIAN")
	g.line("METHOD:PUBLISH")
	g.line("X-WR-CALNAME:alex@acme.test")
	g.line("X-WR-TIMEZONE:America/New_York")
	g.w.WriteString(vtimezones)

	first := time.Date(end-years+1, 1, 1, 0, 0, 0, 0, ny)
	last := time.Date(end+1, 1, 1, 0, 0, 0, 0, ny)
	written := 0
	for i := range series {
		written += g.series(i, first, last)
	}
	days := int(last.Sub(first).Hours() / 24)
	for written < events {
		day := first.AddDate(0, 0, g.r.IntN(days))
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		if g.r.IntN(25) == 0 {
			g.allDay(day)
		} else {
			g.single(day)
		}
		written++
	}
	g.line("END:VCALENDAR")
}

func (g *gen) uid() string {
	g.n++
	return fmt.Sprintf("%08x%04x@google.com", g.r.Uint32(), g.n)
}

func (g *gen) people(k int) []string {
	idx := g.r.Perm(len(people))[:k]
	out := make([]string, k)
	for i, j := range idx {
		out[i] = people[j]
	}
	return out
}

func (g *gen) attendees(names []string, room bool) {
	g.line("ORGANIZER;CN=Alex Rivera:mailto:alex@acme.test")
	if len(names) == 0 {
		return
	}
	for _, p := range names {
		stat := []string{"ACCEPTED", "ACCEPTED", "ACCEPTED", "TENTATIVE", "DECLINED", "NEEDS-ACTION"}[g.r.IntN(6)]
		role := "REQ-PARTICIPANT"
		if g.r.IntN(6) == 0 {
			role = "OPT-PARTICIPANT"
		}
		if role == "REQ-PARTICIPANT" {
			g.linef("ATTENDEE;PARTSTAT=%s;CN=%s:mailto:%s@acme.test", stat, cn(p), p)
		} else {
			g.linef("ATTENDEE;ROLE=%s;PARTSTAT=%s;CN=%s:mailto:%s@acme.test", role, stat, cn(p), p)
		}
	}
	// Half the exports leave the organizer out of the attendees.
	if g.r.IntN(2) == 0 {
		g.line("ATTENDEE;PARTSTAT=ACCEPTED;CN=Alex Rivera:mailto:alex@acme.test")
	}
	if room {
		r := rooms[g.r.IntN(len(rooms))]
		g.linef("ATTENDEE;CUTYPE=RESOURCE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=%s:mailto:c_%x@resource.calendar.google.com", r, g.r.Uint32())
	}
}

func (g *gen) stamp(created time.Time) {
	g.linef("DTSTAMP:%s", utc(created.AddDate(0, 0, -3)))
}

// cn turns "dana.whitfield" into "Dana Whitfield".
func cn(p string) string {
	parts := strings.Split(p, ".")
	for i, s := range parts {
		parts[i] = strings.ToUpper(s[:1]) + s[1:]
	}
	return strings.Join(parts, " ")
}

func (g *gen) single(day time.Time) {
	start := day.Add(time.Duration(8*60+15*g.r.IntN(36)) * time.Minute)
	dur := []time.Duration{30, 30, 30, 45, 60, 60, 90}[g.r.IntN(7)] * time.Minute
	g.line("BEGIN:VEVENT")
	// Google exports single events in UTC, series in their zone.
	g.linef("DTSTART:%s", utc(start))
	g.linef("DTEND:%s", utc(start.Add(dur)))
	g.stamp(start)
	g.linef("UID:%s", g.uid())
	switch k := g.r.IntN(10); {
	case k < 3: // a 1:1 or small meeting
		ps := g.people(1 + g.r.IntN(2))
		g.linef("SUMMARY:%s", topics[g.r.IntN(len(topics))])
		g.attendees(ps, g.r.IntN(3) == 0)
	case k < 5:
		g.linef("SUMMARY:Focus: %s", topics[g.r.IntN(len(topics))])
		g.line("TRANSP:TRANSPARENT")
	case k < 9:
		g.linef("SUMMARY:%s", topics[g.r.IntN(len(topics))])
	default:
		g.linef("SUMMARY:%s", topics[g.r.IntN(len(topics))])
		g.line("DESCRIPTION:Agenda:\\n1. Status\\n2. Risks\\n3. Decisions needed\\nNotes: https://docs.acme.test/d/" + fmt.Sprintf("%x", g.r.Uint64()))
		g.line("LOCATION:https://meet.acme.test/abc-defg-hij")
	}
	if g.r.IntN(30) == 0 {
		g.line("STATUS:CANCELLED")
	}
	g.line("END:VEVENT")
}

func (g *gen) allDay(day time.Time) {
	n := 1 + g.r.IntN(3)
	g.line("BEGIN:VEVENT")
	g.linef("DTSTART;VALUE=DATE:%s", day.Format("20060102"))
	g.linef("DTEND;VALUE=DATE:%s", day.AddDate(0, 0, n).Format("20060102"))
	g.stamp(day)
	g.linef("UID:%s", g.uid())
	g.line([]string{"SUMMARY:Out of office", "SUMMARY:Offsite", "SUMMARY:Company holiday", "SUMMARY:Conference"}[g.r.IntN(4)])
	g.line("TRANSP:TRANSPARENT")
	g.line("END:VEVENT")
}

// series writes one recurring series over part of the span, with EXDATEs and
// overrides, and returns the components written.
func (g *gen) series(i int, first, last time.Time) int {
	kind := i % 5
	startDay := first.AddDate(0, 0, g.r.IntN(400))
	for startDay.Weekday() == time.Saturday || startDay.Weekday() == time.Sunday {
		startDay = startDay.AddDate(0, 0, 1)
	}
	start := startDay.Add(time.Duration(9*60+30*g.r.IntN(14)) * time.Minute)
	dur := 30 * time.Minute
	var rule string
	var step time.Duration
	switch kind {
	case 0:
		rule, step = "FREQ=WEEKLY;BYDAY="+weekday(start), 7*24*time.Hour
	case 1:
		rule, step = "FREQ=WEEKLY;INTERVAL=2;BYDAY="+weekday(start), 14*24*time.Hour
	case 2:
		rule, step, dur = "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", 24*time.Hour, 15*time.Minute
	case 3:
		rule, step, dur = "FREQ=MONTHLY;BYDAY=1"+weekday(start), 30*24*time.Hour, 60*time.Minute
	default:
		rule, step = "FREQ=WEEKLY;BYDAY=MO,TH", 7*24*time.Hour
	}
	if g.r.IntN(3) == 0 {
		rule += ";UNTIL=" + utc(last.AddDate(0, -g.r.IntN(18), 0))
	}
	uid := g.uid()
	ps := g.people(1 + g.r.IntN(5))
	title := fmt.Sprintf("%s (series %d)", topics[i%len(topics)], i)
	if len(ps) == 1 {
		title = "1:1 Alex / " + strings.Split(ps[0], ".")[0]
	}
	g.line("BEGIN:VEVENT")
	g.linef("DTSTART;TZID=America/New_York:%s", local(start))
	g.linef("DTEND;TZID=America/New_York:%s", local(start.Add(dur)))
	g.linef("RRULE:%s", rule)
	// EXDATEs: a few instances a year, on and off the rule (as exports have).
	var ex []string
	for t := start.Add(step * time.Duration(3+g.r.IntN(5))); t.Before(last); t = t.Add(step * time.Duration(8+g.r.IntN(20))) {
		ex = append(ex, local(wallAt(t, start)))
	}
	for len(ex) > 0 {
		k := min(len(ex), 1+g.r.IntN(4))
		g.linef("EXDATE;TZID=America/New_York:%s", strings.Join(ex[:k], ","))
		ex = ex[k:]
	}
	g.stamp(start)
	g.linef("UID:%s", uid)
	g.linef("SUMMARY:%s", title)
	g.attendees(ps, len(ps) > 2)
	g.line("STATUS:CONFIRMED")
	g.line("SEQUENCE:0")
	g.line("END:VEVENT")
	n := 1
	// Overrides: moved, retimed, retitled or cancelled instances.
	for t := start.Add(step * time.Duration(2+g.r.IntN(6))); t.Before(last); t = t.Add(step * time.Duration(5+g.r.IntN(15))) {
		rid := wallAt(t, start)
		moved := rid.Add(time.Duration(g.r.IntN(5)-2) * time.Hour)
		g.line("BEGIN:VEVENT")
		g.linef("DTSTART;TZID=America/New_York:%s", local(moved))
		g.linef("DTEND;TZID=America/New_York:%s", local(moved.Add(dur+time.Duration(g.r.IntN(3))*15*time.Minute)))
		g.stamp(rid)
		g.linef("UID:%s", uid)
		g.linef("RECURRENCE-ID;TZID=America/New_York:%s", local(rid))
		g.linef("SUMMARY:%s", title)
		if g.r.IntN(2) == 0 {
			g.attendees(ps, false) // some exporters repeat the attendees, some do not
		}
		if g.r.IntN(4) == 0 {
			g.line("STATUS:CANCELLED")
		} else {
			g.line("STATUS:CONFIRMED")
		}
		g.line("SEQUENCE:1")
		g.line("END:VEVENT")
		n++
	}
	return n
}

// wallAt is the day of t at the wall time of start, in New York.
func wallAt(t, start time.Time) time.Time {
	t = t.In(ny)
	return time.Date(t.Year(), t.Month(), t.Day(), start.Hour(), start.Minute(), 0, 0, ny)
}

func weekday(t time.Time) string { return strings.ToUpper(t.Weekday().String()[:2]) }

const vtimezones = "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nX-LIC-LOCATION:America/New_York\r\n" +
	"BEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nTZNAME:EDT\r\nDTSTART:19700308T020000\r\n" +
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:-0400\r\n" +
	"TZOFFSETTO:-0500\r\nTZNAME:EST\r\nDTSTART:19701101T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\n" +
	"END:STANDARD\r\nEND:VTIMEZONE\r\n" +
	"BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\nX-LIC-LOCATION:Europe/London\r\n" +
	"BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nTZNAME:BST\r\nDTSTART:19700329T010000\r\n" +
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0100\r\n" +
	"TZOFFSETTO:+0000\r\nTZNAME:GMT\r\nDTSTART:19701025T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n" +
	"END:STANDARD\r\nEND:VTIMEZONE\r\n"
