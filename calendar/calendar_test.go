package calendar_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sidewayscal/sideways/calendar"
)

func TestMerge(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 11, 23, h, 0, 0, 0, time.UTC) }
	iv := func(a, b int) calendar.Interval { return calendar.Interval{Start: at(a), End: at(b)} }
	tests := []struct {
		in, want []calendar.Interval
	}{
		{nil, nil},
		{[]calendar.Interval{iv(9, 10)}, []calendar.Interval{iv(9, 10)}},
		{[]calendar.Interval{iv(11, 12), iv(9, 10)}, []calendar.Interval{iv(9, 10), iv(11, 12)}},
		{[]calendar.Interval{iv(9, 11), iv(10, 12)}, []calendar.Interval{iv(9, 12)}}, // overlapping
		{[]calendar.Interval{iv(9, 10), iv(10, 11)}, []calendar.Interval{iv(9, 11)}}, // touching
		{[]calendar.Interval{iv(9, 17), iv(10, 11)}, []calendar.Interval{iv(9, 17)}}, // contained
		{[]calendar.Interval{iv(13, 14), iv(9, 10), iv(9, 12)}, []calendar.Interval{iv(9, 12), iv(13, 14)}},
	}
	for _, tc := range tests {
		if got := calendar.Merge(tc.in); !cmp.Equal(got, tc.want) {
			t.Errorf("Merge(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
