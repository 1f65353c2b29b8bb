package config

// The caps: section.

import "strconv"

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
