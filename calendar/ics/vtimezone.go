package ics

import (
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"

	"github.com/sidewayscal/sideways/calendar/recur"
)

// vtzFrom and vtzUntil bound the transitions taken from a VTIMEZONE: older ones
// matter to no meeting, and rules are expanded no further than this.
var (
	vtzFrom  = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	vtzUntil = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// transition is one change of offset: from at, the zone is offset seconds east of UTC.
type transition struct {
	at     time.Time
	offset int
	name   string
	dst    bool
}

// maxOnsets bounds the onsets one VTIMEZONE rule may give between vtzFrom and
// vtzUntil: a real zone changes a few times a year at most.
const maxOnsets = 1000

// locationFromVTimezone builds a zone from a VTIMEZONE's own STANDARD and
// DAYLIGHT rules, for TZIDs that name no zone go knows ("/Europe/CUSTOM",
// "(UTC-03:00) Brasília"). The transitions are packed as TZif data, the format
// time.LoadLocationFromTZData reads.
func locationFromVTimezone(tzid string, vtz *ical.Component, budget *recur.Budget) (*time.Location, error) {
	var ts []transition
	var first *transition
	for _, child := range vtz.Children {
		if child.Name != "STANDARD" && child.Name != "DAYLIGHT" {
			continue
		}
		dst := child.Name == "DAYLIGHT"
		from, ok1 := propOffset(child, "TZOFFSETFROM")
		to, ok2 := propOffset(child, "TZOFFSETTO")
		if !ok2 {
			return nil, errors.New("no TZOFFSETTO")
		}
		if !ok1 {
			from = to
		}
		name := ""
		if n := child.Props.Get("TZNAME"); n != nil {
			name = strings.TrimSpace(n.Value)
		}
		if name == "" || len(name) > 16 {
			name = formatOffset(to)
		}
		ds := child.Props.Get(ical.PropDateTimeStart)
		if ds == nil {
			return nil, errors.New("no DTSTART in " + child.Name)
		}
		// Onsets are local wall times in the offset in force before them; walk them
		// as if they were UTC, then shift.
		wall, err := time.ParseInLocation("20060102T150405", strings.TrimSpace(ds.Value), time.UTC)
		if err != nil {
			return nil, errors.New("bad DTSTART in " + child.Name)
		}
		onsets := []time.Time{wall}
		for _, rp := range child.Props.Values(ical.PropRecurrenceRule) {
			opt, err := rrule.StrToROption(rp.Value)
			if err != nil {
				return nil, err
			}
			if opt.Freq != rrule.YEARLY {
				// Zones change offset by the year; anything finer would take
				// long to walk over two centuries, or forever.
				return nil, errors.New("VTIMEZONE rule is not FREQ=YEARLY")
			}
			opt.Dtstart = wall
			if opt.Until.IsZero() || opt.Until.After(vtzUntil) {
				opt.Until = vtzUntil
			}
			r, err := recur.New(*opt)
			if err != nil {
				return nil, err
			}
			// Within the feed's budget: a rule that never matches, or matches
			// every second, must not stall the parse or fill memory.
			cut := r.Walk(vtzFrom, vtzUntil, maxOnsets, budget, func(t time.Time) bool {
				onsets = append(onsets, t)
				return true
			})
			if cut != recur.Complete {
				return nil, errors.New("VTIMEZONE rule " + strings.TrimSpace(rp.Value) + " has too many onsets, or takes too long to walk")
			}
		}
		for _, rp := range child.Props.Values(ical.PropRecurrenceDates) {
			for _, v := range strings.Split(rp.Value, ",") {
				if t, err := time.ParseInLocation("20060102T150405", strings.TrimSpace(v), time.UTC); err == nil {
					onsets = append(onsets, t)
				}
			}
		}
		for _, o := range onsets {
			tr := transition{at: o.Add(-time.Duration(from) * time.Second), offset: to, name: name, dst: dst}
			if first == nil || tr.at.Before(first.at) {
				first = &transition{at: tr.at, offset: from, name: formatOffset(from)}
			}
			ts = append(ts, tr)
		}
	}
	if first == nil {
		return nil, errors.New("no STANDARD or DAYLIGHT rules")
	}
	slices.SortFunc(ts, func(a, b transition) int { return a.at.Compare(b.at) })
	// Only the last transition before the cut-off matters: it sets the zone the
	// kept ones start from.
	before := *first
	for len(ts) > 0 && ts[0].at.Before(vtzFrom) {
		before, ts = ts[0], ts[1:]
	}
	return time.LoadLocationFromTZData(tzid, tzif(before, ts))
}

func propOffset(c *ical.Component, name string) (int, bool) {
	p := c.Props.Get(name)
	if p == nil {
		return 0, false
	}
	return parseOffset(p.Value)
}

func formatOffset(secs int) string {
	sign := byte('+')
	if secs < 0 {
		sign, secs = '-', -secs
	}
	return string([]byte{sign, byte('0' + secs/36000), byte('0' + secs/3600%10), byte('0' + secs/600%6), byte('0' + secs/60%10)})
}

// tzif encodes transitions as TZif version 2 data (RFC 8536): an empty version 1
// block, then the 64-bit block. before is the zone in force before the first
// transition.
func tzif(before transition, ts []transition) []byte {
	type ttinfo struct {
		offset int
		dst    bool
		name   string
	}
	infos := []ttinfo{{before.offset, before.dst, before.name}}
	index := func(t transition) byte {
		for i, in := range infos {
			if in.offset == t.offset && in.dst == t.dst && in.name == t.name {
				return byte(i)
			}
		}
		infos = append(infos, ttinfo{t.offset, t.dst, t.name})
		return byte(len(infos) - 1)
	}
	var times []int64
	var types []byte
	for _, t := range ts {
		if len(infos) >= 255 {
			break
		}
		times = append(times, t.at.Unix())
		types = append(types, index(t))
	}
	var chars bytes.Buffer
	idx := make([]byte, len(infos))
	for i, in := range infos {
		idx[i] = byte(chars.Len())
		chars.WriteString(in.name)
		chars.WriteByte(0)
	}

	var b bytes.Buffer
	header := func(timecnt, typecnt, charcnt int) {
		b.WriteString("TZif2")
		b.Write(make([]byte, 15))
		for _, n := range []int{0, 0, 0, timecnt, typecnt, charcnt} { // isut, isstd, leap, time, type, char
			binary.Write(&b, binary.BigEndian, uint32(n))
		}
	}
	header(0, 1, 1) // version 1 block: one type, one NUL designation
	b.Write([]byte{0, 0, 0, 0, 0, 0})
	b.WriteByte(0)
	header(len(times), len(infos), chars.Len())
	for _, t := range times {
		binary.Write(&b, binary.BigEndian, t)
	}
	b.Write(types)
	for i, in := range infos {
		binary.Write(&b, binary.BigEndian, int32(in.offset))
		dst := byte(0)
		if in.dst {
			dst = 1
		}
		b.Write([]byte{dst, idx[i]})
	}
	b.Write(chars.Bytes())
	b.WriteString("\n\n")
	return b.Bytes()
}
