package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// base is a minimal valid config; error cases append to it, so their lines
// start at 8.
const base = `me:
  name: Alex Rivera
  emails: [alex@acme.test]
calendars:
  - name: work
    google: {}
    writable: true
`

// problems parses src and returns its error lines, failing if it parsed.
func problems(t *testing.T, src string) []string {
	t.Helper()
	cfg, err := Parse("sideways.yaml", []byte(src))
	if err == nil {
		t.Fatalf("Parse succeeded, want errors; got %+v", cfg)
	}
	if cfg != nil {
		t.Errorf("Parse returned a config with errors")
	}
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("Parse error %T, want Errors", err)
	}
	return strings.Split(err.Error(), "\n")
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"unknown key suggested", base + "rules:\n  - name: r\n    cadance: weekly\n",
			[]string{`sideways.yaml:10:5: unknown key "cadance" in rule; did you mean "cadence"?`}},
		{"unknown key listed", base + "goals:\n  standing: 3\n",
			[]string{`sideways.yaml:9:3: unknown key "standing" in goals; want min_standing_peers`}},
		{"unknown top-level key", base + "peer:\n  - name: x\n",
			[]string{`sideways.yaml:8:1: unknown key "peer" in config; did you mean "peers"?`}},
		{"x- keys are ignored", base + "x-base: &b {cadence: weekly}\nrules:\n  - <<: *b\n    name: r\n    cadance: weekly\n",
			[]string{`sideways.yaml:12:5: unknown key "cadance" in rule; did you mean "cadence"?`}},
		{"duplicate key", base + "poll: 5m\npoll: 10m\n",
			[]string{`sideways.yaml:9:1: duplicate key "poll" in config (first at line 8)`}},
		{"wrong kind", base + "meeting:\n  - duration: 30m\n",
			[]string{`sideways.yaml:9:3: meeting: want a mapping of duration, title, agenda, days, window, buffer, min_notice, location, series, got a list`}},
		{"list wanted", base + "peers:\n  name: Dana\n",
			[]string{`sideways.yaml:9:3: peers: want a list, got a mapping`}},
		{"single value wanted", base + "poll: [5m]\n",
			[]string{`sideways.yaml:8:7: poll: want a single value, got a list`}},
		{"yaml syntax", "me:\n  name: a: b\n",
			[]string{`sideways.yaml:2:1: yaml: mapping values are not allowed in this context`}},
		{"two documents", base + "---\nmode: report\n",
			[]string{`sideways.yaml:8:1: a config holds one YAML document; remove this one or the --- before it`}},
		{"empty", "", []string{"sideways.yaml:1:1: empty config: want at least me and calendars; `sideways init` writes a starter"}},
		{"not a mapping", "- a\n", []string{`sideways.yaml:1:1: config: want a mapping of me, calendars, mode, poll, lookback, horizon, snooze, peer_freebusy, one_on_one, meeting, caps, goals, peers, rules, got a list`}},
		{"me required", "mode: report\n", []string{`sideways.yaml:1:1: config needs me (name and emails)`}},
		{"me name and emails required", "me:\n  department: x\nmode: report\n", []string{
			`sideways.yaml:2:3: me needs a name`,
			`sideways.yaml:2:3: me needs at least one email`,
		}},
		{"bad time zone", "me:\n  name: Alex\n  timezone: Mars/Olympus\n  emails: [alex@acme.test]\nmode: report\n",
			[]string{`sideways.yaml:3:13: unknown time zone "Mars/Olympus": use an IANA name such as America/New_York or Europe/London; see the list at https://en.wikipedia.org/wiki/List_of_tz_database_time_zones`}},
		{"bad email", "me:\n  name: Alex\n  emails: [alex.acme.test, \"Alex <alex@acme.test>\"]\nmode: report\n", []string{
			`sideways.yaml:3:12: bad email "alex.acme.test": want an address such as dana@acme.test`,
			`sideways.yaml:3:28: email "Alex <alex@acme.test>" must be a bare address such as alex@acme.test`,
		}},
		{"inverted working hours", "me:\n  name: Alex\n  emails: [alex@acme.test]\n  working_hours: [\"Mon-Fri 09:00-12:00\", \"Mon-Fri 17:00-13:00\"]\nmode: report\n",
			[]string{`sideways.yaml:4:42: working hours 17:00-13:00 end before they start`}},
		{"bad cadence", base + "rules:\n  - name: r\n    cadence: fortnightly\n",
			[]string{`sideways.yaml:10:14: unknown cadence "fortnightly": want weekly, biweekly, monthly, quarterly or a duration such as 10d`}},
		{"bad duration", base + "horizon: 3 weeks\n",
			[]string{`sideways.yaml:8:10: bad duration "3 weeks": want a number and a unit such as 30m, 36h, 14d or 2w`}},
		{"negative duration", base + "meeting:\n  buffer: -5m\n  duration: 0m\n", []string{
			`sideways.yaml:9:11: meeting.buffer must not be negative, got -5m`,
			`sideways.yaml:10:13: meeting.duration must be positive, got 0m`,
		}},
		{"bad day", base + "meeting:\n  days: [Tue, Wensday]\n",
			[]string{`sideways.yaml:9:15: unknown day "Wensday": want Mon, Tue, Wed, Thu, Fri, Sat or Sun`}},
		{"bad window", base + "rules:\n  - name: r\n    window: 16:00-10:00\n",
			[]string{`sideways.yaml:10:13: window 16:00-10:00 ends before it starts`}},
		{"bad mode", base + "mode: auto\n",
			[]string{`sideways.yaml:8:7: unknown mode "auto": want report, propose or invite`}},
		{"bad location", base + "meeting:\n  location: zoom\n",
			[]string{`sideways.yaml:9:13: unknown location "zoom": want video, in-person or none`}},
		{"bad title", base + "meeting:\n  title: \"{{.Peer.Nmae}}\"\n",
			[]string{`sideways.yaml:9:10: bad title template "{{.Peer.Nmae}}": title:1:7: executing "title" at <.Peer.Nmae>: can't evaluate field Nmae in type config.Peer`}},
		{"agenda too long", base + "meeting:\n  duration: 25m\n  agenda:\n    - {minutes: 10, topic: a}\n    - {minutes: 20, topic: b}\n",
			[]string{`sideways.yaml:10:3: agenda takes 30 minutes, longer than the 25m meeting`}},
		{"agenda item", base + "meeting:\n  agenda:\n    - {minutes: 0, topic: a}\n    - {topic: b}\n", []string{
			`sideways.yaml:10:17: agenda minutes must be positive, got 0`,
			`sideways.yaml:11:7: agenda item needs minutes`,
		}},
		{"negative caps", base + "caps:\n  writes_per_run: -1\n  meeting_hours_per_day: -0.5\n", []string{
			`sideways.yaml:9:19: caps.writes_per_run must not be negative, got -1`,
			`sideways.yaml:10:26: caps.meeting_hours_per_day must not be negative, got -0.5`,
		}},
		{"not a number", base + "caps:\n  open_suggestions: many\ngoals:\n  min_standing_peers: -2\n", []string{
			`sideways.yaml:9:21: caps.open_suggestions: want a whole number, got "many"`,
			`sideways.yaml:11:23: goals.min_standing_peers must not be negative, got -2`,
		}},
		{"max attendees", base + "one_on_one:\n  max_attendees: 1\n",
			[]string{`sideways.yaml:9:18: one_on_one.max_attendees must be at least 2, got 1`}},
		{"bad bool", base + "peer_freebusy: yes\n",
			[]string{`sideways.yaml:8:16: peer_freebusy: want true or false, got "yes"`}},
		{"bad tier and interdependence", base + "peers:\n  - name: Dana\n    email: dana@acme.test\n    tier: sometimes\n    interdependence: huge\n", []string{
			`sideways.yaml:11:11: unknown tier "sometimes": want forever or right-now`,
			`sideways.yaml:12:22: unknown interdependence "huge": want high, medium or low`,
		}},
		{"right-now needs until", base + "peers:\n  - name: Dana\n    email: dana@acme.test\n    tier: right-now\n",
			[]string{`sideways.yaml:11:11: right-now peer needs until: the date to stop nudging`}},
		{"until before since", base + "peers:\n  - name: Dana\n    email: dana@acme.test\n    since: 2027-01-01\n    until: 2026-12-31\n",
			[]string{`sideways.yaml:12:12: until 2026-12-31 is before since 2027-01-01`}},
		{"bad date", base + "peers:\n  - name: Dana\n    email: dana@acme.test\n    until: 2027-02-30\n",
			[]string{`sideways.yaml:11:12: bad date "2027-02-30": want YYYY-MM-DD such as 2027-03-31`}},
		{"duplicate peer", base + "peers:\n  - name: Dana\n    email: dana@acme.test\n  - name: Dana W\n    email: Dana@Acme.test\n",
			[]string{`sideways.yaml:12:12: duplicate peer "dana@acme.test" (first at line 10)`}},
		{"peer emails repeat across peers and me", base + "peers:\n  - name: Dana\n    emails: [dana@acme.test, dana@acme.io]\n  - name: Eli\n    emails: [eli@acme.test, DANA@acme.io, alex@acme.test, eli@acme.test]\n", []string{
			`sideways.yaml:12:29: duplicate peer "dana@acme.io" (first at line 10)`,
			`sideways.yaml:12:43: peer email "alex@acme.test" is one of me.emails`,
			`sideways.yaml:12:59: duplicate email "eli@acme.test" in this peer's emails`,
		}},
		{"peer email and emails", base + "peers:\n  - name: Dana\n    email: dana@acme.test\n    emails: [dana@acme.io]\n",
			[]string{`sideways.yaml:11:5: peer "Dana" has both email and emails; want one (emails lists every address, the first is where invites go)`}},
		{"peer emails empty", base + "peers:\n  - name: Dana\n    emails: []\n",
			[]string{`sideways.yaml:10:13: peer "Dana" needs at least one email`}},
		{"holidays not a bool", "me:\n  name: A\n  emails: [a@acme.test]\nmode: report\ncalendars:\n  - name: h\n    ics: h.ics\n    holidays: sometimes\n",
			[]string{`sideways.yaml:8:15: holidays: want true or false, got "sometimes"`}},
		{"peer is me", base + "peers:\n  - name: Me\n    email: ALEX@acme.test\n",
			[]string{`sideways.yaml:10:12: peer email "ALEX@acme.test" is one of me.emails`}},
		{"peer needs name and email", base + "peers:\n  - tags: [x]\n", []string{
			`sideways.yaml:9:5: peer needs a name`,
			`sideways.yaml:9:5: peer "" needs an email`,
		}},
		{"peer time zone", base + "peers:\n  - name: Dana\n    email: dana@acme.test\n    timezone: Europe/Londn\n",
			[]string{`sideways.yaml:11:15: unknown time zone "Europe/Londn": use an IANA name such as America/New_York or Europe/London; see the list at https://en.wikipedia.org/wiki/List_of_tz_database_time_zones`}},
		{"duplicate rule", base + "rules:\n  - name: r\n  - name: r\n",
			[]string{`sideways.yaml:10:11: duplicate rule "r" (first at line 9)`}},
		{"rule needs a name", base + "rules:\n  - when: \"true\"\n",
			[]string{`sideways.yaml:9:5: rule needs a name`}},
		{"calendar needs a source", "me:\n  name: A\n  emails: [a@acme.test]\nmode: report\ncalendars:\n  - name: c\n",
			[]string{`sideways.yaml:6:5: calendar "c" needs google or ics`}},
		{"calendar both sources", "me:\n  name: A\n  emails: [a@acme.test]\nmode: report\ncalendars:\n  - name: c\n    google: {}\n    ics: a.ics\n",
			[]string{`sideways.yaml:8:5: calendar "c" has both google and ics; want one`}},
		{"duplicate calendar", base + "  - name: work\n    ics: a.ics\n",
			[]string{`sideways.yaml:8:11: duplicate calendar "work" (first at line 5)`}},
		{"ics not writable", "me:\n  name: A\n  emails: [a@acme.test]\nmode: report\ncalendars:\n  - name: c\n    ics: https://acme.test/c.ics\n    writable: true\n",
			[]string{`sideways.yaml:8:15: ics calendar "c" cannot be writable: sideways writes only to google calendars`}},
		{"ics scheme", "me:\n  name: A\n  emails: [a@acme.test]\nmode: report\ncalendars:\n  - name: c\n    ics: ftp://acme.test/c.ics\n",
			[]string{`sideways.yaml:7:10: unsupported ics URL "ftp://acme.test/c.ics": want https://, http://, webcal:// or a file path`}},
		{"propose without writable", "me:\n  name: A\n  emails: [a@acme.test]\ncalendars:\n  - name: c\n    ics: c.ics\nmode: propose\n",
			[]string{`sideways.yaml:7:1: mode propose needs exactly one writable calendar, found none: mark one with writable: true, or use mode: report`}},
		{"default mode without writable", "me:\n  name: A\n  emails: [a@acme.test]\ncalendars:\n  - name: c\n    ics: c.ics\n",
			[]string{`sideways.yaml:4:1: mode propose (the default) needs exactly one writable calendar, found none: mark one with writable: true, or use mode: report`}},
		{"rule mode without writable", "me:\n  name: A\n  emails: [a@acme.test]\nmode: report\nrules:\n  - name: r\n    mode: invite\n",
			[]string{`sideways.yaml:7:11: mode invite needs exactly one writable calendar, found none: mark one with writable: true`}},
		{"two writable", base + "  - name: home\n    google: {calendar: home@acme.test}\n    writable: true\nmode: invite\n",
			[]string{`sideways.yaml:10:15: calendar "home" is writable but "work" already is: only one calendar may be writable`}},
		{"anchor problems once", base + "x-p: &p {name: P, email: p@acme.test, tier: sometimes}\npeers:\n  - *p\n",
			[]string{`sideways.yaml:8:45: unknown tier "sometimes": want forever or right-now`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problems(t, tt.src)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	src, err := os.ReadFile("testdata/many.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got := problems(t, string(src))
	want := []string{
		`sideways.yaml:3:13: unknown time zone "Mars/Olympus": use an IANA name such as America/New_York or Europe/London; see the list at https://en.wikipedia.org/wiki/List_of_tz_database_time_zones`,
		`sideways.yaml:4:12: bad email "alex.acme.test": want an address such as dana@acme.test`,
		`sideways.yaml:5:18: working hours 17:00-09:00 end before they start`,
		`sideways.yaml:7:5: calendar "work" needs google or ics`,
		`sideways.yaml:9:7: unknown mode "auto": want report, propose or invite`,
		`sideways.yaml:10:7: bad duration "15x": want a number and a unit such as 30m, 36h, 14d or 2w`,
		`sideways.yaml:12:3: unknown key "seris_max" in caps; did you mean "series_max"?`,
		`sideways.yaml:13:19: caps.writes_per_run must not be negative, got -1`,
		`sideways.yaml:15:15: unknown day "Wensday": want Mon, Tue, Wed, Thu, Fri, Sat or Sun`,
		`sideways.yaml:19:11: unknown tier "sometimes": want forever or right-now`,
		`sideways.yaml:21:12: duplicate peer "dana@acme.test" (first at line 18)`,
		`sideways.yaml:24:5: unknown key "cadance" in rule; did you mean "cadence"?`,
		`sideways.yaml:26:14: unknown cadence "fortnightly": want weekly, biweekly, monthly, quarterly or a duration such as 10d`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors mismatch (-want +got):\n%s", diff)
	}
}

func TestStarter(t *testing.T) {
	cfg, err := Parse("sideways.yaml", []byte(Starter))
	if err != nil {
		t.Fatalf("Parse(Starter):\n%v", err)
	}
	if cfg.Mode != ModeReport || len(cfg.Calendars) != 1 || cfg.Calendars[0].ICS == "" {
		t.Errorf("starter mode %s with calendars %+v, want report from one ICS calendar (it needs no Google sign-in)", cfg.Mode, cfg.Calendars)
	}
	if len(cfg.Peers) == 0 || len(cfg.Rules) == 0 {
		t.Errorf("starter has %d peers and %d rules, want some of each", len(cfg.Peers), len(cfg.Rules))
	}
}

func TestParseDefaults(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "sideways.yaml")
	src := `me:
  name: Alex Rivera
  emails: [Alex@ACME.test]
calendars:
  - name: work
    google:
    writable: true
peers:
  - name: Dana Whitfield
    email: Dana@acme.test
rules:
  - name: everyone
    cadence: monthly
`
	got, err := Parse(file, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	monthly := Monthly
	want := &Config{
		File: file,
		Me: Me{
			Name:         "Alex Rivera",
			Emails:       []string{"alex@acme.test"},
			Timezone:     time.Local.String(),
			Location:     time.Local,
			WorkingHours: DefaultWorkingHours(),
		},
		Calendars: []Calendar{{
			Name: "work",
			Google: &Google{
				Calendar:     "primary",
				ClientSecret: filepath.Join(dir, "client_secret.json"),
				Token:        filepath.Join(dir, "token.json"),
				// Default paths are reported at the google key.
				ClientSecretPos: Pos{file, 6, 5},
				TokenPos:        Pos{file, 6, 5},
			},
			Writable: true,
			Pos:      Pos{file, 5, 5},
		}},
		Mode:     ModePropose,
		Poll:     15 * time.Minute,
		Lookback: 365 * Day,
		Horizon:  21 * Day,
		Snooze:   14 * Day,
		OneOnOne: OneOnOne{MaxAttendees: 2},
		Meeting: Meeting{
			Duration:  30 * time.Minute,
			Title:     "Peer 1:1 · {{.Me.FirstName}} / {{.Peer.FirstName}}",
			Agenda:    DefaultAgenda(),
			Days:      days(time.Tuesday, time.Wednesday, time.Thursday),
			Window:    Window{600, 960},
			Buffer:    10 * time.Minute,
			MinNotice: 24 * time.Hour,
			Location:  "video",
		},
		Caps: Caps{
			PeerPerWeek:        3,
			PeerPerDay:         1,
			MeetingHoursPerDay: 5,
			NewPeersAtOnce:     1,
			OpenSuggestions:    3,
			WritesPerRun:       10,
			SeriesMax:          90 * Day,
		},
		Goals: Goals{MinStandingPeers: 3},
		Peers: []Peer{{
			Name:            "Dana Whitfield",
			Email:           "dana@acme.test",
			Emails:          []string{"dana@acme.test"},
			Tier:            "forever",
			Interdependence: "medium",
			Timezone:        time.Local.String(),
			Location:        time.Local,
			WorkingHours:    DefaultWorkingHours(),
			Aliases:         []string{"Dana Whitfield"},
			Pos:             Pos{file, 9, 5},
		}},
		Rules: []Rule{{Name: "everyone", Cadence: &monthly, Pos: Pos{file, 12, 5}}},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b *time.Location) bool { return a.String() == b.String() })); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
}

func TestParseFull(t *testing.T) {
	got, err := Parse("testdata/full.yaml", mustRead(t, "testdata/full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := filepath.Abs("testdata")
	if got.Calendars[1].ICS != "https://intranet.acme.test/offsites.ics" {
		t.Errorf("webcal calendar = %q, want it rewritten to https", got.Calendars[1].ICS)
	}
	if want := filepath.Join(dir, "holidays.ics"); got.Calendars[2].ICS != want {
		t.Errorf("file calendar = %q, want %q", got.Calendars[2].ICS, want)
	}
	if want := filepath.Join(dir, "secrets", "client.json"); got.Calendars[0].Google.ClientSecret != want {
		t.Errorf("client_secret = %q, want %q", got.Calendars[0].Google.ClientSecret, want)
	}
	if got.Me.Timezone != "America/New_York" || got.Me.Location.String() != "America/New_York" {
		t.Errorf("me zone = %q", got.Me.Timezone)
	}
	dana := got.Peers[0]
	if dana.Timezone != "Europe/London" || dana.Until != (Date{2027, time.March, 31}) || dana.Aliases[0] != "Dana W" {
		t.Errorf("dana = %+v", dana)
	}
	if want := (WorkingHours{1: {{510, 720}, {780, 1050}}, 2: {{510, 720}, {780, 1050}}, 3: {{510, 720}, {780, 1050}}, 4: {{510, 720}, {780, 1050}}, 5: {{510, 720}, {780, 1050}}}); !cmp.Equal(dana.WorkingHours, want) {
		t.Errorf("dana's hours = %v, want %v", dana.WorkingHours, want)
	}
	sam := got.Peers[1]
	if sam.Timezone != "America/New_York" || sam.Tier != "right-now" {
		t.Errorf("sam = %+v, want me's zone and right-now", sam)
	}
	r := got.Rules[1]
	if r.When != `peer.interdependence == "high"` || r.WhenPos != (Pos{"testdata/full.yaml", 81, 11}) {
		t.Errorf("rule when %q at %v", r.When, r.WhenPos)
	}
	last := got.Rules[len(got.Rules)-1]
	if last.Cadence == nil || last.Cadence.Every != 10*Day || *last.Priority != 2 || *last.Mode != ModeReport ||
		*last.Days != days(time.Monday, time.Friday) || *last.Window != (Window{540, 720}) ||
		*last.Duration != 45*time.Minute || *last.Location != "in-person" || *last.Skip {
		t.Errorf("last rule = %+v", last)
	}
	if got.Caps.MeetingHoursPerDay != 4.5 {
		t.Errorf("meeting_hours_per_day = %v, want 4.5", got.Caps.MeetingHoursPerDay)
	}
}

func TestLoad(t *testing.T) {
	if _, err := Load("testdata/full.yaml"); err != nil {
		t.Errorf("Load: %v", err)
	}
	_, err := Load("testdata/missing.yaml")
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file: %v, want ErrNotExist", err)
	}
}

func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString(base + "x-a: &a [\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\"]\n")
	prev := "a"
	for i := range 8 {
		name := string(rune('b' + i))
		b.WriteString("x-" + name + ": &" + name + " [")
		for j := range 8 {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
		prev = name
	}
	b.WriteString("peers:\n  - {name: P, email: p@acme.test, questions: *i}\n")
	// Must finish quickly; whether it errors is secondary.
	Parse("sideways.yaml", []byte(b.String()))
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(Starter))
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(base + "x: &x {a: *x}\n"))
	f.Add([]byte("me: &m {name: a, emails: [a@b.c], <<: *m}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Go's fuzzer does not notice a hang by itself: an input that parses
		// for over 5 seconds crashes the worker, which records it.
		hang := time.AfterFunc(5*time.Second, func() { panic("hang: Parse of one input took over 5s") })
		defer hang.Stop()
		cfg, err := Parse("sideways.yaml", data)
		if (cfg == nil) == (err == nil) {
			t.Fatalf("Parse = %v, %v: want exactly one of config and error", cfg, err)
		}
		if err != nil {
			for line := range strings.SplitSeq(err.Error(), "\n") {
				if !strings.HasPrefix(line, "sideways.yaml:") {
					t.Fatalf("error line %q lacks the file position", line)
				}
			}
		}
	})
}
