package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{"0", 0, ""},
		{"15m", 15 * time.Minute, ""},
		{"36h", 36 * time.Hour, ""},
		{"14d", 14 * Day, ""},
		{"1w2d", 9 * Day, ""},
		{"6w", 42 * Day, ""},
		{"1.5d", 36 * time.Hour, ""},
		{"0.5w", 84 * time.Hour, ""},
		{"1h30m", 90 * time.Minute, ""},
		{"-5d", -5 * Day, ""},
		{"+2h", 2 * time.Hour, ""},
		{"250ms", 250 * time.Millisecond, ""},
		{"", 0, `bad duration "": want a number and a unit such as 30m, 36h, 14d or 2w`},
		{"15", 0, `bad duration "15": want a number and a unit such as 30m, 36h, 14d or 2w`},
		{"15x", 0, `bad duration "15x": want a number and a unit such as 30m, 36h, 14d or 2w`},
		{"d", 0, `bad duration "d": want a number and a unit such as 30m, 36h, 14d or 2w`},
		{".d", 0, `bad duration ".d": want a number and a unit such as 30m, 36h, 14d or 2w`},
		{"1 d", 0, `bad duration "1 d": want a number and a unit such as 30m, 36h, 14d or 2w`},
		{"100000000w", 0, `duration "100000000w" is too long`},
		{"99999999999999999999s", 0, `duration "99999999999999999999s" is too long`},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseDuration(%q) error = %v, want %s", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"0", "15m", "14d", "1w2d", "1.5d", "-3h", "1h30m", "1.000000001s", ".5m", "9223372036854775807ns", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseDuration(s)
		// Without d and w it must agree with the standard library.
		if !strings.ContainsAny(s, "dw") {
			want, werr := time.ParseDuration(s)
			if (err == nil) != (werr == nil) {
				t.Fatalf("ParseDuration(%q) error %v, time.ParseDuration error %v", s, err, werr)
			}
			if err == nil && got != want {
				t.Fatalf("ParseDuration(%q) = %v, time.ParseDuration = %v", s, got, want)
			}
		}
	})
}

func TestParseCadence(t *testing.T) {
	tests := []struct {
		in      string
		want    Cadence
		wantErr string
	}{
		{"weekly", Weekly, ""},
		{"Biweekly", Biweekly, ""},
		{"monthly", Monthly, ""},
		{"quarterly", Quarterly, ""},
		{"10d", Cadence{"10d", 10 * Day}, ""},
		{"6w", Cadence{"6w", 42 * Day}, ""},
		{"fortnightly", Cadence{}, `unknown cadence "fortnightly": want weekly, biweekly, monthly, quarterly or a duration such as 10d`},
		{"0d", Cadence{}, `cadence "0d" must be positive`},
		{"-1w", Cadence{}, `cadence "-1w" must be positive`},
	}
	for _, tt := range tests {
		got, err := ParseCadence(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseCadence(%q) error = %v, want %s", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseCadence(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	if got := (Cadence{"36h", 36 * time.Hour}).Days(); got != 2 {
		t.Errorf("Days of 36h = %d, want 2", got)
	}
}

func FuzzParseCadence(f *testing.F) {
	for _, s := range []string{"weekly", "monthly", "10d", "fortnightly", "0d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCadence(s)
		if err == nil && c.Every <= 0 {
			t.Fatalf("ParseCadence(%q) = %v, want a positive cadence", s, c)
		}
	})
}

func days(ds ...time.Weekday) Weekdays {
	var w Weekdays
	for _, d := range ds {
		w |= 1 << d
	}
	return w
}

func TestParseDays(t *testing.T) {
	tests := []struct {
		in      []string
		want    Weekdays
		wantErr string
	}{
		{[]string{"Tue", "Wed", "Thu"}, days(time.Tuesday, time.Wednesday, time.Thursday), ""},
		{[]string{"monday", "FRI"}, days(time.Monday, time.Friday), ""},
		{[]string{"Mon-Fri"}, days(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday), ""},
		{[]string{"Fri-Mon"}, days(time.Friday, time.Saturday, time.Sunday, time.Monday), ""},
		{[]string{"Mon,Wed"}, days(time.Monday, time.Wednesday), ""},
		{[]string{"Sun-Sun"}, days(time.Sunday), ""},
		{[]string{"Tuesdy"}, 0, `unknown day "Tuesdy": want Mon, Tue, Wed, Thu, Fri, Sat or Sun`},
		{[]string{"Mon-Fro"}, 0, `unknown day "Fro" in "Mon-Fro": want Mon, Tue, Wed, Thu, Fri, Sat or Sun`},
		{nil, 0, `no days given: want Mon, Tue, Wed, Thu, Fri, Sat or Sun`},
	}
	for _, tt := range tests {
		got, err := ParseDays(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseDays(%q) error = %v, want %s", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDays(%q) = %07b, %v; want %07b", tt.in, got, err, tt.want)
		}
	}
}

func FuzzParseDays(f *testing.F) {
	for _, s := range []string{"Tue", "Mon-Fri", "Fri-Mon", "Mon,Wed", "sunday", "x-y", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseDays([]string{s})
		if err == nil && (w == 0 || w >= 1<<7) {
			t.Fatalf("ParseDays(%q) = %b", s, w)
		}
	})
}

func TestParseWindow(t *testing.T) {
	tests := []struct {
		in      string
		want    Window
		wantErr string
	}{
		{"10:00-16:00", Window{600, 960}, ""},
		{"9:30 - 24:00", Window{570, 1440}, ""},
		{"16:00-10:00", Window{}, "window 16:00-10:00 ends before it starts"},
		{"10:00-10:00", Window{}, "window 10:00-10:00 is empty"},
		{"10:00", Window{}, `bad window "10:00": want HH:MM-HH:MM such as 10:00-16:00`},
		{"10:00-25:00", Window{}, `bad time "25:00": want HH:MM between 00:00 and 24:00`},
		{"10:60-11:00", Window{}, `bad time "10:60": want HH:MM between 00:00 and 24:00`},
		{"24:00-24:00", Window{}, `bad window "24:00-24:00": 24:00 can only end a range`},
	}
	for _, tt := range tests {
		got, err := ParseWindow(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseWindow(%q) error = %v, want %s", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseWindow(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func FuzzParseWindow(f *testing.F) {
	for _, s := range []string{"10:00-16:00", "00:00-24:00", "16:00-10:00", "1:00-2:00", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWindow(s)
		if err == nil && (w.From < 0 || w.To > 1440 || w.From >= w.To) {
			t.Fatalf("ParseWindow(%q) = %v", s, w)
		}
	})
}

func TestParseWorkingHours(t *testing.T) {
	weekdays := func(spans ...Span) WorkingHours {
		var wh WorkingHours
		for d := time.Monday; d <= time.Friday; d++ {
			wh[d] = spans
		}
		return wh
	}
	tests := []struct {
		in      []string
		want    WorkingHours
		wantErr string
	}{
		{[]string{"Mon-Fri 09:00-17:00"}, DefaultWorkingHours(), ""},
		{[]string{"mon-friday 09:00-17:00"}, DefaultWorkingHours(), ""},
		{[]string{"Mon-Fri 09:00-12:00", "Mon-Fri 13:00-17:30"}, weekdays(Span{540, 720}, Span{780, 1050}), ""},
		{[]string{"Mon-Fri 13:00-17:00", "Mon-Fri 09:00-14:00"}, weekdays(Span{540, 1020}), ""},
		{[]string{"Mon-Fri 09:00-12:00", "Mon-Fri 12:00-17:00"}, weekdays(Span{540, 1020}), ""},
		{[]string{"Sat 10:00-14:00"}, WorkingHours{time.Saturday: {{600, 840}}}, ""},
		{[]string{"Mon,Wed,Fri 09:00-12:00"}, WorkingHours{time.Monday: {{540, 720}}, time.Wednesday: {{540, 720}}, time.Friday: {{540, 720}}}, ""},
		{[]string{"Sun-Mon 20:00-24:00"}, WorkingHours{time.Sunday: {{1200, 1440}}, time.Monday: {{1200, 1440}}}, ""},
		{[]string{"Mon-Fri 17:00-09:00"}, WorkingHours{}, "working hours 17:00-09:00 end before they start"},
		{[]string{"Mon-Fri"}, WorkingHours{}, `bad working hours "Mon-Fri": want days and hours such as "Mon-Fri 09:00-17:00"`},
		{[]string{"Mon-Fry 09:00-17:00"}, WorkingHours{}, `unknown day "Fry" in "Mon-Fry": want Mon, Tue, Wed, Thu, Fri, Sat or Sun`},
		{[]string{"Mon 9-17"}, WorkingHours{}, `bad time "9": want HH:MM between 00:00 and 24:00`},
		{nil, WorkingHours{}, `no working hours given: want days and hours such as "Mon-Fri 09:00-17:00"`},
	}
	for _, tt := range tests {
		got, err := ParseWorkingHours(tt.in...)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseWorkingHours(%q) error = %v, want %s", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseWorkingHours(%q) error = %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseWorkingHours(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func FuzzParseWorkingHours(f *testing.F) {
	for _, s := range []string{"Mon-Fri 09:00-17:00", "Sat 10:00-14:00", "Mon,Wed 9:00-24:00", "Fri-Mon 08:00-09:00", "Mon-Fri 17:00-09:00"} {
		f.Add(s, "Mon-Fri 13:00-17:30")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		wh, err := ParseWorkingHours(a, b)
		if err != nil {
			return
		}
		for d, spans := range wh {
			for i, s := range spans {
				if s.From < 0 || s.To > 1440 || s.From >= s.To || i > 0 && spans[i-1].To >= s.From {
					t.Fatalf("ParseWorkingHours(%q, %q) day %d spans %v: not sorted, disjoint and in range", a, b, d, spans)
				}
			}
		}
	})
}
