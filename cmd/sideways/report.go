package main

import (
	"bufio"
	"context"
	_ "embed"
	"fmt"
	"html"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sidewayscal/sideways/calendar/google"
	"github.com/sidewayscal/sideways/config"
	"github.com/sidewayscal/sideways/daemon"
	"github.com/sidewayscal/sideways/rules"
)

func newReportCommand(g *globals) *cobra.Command {
	var out string
	var open bool
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write one HTML page with every peer's timeline, health and a roster review",
		Long: `Report writes one self-contained HTML page (inline CSS and SVG; no script, no
font, image or request to anywhere else): one row per peer with a timeline over
the look-back window and the horizon, the health of each relationship, the
roster's health, and the questions to ask of the roster this quarter.

The page shows your private notes: it is written with mode 0600, by default as
report.html in the state folder, and never sent anywhere. It prints the path.`,
		Example: "  sideways report\n  sideways report --out ~/peers.html --open\n  sideways demo --report demo.html",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, db, err := g.open(cmd.Context(), offline)
			if err != nil {
				return err
			}
			defer db.Close()
			if out == "" {
				dir, err := g.state()
				if err != nil {
					return err
				}
				out = filepath.Join(dir, "report.html")
			}
			problems, err := db.AuthProblems(cmd.Context())
			if err != nil {
				return err
			}
			var warns []string
			for _, a := range problems {
				warns = append(warns, authProblem(a))
			}
			log, err := db.AuditLog(cmd.Context(), 0)
			if err != nil {
				return err
			}
			withdrawn := rules.Withdrawn{}
			for _, e := range log {
				if e.Action == string(rules.Withdraw) {
					withdrawn[e.Calendar+"/"+e.EventID] = true
				}
			}
			return writeReportFor(cmd.Context(), g, d, out, open, withdrawn, warns...)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write the page to `FILE` (default report.html in the state folder)")
	cmd.Flags().BoolVar(&open, "open", false, "open the page in the default browser")
	return cmd
}

// writeReportFor gathers once, plans, builds the report and writes the page to
// path (mode 0600), then prints the path and, with open, opens it. withdrawn
// are the suggestions sideways deleted itself, from the audit log.
func writeReportFor(ctx context.Context, g *globals, d *daemon.Daemon, path string, open bool, withdrawn rules.Withdrawn, warns ...string) error {
	// A calendar that could not be read still leaves a page worth drawing:
	// the plan's first warnings say which one, and it holds no actions.
	in, p, _, err := d.PlanInput(ctx)
	if p == nil {
		return err
	}
	p.Warnings = append(warns, p.Warnings...)
	r := d.Engine.Report(in, p, withdrawn)
	if err := writeFile0600(path, func(w io.Writer) error { return renderReport(w, d.Engine.Config(), r) }); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	fmt.Fprintln(g.stdout, abs)
	if open {
		return openBrowser(abs)
	}
	return nil
}

// writeFile0600 writes a private file whole: into a temporary file (mode 0600)
// beside path, renamed over it only when complete.
func writeFile0600(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".report-*.html")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		f.Close()
		return err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	if err := write(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// openBrowser opens a file in the default browser, without waiting for it.
func openBrowser(path string) error {
	if err := google.OpenBrowser(path); err != nil {
		return withHint(fmt.Errorf("open the report: %w", err), "open "+path+" in a browser yourself")
	}
	return nil
}

//go:embed report.html.tmpl
var reportTemplate string

var reportPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"mul100": func(f float64) float64 { return 100 * f },
}).Parse(reportTemplate))

// The timeline's geometry, in SVG user units (pixels at 100%).
const (
	tlWidth = 640 // whole SVG
	tlPad   = 8   // left and right margin
	tlH     = 34  // height of one row's SVG
	laneY   = 13  // held, scheduled, suggestions, invites
	lowY    = 27  // cancelled or declined, dismissals
)

type pageView struct {
	Me, Department, Now, Mode string
	LookbackDays, HorizonDays int
	Axis                      template.HTML
	Legend                    template.HTML
	Peers                     []peerView
	States                    []stateCount
	Standing, Goal            int
	NewlyMet                  []string
	Warnings                  []string
	Reviews                   []string
	Quarter                   int
}

type stateCount struct {
	State string
	N     int
}

type peerView struct {
	Name, Email, Department, Tier, State, Why string
	Cadence, Rule, Notes, LastMet, Next       string
	Skipped                                   bool
	Timeline                                  template.HTML
	Share                                     string  // "10 of 12 months"
	ShareValue                                float64 // 0..1, or -1
	Gap, Streak, Held                         string
}

// renderReport writes the page for r.
func renderReport(w io.Writer, cfg *config.Config, r *rules.Report) error {
	p := r.Plan
	loc := p.Now.Location()
	sc := scale{from: r.From, to: r.To}
	v := pageView{
		Me: cfg.Me.Name, Department: cfg.Me.Department, Now: p.Now.Format("Mon Jan 2 2006 15:04 MST"), Mode: string(p.Mode),
		LookbackDays: int(cfg.Lookback.Hours() / 24), HorizonDays: int(cfg.Horizon.Hours() / 24),
		Axis: axisSVG(sc, p.Now), Legend: legendSVG(),
		Standing: r.Standing, Goal: r.Goal, Warnings: p.Warnings, Quarter: rules.Quarter,
	}
	counts := map[rules.State]int{}
	for _, a := range p.Peers {
		counts[a.State]++
	}
	for _, s := range []rules.State{rules.Overdue, rules.NeverMet, rules.Due, rules.Suggested, rules.Invited, rules.Snoozed, rules.Scheduled, rules.OK, rules.Skipped} {
		if counts[s] > 0 {
			v.States = append(v.States, stateCount{string(s), counts[s]})
		}
	}
	for _, a := range r.NewlyMet {
		v.NewlyMet = append(v.NewlyMet, a.Peer.Name)
	}
	for _, rv := range r.Reviews {
		v.Reviews = append(v.Reviews, rv.Question)
	}
	for i := range r.Peers {
		pr := &r.Peers[i]
		a := pr.Assessment
		pv := peerView{
			Name: a.Peer.Name, Email: a.Peer.Email, Department: a.Peer.Department, Tier: a.Peer.Tier,
			State: string(a.State), Why: a.Why, Cadence: a.Cadence.Name, Rule: a.Rules["cadence"],
			Notes: a.Peer.Notes, Skipped: a.State == rules.Skipped, LastMet: "never", Next: "—",
			Timeline: timelineSVG(sc, p.Now, pr), ShareValue: pr.Health.Share(),
		}
		if pv.Tier == "right-now" && !a.Peer.Until.IsZero() {
			pv.Tier += " until " + a.Peer.Until.String()
		}
		if !a.LastMet.IsZero() {
			pv.LastMet = fmt.Sprintf("%s (%dd)", a.LastMet.In(loc).Format("Jan 2"), a.DaysSinceLast)
		}
		if !a.NextScheduled.IsZero() {
			pv.Next = a.NextScheduled.In(loc).Format("Mon Jan 2")
		}
		h := pr.Health
		if h.Periods == 0 {
			pv.Share = "no whole " + periodName(a.Cadence, 1) + " yet"
		} else {
			pv.Share = fmt.Sprintf("%d of %d %s", h.MetPeriods, h.Periods, periodName(a.Cadence, h.Periods))
		}
		pv.Gap = fmt.Sprintf("%d days (%s× cadence)", h.LongestGapDays, strconv.FormatFloat(h.LongestGap, 'f', 1, 64))
		if h.CancelledStreak > 0 {
			pv.Streak = fmt.Sprintf("%d cancelled or declined in a row", h.CancelledStreak)
		}
		pv.Held = plural(h.Held, "held 1:1")
		v.Peers = append(v.Peers, pv)
	}
	return reportPage.Execute(w, v)
}

// periodName names n cadence periods: weeks, fortnights, months, quarters.
func periodName(c config.Cadence, n int) string {
	name := map[string]string{"weekly": "week", "biweekly": "fortnight", "monthly": "month", "quarterly": "quarter"}[c.Name]
	if name == "" {
		name = fmt.Sprintf("%d-day period", c.Days())
	}
	if n != 1 {
		name += "s"
	}
	return name
}

// scale maps times onto the timeline's x axis.
type scale struct{ from, to time.Time }

func (s scale) x(t time.Time) int {
	f := float64(t.Sub(s.from)) / float64(s.to.Sub(s.from))
	f = min(max(f, 0), 1)
	return tlPad + int(f*float64(tlWidth-2*tlPad)+0.5)
}

// svgOpen starts a row SVG with month grid lines and the "now" line.
func svgOpen(b *strings.Builder, sc scale, now, start time.Time, why, label string) {
	fmt.Fprintf(b, `<svg class="tl" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`, tlWidth, tlH, tlWidth, tlH, html.EscapeString(label))
	b.WriteString(`<path class="g" d="`)
	for _, m := range months(sc) {
		fmt.Fprintf(b, "M%d 0v%d", sc.x(m), tlH)
	}
	b.WriteString(`"/>`)
	fmt.Fprintf(b, `<rect class="fut" x="%d" y="0" width="%d" height="%d"/>`, sc.x(now), tlWidth-tlPad-sc.x(now), tlH)
	if x := sc.x(start); x > tlPad {
		fmt.Fprintf(b, `<rect class="nd" x="%d" y="0" width="%d" height="%d"><title>not counted: %s</title></rect>`, tlPad, x-tlPad, tlH, html.EscapeString(why))
	}
	fmt.Fprintf(b, `<path class="ax" d="M%d %dH%d"/>`, tlPad, laneY, tlWidth-tlPad)
}

// months are the first days of the months inside the scale.
func months(sc scale) []time.Time {
	var out []time.Time
	y, m, _ := sc.from.Date()
	for t := time.Date(y, m+1, 1, 0, 0, 0, 0, sc.from.Location()); t.Before(sc.to); t = t.AddDate(0, 1, 0) {
		out = append(out, t)
	}
	return out
}

// axisSVG is the header above the timelines: month names and "now".
func axisSVG(sc scale, now time.Time) template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="tl axis" viewBox="0 0 %d 28" width="%d" height="28" role="img" aria-label="%s">`, tlWidth, tlWidth,
		html.EscapeString(fmt.Sprintf("timeline from %s to %s", sc.from.Format("Jan 2 2006"), sc.to.Format("Jan 2 2006"))))
	for _, m := range months(sc) {
		fmt.Fprintf(&b, `<text x="%d" y="11">%s</text>`, sc.x(m)+2, m.Format("Jan"))
		if m.Month() == time.January {
			fmt.Fprintf(&b, `<text class="yr" x="%d" y="25">%d</text>`, sc.x(m)+2, m.Year())
		}
	}
	fmt.Fprintf(&b, `<path class="now" d="M%d 14v14"/><text class="nowt" x="%d" y="25">now</text></svg>`, sc.x(now), sc.x(now)+3)
	return template.HTML(b.String())
}

// mark draws one mark's shape with its title at x on lane y.
func mark(b *strings.Builder, k rules.MarkKind, x int, title string) {
	t := "<title>" + html.EscapeString(title) + "</title>"
	switch k {
	case rules.MarkHeld:
		fmt.Fprintf(b, `<circle class="h" cx="%d" cy="%d" r="4.5">%s</circle>`, x, laneY, t)
	case rules.MarkFailed:
		fmt.Fprintf(b, `<path class="x" d="M%d %dl7 7m0-7l-7 7">%s</path>`, x-3, lowY-3, t)
	case rules.MarkScheduled:
		fmt.Fprintf(b, `<circle class="s" cx="%d" cy="%d" r="4.5">%s</circle>`, x, laneY, t)
	case rules.MarkSuggestion:
		fmt.Fprintf(b, `<rect class="q" x="%d" y="%d" width="9" height="9">%s</rect>`, x-4, laneY-4, t)
	case rules.MarkInvite:
		fmt.Fprintf(b, `<path class="i" d="M%d %dl5 9h-10z">%s</path>`, x, laneY-5, t)
	case rules.MarkDismissed:
		fmt.Fprintf(b, `<path class="d" d="M%d %dh10l-5 8z">%s</path>`, x-5, lowY-4, t)
	}
}

var markWords = map[rules.MarkKind][2]string{
	rules.MarkHeld:       {"held 1:1", "held 1:1s"},
	rules.MarkFailed:     {"1:1 cancelled or declined", "1:1s cancelled or declined"},
	rules.MarkScheduled:  {"1:1 scheduled", "1:1s scheduled"},
	rules.MarkSuggestion: {"open suggestion", "open suggestions"},
	rules.MarkInvite:     {"invite pending", "invites pending"},
	rules.MarkDismissed:  {"suggestion dismissed", "suggestions dismissed"},
}

// timelineSVG draws one peer's row. Marks of one kind in the same week (Monday
// to Sunday, the user's zone) are drawn as one, so that a busy year stays small.
func timelineSVG(sc scale, now time.Time, pr *rules.PeerReport) template.HTML {
	var b strings.Builder
	loc := now.Location()
	held, failed := 0, 0
	for _, m := range pr.Marks {
		switch m.Kind {
		case rules.MarkHeld:
			held++
		case rules.MarkFailed:
			failed++
		}
	}
	label := fmt.Sprintf("%s: %s and %d cancelled or declined since %s", pr.Peer.Name, plural(held, "held 1:1"), failed, sc.from.Format("Jan 2 2006"))
	why := "before the first event in your calendars"
	if since := pr.Peer.Since; !since.IsZero() && !since.In(loc).Before(pr.Start) {
		why = "before " + pr.Peer.Name + "'s since date, " + since.String()
	}
	svgOpen(&b, sc, now, pr.Start, why, label)

	// The cadence: a line where a held 1:1 covers it, a bar where a gap ran past it.
	cad := pr.Cadence.Days()
	b.WriteString(`<path class="c" d="`)
	lastEnd := -1
	for i, g := range pr.Gaps {
		if i == 0 {
			continue // the window's start is not a 1:1
		}
		end := g.To
		if !g.Over.IsZero() {
			end = g.Over
		}
		x0, x1 := sc.x(g.From), sc.x(end)
		if x0 <= lastEnd {
			x0 = lastEnd
			fmt.Fprintf(&b, "H%d", x1)
		} else if x1 > x0 {
			fmt.Fprintf(&b, "M%d %dH%d", x0, laneY, x1)
		}
		lastEnd = max(lastEnd, x1)
	}
	b.WriteString(`"/>`)
	for _, g := range pr.Gaps {
		if g.Over.IsZero() {
			continue
		}
		x0, x1 := sc.x(g.Over), sc.x(g.To)
		from := "the start of the window"
		if g.From.After(pr.Start) {
			from = g.From.In(loc).Format("Mon Jan 2 2006")
		}
		title := fmt.Sprintf("%d days without a 1:1 (%s× the %s cadence), from %s to %s; overdue from %s",
			g.Days, strconv.FormatFloat(float64(g.Days)/float64(max(cad, 1)), 'f', 1, 64), pr.Cadence.Name,
			from, g.To.In(loc).Format("Mon Jan 2 2006"), g.Over.Format("Mon Jan 2"))
		if g.To.Equal(now) {
			title = fmt.Sprintf("%d days without a 1:1 so far (%s× the %s cadence), since %s; overdue since %s",
				g.Days, strconv.FormatFloat(float64(g.Days)/float64(max(cad, 1)), 'f', 1, 64), pr.Cadence.Name, from, g.Over.Format("Mon Jan 2"))
		}
		fmt.Fprintf(&b, `<rect class="o" x="%d" y="%d" width="%d" height="6"><title>%s</title></rect>`, x0, laneY-3, max(x1-x0, 1), html.EscapeString(title))
	}
	if !pr.Snooze.Start.IsZero() {
		x0, x1 := sc.x(pr.Snooze.Start), sc.x(pr.Snooze.End)
		fmt.Fprintf(&b, `<rect class="z" x="%d" y="%d" width="%d" height="12"><title>snoozed until %s: you dismissed a suggestion</title></rect>`,
			x0, lowY-6, max(x1-x0, 2), pr.Snooze.End.In(loc).Format("Mon Jan 2"))
	}
	if u := pr.Peer.Until; !u.IsZero() {
		if t := u.In(loc); t.After(sc.from) && t.Before(sc.to) {
			x := sc.x(t.AddDate(0, 0, 1))
			fmt.Fprintf(&b, `<path class="u" d="M%d 2v%d"><title>right-now until %s</title></path>`, x, tlH-4, u)
		}
	}
	fmt.Fprintf(&b, `<path class="now" d="M%d 0v%d"/>`, sc.x(now), tlH)

	// Marks, one per kind and week.
	type bucket struct {
		kind  rules.MarkKind
		week  time.Time
		xs    int
		n     int
		first time.Time
	}
	var buckets []*bucket
	index := map[string]*bucket{}
	for _, m := range pr.Marks {
		t := m.At.In(loc)
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
		week := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		key := string(m.Kind) + week.Format(time.DateOnly)
		bk := index[key]
		if bk == nil {
			bk = &bucket{kind: m.Kind, week: week, first: t}
			index[key] = bk
			buckets = append(buckets, bk)
		}
		bk.xs += sc.x(t)
		bk.n++
	}
	for _, bk := range buckets {
		words := markWords[bk.kind]
		var title string
		if bk.n == 1 {
			format := "Mon Jan 2 2006"
			if bk.kind != rules.MarkHeld && bk.kind != rules.MarkFailed && bk.kind != rules.MarkDismissed {
				format = "Mon Jan 2 2006 15:04"
			}
			title = words[0] + ", " + bk.first.Format(format)
		} else {
			title = fmt.Sprintf("%d %s, week of %s", bk.n, words[1], bk.week.Format("Mon Jan 2 2006"))
		}
		mark(&b, bk.kind, (bk.xs+bk.n/2)/bk.n, title)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// legendSVG shows every mark with what it means.
func legendSVG() template.HTML {
	var b strings.Builder
	items := []struct {
		low   bool // drawn on the lower lane
		draw  func(x int)
		label string
	}{
		{false, func(x int) { mark(&b, rules.MarkHeld, x+5, "held 1:1") }, "held 1:1"},
		{false, func(x int) { fmt.Fprintf(&b, `<path class="c" d="M%d %dH%d"/>`, x-4, laneY, x+16) }, "within the cadence"},
		{false, func(x int) { fmt.Fprintf(&b, `<rect class="o" x="%d" y="%d" width="20" height="6"/>`, x-4, laneY-3) }, "gap past the cadence"},
		{true, func(x int) { mark(&b, rules.MarkFailed, x+5, "cancelled or declined") }, "cancelled or declined"},
		{false, func(x int) { mark(&b, rules.MarkScheduled, x+5, "1:1 scheduled") }, "1:1 scheduled"},
		{false, func(x int) { mark(&b, rules.MarkSuggestion, x+5, "open suggestion") }, "open suggestion"},
		{false, func(x int) { mark(&b, rules.MarkInvite, x+5, "invite pending") }, "invite pending"},
		{true, func(x int) { mark(&b, rules.MarkDismissed, x+5, "suggestion dismissed") }, "suggestion dismissed"},
		{true, func(x int) { fmt.Fprintf(&b, `<rect class="z" x="%d" y="%d" width="20" height="12"/>`, x-4, lowY-6) }, "snoozed"},
		{false, func(x int) { fmt.Fprintf(&b, `<path class="now" d="M%d 2v22"/>`, x+6) }, "now"},
	}
	const per, cols, rowH = 190, 5, 28
	rows := (len(items) + cols - 1) / cols
	fmt.Fprintf(&b, `<svg class="legend" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="legend: the marks of a timeline">`,
		cols*per, rows*rowH, cols*per, rows*rowH)
	for i, it := range items {
		x, y := 8+(i%cols)*per, (i/cols)*rowH
		if it.low {
			y -= lowY - laneY
		}
		fmt.Fprintf(&b, `<g transform="translate(0 %d)">`, y)
		it.draw(x)
		b.WriteString(`</g>`)
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text>`, x+24, (i/cols)*rowH+laneY+4, html.EscapeString(it.label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
