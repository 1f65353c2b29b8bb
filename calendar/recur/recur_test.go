package recur

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/teambition/rrule-go"
)

var unlimited = Limits{RuleWork: 50_000_000, FeedWork: 1 << 40, RuleInstances: 1 << 40, FeedInstances: 1 << 40}

// randomRule makes a rule of every shape rrule-go handles, on a random start.
func randomRule(rnd *rand.Rand, loc *time.Location) string {
	pick := func(vals ...string) string { return vals[rnd.IntN(len(vals))] }
	// Values without repeats: rrule-go keeps repeats (a time of day twice,
	// counted twice by COUNT), the walk drops them as python-dateutil does
	// (TestRepeatedValues).
	some := func(lo, hi int, neg bool) string {
		var vs []string
		for range 1 + rnd.IntN(3) {
			v := lo + rnd.IntN(hi-lo+1)
			if neg && rnd.IntN(3) == 0 {
				v = -v
			}
			if !slices.Contains(vs, fmt.Sprint(v)) {
				vs = append(vs, fmt.Sprint(v))
			}
		}
		return strings.Join(vs, ",")
	}
	parts := []string{"FREQ=" + pick("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY")}
	if rnd.IntN(3) == 0 {
		parts = append(parts, "INTERVAL="+pick("2", "3", "5", "7", "13"))
	}
	if rnd.IntN(4) == 0 {
		parts = append(parts, "BYMONTH="+some(1, 12, false))
	}
	if rnd.IntN(4) == 0 {
		parts = append(parts, "BYMONTHDAY="+some(1, 31, true))
	}
	if rnd.IntN(3) == 0 {
		var ds []string
		for range 1 + rnd.IntN(3) {
			d := pick("MO", "TU", "WE", "TH", "FR", "SA", "SU")
			if rnd.IntN(3) == 0 {
				d = pick("1", "2", "-1", "3", "-2", "5", "20") + d
			}
			ds = append(ds, d)
		}
		parts = append(parts, "BYDAY="+strings.Join(ds, ","))
	}
	if rnd.IntN(8) == 0 {
		parts = append(parts, "BYYEARDAY="+some(1, 366, true))
	}
	if rnd.IntN(8) == 0 {
		parts = append(parts, "BYWEEKNO="+some(1, 53, true))
	}
	if rnd.IntN(5) == 0 {
		parts = append(parts, "BYHOUR="+some(0, 23, false))
	}
	if rnd.IntN(6) == 0 {
		parts = append(parts, "BYMINUTE="+some(0, 59, false))
	}
	if rnd.IntN(6) == 0 {
		parts = append(parts, "BYSETPOS="+some(1, 5, true))
	}
	if rnd.IntN(6) == 0 {
		parts = append(parts, "WKST="+pick("SU", "TU", "SA"))
	}
	return strings.Join(parts, ";")
}

func randomStart(rnd *rand.Rand, loc *time.Location) time.Time {
	return time.Date(1990+rnd.IntN(40), time.Month(1+rnd.IntN(12)), 1+rnd.IntN(31), rnd.IntN(24), rnd.IntN(4)*15, 0, 0, loc)
}

// refFirst returns the first n instances rrule-go gives, failing on a hang.
func refFirst(t *testing.T, r *rrule.RRule, n int) []time.Time {
	t.Helper()
	done := make(chan []time.Time, 1)
	go func() {
		defer func() {
			if recover() != nil {
				done <- nil // rrule-go panics on some rules (BYDAY=20MO monthly); the walk does not
			}
		}()
		var out []time.Time
		next := r.Iterator()
		for len(out) < n {
			v, ok := next()
			if !ok {
				break
			}
			out = append(out, v)
		}
		done <- out
	}()
	select {
	case out := <-done:
		return out
	case <-time.After(20 * time.Second):
		t.Fatalf("rrule-go did not give %d instances of %s from %v", n, r.OrigOptions.RRuleString(), r.OrigOptions.Dtstart)
		return nil
	}
}

func walkAll(r *Rule, from, stop time.Time) ([]time.Time, Cut) {
	var got []time.Time
	cut := r.Walk(from, stop, 1<<40, NewBudget(unlimited), func(t time.Time) bool { got = append(got, t); return true })
	return got, cut
}

// TestMatchesRRuleGo: every instance a walk gives is the one rrule-go gives,
// in order, for thousands of random rules, with COUNT, with UNTIL, and
// started late (moved ahead) without either.
func TestMatchesRRuleGo(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	n := 4000
	if testing.Short() {
		n = 500
	}
	for i := range n {
		loc := time.UTC
		if i%3 == 0 {
			loc = ny
		}
		s := randomRule(rnd, loc)
		opt, err := rrule.StrToROption(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		opt.Dtstart = randomStart(rnd, loc)
		switch i % 3 {
		case 0:
			opt.Count = 1 + rnd.IntN(30)
		case 1:
			opt.Until = opt.Dtstart.AddDate(1+rnd.IntN(4), 0, 0)
		}
		ref, err := rrule.NewRRule(*opt)
		if err != nil {
			continue
		}
		r, err := New(*opt)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		desc := fmt.Sprintf("%s from %v (count %d, until %v)", s, opt.Dtstart, opt.Count, opt.Until)

		// From DTSTART, up to 60 years on (3 for HOURLY rules).
		stop := opt.Dtstart.AddDate(60, 0, 0)
		if opt.Freq == rrule.HOURLY {
			stop = opt.Dtstart.AddDate(3, 0, 0)
		}
		got, cut := walkAll(r, opt.Dtstart, stop)
		if cut != Complete {
			if r.Never() == "" {
				t.Fatalf("%s: cut %v", desc, cut)
			}
			continue
		}
		if len(got) > 200 {
			got = got[:200]
		}
		if len(got) > 0 {
			want := refFirst(t, ref, len(got))
			if want == nil {
				continue
			}
			if !slices.EqualFunc(want, got, time.Time.Equal) {
				t.Fatalf("%s: (-rrule-go +walk):\n%s", desc, cmp.Diff(want, got))
			}
		}
		if never := r.Never(); never != "" && len(got) > 0 {
			t.Fatalf("%s: Never says %q, but it has %v", desc, never, got[0])
		}

		// A window years later: the walk moved ahead gives what rrule-go's
		// full walk gives there.
		if opt.Count == 0 && len(got) > 0 {
			from := opt.Dtstart.AddDate(3+rnd.IntN(20), rnd.IntN(12), rnd.IntN(28))
			to := from.AddDate(0, 1+rnd.IntN(14), 0)
			var late []time.Time
			r.Walk(from, to, 1<<40, NewBudget(unlimited), func(t time.Time) bool {
				if t.Before(to) {
					late = append(late, t)
				}
				return true
			})
			want := rangeOf(t, ref, from, to)
			if want == nil && len(late) > 0 {
				continue
			}
			if !slices.EqualFunc(want, late, time.Time.Equal) {
				t.Fatalf("%s in [%v, %v): (-rrule-go +walk):\n%s", desc, from, to, cmp.Diff(want, late))
			}
		}
	}
}

// rangeOf returns rrule-go's instances in [from, to), failing on a hang.
func rangeOf(t *testing.T, r *rrule.RRule, from, to time.Time) []time.Time {
	t.Helper()
	done := make(chan []time.Time, 1)
	go func() {
		defer func() {
			if recover() != nil {
				done <- nil
			}
		}()
		var out []time.Time
		next := r.Iterator()
		for {
			v, ok := next()
			if !ok || !v.Before(to) {
				break
			}
			if !v.Before(from) {
				out = append(out, v)
			}
		}
		done <- out
	}()
	select {
	case out := <-done:
		return out
	case <-time.After(20 * time.Second):
		t.Fatalf("rrule-go hangs on %s from %v", r.OrigOptions.RRuleString(), r.OrigOptions.Dtstart)
		return nil
	}
}

func mustRule(t testing.TB, s string, start time.Time) *Rule {
	t.Helper()
	opt, err := rrule.StrToROption(s)
	if err != nil {
		t.Fatal(err)
	}
	opt.Dtstart = start
	r, err := New(*opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRepeatedValues: a value repeated in a BYxxx list counts once, as in
// python-dateutil (rrule-go gives the instance twice), and costs nothing: a
// rule repeating BYHOUR thousands of times does not multiply its times of day.
func TestRepeatedValues(t *testing.T) {
	start := time.Date(2003, 1, 16, 4, 45, 0, 0, time.UTC)
	got, _ := walkAll(mustRule(t, "FREQ=WEEKLY;BYMINUTE=1,1,27;WKST=SA;COUNT=2", start), start, start.AddDate(1, 0, 0))
	want := []time.Time{time.Date(2003, 1, 23, 4, 1, 0, 0, time.UTC), time.Date(2003, 1, 23, 4, 27, 0, 0, time.UTC)}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("got %v, want %v (python-dateutil's)", got, want)
	}
	got, _ = walkAll(mustRule(t, "FREQ=DAILY;BYHOUR=9,9,10;BYSETPOS=2;COUNT=2", start), start, start.AddDate(1, 0, 0))
	want = []time.Time{time.Date(2003, 1, 16, 10, 45, 0, 0, time.UTC), time.Date(2003, 1, 17, 10, 45, 0, 0, time.UTC)}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("got %v, want %v (python-dateutil's)", got, want)
	}
	hours := strings.Repeat("1,", 5000) + "2"
	if n := mustRule(t, "FREQ=DAILY;BYHOUR="+hours+";BYMINUTE=0,30", start).timesPerDay(); n != 4 {
		t.Errorf("%d times of day, want 4", n)
	}
}

// TestNever: the impossible rules are recognized without walking, and the
// possible ones that look alike are not.
func TestNever(t *testing.T) {
	start := time.Date(2020, 1, 1, 10, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		rule  string
		never bool
	}{
		{"FREQ=HOURLY;BYSETPOS=2", true},
		{"FREQ=HOURLY;BYSETPOS=-2", true},
		{"FREQ=HOURLY;BYSETPOS=1", false},
		{"FREQ=HOURLY;BYMINUTE=0,30;BYSETPOS=2", false},
		{"FREQ=DAILY;BYHOUR=9,10;BYSETPOS=3", true},
		{"FREQ=WEEKLY;BYDAY=MO;BYSETPOS=7", false}, // 7 days a week, only one passes: walked, not refused
		{"FREQ=WEEKLY;BYSETPOS=8", true},
		{"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", false},
		{"FREQ=YEARLY;BYMONTH=2;BYSETPOS=30", true},
		{"FREQ=YEARLY;BYMONTH=2;BYSETPOS=29", false},
		{"FREQ=HOURLY;INTERVAL=2;BYHOUR=3,5", true}, // from 10:00, even hours only
		{"FREQ=HOURLY;INTERVAL=2;BYHOUR=3,4", false},
		{"FREQ=HOURLY;INTERVAL=5;BYHOUR=3", false},
		{"FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30,31", true},
		{"FREQ=YEARLY;BYMONTH=4,6,9,11;BYMONTHDAY=31", true},
		{"FREQ=YEARLY;BYMONTH=4,6,9,11,12;BYMONTHDAY=31", false},
		{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", false},
		{"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=-30", true},
		{"FREQ=MONTHLY;BYDAY=6MO", true},
		{"FREQ=MONTHLY;BYDAY=5MO", false},
		{"FREQ=YEARLY;BYDAY=20MO", false},
		{"FREQ=YEARLY;BYMONTH=3;BYDAY=-7FR", true},
		{"FREQ=DAILY;BYYEARDAY=1;BYMONTH=2", true},
		{"FREQ=DAILY;BYYEARDAY=60;BYMONTH=2", false}, // Feb 29 in a leap year
		{"FREQ=DAILY;BYYEARDAY=-1;BYMONTHDAY=31", false},
		{"FREQ=DAILY;BYYEARDAY=-1;BYMONTHDAY=30", true},
		{"FREQ=YEARLY;BYMONTHDAY=13;BYDAY=FR", false},
		{"FREQ=DAILY;BYMONTH=1;BYYEARDAY=40", true},
	} {
		got := mustRule(t, tt.rule, start).Never()
		if (got != "") != tt.never {
			t.Errorf("%s: Never() = %q, want never=%v", tt.rule, got, tt.never)
		}
	}
}

// TestWalkBounded: rules that never match, or match too much, stop within
// their window and budget, and say why.
func TestWalkBounded(t *testing.T) {
	start := time.Date(2020, 1, 1, 10, 0, 0, 0, time.UTC)
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(1, 0, 0)
	for _, tt := range []struct {
		rule  string
		start time.Time
		max   int
		cut   Cut
		n     int
		work  int // at most
	}{
		// Never matches, walked over the window only (moved ahead).
		{"FREQ=HOURLY;BYSETPOS=2", start, 100, Complete, 0, 50_000},
		{"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", start, 100, Complete, 0, 3_000},
		{"FREQ=YEARLY;BYWEEKNO=1;BYMONTH=6", start, 100, Complete, 0, 5_000},
		// With COUNT it must be walked from DTSTART: the window still ends it.
		{"FREQ=HOURLY;BYSETPOS=2;COUNT=3", start, 100, Complete, 0, 350_000},
		// From the year 1000 with COUNT: the work budget ends it.
		{"FREQ=HOURLY;BYSETPOS=2;COUNT=3", time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), 100, CutRuleWork, 0, 1_000_100},
		// An unreachable BYHOUR: rrule-go loops for ever; the budget ends it.
		{"FREQ=HOURLY;INTERVAL=2;BYHOUR=3;COUNT=2", start, 100, CutRuleWork, 0, 1_000_100},
		// Too many: cut at max.
		{"FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0,10,20,30,40,50", start, 1000, CutInstances, 1000, 2_000},
		// Normal: complete.
		{"FREQ=WEEKLY;BYDAY=MO,WE", start, 100_000, Complete, 104, 2_000},
		{"FREQ=YEARLY", time.Date(1900, 5, 17, 0, 0, 0, 0, time.UTC), 100_000, Complete, 1, 200},
		{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", time.Date(1904, 2, 29, 0, 0, 0, 0, time.UTC), 100_000, Complete, 0, 4_000},
		{"FREQ=MONTHLY;BYDAY=2TU", time.Date(1990, 5, 8, 9, 0, 0, 0, time.UTC), 100_000, Complete, 12, 20_000},
	} {
		b := NewBudget(Default)
		var got []time.Time
		cut := mustRule(t, tt.rule, tt.start).Walk(from, to, tt.max, b, func(t time.Time) bool { got = append(got, t); return true })
		n := 0
		for _, g := range got {
			if g.Before(to) {
				n++
			}
		}
		if cut != tt.cut || n != tt.n || b.Spent() > tt.work {
			t.Errorf("%s from %v: cut %v, %d instances, %d candidates; want cut %v, %d instances, at most %d candidates",
				tt.rule, tt.start, cut, n, b.Spent(), tt.cut, tt.n, tt.work)
		}
	}
}

// TestFeedWork: the feed's budget is shared, and once spent every walk stops.
func TestFeedWork(t *testing.T) {
	start := time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := NewBudget(Limits{RuleWork: 1000, FeedWork: 2500, RuleInstances: 10, FeedInstances: 10})
	r := mustRule(t, "FREQ=HOURLY;BYSETPOS=2;COUNT=3", start)
	var cuts []Cut
	for range 4 {
		cuts = append(cuts, r.Walk(from, from.AddDate(1, 0, 0), 10, b, func(time.Time) bool { return true }))
	}
	if want := []Cut{CutRuleWork, CutRuleWork, CutFeedWork, CutFeedWork}; !slices.Equal(cuts, want) {
		t.Errorf("cuts %v, want %v", cuts, want)
	}
	if b.Spent() > 2600 {
		t.Errorf("spent %d of 2500", b.Spent())
	}
}

func TestShare(t *testing.T) {
	for _, tt := range []struct {
		counts   []int
		capacity int
		want     int
	}{
		{[]int{10, 20, 30}, 100, 30},
		{[]int{10, 20, 30}, 60, 30},
		{[]int{10, 20, 30}, 50, 20},
		{[]int{10, 20, 30}, 40, 15},
		{[]int{10, 20, 30}, 3, 1},
		{[]int{5, 1000, 1000}, 1005, 500},
		{nil, 10, 10},
	} {
		got := Share(tt.counts, tt.capacity)
		if got != tt.want {
			t.Errorf("Share(%v, %d) = %d, want %d", tt.counts, tt.capacity, got, tt.want)
		}
		sum := 0
		for _, c := range tt.counts {
			sum += min(c, got)
		}
		if sum > tt.capacity {
			t.Errorf("Share(%v, %d) = %d keeps %d", tt.counts, tt.capacity, got, sum)
		}
	}
}

// BenchmarkWalk shows what the budget costs. "normal" rules are walked both
// here and with rrule-go's unbounded iterator over the same year (the
// difference is the bookkeeping: counting candidates, checking the end);
// "hostile" rules are walked here only, since rrule-go does not return on
// them (the BYSETPOS rule takes it 15 s; the unreachable BYHOUR, for ever).
// Each walks a year, 2026, with the default limits.
func BenchmarkWalk(b *testing.B) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(1, 0, 0)
	start := time.Date(2020, 1, 6, 10, 0, 0, 0, time.UTC)
	var h, m []string
	for i := range 60 {
		if i < 24 {
			h = append(h, fmt.Sprint(i))
		}
		m = append(m, fmt.Sprint(i))
	}
	bysecond := "FREQ=DAILY;BYHOUR=" + strings.Join(h, ",") + ";BYMINUTE=" + strings.Join(m, ",") + ";BYSECOND=" + strings.Join(m, ",")
	for _, bc := range []struct {
		name, rule string
		start      time.Time
		ref        bool // also with rrule-go
	}{
		{"normal/weekly", "FREQ=WEEKLY;BYDAY=MO,WE", start, true},
		{"normal/daily_count_10y", "FREQ=DAILY;COUNT=3650", time.Date(2017, 1, 2, 9, 30, 0, 0, time.UTC), true},
		{"normal/monthly_2tu", "FREQ=MONTHLY;BYDAY=2TU", time.Date(2010, 1, 12, 15, 0, 0, 0, time.UTC), true},
		{"normal/birthday_1950", "FREQ=YEARLY", time.Date(1950, 5, 17, 0, 0, 0, 0, time.UTC), true},
		{"hostile/bysetpos_count", "FREQ=HOURLY;BYSETPOS=2;COUNT=3", start, false},
		{"hostile/weekno_from_1000", "FREQ=HOURLY;BYMONTH=6;BYWEEKNO=1;COUNT=5", time.Date(1000, 1, 1, 10, 0, 0, 0, time.UTC), false},
		{"hostile/unreachable_byhour", "FREQ=HOURLY;INTERVAL=2;BYHOUR=3;COUNT=2", start, false},
		{"hostile/bysecond", bysecond, start, false},
	} {
		r := mustRule(b, bc.rule, bc.start)
		b.Run(bc.name+"/recur", func(b *testing.B) {
			var n, spent int
			for b.Loop() {
				n = 0
				budget := NewBudget(Default)
				r.Walk(from, to, Default.RuleInstances, budget, func(t time.Time) bool {
					n++
					return true
				})
				spent = budget.Spent()
			}
			b.ReportMetric(float64(n), "instances")
			b.ReportMetric(float64(spent), "candidates")
		})
		if !bc.ref {
			continue
		}
		opt, _ := rrule.StrToROption(bc.rule)
		opt.Dtstart = bc.start
		ref, _ := rrule.NewRRule(*opt)
		b.Run(bc.name+"/rrule-go", func(b *testing.B) {
			var n int
			for b.Loop() {
				n = len(ref.Between(from, to, true))
			}
			b.ReportMetric(float64(n), "instances")
		})
	}
}
