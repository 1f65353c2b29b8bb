package calendar_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sidewayscal/sideways/calendar"
)

func TestEventID(t *testing.T) {
	a := calendar.EventID("work", "dana@acme.test", "2026-W48")
	if a != calendar.EventID("work", "dana@acme.test", "2026-W48") {
		t.Fatal("EventID is not deterministic")
	}
	if !calendar.ValidEventID(a) || len(a) != calendar.EventIDLen {
		t.Errorf("EventID = %q: invalid or len %d, want len %d", a, len(a), calendar.EventIDLen)
	}
	seen := map[string]string{}
	for _, in := range [][3]string{
		{"work", "dana@acme.test", "2026-W48"},
		{"work", "dana@acme.test", "2026-W49"},
		{"work", "erin@acme.test", "2026-W48"},
		{"home", "dana@acme.test", "2026-W48"},
		{"wor", "kdana@acme.test", "2026-W48"},
		{"work", "dana@acme.test2026", "-W48"},
		{"", "", ""},
	} {
		id := calendar.EventID(in[0], in[1], in[2])
		if !calendar.ValidEventID(id) {
			t.Errorf("EventID%q = %q: not a valid id", in, id)
		}
		key := fmt.Sprint(in)
		if prev, ok := seen[id]; ok {
			t.Errorf("EventID%s = EventID%s = %q", key, prev, id)
		}
		seen[id] = key
	}
}

func FuzzEventID(f *testing.F) {
	f.Add("work", "dana@acme.test", "2026-W48")
	f.Fuzz(func(t *testing.T, cal, peer, period string) {
		id := calendar.EventID(cal, peer, period)
		if !calendar.ValidEventID(id) || len(id) != calendar.EventIDLen {
			t.Fatalf("EventID = %q", id)
		}
	})
}

func TestValidEventID(t *testing.T) {
	for id, want := range map[string]bool{
		"abcde":                   true,
		"abcd":                    false,
		"0123456789abcdefghijuv":  true,
		"abcdw":                   false,
		"ABCDE":                   false,
		"abc-de":                  false,
		"abc_de":                  false,
		strings.Repeat("a", 1024): true,
		strings.Repeat("a", 1025): false,
	} {
		if got := calendar.ValidEventID(id); got != want {
			t.Errorf("ValidEventID(%.20q) = %v, want %v", id, got, want)
		}
	}
}

func TestDraftValidate(t *testing.T) {
	start := time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)
	ok := calendar.Draft{ID: calendar.EventID("w", "p", "x"), Start: start, End: start.Add(30 * time.Minute),
		Tag: calendar.TagSuggestion, TagPeer: "dana@acme.test"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	for name, mut := range map[string]func(*calendar.Draft){
		"bad id":  func(d *calendar.Draft) { d.ID = "UPPER" },
		"empty":   func(d *calendar.Draft) { d.End = d.Start },
		"bad tag": func(d *calendar.Draft) { d.Tag = "mine" },
		"no peer": func(d *calendar.Draft) { d.TagPeer = "" },
	} {
		d := ok
		mut(&d)
		if err := d.Validate(); err == nil {
			t.Errorf("%s: Validate() = nil, want an error", name)
		}
	}
}

func TestDraftLogValueRedacts(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	d := calendar.Draft{ID: "abcde", Description: "PRIVATE cycles to work", Tag: calendar.TagSuggestion, TagPeer: "dana@acme.test"}
	log.Info("write", "draft", d)
	if strings.Contains(buf.String(), "PRIVATE") {
		t.Errorf("log line holds the description: %s", buf.String())
	}
	if !strings.Contains(buf.String(), "abcde") {
		t.Errorf("log line lacks the id: %s", buf.String())
	}
}
