package config

import (
	"fmt"
	"os"
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
// Beyond the README's configuration reference:
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
