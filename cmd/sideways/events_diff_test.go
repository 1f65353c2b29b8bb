package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
)

// The differential test: for every calendar in the shared ICS corpus and in
// testdata/ics, `sideways events --ics FILE --from A --to B --json --tz UTC`
// must list the same occurrences (uid, recurrence id, start, end, status) as
// Python's recurring_ical_events over the same window (testdata/reference.py),
// unless the difference is a deviation in the table below, with its reason.
// Our own cases the reference cannot process (its README says which) are
// compared with hand-checked expectations in FILE.want.json instead.

// python is the interpreter with the reference packages; another python3 on
// PATH may lack them.
const python = "/usr/bin/python3"

const referenceHint = "install python3-recurring-ical-events python3-icalendar python3-x-wr-timezone (apt) and put ../shared beside the repo"

// occ is one occurrence, normalized the way reference.py normalizes it.
type occ struct {
	UID          string  `json:"uid"`
	RecurrenceID *string `json:"recurrence_id"`
	Start        string  `json:"start"`
	End          string  `json:"end"`
	Status       string  `json:"status"`
}

func sortOccs(list []occ) {
	slices.SortStableFunc(list, func(a, b occ) int {
		return cmp.Or(strings.Compare(a.Start, b.Start), strings.Compare(a.UID, b.UID),
			strings.Compare(deref(a.RecurrenceID), deref(b.RecurrenceID)))
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// deviation is a documented difference from the reference for one file: fix
// turns the reference's occurrences into what sideways lists, and reason says
// why sideways is right (README "ICS feeds" restates each).
type deviation struct {
	reason string
	fix    func([]occ) []occ
}

// oneDayAllDay lengthens the reference's zero-length all-day occurrences to one
// day.
func oneDayAllDay(list []occ) []occ {
	for i, o := range list {
		if len(o.Start) == len("2006-01-02") && o.Start == o.End {
			d, _ := time.Parse(time.DateOnly, o.Start)
			list[i].End = d.AddDate(0, 0, 1).Format(time.DateOnly)
		}
	}
	return list
}

const allDayReason = "an all-day event with no DTEND, or DTEND equal to DTSTART, lasts one day " +
	"(RFC 5545 §3.6.1: \"the event's duration is taken to be one day\"); the reference gives it zero length"

// ridAsDate writes the recurrence id of all-day occurrences as the date the
// reference's date-time falls on in loc.
func ridAsDate(loc string) func([]occ) []occ {
	return func(list []occ) []occ {
		l, err := time.LoadLocation(loc)
		if err != nil {
			panic(err)
		}
		for i, o := range list {
			if len(o.Start) != len(time.DateOnly) || o.RecurrenceID == nil {
				continue
			}
			if t, err := time.Parse(time.RFC3339, *o.RecurrenceID); err == nil {
				d := t.In(l).Format(time.DateOnly)
				list[i].RecurrenceID = &d
			}
		}
		return list
	}
}

const ridReason = "an override's RECURRENCE-ID names an instance of its series, so it takes the series' value type " +
	"(RFC 5545 §3.8.4.4: it \"MUST have the same value type as the DTSTART\" of the series): a DATE-TIME " +
	"RECURRENCE-ID in an all-day series names the date it falls on in its own zone, and events --json writes " +
	"the recurrence id of an all-day occurrence as a date, like every all-day value; the reference prints the value as written"

// replace swaps the reference's occurrence of uid starting at start for want.
func replace(uid, start string, want occ) func([]occ) []occ {
	return func(list []occ) []occ {
		for i, o := range list {
			if o.UID == uid && o.Start == start {
				list[i] = want
			}
		}
		return list
	}
}

// add appends occurrences the reference leaves out.
func add(extra ...occ) func([]occ) []occ {
	return func(list []occ) []occ { return append(list, extra...) }
}

func ptr(s string) *string { return &s }

const foldReason = "a local time the zone shows twice (01:30 on the day New York's clocks go back) is its first " +
	"occurrence, 01:30 EDT (RFC 5545 §3.3.5: \"the DATE-TIME value refers to the first occurrence of the referenced time\"); " +
	"the reference takes the second, 01:30 EST"

const untilReason = "UNTIL is inclusive: an instance that falls exactly on it is the last one (RFC 5545 §3.3.10: " +
	"\"If the value specified by UNTIL is synchronized with the specified recurrence, this DATE or DATE-TIME becomes " +
	"the last instance of the recurrence\"); the reference drops it when the series has a TZID and UNTIL is in UTC " +
	"(it does so for an IANA TZID too)"

// firstOnly keeps only the first occurrence of each series uid, as a single
// event (no recurrence id): the series' rule is not used.
func firstOnly(uids ...string) func([]occ) []occ {
	return func(list []occ) []occ {
		sortOccs(list)
		seen := map[string]bool{}
		out := list[:0]
		for _, o := range list {
			if slices.Contains(uids, o.UID) {
				if seen[o.UID] {
					continue
				}
				seen[o.UID] = true
				o.RecurrenceID = nil
			}
			out = append(out, o)
		}
		return out
	}
}

// then applies fixes in turn.
func then(fixes ...func([]occ) []occ) func([]occ) []occ {
	return func(list []occ) []occ {
		for _, f := range fixes {
			list = f(list)
		}
		return list
	}
}

const minutelyReason = "MINUTELY and SECONDLY rules are not expanded (no meeting repeats by the minute, and such a rule " +
	"could list thousands of instances a day): the event keeps its first instance, DTSTART (RFC 5545 §3.8.5.3), listed as a single event, " +
	"with a warning; the reference expands them"

const allDayDurationReason = "an all-day event lasts whole days, at least one: a time DURATION (PT0S, PT5H) on a DATE " +
	"DTSTART is that day, and part of a day more is a day more (RFC 5545 §3.8.2.5: with a DATE DTSTART, DURATION \"MUST be " +
	"specified as a dur-day or dur-week value\"; §3.6.1: a date with no duration lasts one day); the reference adds the " +
	"duration to the date, which drops the hours"

var deviations = map[string]deviation{
	"own/dst_overrides.ics": {foldReason, replace("fold", "2026-11-01T06:30:00Z",
		occ{UID: "fold", RecurrenceID: ptr("2026-11-01T05:30:00Z"), Start: "2026-11-01T05:30:00Z", End: "2026-11-01T06:00:00Z", Status: "confirmed"})},
	"own/outlook_windows_zone.ics": {untilReason, add(occ{UID: "040000008200E00074C5B7101A82E0080000000010000000000000000000000000000001",
		RecurrenceID: ptr("2026-04-27T08:00:00Z"), Start: "2026-04-27T08:00:00Z", End: "2026-04-27T08:30:00Z", Status: "confirmed"})},
	"own/every_freq.ics":        {allDayReason, oneDayAllDay},
	"own/minutely_secondly.ics": {minutelyReason, firstOnly("minutely", "secondly")},
	"own/allday_time_duration.ics": {allDayDurationReason, then(oneDayAllDay, replace("p1dt12h", "2026-05-18",
		occ{UID: "p1dt12h", Start: "2026-05-18", End: "2026-05-20", Status: "confirmed"}))},
	"ical.js/only_dtstart_date.ics":                               {allDayReason, oneDayAllDay},
	"recurring-ical-events/issue_179_example.ics":                 {allDayReason, oneDayAllDay},
	"recurring-ical-events/Germany_Holidays.ics":                  {allDayReason, oneDayAllDay},
	"recurring-ical-events/issue_28_rrule_with_UTC_endinginZ.ics": {ridReason, ridAsDate("Europe/London")}, // TZID=GMT Standard Time
	"recurring-ical-events/issue_36_recurrence_ID_format.ics":     {ridReason, ridAsDate("UTC")},
	"recurring-ical-events/recurring_events_changed_duration.ics": {ridReason, ridAsDate("Europe/Berlin")},
}

type manifestEntry struct {
	File string `json:"file"`
	From string `json:"from"`
	To   string `json:"to"`
	// Reference is false for our own cases the reference cannot process; they
	// are compared with FILE.want.json (hand-checked).
	Reference *bool  `json:"reference,omitempty"`
	Notes     string `json:"notes"`
}

func readManifest(t *testing.T, path string) []manifestEntry {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m []manifestEntry
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func TestEventsMatchReference(t *testing.T) {
	corpus := filepath.Join("..", "..", "..", "shared", "testdata", "ics")
	if _, err := os.Stat(filepath.Join(corpus, "manifest.json")); err != nil {
		t.Skipf("ICS corpus not found at %s: %s", corpus, referenceHint)
	}
	if out, err := exec.Command(python, "-c", "import recurring_ical_events, icalendar, x_wr_timezone").CombinedOutput(); err != nil {
		t.Skipf("%s cannot import the reference (%v: %s): %s", python, err, bytes.TrimSpace(out), referenceHint)
	}
	reference, err := filepath.Abs(filepath.Join("testdata", "reference.py"))
	if err != nil {
		t.Fatal(err)
	}

	type testCase struct {
		name, path string
		e          manifestEntry
	}
	var cases []testCase
	for _, e := range readManifest(t, filepath.Join(corpus, "manifest.json")) {
		cases = append(cases, testCase{e.File, filepath.Join(corpus, filepath.FromSlash(e.File)), e})
	}
	own := filepath.Join("testdata", "ics")
	for _, e := range readManifest(t, filepath.Join(own, "manifest.json")) {
		cases = append(cases, testCase{"own/" + e.File, filepath.Join(own, e.File), e})
	}
	used := map[string]bool{}
	for _, c := range cases {
		if _, ok := deviations[c.name]; ok {
			used[c.name] = true
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := sidewaysEvents(t, c.path, c.e.From, c.e.To)
			var want []occ
			if c.e.Reference != nil && !*c.e.Reference {
				want = readWant(t, strings.TrimSuffix(c.path, ".ics")+".want.json")
			} else {
				want = referenceEvents(t, reference, c.path, c.e.From, c.e.To)
				if d, ok := deviations[c.name]; ok {
					want = d.fix(want)
					t.Logf("documented deviation: %s", d.reason)
				}
			}
			sortOccs(want)
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Errorf("sideways events differs from the expected occurrences in [%s, %s) (-want +got):\n%s", c.e.From, c.e.To, diff)
			}
		})
	}
	for name := range deviations {
		if !used[name] {
			t.Errorf("deviation for %s names no test case", name)
		}
	}
}

// sidewaysEvents runs `sideways events --ics FILE --from A --to B --json --tz UTC`
// in-process and normalizes its output.
func sidewaysEvents(t *testing.T, path, from, to string) []occ {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args := []string{"events", "--ics", path, "--from", from, "--to", to, "--json", "--tz", "UTC"}
	if code := execute(t.Context(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("sideways %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
	}
	var evs []eventJSON
	if err := json.Unmarshal(stdout.Bytes(), &evs); err != nil {
		t.Fatalf("sideways events output: %v\n%s", err, stdout.String())
	}
	out := make([]occ, 0, len(evs))
	for _, e := range evs {
		out = append(out, occ{UID: e.UID, RecurrenceID: e.RecurrenceID, Start: e.Start, End: e.End, Status: e.Status})
	}
	sortOccs(out)
	return out
}

func referenceEvents(t *testing.T, script, path, from, to string) []occ {
	t.Helper()
	cmd := exec.Command(python, script, path, from, to)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("reference on %s: %v\n%s", path, err, stderr.String())
	}
	var out []occ
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("reference output: %v\n%s", err, b)
	}
	return out
}

func readWant(t *testing.T, path string) []occ {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []occ
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}
