package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/config"
	"github.com/sidewayscal/sideways/rules"
)

// The JSON shapes of the JSON output the README documents. They are a stable interface: add fields freely,
// never rename or drop one.

type peerJSON struct {
	Email           string            `json:"email"`
	Name            string            `json:"name"`
	Department      string            `json:"department"`
	Tier            string            `json:"tier"`
	State           rules.State       `json:"state"`
	Why             string            `json:"why"`
	Cadence         string            `json:"cadence"`
	CadenceDays     int               `json:"cadence_days"`
	Priority        int               `json:"priority"`
	Mode            config.Mode       `json:"mode"`
	Rules           map[string]string `json:"rules"`
	LastMet         *string           `json:"last_met"`
	NextScheduled   *string           `json:"next_scheduled"`
	DaysSinceLast   *int              `json:"days_since_last"`
	MetCount        int               `json:"met_count"`
	CancelledStreak int               `json:"cancelled_streak"`
	SnoozedUntil    *string           `json:"snoozed_until"`
	// Series are the standing series the peer's 1:1s belong to.
	Series []seriesJSON `json:"series,omitempty"`
	// Emails are every address of the peer, the primary (Email) first.
	Emails []string `json:"emails"`
}

type slotJSON struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

type actionJSON struct {
	Kind         rules.ActionKind `json:"kind"`
	Peer         string           `json:"peer"`
	Start        string           `json:"start"`
	End          string           `json:"end"`
	Calendar     string           `json:"calendar"`
	EventID      string           `json:"event_id"`
	Reason       string           `json:"reason"`
	Mode         config.Mode      `json:"mode"`
	Alternatives []slotJSON       `json:"alternatives"`
	PassedOver   []string         `json:"passed_over"`
	// Late says in one line why a slot is far from the earliest day it
	// could have had (rules.LateDays); empty otherwise.
	Late string `json:"late,omitempty"`
	// Series is the recurring series the action writes; absent for a single meeting.
	Series *actionSeriesJSON `json:"series,omitempty"`
}

type heldJSON struct {
	Peer   string `json:"peer"`
	Cap    string `json:"cap"`
	Detail string `json:"detail"`
}

type lastCycleJSON struct {
	At    string  `json:"at"`
	OK    bool    `json:"ok"`
	Error *string `json:"error"`
	Next  *string `json:"next"`
}

type planJSON struct {
	Now      string       `json:"now"`
	Mode     config.Mode  `json:"mode"`
	Peers    []peerJSON   `json:"peers"`
	Actions  []actionJSON `json:"actions"`
	HeldBack []heldJSON   `json:"held_back"`
	Warnings []string     `json:"warnings"`
}

type statusJSON struct {
	Now       string         `json:"now"`
	Mode      config.Mode    `json:"mode"`
	Peers     []peerJSON     `json:"peers"`
	Warnings  []string       `json:"warnings"`
	LastCycle *lastCycleJSON `json:"last_cycle"`
}

func rfc(t time.Time) string { return t.Format(time.RFC3339) }

func optTime(t time.Time, loc *time.Location) *string {
	if t.IsZero() {
		return nil
	}
	s := rfc(t.In(loc))
	return &s
}

func peersJSON(p *rules.Plan) []peerJSON {
	loc := p.Now.Location()
	out := make([]peerJSON, 0, len(p.Peers))
	for i := range p.Peers {
		a := &p.Peers[i]
		pj := peerJSON{
			Email: a.Peer.Email, Name: a.Peer.Name, Department: a.Peer.Department, Tier: a.Peer.Tier,
			State: a.State, Why: a.Why, Cadence: a.Cadence.Name, CadenceDays: a.Cadence.Days(),
			Priority: a.Priority, Mode: a.Mode, Rules: a.Rules,
			LastMet: optTime(a.LastMet, loc), NextScheduled: optTime(a.NextScheduled, loc),
			MetCount: a.MetCount, CancelledStreak: a.CancelledStreak, SnoozedUntil: optTime(a.SnoozedUntil, loc),
			Emails: a.Peer.Emails, Series: peerSeriesJSON(a, loc),
		}
		if len(pj.Emails) == 0 {
			pj.Emails = []string{a.Peer.Email}
		}
		if !a.LastMet.IsZero() {
			d := a.DaysSinceLast
			pj.DaysSinceLast = &d
		}
		out = append(out, pj)
	}
	return out
}

func toPlanJSON(p *rules.Plan) planJSON {
	loc := p.Now.Location()
	out := planJSON{Now: rfc(p.Now), Mode: p.Mode, Peers: peersJSON(p),
		Actions: []actionJSON{}, HeldBack: []heldJSON{}, Warnings: nonNil(p.Warnings)}
	for _, a := range p.Actions {
		aj := actionJSON{Kind: a.Kind, Peer: a.Assessment.Peer.Email, Start: rfc(a.Slot.Start.In(loc)), End: rfc(a.Slot.End.In(loc)),
			Calendar: a.Calendar, EventID: a.EventID, Reason: a.Reason, Mode: a.Mode, Alternatives: []slotJSON{},
			PassedOver: nonNil(a.PassedOver), Late: a.Late, Series: actionSeries(&a, loc)}
		for _, s := range a.Alternatives {
			aj.Alternatives = append(aj.Alternatives, slotJSON{rfc(s.Start.In(loc)), rfc(s.End.In(loc))})
		}
		out.Actions = append(out.Actions, aj)
	}
	for _, h := range p.HeldBack {
		out.HeldBack = append(out.HeldBack, heldJSON{Peer: h.Assessment.Peer.Email, Cap: h.Cap, Detail: h.Detail})
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeTable prints the relationship table, one row per peer, and a legend
// for what its columns and marks mean.
func writeTable(w io.Writer, p *rules.Plan) {
	loc := p.Now.Location()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PEER\tTIER\tCADENCE\tLAST MET\tNEXT 1:1\tSTATE\tCANCELLED\tSET BY")
	for i := range p.Peers {
		a := &p.Peers[i]
		last := "never"
		if !a.LastMet.IsZero() {
			last = fmt.Sprintf("%s (%s)", a.LastMet.In(loc).Format("Jan 2"), daysAgo(a.DaysSinceLast))
		}
		next := "–"
		if !a.NextScheduled.IsZero() {
			next = a.NextScheduled.In(loc).Format(rules.DateFormat)
		} else if len(a.Open) > 0 {
			next = a.Open[0].Start.In(loc).Format(rules.DateFormat) + "?"
		}
		streak := "–"
		if a.CancelledStreak > 0 {
			streak = fmt.Sprintf("%d in a row", a.CancelledStreak)
		}
		cadence, by := a.Cadence.Name, ruleLabel(a.Rules["cadence"])
		if a.State == rules.Skipped {
			cadence, by = "–", skippedBy(a)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.Peer.Name, a.Peer.Tier, cadence, last, next, a.State, streak, by)
	}
	tw.Flush()
	fmt.Fprint(w, tableLegend)
}

// tableLegend explains the table's columns and marks, after it.
const tableLegend = `
TIER: forever is a standing relationship; right-now matters until a date.
NEXT 1:1: the next 1:1 on your calendar; a "?" marks a suggestion or invite sideways made that is not a meeting yet.
CANCELLED: 1:1s cancelled or declined in a row since you last met.
SET BY: the rule that set the cadence ("default" when none did), or why a skipped peer is skipped.
`

func daysAgo(n int) string {
	if n == 0 {
		return "today"
	}
	return rules.Plural(n, "day", "") + " ago"
}

func ruleLabel(r string) string {
	if r == rules.Default {
		return "default"
	}
	return r
}

// skippedBy names what skips a peer: the rule, or the peer's dates.
func skippedBy(a *rules.Assessment) string {
	switch {
	case a.Skip:
		return ruleLabel(a.Rules["skip"])
	case !a.Peer.Until.IsZero() && strings.Contains(a.Why, "until"):
		return "until date"
	case !a.Peer.Since.IsZero():
		return "since date"
	}
	return a.Why
}

func writeWarnings(w io.Writer, ws []string) {
	if len(ws) == 0 {
		return
	}
	fmt.Fprintln(w, "\nWarnings:")
	for _, s := range ws {
		fmt.Fprintf(w, "  ! %s\n", s)
	}
}

// writeActions prints the actions and what was held back, one line each.
func writeActions(w io.Writer, p *rules.Plan) {
	loc := p.Now.Location()
	if len(p.Actions) == 0 {
		fmt.Fprintln(w, "\nNothing to do.")
	} else {
		fmt.Fprintln(w, "\nActions:")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, a := range p.Actions {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.Kind, a.Assessment.Peer.Name, slotLine(a.Slot, loc), a.Reason)
			if a.Late != "" {
				fmt.Fprintf(tw, "  \t\t\tnot sooner: %s\n", a.Late)
			}
		}
		tw.Flush()
	}
	if len(p.HeldBack) > 0 {
		fmt.Fprintln(w, "\nHeld back:")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, h := range p.HeldBack {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", h.Assessment.Peer.Name, h.Cap, h.Detail)
		}
		tw.Flush()
	}
}

func slotLine(s calendar.Interval, loc *time.Location) string {
	st, en := s.Start.In(loc), s.End.In(loc)
	return fmt.Sprintf("%s %s–%s %s", st.Format(rules.DateFormat), st.Format("15:04"), en.Format("15:04"), st.Format("MST"))
}

// writeExplain prints, for each action the earlier days a cap refused, and
// for each peer the settings and the rule behind each, and the events behind
// when you last met and the cancelled streak.
func writeExplain(w io.Writer, p *rules.Plan) {
	loc := p.Now.Location()
	for _, a := range p.Actions {
		if len(a.PassedOver) == 0 && a.Late == "" {
			continue
		}
		fmt.Fprintf(w, "\nWhy %s's slot is not sooner:\n", a.Assessment.Peer.Name)
		if a.Late != "" {
			fmt.Fprintf(w, "  %s\n", a.Late)
		}
		for _, n := range a.PassedOver {
			fmt.Fprintf(w, "  - %s\n", n)
		}
	}
	fmt.Fprintln(w, "\nWhy:")
	for i := range p.Peers {
		a := &p.Peers[i]
		fmt.Fprintf(w, "  %s <%s>: %s — %s\n", a.Peer.Name, a.Peer.Email, a.State, a.Why)
		fmt.Fprintf(w, "      cadence %s (%s)", a.Cadence.Name, ruleName(a.Rules["cadence"]))
		if a.Rules["skip"] != rules.Default {
			fmt.Fprintf(w, ", skip %v (%s)", a.Skip, ruleName(a.Rules["skip"]))
		}
		if a.Rules["priority"] != rules.Default {
			fmt.Fprintf(w, ", priority %d (%s)", a.Priority, ruleName(a.Rules["priority"]))
		}
		vals := map[string]string{
			"mode": string(a.Mode), "days": a.Days.String(), "window": a.Window.From.String() + "-" + a.Window.To.String(),
			"duration": calendar.HumanDuration(a.Duration), "location": a.Location, "series": fmt.Sprint(a.Settings.Series),
		}
		for _, k := range []string{"mode", "days", "window", "duration", "location", "series"} {
			if a.Rules[k] != rules.Default {
				fmt.Fprintf(w, ", %s %s (%s)", k, vals[k], ruleName(a.Rules[k]))
			}
		}
		fmt.Fprintln(w)
		for _, b := range a.Behind {
			what := "last met"
			if b.Missed != "" {
				what = b.Missed
			}
			fmt.Fprintf(w, "      %s: %s\n", what, eventLine(b.Event, loc))
		}
		for _, line := range rules.SeriesState(a, loc) {
			fmt.Fprintf(w, "      series %s\n", line)
		}
	}
}

// eventLine names an event for a person: when, its title and calendar.
func eventLine(e *calendar.Event, loc *time.Location) string {
	when := e.Start.In(loc).Format(rules.DateFormat + " 2006 15:04")
	if e.AllDay {
		when = e.Start.UTC().Format(rules.DateFormat+" 2006") + " (all day)"
	}
	return fmt.Sprintf("%s %q (%s)", when, e.Summary, e.Calendar)
}

func ruleName(r string) string {
	if r == rules.Default {
		return "default"
	}
	return "rule " + fmt.Sprintf("%q", r)
}

// writeSuggestions prints each new suggestion or invite in full, as it would
// appear on the calendar. An action a cycle would not write (report mode) says
// so, and what propose or invite mode would do, instead of how to handle an
// event that is not there (rules.SuggestionText).
func writeSuggestions(w io.Writer, cfg *config.Config, p *rules.Plan) {
	for i := range p.Actions {
		a := &p.Actions[i]
		if a.Kind == rules.Withdraw {
			continue
		}
		fmt.Fprintf(w, "\n%s\n", strings.Repeat("─", 78))
		title, body := rules.SuggestionTitle(a.Assessment.Peer), rules.SuggestionText(cfg, a)
		if a.Kind == rules.Invite {
			title, body = rules.Title(cfg, a.Assessment.Peer), rules.InviteText(cfg, a)
			if !a.Writes(cfg) {
				body += fmt.Sprintf("\nIn invite mode sideways would send %s this invitation; mode report sends nothing.\n", a.Assessment.Peer.FirstName())
			}
		}
		fmt.Fprintf(w, "%s\n%s\n\n%s", title, slotLine(a.Slot, p.Now.Location()), body)
	}
}
