// Package config turns a sideways YAML file into a typed, validated Config.
//
// Every problem is collected, not just the first, and reported as
// FILE:LINE:COL: message. Load reads the file and calls Parse. Parse reads no
// file, but it is not pure: it consults three facts of the process, each where
// a person would expect a shell-like tool to — the local time zone (time.Local,
// the default for me.timezone), the home folder (for a leading ~ or $HOME in a
// path) and the working directory (to make a relative config file's paths
// absolute). CEL expressions in rules are kept as text with their position
// here and compiled by package rules.
package config

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Mode says how far a cycle may act.
type Mode string

// The modes of the README's configuration reference.
const (
	ModeReport  Mode = "report"
	ModePropose Mode = "propose"
	ModeInvite  Mode = "invite"
)

// Pos is a position in a config file, 1-based.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Error is one problem in a config file.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Errors is every problem found in a config file, in file order.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Minute is a time of day as minutes since midnight, 0..1440.
type Minute int

func (m Minute) String() string { return fmt.Sprintf("%02d:%02d", int(m)/60, int(m)%60) }

// Span is a half-open range of times of day [From, To).
type Span struct{ From, To Minute }

// Window is a time-of-day range such as "10:00-16:00".
type Window = Span

// WorkingHours holds, for each weekday (indexed by time.Weekday), the spans of
// working time in some zone. A day with no spans is not worked.
type WorkingHours [7][]Span

// DefaultWorkingHours is Mon-Fri 09:00-17:00.
func DefaultWorkingHours() WorkingHours {
	var wh WorkingHours
	for d := time.Monday; d <= time.Friday; d++ {
		wh[d] = []Span{{9 * 60, 17 * 60}}
	}
	return wh
}

// Weekdays is a set of weekdays, bit i for time.Weekday(i).
type Weekdays uint8

// Has reports whether d is in the set.
func (w Weekdays) Has(d time.Weekday) bool { return w&(1<<d) != 0 }

// String lists the days Monday first, as "Tue, Wed, Thu".
func (w Weekdays) String() string {
	var out []string
	for i := range 7 {
		if d := time.Weekday((i + 1) % 7); w.Has(d) {
			out = append(out, d.String()[:3])
		}
	}
	return strings.Join(out, ", ")
}

// Date is a calendar date without a zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d.Year == 0 }

// In returns midnight of the date in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// Cadence is how often a peer 1:1 should happen.
type Cadence struct {
	// Name is "weekly", "biweekly", "monthly", "quarterly", or the duration as written.
	Name  string
	Every time.Duration
}

// Days returns the cadence in whole days: weekly 7, biweekly 14, monthly 30,
// quarterly 91, or the duration rounded to the nearest day.
func (c Cadence) Days() int { return int((c.Every + 12*time.Hour) / (24 * time.Hour)) }

// Named cadences.
var (
	Weekly    = Cadence{"weekly", 7 * 24 * time.Hour}
	Biweekly  = Cadence{"biweekly", 14 * 24 * time.Hour}
	Monthly   = Cadence{"monthly", 30 * 24 * time.Hour}
	Quarterly = Cadence{"quarterly", 91 * 24 * time.Hour}
)

// Config is a whole, validated sideways configuration.
type Config struct {
	// File is the path the config was read from; relative paths in it are
	// resolved against its folder.
	File string

	Me           Me
	Calendars    []Calendar
	Mode         Mode
	Poll         time.Duration
	Lookback     time.Duration
	Horizon      time.Duration
	Snooze       time.Duration
	PeerFreebusy bool
	OneOnOne     OneOnOne
	Meeting      Meeting
	Caps         Caps
	Goals        Goals
	Peers        []Peer
	Rules        []Rule
}

// Me is the user.
type Me struct {
	Name         string
	Emails       []string // lower-cased; the first is primary
	Department   string
	Timezone     string // IANA name as written, or the system zone's name
	Location     *time.Location
	WorkingHours WorkingHours
}

// FirstName is the first word of the name.
func (m Me) FirstName() string { return firstWord(m.Name) }

// Calendar is one calendar sideways reads (and perhaps writes).
type Calendar struct {
	Name     string
	Google   *Google // exactly one of Google and ICS is set
	ICS      string  // https URL (webcal:// already rewritten) or absolute file path
	Writable bool
	// Holidays marks a calendar of days off (public holidays, company
	// shutdowns): every all-day event on it blocks its day, even one marked
	// free, as Google's public-holiday calendars mark theirs.
	Holidays bool
	Pos      Pos
	ICSPos   Pos // the ics value, for problems with the feed itself
}

// Google locates a Google calendar and its credentials.
type Google struct {
	Calendar     string // calendar id, default "primary"
	ClientSecret string // absolute path
	Token        string // absolute path
	Endpoint     string // API base URL; empty for Google's own
	// ClientSecretPos and TokenPos are where each path was set (the google key
	// when it is the default), for problems with the files.
	ClientSecretPos, TokenPos Pos
}

// OneOnOne tunes 1:1 detection.
type OneOnOne struct {
	MaxAttendees int
}

// AgendaItem is one block of the meeting agenda.
type AgendaItem struct {
	Minutes int
	Topic   string
}

// Meeting is how a proposed peer 1:1 looks and where it may go.
type Meeting struct {
	Duration  time.Duration
	Title     string // text/template over {Me, Peer}
	Agenda    []AgendaItem
	Days      Weekdays
	Window    Window
	Buffer    time.Duration
	MinNotice time.Duration
	Location  string // video | in-person | none
	// Series writes a recurring series at the peer's cadence instead of one
	// meeting; it ends within Caps.SeriesMax, when the rules decide again.
	Series bool
}

// Caps bound how much sideways may add.
type Caps struct {
	PeerPerWeek        int
	PeerPerDay         int
	MeetingHoursPerDay float64
	NewPeersAtOnce     int
	OpenSuggestions    int
	WritesPerRun       int
	SeriesMax          time.Duration
}

// Goals are the health targets status warns about.
type Goals struct {
	MinStandingPeers int
}

// Peer is one person on the roster, in importance order.
type Peer struct {
	Name  string
	Email string // lower-cased; the primary address, Emails[0]
	// Emails are every address the peer goes by, lower-cased: the first is
	// where invites go, the others (aliases, a second domain) match history.
	Emails          []string
	Department      string
	Tier            string // forever | right-now
	Interdependence string // high | medium | low
	Timezone        string
	Location        *time.Location
	WorkingHours    WorkingHours
	Since, Until    Date // zero when unset
	Aliases         []string
	Tags            []string
	Notes           string // private: never sent to the peer, never logged
	Questions       []string
	Pos             Pos
}

// FirstName is the first word of the name.
func (p Peer) FirstName() string { return firstWord(p.Name) }

// HasEmail reports whether addr (any case) is one of the peer's addresses.
func (p Peer) HasEmail(addr string) bool {
	for _, e := range p.Emails {
		if strings.EqualFold(e, addr) {
			return true
		}
	}
	return strings.EqualFold(p.Email, addr)
}

func (p Peer) String() string { return p.Name + " <" + p.Email + ">" }

// LogValue keeps private notes and questions out of logs.
func (p Peer) LogValue() slog.Value {
	return slog.GroupValue(slog.String("name", p.Name), slog.String("email", p.Email))
}

// Rule is one entry of the rules list. Each optional setting is nil when the rule
// does not set it.
type Rule struct {
	Name     string
	When     string // CEL source; empty always matches
	WhenPos  Pos
	Cadence  *Cadence
	Skip     *bool
	Priority *int
	Mode     *Mode
	Days     *Weekdays
	Window   *Window
	Duration *time.Duration
	Location *string
	Series   *bool
	Pos      Pos
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}
