package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"
)

// TestEventsImpliedOrganizer (issue 12, class 8): an organizer the feed does
// not list among the attendees is added for 1:1 detection, and events --json
// marks that attendee "implied": true; attendees the feed lists are not marked.
func TestEventsImpliedOrganizer(t *testing.T) {
	var stdout, stderr bytes.Buffer
	args := []string{"events", "--ics", filepath.Join("testdata", "ics", "organizer_implied.ics"),
		"--from", "2026-03-01T00:00:00Z", "--to", "2026-04-01T00:00:00Z", "--json", "--tz", "UTC"}
	if code := execute(t.Context(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	var evs []struct {
		UID       string            `json:"uid"`
		Attendees []json.RawMessage `json:"attendees"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &evs); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, e := range evs {
		for _, a := range e.Attendees {
			var compact bytes.Buffer
			if err := json.Compact(&compact, a); err != nil {
				t.Fatal(err)
			}
			got[e.UID] = append(got[e.UID], compact.String())
		}
	}
	want := map[string][]string{
		"apple-1on1": {
			`{"email":"lee@example.com","name":"Lee Peer","partstat":"accepted"}`,
			`{"email":"dana@example.com","name":"Dana Lead","partstat":"accepted","implied":true}`,
		},
		"listed": {
			`{"email":"dana@example.com","name":"Dana Lead","partstat":"accepted"}`,
			`{"email":"lee@example.com","name":"Lee Peer","partstat":"tentative"}`,
		},
	}
	for uid, w := range want {
		if len(got[uid]) != len(w) {
			t.Errorf("%s: attendees %v, want %v", uid, got[uid], w)
			continue
		}
		for i := range w {
			if got[uid][i] != w[i] {
				t.Errorf("%s: attendee %d is %s, want %s", uid, i, got[uid][i], w[i])
			}
		}
	}
}
