// Package demo holds the embedded sample `sideways demo` runs on: six months of a
// fictional Director of Engineering's calendar (Alex Rivera, June - December 2026)
// and the config that goes with it.
//
// The sample is built so that, at Now, every state of the README's States shows up:
//
//	Dana Whitfield  overdue    weekly by rule; last 1:1 Mon Nov 9
//	Priya Raman     scheduled  weekly series, next Tue Nov 24 09:00
//	Marcus Chen     ok         monthly; last 1:1 Tue Nov 10 (and a title-only coffee in October)
//	Sofia Alvarez   due        monthly; last 1:1 Thu Oct 29, 25 days ago
//	Tom Becker      overdue    weekly; last held Oct 22, then 3 cancelled or declined (priority 10)
//	Hannah Okafor   never_met  only ever in group meetings
//	Liam O'Brien    suggested  an open sideways suggestion, Tue Nov 24 14:00
//	Grace Kim       invited    a sideways invite she has not answered, Wed Dec 2 11:00
//	Noah Williams   snoozed    a suggestion deleted Nov 18 (Dismissals)
//	Ava Patel       skipped    same department
//	Ethan Park      skipped    right-now tier ended Oct 31
//	Zoe Martin      never_met  Sydney: no working-hours overlap with the 10:00-16:00 window
//
// calendar.ics is generated; edit gen.go and run go generate.
package demo

import _ "embed"

//go:generate go run gen.go

// Calendar is the sample calendar: an iCalendar feed (RFC 5545) with recurring
// series, EXDATEs, moved and cancelled instances, declined invites, all-day
// out-of-office and holidays, and the events sideways itself wrote (X-SIDEWAYS).
//
//go:embed calendar.ics
var Calendar []byte

// Holidays is the sample's public-holiday calendar (US), its events marked
// free as Google's public-holiday calendars mark theirs; the config marks it
// holidays: true, so the plan keeps off Thanksgiving.
//
//go:embed holidays.ics
var Holidays []byte

// Config is the sample's sideways.yaml: the user, a dozen peers in importance
// order and the rules. Its calendars are "calendar.ics" (Calendar) and
// "holidays.ics" (Holidays); its
// mode is report, so the demo never writes anything.
//
//go:embed sideways.yaml
var Config []byte

// Now is the sample's "today" (RFC 3339): Monday 2026-11-23, 09:00 in New York.
const Now = "2026-11-23T09:00:00-05:00"

// Dismissals are the suggestions the user deleted before Now, as the state
// database would hold them: Peer is the peer's email, At an RFC 3339 time. Noah's
// suggestion was deleted on Wed Nov 18, so he is snoozed until Wed Dec 2.
var Dismissals = []struct {
	Peer string
	At   string
}{
	{Peer: "noah@acme.test", At: "2026-11-18T16:00:00-05:00"},
}
