package state_test

import (
	"testing"

	"github.com/sidewayscal/sideways/daemon/state"
)

// Deleting a series deletes its exceptions: Google sends only the master's
// cancellation, and the exceptions would otherwise stay until a full resync.
func TestDeletingASeriesDeletesItsExceptions(t *testing.T) {
	db, _ := openDB(t)
	ctx := t.Context()
	put := map[string][]byte{
		"series1":                  []byte(`{"id":"series1","recurrence":["RRULE:FREQ=DAILY"]}`),
		"series1_20250101T100000Z": []byte(`{"id":"series1_20250101T100000Z","recurringEventId":"series1","status":"cancelled"}`),
		"series1_20250102T100000Z": []byte(`{"id":"series1_20250102T100000Z","recurringEventId":"series1","summary":"moved"}`),
		"series2_20250101T100000Z": []byte(`{"id":"series2_20250101T100000Z","recurringEventId":"series2","status":"cancelled"}`),
		"single":                   []byte(`{"id":"single"}`),
		// The adapter's compact form: 0x01, the series id, 0, the rest.
		"series1_20250103T100000Z": []byte("\x01series1\x00compact"),
	}
	if err := db.SaveGoogleSync(ctx, "work", true, "t1", bodies(put), nil); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveGoogleSync(ctx, "work", false, "t2", nil, []string{"series1"}); err != nil {
		t.Fatal(err)
	}
	got, err := db.GoogleEvents(ctx, "work")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"id":"series2_20250101T100000Z","recurringEventId":"series2","status":"cancelled"}`,
		`{"id":"single"}`,
	}
	if len(got) != len(want) {
		t.Fatalf("mirror after deleting series1 holds %d events, want %d: %s", len(got), len(want), got)
	}
	for i := range want {
		if string(got[i]) != want[i] {
			t.Errorf("event %d = %s, want %s", i, got[i], want[i])
		}
	}
}

func TestCalendarFlags(t *testing.T) {
	db, _ := openDB(t)
	ctx := t.Context()
	if _, ok, err := db.CalendarFlag(ctx, "work", state.FlagMeetUnavailable); err != nil || ok {
		t.Fatalf("CalendarFlag before any = %v, %v; want unset", ok, err)
	}
	for range 2 {
		if err := db.SetCalendarFlag(ctx, "work", state.FlagMeetUnavailable); err != nil {
			t.Fatal(err)
		}
	}
	at, ok, err := db.CalendarFlag(ctx, "work", state.FlagMeetUnavailable)
	if err != nil || !ok || !at.Equal(t0) {
		t.Fatalf("CalendarFlag = %v, %v, %v; want set at %v", at, ok, err, t0)
	}
	if _, ok, _ := db.CalendarFlag(ctx, "home", state.FlagMeetUnavailable); ok {
		t.Error("the flag of calendar work shows on calendar home")
	}
	if err := db.ClearCalendarFlag(ctx, "work", state.FlagMeetUnavailable); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.CalendarFlag(ctx, "work", state.FlagMeetUnavailable); ok {
		t.Error("flag still set after ClearCalendarFlag")
	}
}
