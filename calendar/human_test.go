package calendar

import (
	"testing"
	"time"
)

func TestHumanDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0 seconds"},
		{250 * time.Millisecond, "250 milliseconds"},
		{time.Second, "1 second"},
		{30 * time.Second, "30 seconds"},
		{-3 * time.Second, "3 seconds"},
		{time.Minute, "1 minute"},
		{20 * time.Minute, "20 minutes"},
		{90 * time.Minute, "90 minutes"},
		{time.Hour, "1 hour"},
		{3 * time.Hour, "3 hours"},
		{47 * time.Hour, "47 hours"},
		{2 * 24 * time.Hour, "2 days"},
		{7 * 24 * time.Hour, "7 days"},
		{14 * 24 * time.Hour, "2 weeks"},
		{69 * 24 * time.Hour, "69 days"},
		{336 * time.Hour, "2 weeks"},
		{21*24*time.Hour + time.Hour, "21 days"},
	} {
		if got := HumanDuration(tc.d); got != tc.want {
			t.Errorf("HumanDuration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
