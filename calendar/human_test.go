package calendar

import (
	"testing"
	"time"
)

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                      "0 seconds",
		250 * time.Millisecond: "250 milliseconds",
		time.Second:            "1 second",
		5 * time.Second:        "5 seconds",
		90 * time.Second:       "1 minute 30 seconds",
		5 * time.Minute:        "5 minutes",
		90 * time.Minute:       "1 hour 30 minutes",
		time.Hour + 59*time.Minute + 59*time.Second: "2 hours",
		336 * time.Hour:                      "2 weeks",
		13 * 24 * time.Hour:                  "13 days",
		100 * time.Hour:                      "4 days 4 hours",
		24*time.Hour - time.Second:           "1 day",
		-3 * time.Second:                     "minus 3 seconds",
		2*time.Minute + 400*time.Millisecond: "2 minutes",
	} {
		if got := HumanDuration(d); got != want {
			t.Errorf("HumanDuration(%s) = %q, want %q", d, got, want)
		}
	}
}
