package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/sidewayscal/sideways/config"
)

// What a person should never read in sideways' output.
var (
	utcShown     = regexp.MustCompile(`\d\d:\d\d(:\d\d)?Z\b`)
	goDurShown   = regexp.MustCompile(`\b\d+h\d+m\d+(\.\d+)?s\b|\b\d+m\d+(\.\d+)?s\b`)
	badPlural    = regexp.MustCompile(`\(s\)|\b1 (days|weeks|hours|minutes|peers|1:1s|writes|suggestions)\b|\b([02-9]|\d\d+) (day|week|hour|minute|peer 1:1|write)\b[^s-]`)
	keepGoing    = regexp.MustCompile(`(?i)keep (that|them|it) going`)
	lapsed       = regexp.MustCompile(`(?i)been \d+ (days|weeks)|fell through|haven't|longer than`)
	questionLine = regexp.MustCompile(`^\s+- (.*\?)$`)
)

// TestGoldenTextsReadWell reads the golden files of what a manager reads —
// the demo, plan --explain --full, the status table — and fails on a UTC
// time, a Go duration, a "(s)" or wrong plural, a draft that says to keep
// going what has lapsed, or a prep question that repeats an agenda topic.
func TestGoldenTextsReadWell(t *testing.T) {
	agenda := config.DefaultAgenda()
	for _, tc := range []struct{ script, file string }{
		{"demo_golden.txtar", "demo.golden"},
		{"plan_explain.txtar", "plan.golden"},
		{"status_table.txtar", "status.txt"},
		{"status_table.txtar", "events.txt"},
	} {
		a, err := txtar.ParseFile(filepath.Join("testdata", "script", tc.script))
		if err != nil {
			t.Fatal(err)
		}
		var text string
		for _, f := range a.Files {
			if f.Name == tc.file {
				text = string(f.Data)
			}
		}
		if text == "" {
			t.Fatalf("%s has no %s", tc.script, tc.file)
		}
		if tc.file == "events.txt" {
			// Its START and END columns are RFC 3339 by design; only the
			// words are checked.
			text = regexp.MustCompile(`\d{4}-\d\d-\d\dT\S+`).ReplaceAllString(text, "")
		}
		for _, line := range strings.Split(text, "\n") {
			at := tc.script + ":" + tc.file + ": " + strings.TrimSpace(line)
			for _, re := range []*regexp.Regexp{utcShown, goDurShown, badPlural} {
				if m := re.FindString(line); m != "" {
					t.Errorf("%q in %s", m, at)
				}
			}
			if keepGoing.MatchString(line) && lapsed.MatchString(line) {
				t.Errorf("contradicts itself: %s", at)
			}
			if m := questionLine.FindStringSubmatch(line); m != nil {
				for _, it := range agenda {
					if sameQuestion(m[1], it.Topic) {
						t.Errorf("question repeats agenda topic %q: %s", it.Topic, at)
					}
				}
			}
		}
	}
}

// sameQuestion is a rough check that two texts ask the same: they share
// their three longest words. (rules filters questions by a finer measure;
// this only has to catch a repeat that slipped through.)
func sameQuestion(a, b string) bool {
	long := func(s string) []string {
		var out []string
		for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r < 'a' || r > 'z' }) {
			if len(w) >= 5 {
				out = append(out, w)
			}
		}
		return out
	}
	wb := long(b)
	if len(wb) == 0 {
		return false
	}
	shared := 0
	for _, w := range wb {
		if strings.Contains(strings.ToLower(a), w) {
			shared++
		}
	}
	return shared == len(wb)
}
