package googletest_test

import (
	"slices"
	"testing"
)

// timeMin on recurring masters: a series is listed while any instance ends
// after timeMin, however old its first instance.
func TestTimeMinOnSeries(t *testing.T) {
	srv, svc := newClient(t)
	series := func(id, rule string) {
		e := ev(id, "2016-01-04T15:00:00Z")
		e.Recurrence = []string{rule}
		e.Start.TimeZone, e.End.TimeZone = "UTC", "UTC"
		srv.Insert("primary", e)
	}
	series("alive", "RRULE:FREQ=WEEKLY")
	series("untilpast", "RRULE:FREQ=WEEKLY;UNTIL=20190101T000000Z")
	series("countpast", "RRULE:FREQ=DAILY;COUNT=10")
	series("untilinside", "RRULE:FREQ=WEEKLY;UNTIL=20260301T000000Z")
	srv.Insert("primary", ev("oldsingle", "2016-01-04T15:00:00Z"))
	srv.Insert("primary", ev("newsingle", "2026-02-01T15:00:00Z"))
	list, err := svc.Events.List("primary").TimeMin("2026-01-01T00:00:00Z").Do()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range list.Items {
		got = append(got, it.Id)
	}
	slices.Sort(got)
	if want := []string{"alive", "newsingle", "untilinside"}; !slices.Equal(got, want) {
		t.Errorf("list with timeMin = %q, want %q", got, want)
	}
}
