package ics

import (
	"bytes"
	"fmt"
	"strings"
)

// line is one unfolded content line and the physical line it started on.
type line struct {
	no   int
	text string
}

// block is one component directly under VCALENDAR (VEVENT, VTIMEZONE, …), with
// the unfolded lines from its BEGIN to its END.
type block struct {
	name  string
	lines []line
}

// document is the raw structure of a feed: the calendar's own properties and its
// top-level components, each still text. go-ical decodes each block on its own,
// so one malformed component cannot take the rest of the feed with it, and every
// component keeps the line number it started on.
type document struct {
	props    []line
	blocks   []block
	problems []Warning // structural problems found while splitting (no Feed set)
	sawCal   bool
}

// unfold splits data into content lines: it drops a UTF-8 BOM, accepts CRLF, LF
// or a lone CR, joins folded lines (RFC 5545 §3.1) and skips blank lines.
func unfold(data []byte) []line {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var out []line
	var cur []byte // the logical line being joined; a builder, since one value
	curNo := 0     // (an inline attachment) may be folded thousands of times
	flush := func() {
		if len(bytes.TrimSpace(cur)) > 0 {
			out = append(out, line{no: curNo, text: string(cur)})
		}
		cur = cur[:0]
	}
	no := 0
	for len(data) > 0 {
		no++
		var raw []byte
		if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
			raw = data[:i]
			if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			data = data[i+1:]
		} else {
			raw, data = data, nil
		}
		if len(raw) > 0 && (raw[0] == ' ' || raw[0] == '\t') {
			if curNo > 0 {
				cur = append(cur, raw[1:]...)
				continue
			}
			raw = bytes.TrimLeft(raw, " \t")
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		flush()
		cur, curNo = append(cur, raw...), no
	}
	flush()
	return out
}

// beginEnd reports whether l is a BEGIN or END line, and for which component.
func beginEnd(l string) (kind, name string) {
	i := strings.IndexByte(l, ':')
	if i < 0 {
		return "", ""
	}
	k := strings.ToUpper(strings.TrimSpace(l[:i]))
	if k != "BEGIN" && k != "END" {
		return "", ""
	}
	return k, strings.ToUpper(strings.TrimSpace(l[i+1:]))
}

// split walks the content lines and cuts out each VCALENDAR's properties and
// top-level components. Several VCALENDARs in one feed (concatenated exports) are
// merged. A component cut short by another BEGIN of the same kind, by END:VCALENDAR
// or by the end of the data is reported and dropped.
func split(lines []line) document {
	var d document
	inCal := false
	var cur *block
	depth := 0 // nesting inside cur
	unterminated := func(at string) {
		d.problems = append(d.problems, Warning{Line: cur.lines[0].no,
			Msg: fmt.Sprintf("skipped %s: no END:%s before %s", cur.name, cur.name, at)})
		cur = nil
	}
	for _, l := range lines {
		kind, name := beginEnd(l.text)
		if !inCal {
			if kind == "BEGIN" && name == "VCALENDAR" {
				inCal, d.sawCal = true, true
			}
			continue
		}
		if cur != nil {
			switch {
			case kind == "END" && name == "VCALENDAR":
				unterminated("END:VCALENDAR")
				inCal = false
				continue
			case kind == "BEGIN" && name == cur.name && depth == 0:
				unterminated(fmt.Sprintf("BEGIN:%s on line %d", name, l.no))
			case kind == "BEGIN":
				depth++
				cur.lines = append(cur.lines, l)
				continue
			case kind == "END" && depth > 0:
				depth--
				cur.lines = append(cur.lines, l)
				continue
			case kind == "END":
				cur.lines = append(cur.lines, l)
				if name != cur.name {
					d.problems = append(d.problems, Warning{Line: cur.lines[0].no,
						Msg: fmt.Sprintf("skipped %s: ended by END:%s on line %d", cur.name, name, l.no)})
				} else {
					d.blocks = append(d.blocks, *cur)
				}
				cur = nil
				continue
			default:
				cur.lines = append(cur.lines, l)
				continue
			}
		}
		switch kind {
		case "BEGIN":
			cur = &block{name: name, lines: []line{l}}
			depth = 0
		case "END":
			if name == "VCALENDAR" {
				inCal = false
			}
		default:
			d.props = append(d.props, l)
		}
	}
	if cur != nil {
		unterminated("the end of the feed")
	}
	return d
}

// wrap joins lines back into content the go-ical decoder reads, wrapped in a
// VCALENDAR so it decodes as a calendar.
func wrap(lines []line) string {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\n")
	for _, l := range lines {
		b.WriteString(l.text)
		b.WriteString("\r\n")
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.String()
}

// unescapeText decodes an RFC 5545 TEXT value (§3.3.11). go-ical's Text splits
// on commas, which would cut a summary like "Dana, Alex" short.
func unescapeText(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
