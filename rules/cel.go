package rules

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/checker"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/interpreter"

	"github.com/sidewayscal/sideways/config"
)

// What one rule's condition may cost (README "Rule conditions").
//
// Cost is cel-go's measure of work: about one unit per operation, per list
// element a comprehension visits, per element a list operation copies, and per
// ten characters a string function scans. An evaluation stopped at 100,000
// units has taken at most about a tenth of a second (rules_test's
// BenchmarkCostLimit).
const (
	// CostLimit bounds a condition's cost: check rejects a condition whose
	// estimated cost could exceed it, and an evaluation that reaches it is
	// stopped.
	CostLimit = 10_000

	// The sizes cost estimation assumes for the variables a condition sees.
	// They are not limits on the roster: a peer with more tags or longer notes
	// is evaluated all the same, under CostLimit.
	hintListLen     = 20    // items in peer.tags, peer.aliases, peer.questions, me.emails
	hintWordLen     = 32    // characters in a tag or an alias
	hintStringLen   = 64    // characters in a name, email, department, zone...
	hintQuestionLen = 200   // characters in a question
	hintNotesLen    = 1_000 // characters in peer.notes

	// interruptEvery is how many comprehension iterations run between two
	// looks at the context, so a cancelled cycle stops a running condition.
	interruptEvery = 100
)

// sizeHints gives cost estimation the assumed size of each variable-length input.
type sizeHints struct{}

func (sizeHints) EstimateSize(n checker.AstNode) *checker.SizeEstimate {
	path := n.Path()
	if len(path) == 0 || n.Type() == nil {
		return nil
	}
	kind := n.Type().Kind()
	switch path[0] {
	case "peer", "me", "history":
	default:
		// A derived value, such as an element of peer.notes.split(" "): no
		// string in a condition's input is longer than the notes.
		if kind == types.StringKind {
			return &checker.SizeEstimate{Max: hintNotesLen}
		}
		return nil
	}
	field := strings.Join(path, ".")
	switch {
	case kind == types.ListKind:
		return &checker.SizeEstimate{Max: hintListLen}
	case kind != types.StringKind && kind != types.BytesKind:
		return nil
	case field == "peer.notes":
		return &checker.SizeEstimate{Max: hintNotesLen}
	case field == "peer.questions.@items":
		return &checker.SizeEstimate{Max: hintQuestionLen}
	case field == "peer.tags.@items" || field == "peer.aliases.@items":
		return &checker.SizeEstimate{Max: hintWordLen}
	}
	return &checker.SizeEstimate{Max: hintStringLen}
}

func (sizeHints) EstimateCallCost(string, string, *checker.AstNode, []checker.AstNode) *checker.CallEstimate {
	return nil
}

// unbounded is where an estimate stops meaning a number: it comes from an
// input whose size cannot be foreseen (lists.range(n) with n not a constant).
const unbounded = math.MaxUint64 / 1024

// estimate rejects a condition whose cost, on inputs of the hinted sizes, could
// exceed CostLimit.
func estimate(env *cel.Env, ast *cel.Ast, r *config.Rule) *config.Error {
	est, err := env.EstimateCost(ast, sizeHints{})
	switch {
	case err != nil:
		return &config.Error{Pos: r.WhenPos, Msg: fmt.Sprintf("rule %q: when: its cost cannot be estimated: %v", r.Name, err)}
	case est.Max >= unbounded:
		return &config.Error{Pos: r.WhenPos, Msg: fmt.Sprintf(
			"rule %q: when: its cost has no bound (it builds a list or string whose size cannot be known in advance, such as lists.range(n) with n not a number); a condition may cost at most %s",
			r.Name, thousands(CostLimit))}
	case est.Max > CostLimit:
		return &config.Error{Pos: r.WhenPos, Msg: fmt.Sprintf(
			"rule %q: when: too costly: it may cost up to %s, over the limit of %s (for a peer with %d tags of %d characters and %s characters of notes)",
			r.Name, thousands(est.Max), thousands(CostLimit), hintListLen, hintWordLen, thousands(hintNotesLen))}
	}
	return nil
}

// thousands writes n with comma separators: 6,000,016,000,012.
func thousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// eval runs a compiled condition under ctx.
func eval(ctx context.Context, prg cel.Program, act map[string]any) (bool, error) {
	out, _, err := prg.ContextEval(ctx, act)
	if err != nil {
		return false, err
	}
	b, ok := out.Value().(bool)
	return ok && b, nil
}

// RuleError is a rule whose condition failed to evaluate for a peer; the rule
// is treated as not matching that peer.
type RuleError struct {
	Rule int    // index in the config's rules
	Peer string // the peer's email
	Err  error
}

// describeEvalError words an evaluation error for the user.
func describeEvalError(when string, err error) error {
	var cancelled interpreter.EvalCancelledError
	if errors.As(err, &cancelled) && cancelled.Cause == interpreter.CostLimitExceeded {
		return fmt.Errorf("stopped: it cost more than the limit of %s", thousands(CostLimit))
	}
	if h := evalHint(when, err); h != "" {
		return fmt.Errorf("%w%s", err, h)
	}
	return err
}

// failures words rule errors, one per rule in rule order: the first peer the
// rule failed for and how many more.
func (e *Engine) failures(fs []RuleError) config.Errors {
	type agg struct {
		first RuleError
		n     int
	}
	by := make([]*agg, len(e.cfg.Rules))
	for _, f := range fs {
		if by[f.Rule] == nil {
			by[f.Rule] = &agg{first: f}
		}
		by[f.Rule].n++
	}
	var out config.Errors
	for i, a := range by {
		if a == nil {
			continue
		}
		r := &e.cfg.Rules[i]
		who := a.first.Peer
		switch {
		case a.n == 2:
			who += " (and 1 other peer)"
		case a.n > 2:
			who += fmt.Sprintf(" (and %d other peers)", a.n-1)
		}
		out = append(out, &config.Error{Pos: r.WhenPos, Msg: fmt.Sprintf("rule %q: when failed for %s: %v", r.Name, who, a.first.Err)})
	}
	return out
}

// ruleWarnings words the rules that failed during an assessment.
func (e *Engine) ruleWarnings(as []Assessment) []string {
	var fs []RuleError
	for i := range as {
		fs = append(fs, as[i].RuleErrors...)
	}
	var out []string
	for _, f := range e.failures(fs) {
		out = append(out, f.Error()+"; the rule was treated as not matching")
	}
	return out
}

// Check evaluates every rule's condition against every roster peer, as a peer
// never met, at now. It returns a config.Errors naming each rule that fails
// (at the rule's position, with the first peer it fails for), ctx's error when
// ctx is done, or nil.
func (e *Engine) Check(ctx context.Context, now time.Time) error {
	now = now.In(e.cfg.Me.Location)
	h := HistoryVars{DaysSinceLast: -1, NeverMet: true}
	var fs []RuleError
	for i := range e.cfg.Peers {
		_, failed, err := e.settings(ctx, now, &e.cfg.Peers[i], i, h)
		if err != nil {
			return err
		}
		fs = append(fs, failed...)
	}
	if errs := e.failures(fs); len(errs) > 0 {
		return errs
	}
	return nil
}

// compileErrors words CEL's compile errors at their positions in the config
// file, with a hint for the common mistakes.
func compileErrors(r *config.Rule, ces []*cel.Error) config.Errors {
	var out, assign config.Errors
	for _, ce := range ces {
		msg := strings.TrimSuffix(ce.Message, " (in container '')")
		line, col := ce.Location.Line(), ce.Location.Column()
		hint := ""
		switch {
		case strings.HasPrefix(msg, "Syntax error: token recognition error at: '="):
			hint = "; a single = compares nothing: write == (or <=, >=, !=)"
		case strings.Contains(msg, "no matching overload for 'contains' applied to 'list("):
			hint = "; to test whether a list holds a value, write " + membership(r.When, line, col)
		}
		e := &config.Error{
			Pos: celPos(r.WhenPos, line, col),
			Msg: fmt.Sprintf("rule %q: when: %s%s", r.Name, msg, hint),
		}
		out = append(out, e)
		if strings.HasPrefix(hint, "; a single =") {
			assign = append(assign, e)
		}
	}
	if len(assign) > 0 {
		return assign // the rest are what the parser made of the stray =
	}
	return out
}

// membership rewrites LIST.contains(VALUE), found at CEL's (line, col) in src
// (col is at its opening parenthesis), as VALUE in LIST.
func membership(src string, line, col int) string {
	const generic = "VALUE in LIST, e.g. \"budget\" in peer.tags"
	lines := strings.Split(src, "\n")
	if line < 1 || line > len(lines) {
		return generic
	}
	l := []rune(lines[line-1])
	if col < 0 || col >= len(l) || l[col] != '(' {
		return generic
	}
	head, ok := strings.CutSuffix(string(l[:col]), ".contains")
	if !ok {
		return generic
	}
	start := strings.LastIndexFunc(head, func(r rune) bool {
		return !(r == '.' || r == '_' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z')
	})
	list := head[start+1:]
	depth, end := 0, -1
	for i := col; i < len(l) && end < 0; i++ {
		switch l[i] {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				end = i
			}
		}
	}
	if list == "" || end < 0 {
		return generic
	}
	value := strings.TrimSpace(string(l[col+1 : end]))
	if value == "" {
		return generic
	}
	return value + " in " + list
}

// durationLit finds duration("...") calls on a string literal.
var durationLit = regexp.MustCompile(`duration\(\s*"([^"\\]*)"\s*\)`)

// badDuration returns the first duration("...") literal in src that CEL cannot
// read, its offset in src, and what to write instead ("" when unknown).
func badDuration(src string) (lit string, at int, fix string) {
	for _, m := range durationLit.FindAllStringSubmatchIndex(src, -1) {
		lit := src[m[2]:m[3]]
		if _, err := time.ParseDuration(lit); err == nil {
			continue
		}
		if d, err := config.ParseDuration(lit); err == nil {
			fix = d.String()
			if d%time.Hour == 0 {
				fix = fmt.Sprintf("%dh", d/time.Hour)
			}
		}
		return lit, m[0], fix
	}
	return "", -1, ""
}

// evalHint suggests a fix for an evaluation (or constant-folding) error.
func evalHint(src string, err error) string {
	if !strings.Contains(err.Error(), "'google.protobuf.Duration'") {
		return ""
	}
	const units = "; CEL durations take the units h, m and s (no d or w)"
	lit, _, fix := badDuration(src)
	if fix == "" {
		return units + `, e.g. duration("720h") for 30 days`
	}
	return fmt.Sprintf(`%s: write duration(%q) for %q`, units, fix, lit)
}

// hintPos is where an error from building a rule's program points: at a
// duration literal CEL cannot read, else at the condition.
func hintPos(r *config.Rule, err error) config.Pos {
	if !strings.Contains(err.Error(), "'google.protobuf.Duration'") {
		return r.WhenPos
	}
	_, at, _ := badDuration(r.When)
	if at < 0 {
		return r.WhenPos
	}
	before := r.When[:at]
	line := strings.Count(before, "\n") + 1
	col := len([]rune(before[strings.LastIndex(before, "\n")+1:]))
	return celPos(r.WhenPos, line, col)
}
