package ics

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
	"unsafe"
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

// lexer reads content lines from a feed as a stream: it drops a UTF-8 BOM,
// accepts CRLF, LF or a lone CR, joins folded lines (RFC 5545 §3.1) and skips
// blank lines. Only the line being read is held, never the whole feed.
type lexer struct {
	r       *bufio.Reader
	no      int      // physical lines read
	queue   [][]byte // physical lines split off a chunk at lone CRs
	next    []byte   // the physical line read ahead (to see whether it continues cur)
	nextNo  int
	hasNext bool
	cur     []byte
	chunk   []byte
	started bool
	err     error
}

func newLexer(r io.Reader) *lexer {
	return &lexer{r: bufio.NewReaderSize(r, 64<<10)}
}

// physical returns the next physical line without its line end, or false at
// the end of the feed (or on a read error, kept in l.err). The slice is valid
// until the next call.
func (l *lexer) physical() ([]byte, bool) {
	if len(l.queue) > 0 {
		b := l.queue[0]
		l.queue = l.queue[1:]
		l.no++
		return b, true
	}
	l.chunk = l.chunk[:0]
	for {
		part, err := l.r.ReadSlice('\n')
		l.chunk = append(l.chunk, part...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			l.err = err
		}
		if len(l.chunk) == 0 {
			return nil, false
		}
		break
	}
	b := l.chunk
	if !l.started {
		l.started = true
		b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if i := bytes.IndexByte(b, '\r'); i >= 0 {
		// Lone CRs end lines too (old Mac exports).
		parts := bytes.Split(b, []byte("\r"))
		b, l.queue = parts[0], parts[1:]
	}
	l.no++
	return b, true
}

// nextLine returns the next logical line and the physical line it starts
// on, or false at the end of the feed. The bytes are valid until the next call.
func (l *lexer) nextLine() (int, []byte, bool) {
	for {
		if !l.hasNext {
			b, ok := l.physical()
			if !ok {
				return 0, nil, false
			}
			l.next, l.nextNo, l.hasNext = b, l.no, true
		}
		raw := l.next
		l.hasNext = false
		if len(raw) > 0 && (raw[0] == ' ' || raw[0] == '\t') {
			raw = bytes.TrimLeft(raw, " \t") // a continuation with nothing to continue
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		l.cur = append(l.cur[:0], raw...)
		no := l.nextNo
		// Join the continuation lines that follow.
		for {
			b, ok := l.physical()
			if !ok {
				break
			}
			if len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
				l.cur = append(l.cur, b[1:]...)
				continue
			}
			l.next, l.nextNo, l.hasNext = b, l.no, true
			break
		}
		return no, l.cur, true
	}
}

// beginEnd reports whether l is a BEGIN or END line, and for which component.
// It allocates only for those lines.
func beginEnd[T string | []byte](l T) (kind, name string) {
	i := -1
	for j := 0; j < len(l) && j <= 8; j++ {
		if l[j] == ':' {
			i = j
			break
		}
	}
	if i < 0 {
		return "", ""
	}
	a, b := 0, i
	for a < b && (l[a] == ' ' || l[a] == '\t') {
		a++
	}
	for b > a && (l[b-1] == ' ' || l[b-1] == '\t') {
		b--
	}
	switch {
	case equalFold(l[a:b], "BEGIN"):
		kind = "BEGIN"
	case equalFold(l[a:b], "END"):
		kind = "END"
	default:
		return "", ""
	}
	a, b = i+1, len(l)
	for a < b && asciiSpace(l[a]) {
		a++
	}
	for b > a && asciiSpace(l[b-1]) {
		b--
	}
	for _, known := range componentNames {
		if equalFold(l[a:b], known) {
			return kind, known // without making a string of each line's
		}
	}
	return kind, strings.ToUpper(strings.TrimSpace(string(l[i+1:])))
}

// asciiSpace reports whether c is white space strings.TrimSpace trims.
func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// componentNames are the components a feed is mostly made of.
var componentNames = []string{"VEVENT", "VALARM", "VCALENDAR", "VTIMEZONE", "STANDARD", "DAYLIGHT", "VTODO", "VJOURNAL", "VFREEBUSY"}

// equalFold reports whether b is upper, ignoring ASCII case.
func equalFold[T string | []byte](b T, upper string) bool {
	if len(b) != len(upper) {
		return false
	}
	for i := range len(upper) {
		c := b[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != upper[i] {
			return false
		}
	}
	return true
}

// splitter cuts a stream of content lines into each VCALENDAR's properties
// and top-level components, handing each over as soon as it is complete, so
// one malformed component cannot take the rest of the feed with it and every
// component keeps the line number it started on. Several VCALENDARs in one
// feed (concatenated exports) are merged. A component cut short by another
// BEGIN of the same kind, by END:VCALENDAR or by the end of the data is
// reported and dropped. The block handed over is only valid during the call:
// its lines and their text are reused for the next one.
type splitter struct {
	// keep says whether to collect the lines of a component with this name;
	// the others are skipped (their structure is still checked).
	keep    func(name string) bool
	prop    func(line)
	block   func(block)
	problem func(Warning) // structural problems (no Feed set)
	// drop, when set, says which content lines (not BEGIN or END) of a kept
	// component need not be collected: depth is their nesting in it.
	drop   func(text []byte, depth int) bool
	sawCal bool
	buf    []line // the lines of the block being read, reused
	// text holds the text of the block's lines, reused; outgrown holds what
	// text outgrew during the block.
	text     []byte
	outgrown [][]byte
}

// hold returns b as a string kept in sp.text until the block ends: a feed's
// text passes through one buffer instead of becoming garbage a line at a
// time.
func (sp *splitter) hold(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if cap(sp.text)-len(sp.text) < len(b) {
		sp.outgrown = append(sp.outgrown, sp.text)
		sp.text = make([]byte, 0, max(2*cap(sp.text), len(b), 4<<10))
	}
	k := len(sp.text)
	sp.text = append(sp.text, b...)
	return unsafe.String(&sp.text[k], len(b))
}

// release ends a block's text. It zeroes it, so that a string kept past the
// block by mistake reads as NULs in every test, not as the next block's text
// now and then.
func (sp *splitter) release() {
	clear(sp.text)
	sp.text = sp.text[:0]
	for _, b := range sp.outgrown {
		clear(b)
	}
	clear(sp.outgrown)
	sp.outgrown = sp.outgrown[:0]
}

func (sp *splitter) run(lx *lexer) {
	inCal := false
	var cur *block // nil, or &open
	var open block
	keep := false
	depth := 0 // nesting inside cur
	end := func() {
		sp.buf = cur.lines[:0]
		sp.release()
		cur = nil
	}
	unterminated := func(at string) {
		sp.problem(Warning{Line: cur.lines[0].no,
			Msg: fmt.Sprintf("skipped %s: no END:%s before %s", cur.name, cur.name, at)})
		end()
	}
	// add collects a line of the current block; text is made only of the
	// lines someone reads: a pass skips most of the feed.
	add := func(no int, text []byte) {
		if keep {
			cur.lines = append(cur.lines, line{no: no, text: sp.hold(text)})
		}
	}
	for {
		no, text, ok := lx.nextLine()
		if !ok {
			break
		}
		kind, name := beginEnd(text)
		if kind == "" && cur != nil && keep && sp.drop != nil && sp.drop(text, depth) {
			continue
		}
		if !inCal {
			if kind == "BEGIN" && name == "VCALENDAR" {
				inCal, sp.sawCal = true, true
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
				unterminated(fmt.Sprintf("BEGIN:%s on line %d", name, no))
			case kind == "BEGIN":
				depth++
				add(no, text)
				continue
			case kind == "END" && depth > 0:
				depth--
				add(no, text)
				continue
			case kind == "END":
				add(no, text)
				if name != cur.name {
					sp.problem(Warning{Line: cur.lines[0].no,
						Msg: fmt.Sprintf("skipped %s: ended by END:%s on line %d", cur.name, name, no)})
				} else if keep {
					sp.block(*cur)
				}
				end()
				continue
			default:
				add(no, text)
				continue
			}
		}
		switch kind {
		case "BEGIN":
			keep = sp.keep(name)
			open = block{name: name, lines: sp.buf[:0]}
			cur = &open
			depth = 0
			cur.lines = append(cur.lines, line{no: no})
			if keep {
				cur.lines[0].text = sp.hold(text)
			}
		case "END":
			if name == "VCALENDAR" {
				inCal = false
			}
		default:
			sp.prop(line{no: no, text: string(text)})
		}
	}
	if cur != nil {
		unterminated("the end of the feed")
	}
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
// on commas, which would cut a summary like "Dana, Alex" short. Stray bytes
// that are not UTF-8 are read as Latin-1, as old exporters wrote them.
func unescapeText(s string) string {
	s = latin1(s)
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

// latin1 returns s with each byte that is not part of valid UTF-8 read as a
// Latin-1 character ("R\xe9union" → "Réunion").
func latin1(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			r = rune(s[i])
		}
		b.WriteRune(r)
		i += n
	}
	return b.String()
}
