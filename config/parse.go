package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"
	_ "time/tzdata" // zones work on machines without a zoneinfo database

	"go.yaml.in/yaml/v3"
)

// DefaultTitle is the meeting title when the config sets none.
const DefaultTitle = "Peer 1:1 · {{.Me.FirstName}} / {{.Peer.FirstName}}"

const (
	// maxAliases bounds how many alias dereferences one file may cause, so
	// that a "billion laughs" file cannot make Parse walk forever.
	maxAliases = 10000
)

// DefaultAgenda is the 10/10/10 format.
func DefaultAgenda() []AgendaItem {
	return []AgendaItem{
		{10, "What's keeping you up at night?"},
		{10, "What I'm working on"},
		{10, "Where might we help each other?"},
	}
}

// Load reads the config file at path and parses it with Parse; path is used
// verbatim in messages.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data)
}

// Parse parses and validates a config. file names the config in messages (used
// verbatim) and anchors relative paths in it (resolved against its folder, made
// absolute). On any problem it returns nil and an Errors holding every problem
// found, sorted by position.
//
// Beyond PRODUCT §3:
//   - Top-level keys starting with "x-" are ignored, so they can hold YAML
//     anchors for reuse elsewhere (as in Docker Compose); aliases and merge keys
//     ("<<: *base") work everywhere.
//   - A key with an empty (null) value counts as absent and gets its default.
//   - Lists of strings (emails, aliases, tags, questions, days) also accept a
//     single string.
//   - working_hours is one string or a list of them; see ParseWorkingHours.
//     Peers' hours are in the peer's zone.
//   - The meeting title must execute as a template over {Me, Peer} with those
//     types, so a misspelt field is caught here, not when a suggestion is written.
//   - With mode propose or invite (the default is propose) exactly one calendar
//     must be writable; more than one writable calendar is an error in any mode.
//   - YAML syntax errors carry the line yaml reports and column 1, except that
//     a tab in a line's indentation is reported at that tab.
func Parse(file string, data []byte) (*Config, error) {
	p := &parser{file: file}
	cfg := p.parse(data)
	if len(p.errs) > 0 {
		return nil, p.sorted()
	}
	return cfg, nil
}

type parser struct {
	file    string
	errs    Errors
	aliases int
	// ruleModes are the mode values set by rules, checked against the
	// calendars once all are read.
	ruleModes []*yaml.Node
}

func (p *parser) pos(n *yaml.Node) Pos {
	if n == nil || n.Line == 0 {
		return Pos{p.file, 1, 1}
	}
	return Pos{p.file, n.Line, n.Column}
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, &Error{p.pos(n), fmt.Sprintf(format, args...)})
}

func (p *parser) err(n *yaml.Node, err error) {
	p.errs = append(p.errs, &Error{p.pos(n), err.Error()})
}

// sorted returns the errors in file order without exact repeats (an anchor used
// twice would otherwise report its problems twice).
func (p *parser) sorted() Errors {
	slices.SortStableFunc(p.errs, func(a, b *Error) int {
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line - b.Pos.Line
		}
		return a.Pos.Col - b.Pos.Col
	})
	return slices.CompactFunc(p.errs, func(a, b *Error) bool { return *a == *b })
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// document decodes the single YAML document in data. It returns nil for an
// empty file and on a syntax error, which it reports.
func (p *parser) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil
		}
		p.syntax(data, err)
		return nil
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == io.EOF:
	case err != nil:
		p.syntax(data, err)
		return nil
	default:
		p.errorf(&extra, "a config holds one YAML document; remove this one or the --- before it")
	}
	return &doc
}

func (p *parser) syntax(data []byte, err error) {
	if p.tabIndents(data) {
		return // the tabs are the cause; yaml words it badly and a line early
	}
	msg := err.Error()
	line := 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	p.errs = append(p.errs, &Error{Pos{p.file, max(line, 1), 1}, "yaml: " + msg})
}

// resolve follows aliases and unwraps documents.
func (p *parser) resolve(n *yaml.Node) *yaml.Node {
	for n != nil && (n.Kind == yaml.AliasNode || n.Kind == yaml.DocumentNode) {
		if n.Kind == yaml.DocumentNode {
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
			continue
		}
		p.aliases++
		if p.aliases == maxAliases {
			p.errorf(n, "too many aliases: at most %d are followed", maxAliases)
		}
		if p.aliases >= maxAliases {
			return nil
		}
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}

// entry is one key and its (resolved) value.
type entry struct{ key, val *yaml.Node }

// fields is a mapping checked against its allowed keys.
type fields struct {
	node *yaml.Node
	m    map[string]entry
}

// get returns the entry for key, with ok false when the key is absent or null.
func (f fields) get(key string) (entry, bool) {
	e, ok := f.m[key]
	if !ok || isNull(e.val) {
		return entry{}, false
	}
	return e, true
}

// mapping checks that n is a mapping whose keys are all in keys, each once. what
// names the mapping in messages ("peer", "meeting").
func (p *parser) mapping(n *yaml.Node, what string, keys []string) fields {
	f := fields{node: n, m: map[string]entry{}}
	if n = p.resolve(n); isNull(n) {
		return f
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s: want a mapping of %s, got %s", what, strings.Join(keys, ", "), kindName(n))
		return f
	}
	f.node = n
	p.collect(n, what, keys, f.m, false, 0)
	return f
}

func (p *parser) collect(n *yaml.Node, what string, keys []string, m map[string]entry, merged bool, depth int) {
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merges = append(merges, v)
			continue
		}
		rk := p.resolve(k)
		if rk == nil || rk.Kind != yaml.ScalarNode {
			p.errorf(k, "%s: keys must be plain words, not %s", what, kindName(k))
			continue
		}
		name := rk.Value
		if !slices.Contains(keys, name) {
			if what == "config" && strings.HasPrefix(name, "x-") {
				continue
			}
			p.errorf(k, "%s", unknownKey(name, what, keys))
			continue
		}
		if prev, ok := m[name]; ok {
			if !merged {
				p.errorf(k, "duplicate key %q in %s (first at line %d)", name, what, prev.key.Line)
			}
			continue
		}
		m[name] = entry{k, p.resolve(v)}
	}
	if depth > 10 {
		return
	}
	for _, v := range merges {
		v = p.resolve(v)
		switch {
		case v == nil:
		case v.Kind == yaml.MappingNode:
			p.collect(v, what, keys, m, true, depth+1)
		case v.Kind == yaml.SequenceNode:
			for _, item := range v.Content {
				if item = p.resolve(item); item != nil && item.Kind == yaml.MappingNode {
					p.collect(item, what, keys, m, true, depth+1)
				} else if item != nil {
					p.errorf(item, "<<: want a mapping to merge, got %s", kindName(item))
				}
			}
		default:
			p.errorf(v, "<<: want a mapping to merge, got %s", kindName(v))
		}
	}
}

func unknownKey(name, what string, keys []string) string {
	best, bestD := "", 3
	for _, k := range keys {
		limit := 2
		if len(name) <= 4 {
			limit = 1
		}
		if d := editDistance(strings.ToLower(name), k); d <= limit && d < bestD {
			best, bestD = k, d
		}
	}
	if best != "" {
		return fmt.Sprintf("unknown key %q in %s; did you mean %q?", name, what, best)
	}
	return fmt.Sprintf("unknown key %q in %s; want %s", name, what, orList(keys))
}

// orList renders "a, b or c".
func orList(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// editDistance is the Damerau-Levenshtein (optimal string alignment) distance.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 1 << 10
	}
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// scalar returns the text of a single value; key names it in messages.
func (p *parser) scalar(e entry, key string) (string, bool) {
	if e.val == nil || e.val.Kind != yaml.ScalarNode {
		if e.val != nil {
			p.errorf(e.val, "%s: want a single value, got %s", key, kindName(e.val))
		}
		return "", false
	}
	return e.val.Value, true
}

// list returns the value nodes of a list of single values; a single value is a
// list of one.
func (p *parser) list(e entry, key string) []*yaml.Node {
	v := e.val
	if v == nil {
		return nil
	}
	switch v.Kind {
	case yaml.ScalarNode:
		return []*yaml.Node{v}
	case yaml.SequenceNode:
	default:
		p.errorf(v, "%s: want a list, got %s", key, kindName(v))
		return nil
	}
	var out []*yaml.Node
	for _, item := range v.Content {
		item = p.resolve(item)
		switch {
		case isNull(item):
			if item != nil {
				p.errorf(item, "%s: empty list item", key)
			}
		case item.Kind != yaml.ScalarNode:
			p.errorf(item, "%s: want a list of single values, got %s in it", key, kindName(item))
		default:
			out = append(out, item)
		}
	}
	return out
}

func (p *parser) strings(e entry, key string) []string {
	var out []string
	for _, n := range p.list(e, key) {
		out = append(out, n.Value)
	}
	return out
}

func (p *parser) boolean(e entry, key string) (bool, bool) {
	s, ok := p.scalar(e, key)
	if !ok {
		return false, false
	}
	if e.val.Tag != "!!bool" {
		p.errorf(e.val, "%s: want true or false, got %q", key, s)
		return false, false
	}
	b, err := strconv.ParseBool(strings.ToLower(s))
	if err != nil {
		p.errorf(e.val, "%s: want true or false, got %q", key, s)
		return false, false
	}
	return b, true
}

func (p *parser) integer(e entry, key string) (int, bool) {
	s, ok := p.scalar(e, key)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 32)
	if err != nil {
		p.errorf(e.val, "%s: want a whole number, got %q", key, s)
		return 0, false
	}
	return int(n), true
}

// count is a whole number that must not be negative.
func (p *parser) count(e entry, key string, def int) int {
	n, ok := p.integer(e, key)
	if !ok {
		return def
	}
	if n < 0 {
		p.errorf(e.val, "%s must not be negative, got %d", key, n)
		return def
	}
	return n
}

// duration parses a duration; positive says whether zero is refused too.
func (p *parser) duration(e entry, key string, def time.Duration, positive bool) time.Duration {
	s, ok := p.scalar(e, key)
	if !ok {
		return def
	}
	d, err := ParseDuration(s)
	if err != nil {
		p.err(e.val, err)
		return def
	}
	if positive && d <= 0 {
		p.errorf(e.val, "%s must be positive, got %s", key, s)
		return def
	}
	if d < 0 {
		p.errorf(e.val, "%s must not be negative, got %s", key, s)
		return def
	}
	return d
}

// oneOf checks a value against a fixed set of words, case-insensitively.
func (p *parser) oneOf(e entry, key string, def string, valid ...string) string {
	s, ok := p.scalar(e, key)
	if !ok {
		return def
	}
	for _, v := range valid {
		if strings.EqualFold(strings.TrimSpace(s), v) {
			return v
		}
	}
	p.errorf(e.val, "unknown %s %q: want %s", key, s, orList(valid))
	return def
}

func (p *parser) mode(e entry) (Mode, bool) {
	s, ok := p.scalar(e, "mode")
	if !ok {
		return "", false
	}
	for _, m := range []Mode{ModeReport, ModePropose, ModeInvite} {
		if strings.EqualFold(strings.TrimSpace(s), string(m)) {
			return m, true
		}
	}
	p.errorf(e.val, "unknown mode %q: want report, propose or invite", s)
	return "", false
}

func (p *parser) zone(e entry) (string, *time.Location, bool) {
	s, ok := p.scalar(e, "timezone")
	if !ok {
		return "", nil, false
	}
	name := strings.TrimSpace(s)
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" {
		p.errorf(e.val, "unknown time zone %q: %s", s, ZoneHint(s))
		return "", nil, false
	}
	return name, loc, true
}

func (p *parser) workingHours(e entry) (WorkingHours, bool) {
	nodes := p.list(e, "working_hours")
	if len(nodes) == 0 {
		if e.val != nil && e.val.Kind == yaml.SequenceNode && len(e.val.Content) == 0 {
			p.errorf(e.val, "working_hours: empty list")
		}
		return WorkingHours{}, false
	}
	var all []string
	ok := true
	for _, n := range nodes {
		if _, err := ParseWorkingHours(n.Value); err != nil {
			p.err(n, err)
			ok = false
		}
		all = append(all, n.Value)
	}
	if !ok {
		return WorkingHours{}, false
	}
	wh, err := ParseWorkingHours(all...)
	if err != nil {
		p.err(e.val, err)
		return WorkingHours{}, false
	}
	return wh, true
}

func (p *parser) days(e entry) (Weekdays, bool) {
	nodes := p.list(e, "days")
	if len(nodes) == 0 {
		if e.val != nil && e.val.Kind == yaml.SequenceNode {
			p.errorf(e.val, "days: no days given: %s", wantDays)
		}
		return 0, false
	}
	var w Weekdays
	ok := true
	for _, n := range nodes {
		d, err := ParseDays([]string{n.Value})
		if err != nil {
			p.err(n, err)
			ok = false
		}
		w |= d
	}
	return w, ok
}

func (p *parser) window(e entry) (Window, bool) {
	s, ok := p.scalar(e, "window")
	if !ok {
		return Window{}, false
	}
	w, err := ParseWindow(s)
	if err != nil {
		p.err(e.val, err)
		return Window{}, false
	}
	return w, true
}

// email checks that n holds a bare address and returns it lower-cased.
func (p *parser) email(n *yaml.Node) (string, bool) {
	s := strings.TrimSpace(n.Value)
	a, err := mail.ParseAddress(s)
	if err != nil {
		p.errorf(n, "bad email %q: want an address such as dana@acme.test", n.Value)
		return "", false
	}
	if a.Name != "" || a.Address != s {
		p.errorf(n, "email %q must be a bare address such as %s", n.Value, a.Address)
		return "", false
	}
	return strings.ToLower(a.Address), true
}

// path resolves a path from the config against the config's folder, after
// expanding a leading ~ or $HOME (see expandHome).
func (p *parser) path(n *yaml.Node, s string) string {
	s, err := expandHome(s, os.UserHomeDir)
	if err != nil {
		p.errorf(n, "%v", err)
		return s
	}
	if filepath.IsAbs(s) {
		return filepath.Clean(s)
	}
	abs, err := filepath.Abs(filepath.Join(filepath.Dir(p.file), s))
	if err != nil {
		p.errorf(n, "cannot make %q absolute: %v", s, err)
		return s
	}
	return abs
}

var topKeys = []string{"me", "calendars", "mode", "poll", "lookback", "horizon", "snooze", "peer_freebusy", "one_on_one", "meeting", "caps", "goals", "peers", "rules"}

func (p *parser) parse(data []byte) *Config {
	doc := p.document(data)
	if len(p.errs) > 0 {
		return nil
	}
	root := p.resolve(doc)
	if isNull(root) {
		p.errorf(nil, "empty config: want at least me and calendars; `sideways init` writes a starter")
		return nil
	}
	top := p.mapping(root, "config", topKeys)
	if top.node.Kind != yaml.MappingNode {
		return nil
	}
	cfg := &Config{
		File:     p.file,
		Mode:     ModePropose,
		Poll:     15 * time.Minute,
		Lookback: 365 * Day,
		Horizon:  21 * Day,
		Snooze:   14 * Day,
	}
	if e, ok := top.get("me"); ok {
		cfg.Me = p.me(e)
	} else {
		p.errorf(top.node, "config needs me (name and emails)")
		cfg.Me = Me{Location: time.Local, Timezone: time.Local.String(), WorkingHours: DefaultWorkingHours()}
	}
	if e, ok := top.get("calendars"); ok {
		cfg.Calendars = p.calendars(e)
	}
	modeEntry, hasMode := top.get("mode")
	if hasMode {
		if m, ok := p.mode(modeEntry); ok {
			cfg.Mode = m
		} else {
			hasMode = false
			cfg.Mode = ""
		}
	}
	if e, ok := top.get("poll"); ok {
		cfg.Poll = p.duration(e, "poll", cfg.Poll, true)
	}
	if e, ok := top.get("lookback"); ok {
		cfg.Lookback = p.duration(e, "lookback", cfg.Lookback, true)
	}
	if e, ok := top.get("horizon"); ok {
		cfg.Horizon = p.duration(e, "horizon", cfg.Horizon, true)
	}
	if e, ok := top.get("snooze"); ok {
		cfg.Snooze = p.duration(e, "snooze", cfg.Snooze, false)
	}
	if e, ok := top.get("peer_freebusy"); ok {
		cfg.PeerFreebusy, _ = p.boolean(e, "peer_freebusy")
	}
	cfg.OneOnOne = OneOnOne{MaxAttendees: 2}
	if e, ok := top.get("one_on_one"); ok {
		f := p.mapping(e.val, "one_on_one", []string{"max_attendees"})
		if e, ok := f.get("max_attendees"); ok {
			if n, ok := p.integer(e, "one_on_one.max_attendees"); ok {
				if n < 2 {
					p.errorf(e.val, "one_on_one.max_attendees must be at least 2, got %d", n)
				} else {
					cfg.OneOnOne.MaxAttendees = n
				}
			}
		}
	}
	meeting, _ := top.get("meeting")
	cfg.Meeting = p.meeting(meeting)
	caps, _ := top.get("caps")
	cfg.Caps = p.caps(caps)
	cfg.Goals = Goals{MinStandingPeers: 3}
	if e, ok := top.get("goals"); ok {
		f := p.mapping(e.val, "goals", []string{"min_standing_peers"})
		if e, ok := f.get("min_standing_peers"); ok {
			cfg.Goals.MinStandingPeers = p.count(e, "goals.min_standing_peers", 3)
		}
	}
	if e, ok := top.get("peers"); ok {
		cfg.Peers = p.peers(e, cfg.Me)
	}
	if e, ok := top.get("rules"); ok {
		cfg.Rules = p.rules(e)
	}
	p.writable(cfg, top, modeEntry, hasMode)
	return cfg
}

// writable checks that propose and invite have exactly one writable calendar,
// and that no mode has more than one.
func (p *parser) writable(cfg *Config, top fields, modeEntry entry, hasMode bool) {
	var names []string
	for _, c := range cfg.Calendars {
		if c.Writable {
			names = append(names, c.Name)
		}
	}
	if len(names) > 1 {
		// Reported by calendars, at each extra writable calendar.
		return
	}
	if len(names) == 1 {
		return
	}
	for _, n := range p.ruleModes {
		p.errorf(n, "mode %s needs exactly one writable calendar, found none: mark one with writable: true", n.Value)
	}
	if cfg.Mode == ModeReport || cfg.Mode == "" {
		return
	}
	at := top.node
	how := fmt.Sprintf("mode %s", cfg.Mode)
	if hasMode {
		at = modeEntry.key
	} else if e, ok := top.m["calendars"]; ok {
		at = e.key
		how = "mode propose (the default)"
	}
	p.errorf(at, "%s needs exactly one writable calendar, found none: mark one with writable: true, or use mode: report", how)
}

var meKeys = []string{"name", "emails", "department", "timezone", "working_hours"}

func (p *parser) me(e entry) Me {
	me := Me{Location: time.Local, Timezone: time.Local.String(), WorkingHours: DefaultWorkingHours()}
	f := p.mapping(e.val, "me", meKeys)
	if e, ok := f.get("name"); ok {
		me.Name, _ = p.scalar(e, "name")
		me.Name = strings.TrimSpace(me.Name)
	}
	if me.Name == "" {
		p.errorf(f.node, "me needs a name")
	}
	if e, ok := f.get("emails"); ok {
		for _, n := range p.list(e, "emails") {
			if addr, ok := p.email(n); ok {
				if slices.Contains(me.Emails, addr) {
					p.errorf(n, "duplicate email %q in me.emails", addr)
					continue
				}
				me.Emails = append(me.Emails, addr)
			}
		}
		if len(me.Emails) == 0 && e.val.Kind == yaml.SequenceNode && len(e.val.Content) == 0 {
			p.errorf(e.val, "me needs at least one email")
		}
	} else {
		p.errorf(f.node, "me needs at least one email")
	}
	if e, ok := f.get("department"); ok {
		me.Department, _ = p.scalar(e, "department")
	}
	if e, ok := f.get("timezone"); ok {
		if name, loc, ok := p.zone(e); ok {
			me.Timezone, me.Location = name, loc
		}
	}
	if e, ok := f.get("working_hours"); ok {
		if wh, ok := p.workingHours(e); ok {
			me.WorkingHours = wh
		}
	}
	return me
}

var (
	calendarKeys = []string{"name", "google", "ics", "writable", "holidays"}
	googleKeys   = []string{"calendar", "client_secret", "token", "endpoint"}
)

func (p *parser) items(e entry, what string) []*yaml.Node {
	if e.val.Kind != yaml.SequenceNode {
		p.errorf(e.val, "%s: want a list, got %s", what, kindName(e.val))
		return nil
	}
	var out []*yaml.Node
	for _, n := range e.val.Content {
		if r := p.resolve(n); !isNull(r) {
			out = append(out, r)
		} else if r != nil {
			p.errorf(r, "%s: empty list item", what)
		}
	}
	return out
}

func (p *parser) calendars(e entry) []Calendar {
	var cals []Calendar
	seen := map[string]int{} // name → line
	var writable string      // the first writable calendar's name
	hasWritable := false
	for _, n := range p.items(e, "calendars") {
		f := p.mapping(n, "calendar", calendarKeys)
		c := Calendar{Pos: p.pos(f.node)}
		if e, ok := f.get("name"); ok {
			c.Name, _ = p.scalar(e, "name")
			c.Name = strings.TrimSpace(c.Name)
			if line, dup := seen[c.Name]; dup && c.Name != "" {
				p.errorf(e.val, "duplicate calendar %q (first at line %d)", c.Name, line)
			} else if c.Name != "" {
				seen[c.Name] = e.val.Line
			}
		}
		if c.Name == "" {
			p.errorf(f.node, "calendar needs a name")
		}
		g, hasG := f.get("google")
		ics, hasICS := f.get("ics")
		switch {
		case hasG && hasICS:
			p.errorf(ics.key, "calendar %q has both google and ics; want one", c.Name)
		case !hasG && !hasICS:
			if _, ok := f.m["google"]; ok {
				// "google:" with nothing under it: all defaults.
				hasG, g = true, f.m["google"]
			} else {
				p.errorf(f.node, "calendar %q needs google or ics", c.Name)
			}
		}
		if hasG {
			c.Google = p.google(g)
		} else if hasICS {
			c.ICS, c.ICSPos = p.ics(ics), p.pos(ics.val)
		}
		if e, ok := f.get("writable"); ok {
			if w, ok := p.boolean(e, "writable"); ok && w {
				switch {
				case hasICS && !hasG:
					p.errorf(e.val, "ics calendar %q cannot be writable: sideways writes only to google calendars", c.Name)
				case hasWritable:
					p.errorf(e.val, "calendar %q is writable but %q already is: only one calendar may be writable", c.Name, writable)
					c.Writable = true
				default:
					c.Writable = true
					writable, hasWritable = c.Name, true
				}
			}
		}
		if e, ok := f.get("holidays"); ok {
			c.Holidays, _ = p.boolean(e, "holidays")
		}
		cals = append(cals, c)
	}
	return cals
}

func (p *parser) google(e entry) *Google {
	g := &Google{Calendar: "primary", ClientSecret: p.path(nil, "client_secret.json"), Token: p.path(nil, "token.json")}
	g.ClientSecretPos, g.TokenPos = p.pos(e.key), p.pos(e.key)
	f := p.mapping(e.val, "google", googleKeys)
	if e, ok := f.get("calendar"); ok {
		if s, ok := p.scalar(e, "calendar"); ok && strings.TrimSpace(s) != "" {
			g.Calendar = strings.TrimSpace(s)
		}
	}
	if e, ok := f.get("client_secret"); ok {
		if s, ok := p.scalar(e, "client_secret"); ok && s != "" {
			g.ClientSecret, g.ClientSecretPos = p.path(e.val, s), p.pos(e.val)
		}
	}
	if e, ok := f.get("token"); ok {
		if s, ok := p.scalar(e, "token"); ok && s != "" {
			g.Token, g.TokenPos = p.path(e.val, s), p.pos(e.val)
		}
	}
	if e, ok := f.get("endpoint"); ok {
		if s, ok := p.scalar(e, "endpoint"); ok && s != "" {
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				p.errorf(e.val, "bad endpoint %q: want an http:// or https:// URL", s)
			} else {
				g.Endpoint = s
			}
		}
	}
	return g
}

func (p *parser) ics(e entry) string {
	s, ok := p.scalar(e, "ics")
	if !ok {
		return ""
	}
	s = strings.TrimSpace(s)
	scheme, rest, isURL := strings.Cut(s, "://")
	if !isURL {
		if s == "" {
			p.errorf(e.val, "ics: want a URL or a file path")
			return ""
		}
		return p.path(e.val, s)
	}
	switch strings.ToLower(scheme) {
	case "webcal":
		s = "https://" + rest
	case "http", "https":
	default:
		p.errorf(e.val, "unsupported ics URL %q: want https://, http://, webcal:// or a file path", s)
		return ""
	}
	if u, err := url.Parse(s); err != nil || u.Host == "" {
		p.errorf(e.val, "bad ics URL %q", e.val.Value)
		return ""
	}
	return s
}

var (
	meetingKeys = []string{"duration", "title", "agenda", "days", "window", "buffer", "min_notice", "location", "series"}
	agendaKeys  = []string{"minutes", "topic"}
	locations   = []string{"video", "in-person", "none"}
)

func (p *parser) meeting(e entry) Meeting {
	m := Meeting{
		Duration:  30 * time.Minute,
		Title:     DefaultTitle,
		Agenda:    DefaultAgenda(),
		Days:      1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday,
		Window:    Window{10 * 60, 16 * 60},
		Buffer:    10 * time.Minute,
		MinNotice: 24 * time.Hour,
		Location:  "video",
	}
	if e.val == nil {
		return m
	}
	f := p.mapping(e.val, "meeting", meetingKeys)
	durOK := true
	if e, ok := f.get("duration"); ok {
		n := len(p.errs)
		m.Duration = p.duration(e, "meeting.duration", m.Duration, true)
		durOK = len(p.errs) == n
	}
	if e, ok := f.get("title"); ok {
		if s, ok := p.scalar(e, "title"); ok {
			if err := checkTitle(s); err != nil {
				p.errorf(e.val, "bad title template %q: %v", s, err)
			} else {
				m.Title = s
			}
		}
	}
	if e, ok := f.get("agenda"); ok {
		m.Agenda = nil
		total, agendaOK := 0, true
		for _, n := range p.items(e, "agenda") {
			af := p.mapping(n, "agenda item", agendaKeys)
			var it AgendaItem
			if e, ok := af.get("minutes"); ok {
				if v, ok := p.integer(e, "minutes"); ok && v <= 0 {
					p.errorf(e.val, "agenda minutes must be positive, got %d", v)
					agendaOK = false
				} else if ok {
					it.Minutes = v
				} else {
					agendaOK = false
				}
			} else {
				p.errorf(af.node, "agenda item needs minutes")
				agendaOK = false
			}
			if e, ok := af.get("topic"); ok {
				it.Topic, _ = p.scalar(e, "topic")
			}
			if strings.TrimSpace(it.Topic) == "" {
				p.errorf(af.node, "agenda item needs a topic")
			}
			total += it.Minutes
			m.Agenda = append(m.Agenda, it)
		}
		if agendaOK && durOK && time.Duration(total)*time.Minute > m.Duration {
			p.errorf(e.key, "agenda takes %d minutes, longer than the %s meeting", total, fmtDuration(m.Duration))
		}
	}
	if e, ok := f.get("days"); ok {
		if d, ok := p.days(e); ok {
			m.Days = d
		}
	}
	if e, ok := f.get("window"); ok {
		if w, ok := p.window(e); ok {
			m.Window = w
		}
	}
	if e, ok := f.get("buffer"); ok {
		m.Buffer = p.duration(e, "meeting.buffer", m.Buffer, false)
	}
	if e, ok := f.get("min_notice"); ok {
		m.MinNotice = p.duration(e, "meeting.min_notice", m.MinNotice, false)
	}
	if e, ok := f.get("location"); ok {
		m.Location = p.oneOf(e, "location", m.Location, locations...)
	}
	if e, ok := f.get("series"); ok {
		if b, ok := p.boolean(e, "series"); ok {
			m.Series = b
		}
	}
	return m
}

// checkTitle parses the title template and runs it over sample data of the
// types it will see.
func checkTitle(s string) error {
	t, err := template.New("title").Option("missingkey=error").Parse(s)
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "template: "))
	}
	data := struct {
		Me   Me
		Peer Peer
	}{Me{Name: "Alex Rivera"}, Peer{Name: "Dana Whitfield"}}
	if err := t.Execute(io.Discard, data); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "template: "))
	}
	return nil
}

// fmtDuration prints a duration in its largest whole unit ("30m", "2d").
func fmtDuration(d time.Duration) string {
	switch {
	case d != 0 && d%Day == 0:
		return strconv.FormatInt(int64(d/Day), 10) + "d"
	case d != 0 && d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d != 0 && d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return d.String()
}

var capsKeys = []string{"peer_1on1s_per_week", "peer_1on1s_per_day", "meeting_hours_per_day", "new_peers_at_once", "open_suggestions", "writes_per_run", "series_max"}

func (p *parser) caps(e entry) Caps {
	c := Caps{
		PeerPerWeek:        3,
		PeerPerDay:         1,
		MeetingHoursPerDay: 5,
		NewPeersAtOnce:     1,
		OpenSuggestions:    3,
		WritesPerRun:       10,
		SeriesMax:          90 * Day,
	}
	if e.val == nil {
		return c
	}
	f := p.mapping(e.val, "caps", capsKeys)
	ints := []struct {
		key string
		dst *int
	}{
		{"peer_1on1s_per_week", &c.PeerPerWeek},
		{"peer_1on1s_per_day", &c.PeerPerDay},
		{"new_peers_at_once", &c.NewPeersAtOnce},
		{"open_suggestions", &c.OpenSuggestions},
		{"writes_per_run", &c.WritesPerRun},
	}
	for _, it := range ints {
		if e, ok := f.get(it.key); ok {
			*it.dst = p.count(e, "caps."+it.key, *it.dst)
		}
	}
	if e, ok := f.get("meeting_hours_per_day"); ok {
		if s, ok := p.scalar(e, "caps.meeting_hours_per_day"); ok {
			v, err := strconv.ParseFloat(s, 64)
			switch {
			case err != nil || (e.val.Tag != "!!int" && e.val.Tag != "!!float"):
				p.errorf(e.val, "caps.meeting_hours_per_day: want a number of hours such as 5 or 4.5, got %q", s)
			case v < 0 || v != v:
				p.errorf(e.val, "caps.meeting_hours_per_day must not be negative, got %s", s)
			case v > 24:
				p.errorf(e.val, "caps.meeting_hours_per_day must be at most 24, got %s", s)
			default:
				c.MeetingHoursPerDay = v
			}
		}
	}
	if e, ok := f.get("series_max"); ok {
		c.SeriesMax = p.duration(e, "caps.series_max", c.SeriesMax, false)
	}
	return c
}

func (p *parser) date(e entry, key string) Date {
	s, ok := p.scalar(e, key)
	if !ok {
		return Date{}
	}
	d, err := parseDate(s)
	if err != nil {
		p.err(e.val, err)
	}
	return d
}

var ruleKeys = []string{"name", "when", "cadence", "skip", "priority", "mode", "days", "window", "duration", "location", "series"}

func (p *parser) rules(e entry) []Rule {
	var rules []Rule
	seen := map[string]int{} // name → line
	for _, n := range p.items(e, "rules") {
		f := p.mapping(n, "rule", ruleKeys)
		r := Rule{Pos: p.pos(f.node)}
		if e, ok := f.get("name"); ok {
			r.Name, _ = p.scalar(e, "name")
			r.Name = strings.TrimSpace(r.Name)
			if line, dup := seen[r.Name]; dup && r.Name != "" {
				p.errorf(e.val, "duplicate rule %q (first at line %d)", r.Name, line)
			} else if r.Name != "" {
				seen[r.Name] = e.val.Line
			}
		}
		if r.Name == "" {
			p.errorf(f.node, "rule needs a name")
		}
		if e, ok := f.get("when"); ok {
			if s, ok := p.scalar(e, "when"); ok {
				r.When, r.WhenPos = s, p.pos(e.val)
				if e.val.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0 {
					r.WhenPos.Col++ // positions in the condition count from after the quote
				}
			}
		}
		if e, ok := f.get("cadence"); ok {
			if s, ok := p.scalar(e, "cadence"); ok {
				if c, err := ParseCadence(s); err != nil {
					p.err(e.val, err)
				} else {
					r.Cadence = &c
				}
			}
		}
		if e, ok := f.get("skip"); ok {
			if b, ok := p.boolean(e, "skip"); ok {
				r.Skip = &b
			}
		}
		if e, ok := f.get("priority"); ok {
			if n, ok := p.integer(e, "priority"); ok {
				r.Priority = &n
			}
		}
		if e, ok := f.get("mode"); ok {
			if m, ok := p.mode(e); ok {
				r.Mode = &m
				if m != ModeReport {
					p.ruleModes = append(p.ruleModes, e.val)
				}
			}
		}
		if e, ok := f.get("days"); ok {
			if d, ok := p.days(e); ok {
				r.Days = &d
			}
		}
		if e, ok := f.get("window"); ok {
			if w, ok := p.window(e); ok {
				r.Window = &w
			}
		}
		if e, ok := f.get("duration"); ok {
			n := len(p.errs)
			d := p.duration(e, "duration", 0, true)
			if len(p.errs) == n {
				r.Duration = &d
			}
		}
		if e, ok := f.get("location"); ok {
			n := len(p.errs)
			l := p.oneOf(e, "location", "", locations...)
			if len(p.errs) == n {
				r.Location = &l
			}
		}
		if e, ok := f.get("series"); ok {
			if b, ok := p.boolean(e, "series"); ok {
				r.Series = &b
			}
		}
		rules = append(rules, r)
	}
	return rules
}
