package google

import (
	"encoding/binary"
	"errors"
	"strings"
	"time"

	"github.com/sidewayscal/sideways/calendar"
)

// A single event (not a series' master or exception) needs no expansion: the
// mirror keeps it as the domain event toEvent made of it at sync time, so a
// read decodes it straight into a calendar.Event, without the API's types,
// time parsing or zone lookups per event. Series and their exceptions keep
// the compact form (compact.go) and are expanded on read.
//
// Layout: the byte singleMark and a 0 byte (an empty series id, read by the
// store as for the compact form), then uvarint-length strings, a flags byte,
// the start and end as varint Unix seconds, uvarint nanoseconds and their
// zone's name, and the attendees. Updated is kept as Google sent it and
// parsed on read, exactly as toEvent does.
const singleMark = 0x02

// Flags of a single event's form.
const (
	singleAllDay = 1 << iota
	singleTransparent
	singleEdited
	singleWithdrawn
)

// Flags of an attendee in the single event's form.
const (
	attendeeResource = 1 << iota
	attendeeOptional
)

// encodeSingle returns the stored form of e, the domain event of a single
// Google event whose updated field is updated.
func encodeSingle(e *calendar.Event, updated string) []byte {
	b := make([]byte, 0, 192)
	b = append(b, singleMark, 0)
	str := func(s string) { b = binary.AppendUvarint(b, uint64(len(s))); b = append(b, s...) }
	at := func(t time.Time) {
		b = binary.AppendVarint(b, t.Unix())
		b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
		str(t.Location().String())
	}
	str(e.ID)
	str(e.UID)
	str(string(e.Status))
	str(e.Summary)
	str(e.Organizer)
	str(string(e.Kind))
	str(e.Tag)
	str(e.TagPeer)
	str(updated)
	var flags byte
	if e.AllDay {
		flags |= singleAllDay
	}
	if e.Transparent {
		flags |= singleTransparent
	}
	if e.Edited {
		flags |= singleEdited
	}
	if e.Withdrawn {
		flags |= singleWithdrawn
	}
	b = append(b, flags)
	at(e.Start)
	at(e.End)
	b = binary.AppendUvarint(b, uint64(len(e.Attendees)))
	for _, a := range e.Attendees {
		str(a.Email)
		str(a.Name)
		str(string(a.PartStat))
		var f byte
		if a.Resource {
			f |= attendeeResource
		}
		if a.Optional {
			f |= attendeeOptional
		}
		b = append(b, f)
	}
	return b
}

var errSingle = errors.New("mirror: malformed single event")

// singleReader decodes single events, remembering the zones it has looked up.
type singleReader struct {
	cal   string
	zones map[string]*time.Location
}

// decode reads what encodeSingle wrote. Strings share one copy of the body.
func (r *singleReader) decode(body []byte) (calendar.Event, error) {
	if len(body) < 2 || body[0] != singleMark || body[1] != 0 {
		return calendar.Event{}, errSingle
	}
	text := string(body)
	pos, bad := 2, false
	num := func() uint64 {
		n, k := binary.Uvarint(body[pos:])
		if k <= 0 {
			bad = true
			return 0
		}
		pos += k
		return n
	}
	str := func() string {
		n := num()
		if bad || n > uint64(len(body)-pos) {
			bad = true
			return ""
		}
		s := text[pos : pos+int(n)]
		pos += int(n)
		return s
	}
	at := func() time.Time {
		sec, k := binary.Varint(body[pos:])
		if k <= 0 {
			bad = true
			return time.Time{}
		}
		pos += k
		nsec := num()
		zone := str()
		if bad || nsec >= 1e9 {
			bad = true
			return time.Time{}
		}
		return time.Unix(sec, int64(nsec)).In(r.zone(zone))
	}
	e := calendar.Event{Calendar: r.cal}
	e.ID, e.UID, e.Status, e.Summary = str(), str(), calendar.Status(str()), str()
	e.Organizer, e.Kind, e.Tag, e.TagPeer = str(), calendar.Kind(str()), str(), str()
	updated := str()
	if bad || pos >= len(body) {
		return calendar.Event{}, errSingle
	}
	flags := body[pos]
	pos++
	e.AllDay, e.Transparent = flags&singleAllDay != 0, flags&singleTransparent != 0
	e.Edited, e.Withdrawn = flags&singleEdited != 0, flags&singleWithdrawn != 0
	e.Start, e.End = at(), at()
	if n := num(); n > 0 && !bad {
		e.Attendees = make([]calendar.Attendee, 0, min(n, uint64(len(body))))
		for range n {
			a := calendar.Attendee{Email: str(), Name: str(), PartStat: calendar.PartStat(str())}
			if bad || pos >= len(body) {
				bad = true
				break
			}
			a.Resource, a.Optional = body[pos]&attendeeResource != 0, body[pos]&attendeeOptional != 0
			pos++
			e.Attendees = append(e.Attendees, a)
		}
	}
	if bad || pos != len(body) {
		return calendar.Event{}, errSingle
	}
	if t, err := time.Parse(time.RFC3339, updated); err == nil {
		e.Updated = t
	}
	return e, nil
}

// zone is the location named name, as parseDateTime found it: UTC, or a zone
// from loadLocation. A name that no longer loads reads as UTC.
func (r *singleReader) zone(name string) *time.Location {
	if name == "UTC" || name == "" {
		return time.UTC
	}
	if loc, ok := r.zones[name]; ok {
		return loc
	}
	loc, err := loadLocation(name)
	if err != nil {
		loc = time.UTC
	}
	if r.zones == nil {
		r.zones = map[string]*time.Location{}
	}
	r.zones[strings.Clone(name)] = loc
	return loc
}
