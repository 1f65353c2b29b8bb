package config

// The meeting: section and its title template.

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"text/template"
	"time"
)

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
