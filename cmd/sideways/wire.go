package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/google"
	"github.com/sidewayscal/sideways/calendar/ics"
	"github.com/sidewayscal/sideways/config"
	"github.com/sidewayscal/sideways/daemon"
	"github.com/sidewayscal/sideways/daemon/state"
	"github.com/sidewayscal/sideways/rules"
)

// wiring is how far a command connects to the outside world.
type wiring int

const (
	// offline reads ICS feeds and the Google mirrors in the state database,
	// as of the last cycle; it sends no Google request (plan, status).
	offline wiring = iota
	// online signs in to Google: Sync and writes work (run).
	online
)

// open loads the config, opens the state database and wires a daemon: what
// plan, status and run share. The caller closes the returned database.
func (g *globals) open(ctx context.Context, how wiring) (*daemon.Daemon, *state.DB, error) {
	eng, err := g.load()
	if err != nil {
		return nil, nil, err
	}
	open := g.openState
	if how == offline {
		open = g.openStateReadOnly // plan and status write nothing
	}
	db, err := open()
	if err != nil {
		return nil, nil, err
	}
	d, err := g.daemonFor(ctx, eng, db, how)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return d, db, nil
}

// daemonFor wires a daemon over the configured calendars and the state
// database. The caller closes db.
func (g *globals) daemonFor(ctx context.Context, eng *rules.Engine, db *state.DB, how wiring) (*daemon.Daemon, error) {
	return g.wire(ctx, eng, wireOptions{how: how, db: db})
}

// wireOptions say how far a daemon reaches into the world. The zero value
// with a db is offline; every command's daemon is built by wire from them.
type wireOptions struct {
	how wiring
	// db is the state database; nil for a daemon that keeps no state (the
	// demo), which must then write nothing.
	db *state.DB
	// feeds serves ICS calendars from memory, by the file name the config
	// gives (the demo's embedded sample), instead of reading files or URLs.
	feeds map[string][]byte
	// now fixes the clock; nil means the commands' clock (SIDEWAYS_NOW).
	now func() time.Time
}

// wire is the one place a daemon is built, for every command: the
// configured calendars (ICS feeds with their cache, Google mirrors or clients),
// the writer, peers' free/busy, the clock and the logger.
func (g *globals) wire(ctx context.Context, eng *rules.Engine, o wireOptions) (*daemon.Daemon, error) {
	now := o.now
	if now == nil {
		var err error
		if now, err = clock(); err != nil {
			return nil, err
		}
	}
	db, how := o.db, o.how
	cfg := eng.Config()
	log := g.logger()
	var cals []daemon.NamedSource
	var writer calendar.Writer
	var peers *google.Client
	clients := map[string]*google.Client{}
	for _, c := range cfg.Calendars {
		clog := log.With("calendar", c.Name)
		if c.ICS != "" {
			if o.feeds != nil {
				src, err := feedFrom(c, cfg, o.feeds)
				if err != nil {
					return nil, err
				}
				cals = append(cals, daemon.NamedSource{Name: c.Name, Source: src})
				continue
			}
			src, err := icsSource(c, cfg, clog, now)
			if err != nil {
				return nil, err
			}
			if db != nil {
				src.Cache = icsCache{db, g.statePath}
			}
			cals = append(cals, daemon.NamedSource{Name: c.Name, Source: src})
			continue
		}
		// One client per account (token and endpoint): Google's quota and
		// its pauses are the account's, not one calendar's.
		key := c.Google.Token + "\x00" + c.Google.Endpoint
		cl := clients[key]
		if cl == nil {
			var err error
			if cl, err = g.googleClient(ctx, cfg, c, clog, how); err != nil {
				return nil, err
			}
			clients[key] = cl
		}
		src := cl.Source(c.Name, c.Google.Calendar, db)
		src.Since = func() time.Time { return google.SyncFrom(now(), cfg.Lookback) }
		if how == offline {
			cals = append(cals, daemon.NamedSource{Name: c.Name, Source: &daemon.Mirror{Source: src, Store: db, Name: c.Name}})
			continue
		}
		cals = append(cals, daemon.NamedSource{Name: c.Name, Source: src})
		if c.Writable {
			writer = cl.Writer(c.Google.Calendar)
		}
		if peers == nil {
			peers = cl
		}
	}
	d := daemon.New(eng, cals)
	d.Now = now
	d.Logger = log
	d.Store = db
	d.Writer = writer
	if cfg.PeerFreebusy && peers != nil {
		d.PeerBusy = freeBusy(peers)
	}
	return d, nil
}

// googleClient builds the client for one Google calendar. Offline, it never
// sends a request, so it needs no token.
func (g *globals) googleClient(ctx context.Context, cfg *config.Config, c config.Calendar, log *slog.Logger, how wiring) (*google.Client, error) {
	if how == offline {
		return google.New(ctx, google.Options{Endpoint: c.Google.Endpoint, HTTPClient: http.DefaultClient, Logger: log})
	}
	ts, err := google.LoadTokenSource(ctx, c.Google.ClientSecret, c.Google.Token, log, google.Scopes(writes(cfg))...)
	if err != nil {
		err = fmt.Errorf("calendar %s: %w", c.Name, err)
		if h := nextStep(err, c.Name); h != "" {
			return nil, withHint(err, h)
		}
		return nil, withHint(err, nextStep(google.ErrNoToken, c.Name))
	}
	return google.New(ctx, google.Options{Endpoint: c.Google.Endpoint, TokenSource: ts, Logger: log})
}

// writes reports whether any mode in the config writes to a calendar.
func writes(cfg *config.Config) bool {
	if cfg.Mode != config.ModeReport {
		return true
	}
	for _, r := range cfg.Rules {
		if r.Mode != nil && *r.Mode != config.ModeReport {
			return true
		}
	}
	return false
}

// freeBusy asks Google for peers' busy time; peers it will not tell about keep
// only their working hours, with a warning.
func freeBusy(cl *google.Client) daemon.PeerBusyFunc {
	return func(ctx context.Context, emails []string, from, to time.Time) (map[string][]calendar.Interval, []string, error) {
		got, err := cl.FreeBusy(ctx, emails, from, to)
		if err != nil {
			return nil, nil, err
		}
		out := map[string][]calendar.Interval{}
		var warns []string
		for _, e := range emails {
			b := got[e]
			if b.Err != nil {
				warns = append(warns, fmt.Sprintf("%s: %v; planning with their working hours only", e, b.Err))
				continue
			}
			out[e] = b.Busy
		}
		return out, warns, nil
	}
}

// icsSource is the reader of an ICS calendar, on the commands' clock, with
// the fetch timeout from SIDEWAYS_FEED_TIMEOUT when set.
func icsSource(c config.Calendar, cfg *config.Config, log *slog.Logger, now func() time.Time) (*ics.Source, error) {
	timeout, err := feedTimeout()
	if err != nil {
		return nil, err
	}
	return &ics.Source{Name: c.Name, Location: c.ICS, Floating: cfg.Me.Location, Logger: log, Now: now, Timeout: timeout}, nil
}

// feedTimeout reads SIDEWAYS_FEED_TIMEOUT, the bound on one feed fetch (zero:
// the default, ics.DefaultTimeout).
func feedTimeout() (time.Duration, error) {
	v := os.Getenv("SIDEWAYS_FEED_TIMEOUT")
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, withHint(fmt.Errorf("SIDEWAYS_FEED_TIMEOUT=%q is not a positive duration", v), "use a duration like 10s or 1m")
	}
	return d, nil
}

// icsCache keeps each ICS feed's last good copy and validators in the state
// database, so a feed that starts failing still serves its last events, in
// this process and the next.
type icsCache struct {
	db *state.DB
	// path locates the database when db is read-only (plan, status): a save
	// then opens it for writing for just that, and is skipped where the state
	// folder cannot be written. It is a cache; the copy stays in memory.
	path func() (string, error)
}

func (c icsCache) Load(ctx context.Context, key string) (*ics.CacheEntry, error) {
	f, ok, err := c.db.ICSFeed(ctx, key)
	if err != nil || !ok {
		return nil, err
	}
	return &ics.CacheEntry{Body: f.Body, ETag: f.ETag, LastModified: f.LastModified, Fetched: f.FetchedAt}, nil
}

func (c icsCache) Save(ctx context.Context, key string, e *ics.CacheEntry) error {
	db := c.db
	if db.ReadOnly() {
		path, err := c.path()
		if err != nil || os.MkdirAll(filepath.Dir(path), 0o700) != nil {
			return nil
		}
		if db, err = state.Open(path); err != nil {
			return nil
		}
		defer db.Close()
	}
	sum := sha256.Sum256(e.Body)
	return db.SaveICSFeed(ctx, key, state.ICSFeed{ETag: e.ETag, LastModified: e.LastModified,
		BodyHash: hex.EncodeToString(sum[:]), Body: e.Body, FetchedAt: e.Fetched})
}

// feedFrom parses an ICS calendar whose body is held in memory, under the
// file name the config gives it. Such a feed is trusted (the demo's own):
// any problem in it is an error, not a warning.
func feedFrom(c config.Calendar, cfg *config.Config, feeds map[string][]byte) (calendar.Source, error) {
	body, ok := feeds[filepath.Base(c.ICS)]
	if !ok {
		return nil, fmt.Errorf("calendar %s: no feed %s in memory", c.Name, filepath.Base(c.ICS))
	}
	feed, warns, err := ics.Parse(bytes.NewReader(body), ics.Options{Name: c.Name, Floating: cfg.Me.Location})
	if err != nil {
		return nil, fmt.Errorf("calendar %s: %w", c.Name, err)
	}
	if len(warns) > 0 {
		return nil, fmt.Errorf("calendar %s has problems: %v", c.Name, warns[0])
	}
	return memFeed{feed}, nil
}

// memFeed serves an already parsed ICS calendar.
type memFeed struct{ cal *ics.Calendar }

func (m memFeed) Events(_ context.Context, from, to time.Time) ([]calendar.Event, error) {
	return m.cal.Expand(from, to), nil
}
