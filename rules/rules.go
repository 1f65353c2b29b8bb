// Package rules is the functional core of sideways: it compiles the YAML rules'
// CEL conditions, assesses every peer relationship against the calendars, and
// plans where peer 1:1s should go under the caps.
//
// Everything here is a pure function of its inputs: no I/O, no clock reads, no
// logging. The same inputs give the same bytes out.
package rules

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/ext"

	"github.com/sidewayscal/sideways/config"
)

// The variables a rule's `when` sees. Field names are the snake_case names of the
// YAML config (the README's configuration reference).

// PeerVars is `peer` in a rule's condition.
type PeerVars struct {
	Name            string    `cel:"name"`
	Email           string    `cel:"email"`  // the primary address
	Emails          []string  `cel:"emails"` // every address, the primary first
	Department      string    `cel:"department"`
	Tier            string    `cel:"tier"`
	Interdependence string    `cel:"interdependence"`
	Timezone        string    `cel:"timezone"`
	Since           time.Time `cel:"since"` // zero (0001-01-01) when unset
	Until           time.Time `cel:"until"` // zero when unset
	Aliases         []string  `cel:"aliases"`
	Tags            []string  `cel:"tags"`
	Notes           string    `cel:"notes"`
	Questions       []string  `cel:"questions"`
	Index           int64     `cel:"index"` // 0-based position in the roster (importance order)
}

// MeVars is `me` in a rule's condition.
type MeVars struct {
	Name       string   `cel:"name"`
	Emails     []string `cel:"emails"`
	Department string   `cel:"department"`
	Timezone   string   `cel:"timezone"`
}

// HistoryVars is `history` in a rule's condition. When NeverMet is true, LastMet
// is the zero time and DaysSinceLast is -1; NextScheduled is the zero time when
// nothing is scheduled.
type HistoryVars struct {
	LastMet         time.Time `cel:"last_met"`
	DaysSinceLast   int64     `cel:"days_since_last"`
	MetCount        int64     `cel:"met_count"`
	NextScheduled   time.Time `cel:"next_scheduled"`
	CancelledStreak int64     `cel:"cancelled_streak"`
	NeverMet        bool      `cel:"never_met"`
}

// Engine is a compiled configuration, ready to assess and plan.
type Engine struct {
	cfg   *config.Config
	progs []cel.Program // one per rule; nil when the rule has no `when`
	me    MeVars
	match *matcher // who is who, from the roster: built once per config
}

// Config returns the configuration the engine was compiled from.
func (e *Engine) Config() *config.Config { return e.cfg }

// Compile type-checks every rule's `when`, estimates its cost and returns an
// engine, or a config.Errors listing every problem with its position in the
// config file. A condition whose estimated cost is unbounded or over CostLimit
// is rejected (see estimate).
func Compile(cfg *config.Config) (*Engine, error) {
	env, err := newEnv()
	if err != nil {
		return nil, fmt.Errorf("rules: cel environment: %w", err)
	}
	e := &Engine{cfg: cfg, progs: make([]cel.Program, len(cfg.Rules)), me: meVars(cfg), match: newMatcher(cfg)}
	var errs config.Errors
	for i := range cfg.Rules {
		r := &cfg.Rules[i]
		if strings.TrimSpace(r.When) == "" {
			continue
		}
		prg, rerrs := compileWhen(env, r)
		errs = append(errs, rerrs...)
		e.progs[i] = prg
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return e, nil
}

// compileWhen compiles one rule's condition into a program that stops at
// CostLimit and checks for interruption while it iterates.
func compileWhen(env *cel.Env, r *config.Rule) (cel.Program, config.Errors) {
	ast, iss := env.Compile(r.When)
	if iss.Err() != nil {
		return nil, compileErrors(r, iss.Errors())
	}
	if !ast.OutputType().IsExactType(cel.BoolType) {
		return nil, config.Errors{{
			Pos: r.WhenPos,
			Msg: fmt.Sprintf("rule %q: when must be a bool expression, got %s: %q", r.Name, ast.OutputType(), r.When),
		}}
	}
	if err := estimate(env, ast, r); err != nil {
		return nil, config.Errors{err}
	}
	prg, err := env.Program(ast,
		cel.EvalOptions(cel.OptOptimize),
		cel.CostLimit(CostLimit),
		cel.InterruptCheckFrequency(interruptEvery))
	if err != nil {
		// Constant folding evaluates literal conversions such as duration("30d") here.
		return nil, config.Errors{{Pos: hintPos(r, err), Msg: fmt.Sprintf("rule %q: when: %v%s", r.Name, err, evalHint(r.When, err))}}
	}
	return prg, nil
}

func newEnv() (*cel.Env, error) {
	return cel.NewEnv(
		ext.NativeTypes(reflect.TypeFor[PeerVars](), reflect.TypeFor[MeVars](), reflect.TypeFor[HistoryVars](), ext.ParseStructTags(true)),
		cel.Variable("peer", cel.ObjectType("rules.PeerVars")),
		cel.Variable("me", cel.ObjectType("rules.MeVars")),
		cel.Variable("history", cel.ObjectType("rules.HistoryVars")),
		cel.Variable("now", cel.TimestampType),
		ext.Strings(),
		ext.Lists(),
		ext.Sets(),
	)
}

// celPos maps a CEL source location (1-based line, 0-based column) into the
// config file. On the first line the column is exact for a plain scalar; later
// lines of a multi-line expression report the line and the value's column.
func celPos(at config.Pos, line, col int) config.Pos {
	if line <= 1 {
		at.Col += max(col, 0)
		return at
	}
	at.Line += line - 1
	return at
}

func meVars(cfg *config.Config) MeVars {
	return MeVars{
		Name:       cfg.Me.Name,
		Emails:     cfg.Me.Emails,
		Department: cfg.Me.Department,
		Timezone:   cfg.Me.Timezone,
	}
}

func peerVars(p *config.Peer, index int) PeerVars {
	v := PeerVars{
		Name: p.Name, Email: p.Email, Emails: peerEmails(p), Department: p.Department, Tier: p.Tier,
		Interdependence: p.Interdependence, Timezone: p.Timezone,
		Aliases: nonNil(p.Aliases), Tags: nonNil(p.Tags), Notes: p.Notes,
		Questions: nonNil(p.Questions), Index: int64(index),
	}
	if !p.Since.IsZero() {
		v.Since = p.Since.In(time.UTC)
	}
	if !p.Until.IsZero() {
		v.Until = p.Until.In(time.UTC)
	}
	return v
}

// peerEmails is every address of the peer, the primary first.
func peerEmails(p *config.Peer) []string {
	if len(p.Emails) > 0 {
		return p.Emails
	}
	return []string{p.Email}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Settings are what the rules decided for one peer.
type Settings struct {
	Cadence  config.Cadence
	Skip     bool
	Priority int
	Mode     config.Mode
	Days     config.Weekdays
	Window   config.Window
	Duration time.Duration
	Location string
	// Series writes a recurring series instead of one meeting (see Series).
	Series bool
	// Rules names, for each setting key (cadence, skip, priority, mode, days,
	// window, duration, location, series), the rule that set it, or "default".
	Rules map[string]string
}

// Default is the name given to settings no rule set.
const Default = "default"

// defaultCadence follows the product's guidance when no rule sets a cadence:
// strong interdependence weekly, low quarterly, otherwise monthly.
func defaultCadence(p *config.Peer) config.Cadence {
	switch p.Interdependence {
	case "high":
		return config.Weekly
	case "low":
		return config.Quarterly
	}
	return config.Monthly
}

// settings applies the rules ssh_config style: each field comes from the first
// matching rule that sets it, then from the defaults. A rule whose condition
// fails to evaluate for this peer is treated as not matching and reported in
// the returned list; only a cancelled ctx is an error.
func (e *Engine) settings(ctx context.Context, now time.Time, p *config.Peer, index int, h HistoryVars) (Settings, []RuleError, error) {
	if err := ctx.Err(); err != nil {
		return Settings{}, nil, err
	}
	cfg := e.cfg
	s := Settings{
		Cadence: defaultCadence(p), Mode: cfg.Mode, Days: cfg.Meeting.Days,
		Window: cfg.Meeting.Window, Duration: cfg.Meeting.Duration, Location: cfg.Meeting.Location,
		Series: cfg.Meeting.Series,
		Rules: map[string]string{
			"cadence": Default, "skip": Default, "priority": Default, "mode": Default,
			"days": Default, "window": Default, "duration": Default, "location": Default, "series": Default,
		},
	}
	set := func(key, rule string) bool {
		if s.Rules[key] != Default {
			return false
		}
		s.Rules[key] = rule
		return true
	}
	var (
		act    map[string]any
		failed []RuleError
	)
	for i := range cfg.Rules {
		r := &cfg.Rules[i]
		if prg := e.progs[i]; prg != nil {
			if act == nil {
				act = map[string]any{"peer": peerVars(p, index), "me": e.me, "history": h, "now": now}
			}
			ok, err := eval(ctx, prg, act)
			if err != nil {
				if ctx.Err() != nil {
					return s, nil, ctx.Err()
				}
				failed = append(failed, RuleError{Rule: i, Peer: p.Email, Err: describeEvalError(r.When, err)})
				continue
			}
			if !ok {
				continue
			}
		}
		if r.Cadence != nil && set("cadence", r.Name) {
			s.Cadence = *r.Cadence
		}
		if r.Skip != nil && set("skip", r.Name) {
			s.Skip = *r.Skip
		}
		if r.Priority != nil && set("priority", r.Name) {
			s.Priority = *r.Priority
		}
		if r.Mode != nil && set("mode", r.Name) {
			s.Mode = *r.Mode
		}
		if r.Days != nil && set("days", r.Name) {
			s.Days = *r.Days
		}
		if r.Window != nil && set("window", r.Name) {
			s.Window = *r.Window
		}
		if r.Duration != nil && set("duration", r.Name) {
			s.Duration = *r.Duration
		}
		if r.Location != nil && set("location", r.Name) {
			s.Location = *r.Location
		}
		if r.Series != nil && set("series", r.Name) {
			s.Series = *r.Series
		}
	}
	return s, failed, nil
}
