package google_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/google"
	"github.com/sidewayscal/sideways/calendar/google/googletest"
	"github.com/sidewayscal/sideways/daemon/state"
)

// The state database is the mirror the daemon uses.
var _ google.Store = (*state.DB)(nil)

const owner = "alex@acme.test"

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is one test's world: the fake, a state DB, a client signed in through a
// persisting token source, and the waits the retry loop asked for.
type env struct {
	t         *testing.T
	srv       *googletest.Server
	db        *state.DB
	client    *google.Client
	ts        *google.TokenSource
	tokenPath string
	logs      *syncBuffer

	mu     sync.Mutex
	sleeps []time.Duration
}

func newEnv(t *testing.T, scopes ...string) *env {
	t.Helper()
	e := &env{t: t, srv: googletest.NewServer(t, owner), logs: &syncBuffer{}}
	dir := t.TempDir()
	db, err := state.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e.db = db
	secret := filepath.Join(dir, "client_secret.json")
	if err := os.WriteFile(secret, e.srv.ClientSecretJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	e.tokenPath = filepath.Join(dir, "token.json")
	if err := google.SaveToken(e.tokenPath, e.srv.IssueToken(scopes...)); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.ts, err = google.LoadTokenSource(context.Background(), secret, e.tokenPath, log, google.Scopes(true)...)
	if err != nil {
		t.Fatal(err)
	}
	e.client, err = google.New(t.Context(), google.Options{
		Endpoint:    e.srv.Endpoint(),
		TokenSource: e.ts,
		Logger:      log,
		Sleep: func(ctx context.Context, d time.Duration) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.sleeps = append(e.sleeps, d)
			return ctx.Err()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.checkLogs)
	return e
}

// checkLogs fails the test if any credential the fake knows reached a log line.
func (e *env) checkLogs() {
	logs := e.logs.String()
	for _, s := range e.srv.Secrets() {
		if strings.Contains(logs, s) {
			e.t.Errorf("a credential (%.12s…) appears in the logs:\n%s", s, logs)
		}
	}
}

func (e *env) waits() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]time.Duration(nil), e.sleeps...)
}

func (e *env) source() *google.Source { return e.client.Source("work", "primary", e.db) }

func (e *env) writer() *google.Writer { return e.client.Writer("primary") }

// timed returns a timed event [start, start+d) in UTC.
func timed(summary string, start time.Time, d time.Duration) *calendarv3.Event {
	return &calendarv3.Event{
		Summary: summary,
		Start:   &calendarv3.EventDateTime{DateTime: start.UTC().Format(time.RFC3339)},
		End:     &calendarv3.EventDateTime{DateTime: start.Add(d).UTC().Format(time.RFC3339)},
	}
}

var (
	day0    = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	farOut  = day0.AddDate(5, 0, 0)
	longAgo = day0.AddDate(-5, 0, 0)
)

// memStore is a google.Store in memory, for tests that need no database.
type memStore struct {
	mu     sync.Mutex
	token  map[string]string
	events map[string]map[string]calendar.Mirrored
}

func newMemStore() *memStore {
	return &memStore{token: map[string]string{}, events: map[string]map[string]calendar.Mirrored{}}
}

func (m *memStore) GoogleSyncToken(_ context.Context, cal string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.token[cal], nil
}

func (m *memStore) GoogleEventsIn(_ context.Context, cal string, from, to time.Time) ([][]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out [][]byte
	win := calendar.Interval{Start: from, End: to}
	for _, e := range m.events[cal] {
		if (e.Span.Start.IsZero() && e.Span.End.IsZero()) || e.Span.Overlaps(win) {
			out = append(out, e.Body)
		}
	}
	return out, nil
}

func (m *memStore) SaveGoogleSync(_ context.Context, cal string, full bool, token string, put map[string]calendar.Mirrored, del []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if full || m.events[cal] == nil {
		m.events[cal] = map[string]calendar.Mirrored{}
	}
	for _, id := range del {
		delete(m.events[cal], id)
	}
	for id, b := range put {
		m.events[cal][id] = b
	}
	if token != "" {
		m.token[cal] = token
	}
	return nil
}
