package config

// The generic YAML-node helpers every section uses: positions and errors,
// mappings with known keys, scalars, lists, numbers and durations.

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

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

// name reads the name of one item of a list (a peer, a rule), trimmed. Every
// item needs one; with seen (name → line) it must also be unique.
func (p *parser) name(f fields, what string, seen map[string]int) string {
	var name string
	if e, ok := f.get("name"); ok {
		name, _ = p.scalar(e, "name")
		name = strings.TrimSpace(name)
		if line, dup := seen[name]; dup && name != "" {
			p.errorf(e.val, "duplicate %s %q (first at line %d)", what, name, line)
		} else if name != "" && seen != nil {
			seen[name] = e.val.Line
		}
	}
	if name == "" {
		p.errorf(f.node, "%s needs a name", what)
	}
	return name
}
