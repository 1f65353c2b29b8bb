package ics

import (
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// prop is one content line of a VEVENT: go-ical's Prop, with the parameters
// in a slice rather than a map, which costs several times as much to build.
type prop struct {
	Name   string
	Params paramList
	Value  string
	line   int // the physical line it starts on
}

// Duration reads a DURATION value.
func (p *prop) Duration() (time.Duration, error) {
	ip := ical.Prop{Name: p.Name, Value: p.Value}
	return ip.Duration()
}

// param is one parameter value; a parameter with several values is several.
type param struct{ name, value string }

// paramList holds a property's parameters, names upper case.
type paramList []param

// Get returns the first value of the parameter called name (upper case), or "".
func (ps paramList) Get(name string) string {
	for _, p := range ps {
		if p.name == name {
			return p.value
		}
	}
	return ""
}

// props are the properties of one component, in order: a VEVENT has a dozen
// or two, so a slice searched by name beats a map.
type props []prop

// Get returns the first property called name (upper case), or nil.
func (ps props) Get(name string) *prop {
	for i := range ps {
		if ps[i].Name == name {
			return &ps[i]
		}
	}
	return nil
}

// Values yields every property called name (upper case).
func (ps props) Values(name string) iter.Seq[*prop] {
	return func(yield func(*prop) bool) {
		for i := range ps {
			if ps[i].Name == name && !yield(&ps[i]) {
				return
			}
		}
	}
}

// eventProps reads the properties of a VEVENT (not those of its VALARMs). A
// line that is not a content line is dropped with a warning.
//
// Events are most of a feed, so they are read with this one-pass reader
// rather than go-ical's decoder, which costs several times as much; the
// properties are like go-ical's. VTIMEZONEs, few and nested, still go through
// go-ical (decodeBlock). The slice is reused for the next event: nothing may
// keep it, and text kept from it is copied (interned, cloned) first.
func (p *parser) eventProps(b block) props {
	ps := p.props[:0]
	params := p.params[:0]
	defer func() { p.props, p.params = ps[:0], params[:0] }()
	depth := 0
	for _, l := range b.lines[1:] {
		switch kind, _ := beginEnd(l.text); kind {
		case "BEGIN":
			depth++
			continue
		case "END":
			depth--
			continue
		}
		if depth > 0 {
			continue
		}
		var pr prop
		var err error
		pr, params, err = contentLine(l.text, params)
		if err != nil {
			p.warn(l.no, "ignored malformed line in %s: %v", b.name, err)
			continue
		}
		pr.line = l.no
		ps = append(ps, pr)
	}
	return ps
}

var errNoColon = errors.New("malformed content line: missing colon")

// contentLine splits an unfolded content line (RFC 5545 §3.1) into its name
// (upper-cased), parameters (names upper-cased, values unquoted, the values
// of a list parameter split at commas outside quotes) and value. The parameters are
// appended to buf, which is returned (the event's properties share one
// buffer); the prop's Params are the ones appended.
func contentLine(s string, buf paramList) (prop, paramList, error) {
	start := len(buf)
	i := 0
	for i < len(s) && isNameByte(s[i]) {
		i++
	}
	if i == 0 {
		if strings.IndexByte(s, ':') < 0 {
			return prop{}, buf[:start], errNoColon
		}
		return prop{}, buf[:start], errors.New("malformed content line: no property name")
	}
	pr := prop{Name: upper(s[:i])}
	for i < len(s) && s[i] == ';' {
		if i > maxParams {
			return prop{}, buf[:start], fmt.Errorf("parameters longer than %d bytes", maxParams)
		}
		i++
		j := i
		for j < len(s) && isNameByte(s[j]) {
			j++
		}
		if j == i || j == len(s) || s[j] != '=' {
			if strings.IndexByte(s[i:], ':') < 0 {
				return prop{}, buf[:start], errNoColon
			}
			return prop{}, buf[:start], errors.New("malformed content line: bad parameter")
		}
		name := upper(s[i:j])
		i = j + 1
		for {
			var v string
			if i < len(s) && s[i] == '"' {
				end := strings.IndexByte(s[i+1:], '"')
				if end < 0 {
					return prop{}, buf[:start], errors.New("malformed content line: unterminated quoted parameter value")
				}
				v, i = s[i+1:i+1+end], i+2+end
			} else {
				list := listParams[name]
				j := i
				for j < len(s) && (s[j] != ',' || !list) && s[j] != ';' && s[j] != ':' {
					j++
				}
				v, i = s[i:j], j
			}
			buf = append(buf, param{name, v})
			if i < len(s) && s[i] == ',' {
				i++
				continue
			}
			break
		}
	}
	if i > maxParams {
		return prop{}, buf[:start], fmt.Errorf("parameters longer than %d bytes", maxParams)
	}
	if i >= len(s) || s[i] != ':' {
		return prop{}, buf[:start], errNoColon
	}
	pr.Value = s[i+1:]
	if len(buf) > start {
		pr.Params = buf[start:len(buf):len(buf)]
	}
	return pr, buf, nil
}

// listParams are the parameters RFC 5545 §3.2 lets hold several values,
// separated by commas. Every other one holds one, so an unquoted comma in it
// (which §3.2 says to quote, and exporters do not always) is part of its
// value: `TZID=Singapore\, Kuala Lumpur`, `CN=Doe, John`.
var listParams = map[string]bool{"MEMBER": true, "DELEGATED-TO": true, "DELEGATED-FROM": true}

func isNameByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
}

// upper is strings.ToUpper without the allocation for names already upper case.
func upper(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			return strings.ToUpper(s)
		}
	}
	return s
}

// eventNames are the properties of a VEVENT sideways reads (decodeEvent,
// fields).
var eventNames = map[string]bool{
	"UID": true, "DTSTART": true, "DTEND": true, "DURATION": true, "RECURRENCE-ID": true,
	"SEQUENCE": true, "RRULE": true, "EXRULE": true, "RDATE": true, "EXDATE": true,
	"SUMMARY": true, "STATUS": true, "TRANSP": true, "X-MICROSOFT-CDO-BUSYSTATUS": true,
	"X-SIDEWAYS": true, "X-SIDEWAYS-PEER": true, "ORGANIZER": true, "ATTENDEE": true,
}

// unusedEventLine says whether a content line of a VEVENT is one sideways
// does not read: a line of a nested component (VALARM), or a well-formed
// property it has no use for (DTSTAMP, DESCRIPTION, LOCATION, …). Those are
// never made strings, which saves a good part of the garbage a feed makes.
// Lines that do not start like a property are kept, to be reported.
func unusedEventLine(text []byte, depth int) bool {
	if depth > 0 {
		return true
	}
	i := 0
	for i < len(text) && isNameByte(text[i]) {
		i++
	}
	if i == 0 || i == len(text) || text[i] != ':' && text[i] != ';' {
		return false
	}
	if eventNames[string(text[:i])] {
		return false
	}
	return !eventNames[strings.ToUpper(string(text[:i]))]
}
