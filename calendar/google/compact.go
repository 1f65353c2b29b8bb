package google

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"strings"

	calendarv3 "google.golang.org/api/calendar/v3"
)

// The mirror keeps each series master and exception (and each event it could
// not read) in a compact form: only what Expand and toEvent read (times,
// status, transparency, kind, people, sideways' tags, recurrence and the
// series an exception belongs to), in a binary encoding
// that is read without reflection. Reading the mirror is what every command
// does (status, plan, each cycle); decoding the API's full JSON for 50,000
// events took most of their time. Single events are kept in the domain's
// form instead (single.go).
//
// Layout: the byte compactMark, the series id (recurringEventId, empty for
// none), a 0 byte (so the store can read the series id without knowing the
// rest: deleting a series deletes its exceptions), then the fields below as
// uvarint-length strings and uvarint counts. Bodies starting with '{' are the
// API's JSON, as older versions stored them; both are read.
const compactMark = 0x01

// propsKept are the private extended properties the mirror keeps: sideways'.
var propsKept = []string{propTag, propPeer, propStart, propTitle, propWithdrawn}

// encodeCompact returns ev's compact form.
func encodeCompact(ev *calendarv3.Event) []byte {
	b := make([]byte, 0, 256)
	b = append(b, compactMark)
	b = append(b, ev.RecurringEventId...)
	b = append(b, 0)
	str := func(s string) { b = binary.AppendUvarint(b, uint64(len(s))); b = append(b, s...) }
	dt := func(d *calendarv3.EventDateTime) {
		if d == nil {
			b = append(b, 0)
			return
		}
		b = append(b, 1)
		str(d.Date)
		str(d.DateTime)
		str(d.TimeZone)
	}
	str(ev.Id)
	str(ev.ICalUID)
	str(ev.Status)
	str(ev.Summary)
	str(ev.Transparency)
	str(ev.EventType)
	str(ev.Updated)
	dt(ev.Start)
	dt(ev.End)
	dt(ev.OriginalStartTime)
	org := ""
	if ev.Organizer != nil {
		org = ev.Organizer.Email
	}
	str(org)
	b = binary.AppendUvarint(b, uint64(len(ev.Recurrence)))
	for _, r := range ev.Recurrence {
		str(r)
	}
	b = binary.AppendUvarint(b, uint64(len(ev.Attendees)))
	for _, a := range ev.Attendees {
		str(a.Email)
		str(a.DisplayName)
		str(a.ResponseStatus)
		var flags byte
		if a.Resource {
			flags |= 1
		}
		if a.Optional {
			flags |= 2
		}
		b = append(b, flags)
	}
	var props []string
	if ev.ExtendedProperties != nil {
		for _, k := range propsKept {
			if v, ok := ev.ExtendedProperties.Private[k]; ok {
				props = append(props, k, v)
			}
		}
	}
	b = binary.AppendUvarint(b, uint64(len(props)/2))
	for _, s := range props {
		str(s)
	}
	return b
}

var errCompact = errors.New("mirror: malformed compact event")

// decodeMirrored reads a mirror body: the compact form, or the API's JSON.
func decodeMirrored(body []byte) (*calendarv3.Event, error) {
	if len(body) > 0 && body[0] == '{' {
		ev := new(calendarv3.Event)
		return ev, json.Unmarshal(body, ev)
	}
	return decodeCompact(body)
}

// decodeCompact reads what encodeCompact wrote. Strings share one copy of
// the body, so an event costs one allocation for its text.
func decodeCompact(body []byte) (*calendarv3.Event, error) {
	if len(body) == 0 || body[0] != compactMark {
		return nil, errCompact
	}
	text := string(body) // one copy; every string below is a slice of it
	end := strings.IndexByte(text, 0)
	if end < 0 {
		return nil, errCompact
	}
	ev := &calendarv3.Event{RecurringEventId: text[1:end]}
	pos, bad := end+1, false
	num := func() int {
		n, k := binary.Uvarint(body[pos:])
		if k <= 0 || n > uint64(len(body)) {
			bad = true
			return 0
		}
		pos += k
		return int(n)
	}
	str := func() string {
		n := num()
		if bad || pos+n > len(body) {
			bad = true
			return ""
		}
		s := text[pos : pos+n]
		pos += n
		return s
	}
	dt := func() *calendarv3.EventDateTime {
		if pos >= len(body) {
			bad = true
			return nil
		}
		pos++
		if body[pos-1] == 0 {
			return nil
		}
		return &calendarv3.EventDateTime{Date: str(), DateTime: str(), TimeZone: str()}
	}
	ev.Id, ev.ICalUID, ev.Status, ev.Summary = str(), str(), str(), str()
	ev.Transparency, ev.EventType, ev.Updated = str(), str(), str()
	ev.Start, ev.End, ev.OriginalStartTime = dt(), dt(), dt()
	if org := str(); org != "" {
		ev.Organizer = &calendarv3.EventOrganizer{Email: org}
	}
	if n := num(); n > 0 && !bad {
		ev.Recurrence = make([]string, 0, min(n, len(body)))
		for range n {
			if bad {
				break
			}
			ev.Recurrence = append(ev.Recurrence, str())
		}
	}
	if n := num(); n > 0 && !bad {
		ev.Attendees = make([]*calendarv3.EventAttendee, 0, min(n, len(body)))
		for range n {
			if bad {
				break
			}
			a := &calendarv3.EventAttendee{Email: str(), DisplayName: str(), ResponseStatus: str()}
			if pos >= len(body) {
				bad = true
				break
			}
			a.Resource, a.Optional = body[pos]&1 != 0, body[pos]&2 != 0
			pos++
			ev.Attendees = append(ev.Attendees, a)
		}
	}
	if n := num(); n > 0 && !bad {
		p := make(map[string]string, min(n, len(propsKept)))
		for range n {
			if bad {
				break
			}
			k, v := str(), str()
			p[k] = v
		}
		ev.ExtendedProperties = &calendarv3.EventExtendedProperties{Private: p}
	}
	if bad || pos != len(body) {
		return nil, errCompact
	}
	return ev, nil
}
