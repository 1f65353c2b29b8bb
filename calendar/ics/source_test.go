package ics

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sidewayscal/sideways/calendar"
)

const sample = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:one\r\nDTSTART:20261124T150000Z\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:bad\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

var (
	day0 = ts("2026-11-24T00:00:00Z")
	day1 = ts("2026-11-25T00:00:00Z")
)

func summaries(evs []calendar.Event) string {
	var s []string
	for _, e := range evs {
		s = append(s, e.Summary)
	}
	return strings.Join(s, ",")
}

func quietLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, nil))
}

func TestSourceFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cal.ics")
	if err := os.WriteFile(path, []byte(sample), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	s := &Source{Name: "offsites", Location: path, Logger: quietLogger(&logs)}
	evs, err := s.Events(t.Context(), day0, day1)
	if err != nil {
		t.Fatal(err)
	}
	if got := summaries(evs); got != "one" {
		t.Errorf("got %q, want %q", got, "one")
	}
	if evs[0].Calendar != "offsites" {
		t.Errorf("Calendar = %q, want offsites", evs[0].Calendar)
	}
	if !strings.Contains(logs.String(), "no DTSTART") {
		t.Errorf("warning not logged: %s", logs.String())
	}

	// An edit is picked up.
	edited := strings.Replace(sample, "SUMMARY:one", "SUMMARY:two", 1)
	if err := os.WriteFile(path, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	evs, err = s.Events(t.Context(), day0, day1)
	if err != nil {
		t.Fatal(err)
	}
	if got := summaries(evs); got != "two" {
		t.Errorf("after edit got %q, want %q", got, "two")
	}

	s = &Source{Name: "big", Location: path, MaxSize: 10}
	if _, err := s.Events(t.Context(), day0, day1); err == nil || err.Error() != "feed big is larger than the 10 bytes limit" {
		t.Errorf("got error %v, want the size limit", err)
	}
	s = &Source{Name: "missing", Location: filepath.Join(t.TempDir(), "nope.ics")}
	if _, err := s.Events(t.Context(), day0, day1); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got error %v, want os.ErrNotExist", err)
	}
}

func TestSourceHTTPConditionalGet(t *testing.T) {
	var requests, full atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.Header.Get("If-None-Match") == `"v1"` && r.Header.Get("If-Modified-Since") == "Mon, 23 Nov 2026 09:00:00 GMT" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		full.Add(1)
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 23 Nov 2026 09:00:00 GMT")
		w.Header().Set("Content-Type", "text/calendar")
		w.Write([]byte(sample))
	}))
	defer srv.Close()

	var logs bytes.Buffer
	s := &Source{
		Name:     "offsites",
		Location: "webcal://" + strings.TrimPrefix(srv.URL, "https://") + "/cal.ics",
		Client:   srv.Client(),
		Logger:   quietLogger(&logs),
	}
	for i := range 3 {
		evs, err := s.Events(t.Context(), day0, day1)
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if got := summaries(evs); got != "one" {
			t.Errorf("call %d: got %q, want %q", i, got, "one")
		}
	}
	if requests.Load() != 3 || full.Load() != 1 {
		t.Errorf("requests %d, full responses %d; want 3 and 1", requests.Load(), full.Load())
	}
	if n := strings.Count(logs.String(), "no DTSTART"); n != 1 {
		t.Errorf("warning logged %d times, want once (a 304 is not re-parsed):\n%s", n, logs.String())
	}
	if s.parses != 1 {
		t.Errorf("parsed %d times, want once: a 304 costs no parse", s.parses)
	}
}

func TestSourceHTTPSizeLimit(t *testing.T) {
	big := strings.Repeat("X-PAD:"+strings.Repeat("x", 70)+"\r\n", 20000) // ~1.5 MB
	body := "BEGIN:VCALENDAR\r\n" + big + "END:VCALENDAR\r\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			w.(http.Flusher).Flush() // no Content-Length: the limit must hold while reading
		}
		w.Write([]byte(body))
	}))
	defer srv.Close()
	for _, path := range []string{"/sized", "/chunked"} {
		s := &Source{Name: "huge", Location: srv.URL + path, MaxSize: 1 << 20}
		_, err := s.Events(t.Context(), day0, day1)
		if err == nil || err.Error() != "feed huge is larger than the 1 MiB limit" {
			t.Errorf("%s: got error %v, want the size limit", path, err)
		}
	}
	if got := (&Source{Name: "x"}).tooLarge().Error(); got != "feed x is larger than the 20 MiB limit" {
		t.Errorf("default limit message %q", got)
	}
}

func TestSourceHTTPErrorsAreRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/private-s3cr3t/busy.ics" {
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")

	s := &Source{Name: "team", Location: "http://bob:hunter2@" + host + "/private-s3cr3t/busy.ics"}
	_, err := s.Events(t.Context(), day0, day1)
	if after, ok := calendar.RetryAfter(err); !ok || after != 2*time.Minute {
		t.Errorf("got %v, want a RetryError after 2m", err)
	}
	s.Location = "http://bob:hunter2@" + host + "/private-s3cr3t/gone.ics"
	_, err = s.Events(t.Context(), day0, day1)
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("got %v, want a 404 error", err)
	}
	s.Location = "http://bob:hunter2@127.0.0.1:1/private-s3cr3t/down.ics"
	_, err2 := s.Events(t.Context(), day0, day1)
	if _, ok := calendar.RetryAfter(err2); !ok {
		t.Errorf("connection refused: got %v, want a RetryError", err2)
	}
	for _, e := range []error{err, err2} {
		if e != nil && (strings.Contains(e.Error(), "hunter2") || strings.Contains(e.Error(), "s3cr3t") || strings.Contains(e.Error(), "bob")) {
			t.Errorf("error leaks the URL's secrets: %v", e)
		}
	}
}

func TestSourceHTTPTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	s := &Source{Name: "slow", Location: srv.URL + "/cal.ics", Timeout: 50 * time.Millisecond}
	_, err := s.Events(t.Context(), day0, day1)
	if _, retry := calendar.RetryAfter(err); !retry || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("got %v, want a retryable timeout", err)
	}
}

func TestSourceHTTPRedirects(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case strings.HasPrefix(r.URL.Path, "/hop/"):
			n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hop/"))
			if n == 0 {
				w.Write([]byte(sample))
				return
			}
			http.Redirect(w, r, "/hop/"+strconv.Itoa(n-1), http.StatusMovedPermanently)
		}
	}))
	defer srv.Close()

	s := &Source{Name: "loop", Location: srv.URL + "/loop"}
	_, err := s.Events(t.Context(), day0, day1)
	if err == nil || !strings.Contains(err.Error(), "stopped after 5 redirects") {
		t.Errorf("redirect loop: got %v, want the redirect limit", err)
	}
	if _, retry := calendar.RetryAfter(err); retry {
		t.Errorf("redirect loop: %v is retryable; a loop will not go away by itself", err)
	}
	s = &Source{Name: "hops", Location: srv.URL + "/hop/5", Logger: quietLogger(&bytes.Buffer{})}
	if evs, err := s.Events(t.Context(), day0, day1); err != nil || summaries(evs) != "one" {
		t.Errorf("5 redirects: got %v, %v; want the feed", summaries(evs), err)
	}
	s = &Source{Name: "hops", Location: srv.URL + "/hop/6"}
	if _, err := s.Events(t.Context(), day0, day1); err == nil || !strings.Contains(err.Error(), "stopped after 5 redirects") {
		t.Errorf("6 redirects: got %v, want the redirect limit", err)
	}
}

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSourceHTTPGzip(t *testing.T) {
	body := gzipped(t, sample)
	bomb := gzipped(t, "BEGIN:VCALENDAR\r\n"+strings.Repeat("X-PAD:"+strings.Repeat("x", 70)+"\r\n", 20000)+"END:VCALENDAR\r\n")
	var acceptGzip atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/encoded.ics": // Content-Encoding: the transport decodes it
			acceptGzip.Store(strings.Contains(r.Header.Get("Accept-Encoding"), "gzip"))
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(body)
		case "/cal.ics.gz": // a gzip file served as is
			w.Header().Set("Content-Type", "application/gzip")
			w.Write(body)
		case "/bomb.ics":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb)
		}
	}))
	defer srv.Close()
	for _, path := range []string{"/encoded.ics", "/cal.ics.gz"} {
		s := &Source{Name: "z", Location: srv.URL + path, Logger: quietLogger(&bytes.Buffer{})}
		evs, err := s.Events(t.Context(), day0, day1)
		if err != nil || summaries(evs) != "one" {
			t.Errorf("%s: got %q, %v; want the feed", path, summaries(evs), err)
		}
	}
	if !acceptGzip.Load() {
		t.Error("the request did not ask for gzip")
	}
	s := &Source{Name: "bomb", Location: srv.URL + "/bomb.ics", MaxSize: 1 << 20}
	if _, err := s.Events(t.Context(), day0, day1); err == nil || err.Error() != "feed bomb is larger than the 1 MiB limit" {
		t.Errorf("gzip bomb: got %v, want the size limit on the decoded size (%d bytes compressed)", err, len(bomb))
	}
}

func TestSourceBasicAuth(t *testing.T) {
	var gotUser, gotPass, gotURL string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUser, gotPass, _ = r.BasicAuth()
		gotURL = r.URL.String()
		if r.URL.Path == "/fail" {
			http.Error(w, "nope", http.StatusForbidden)
			return
		}
		w.Write([]byte(sample))
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	var logs bytes.Buffer
	s := &Source{Name: "team", Location: "http://bob:hunter2@" + host + "/ok", Logger: quietLogger(&logs)}
	if _, err := s.Events(t.Context(), day0, day1); err != nil {
		t.Fatal(err)
	}
	if gotUser != "bob" || gotPass != "hunter2" {
		t.Errorf("basic auth %q:%q, want bob:hunter2", gotUser, gotPass)
	}
	s.Location = "http://bob:hunter2@" + host + "/fail"
	_, err := s.Events(t.Context(), day0, day1) // stale now: logged, not returned
	if err != nil {
		t.Fatalf("a failing feed with a good copy: %v", err)
	}
	if st := s.Stale(); st == nil || strings.Contains(st.Error(), "hunter2") {
		t.Errorf("Stale() = %v, want a redacted stale error", st)
	}
	if strings.Contains(logs.String(), "hunter2") || strings.Contains(gotURL, "hunter2") {
		t.Errorf("the password leaked: logs %q, URL %q", logs.String(), gotURL)
	}
}

// memCache is an in-memory Cache, as the state database implements it.
type memCache struct {
	mu      sync.Mutex
	entries map[string]CacheEntry
	saves   int
}

func (c *memCache) Load(_ context.Context, key string) (*CacheEntry, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return nil, nil
	}
	return &e, nil
}

func (c *memCache) Save(_ context.Context, key string, e *CacheEntry) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]CacheEntry{}
	}
	c.entries[key] = *e
	c.saves++
	return nil
}

// TestSourceStale: a feed that fails after succeeding keeps its last good
// events, in the same process and (with a Cache) in the next one, and says it
// is stale until a refresh succeeds again.
func TestSourceStale(t *testing.T) {
	var mode atomic.Value
	mode.Store("ok")
	var conditional atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch mode.Load() {
		case "down":
			http.Error(w, "down", http.StatusBadGateway)
		case "garbage":
			w.Write([]byte("<html>maintenance</html>"))
		case "huge":
			w.Write([]byte("BEGIN:VCALENDAR\r\n" + strings.Repeat("X-PAD:x\r\n", 200) + "END:VCALENDAR\r\n"))
		case "edited":
			w.Write([]byte(strings.Replace(sample, "SUMMARY:one", "SUMMARY:two", 1)))
		default:
			if r.Header.Get("If-None-Match") == `"v1"` {
				conditional.Add(1)
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"v1"`)
			w.Write([]byte(sample))
		}
	}))
	defer srv.Close()
	clock := ts("2026-11-23T09:00:00Z")
	cache := &memCache{}
	newSource := func() *Source {
		return &Source{Name: "offsites", Location: srv.URL + "/cal.ics", Cache: cache, MaxSize: 1000,
			Logger: quietLogger(&bytes.Buffer{}), Now: func() time.Time { return clock }}
	}
	s := newSource()
	if evs, err := s.Events(t.Context(), day0, day1); err != nil || summaries(evs) != "one" || s.Stale() != nil {
		t.Fatalf("first fetch: %q, %v, stale %v", summaries(evs), err, s.Stale())
	}
	if cache.saves != 1 {
		t.Errorf("cache saves %d, want 1", cache.saves)
	}

	for _, m := range []string{"down", "garbage", "huge"} {
		mode.Store(m)
		clock = clock.Add(time.Hour)
		evs, err := s.Events(t.Context(), day0, day1)
		if err != nil || summaries(evs) != "one" {
			t.Errorf("%s: got %q, %v; want the last good events and no error", m, summaries(evs), err)
		}
		var st *StaleError
		if !errors.As(s.Stale(), &st) || !st.Since.Equal(ts("2026-11-23T10:00:00Z")) || !st.Fetched.Equal(ts("2026-11-23T09:00:00Z")) {
			t.Errorf("%s: Stale() = %#v, want stale since 10:00 with the copy from 09:00", m, s.Stale())
		}
	}

	// A new process: the feed is down, the cache has the copy.
	mode.Store("down")
	fresh := newSource()
	evs, err := fresh.Events(t.Context(), day0, day1)
	if err != nil || summaries(evs) != "one" || fresh.Stale() == nil {
		t.Errorf("new process, feed down: got %q, %v, stale %v; want the cached events, stale", summaries(evs), err, fresh.Stale())
	}
	// A new process: the feed is back and unchanged; the cached validators make it a 304.
	mode.Store("ok")
	fresh = newSource()
	if evs, err := fresh.Events(t.Context(), day0, day1); err != nil || summaries(evs) != "one" || fresh.Stale() != nil {
		t.Errorf("new process, feed back: got %q, %v, stale %v", summaries(evs), err, fresh.Stale())
	}
	if conditional.Load() != 1 || cache.saves != 1 {
		t.Errorf("conditional requests %d, cache saves %d; want 1 and 1", conditional.Load(), cache.saves)
	}

	// Recovery in the first process clears the stale state and takes the edit.
	mode.Store("edited")
	if evs, err := s.Events(t.Context(), day0, day1); err != nil || summaries(evs) != "two" || s.Stale() != nil {
		t.Errorf("recovered: got %q, %v, stale %v", summaries(evs), err, s.Stale())
	}

	// No good copy at all: the error comes back.
	mode.Store("down")
	never := &Source{Name: "never", Location: srv.URL + "/cal.ics"}
	if _, err := never.Events(t.Context(), day0, day1); err == nil {
		t.Error("a feed that never succeeded: no error")
	}
}

func TestCacheKey(t *testing.T) {
	a := (&Source{Name: "work", Location: "https://x.test/a.ics"}).CacheKey()
	b := (&Source{Name: "work", Location: "https://x.test/b.ics"}).CacheKey()
	if a == b || !strings.HasPrefix(a, "work#") || strings.Contains(a, "x.test") {
		t.Errorf("keys %q and %q: want distinct, named, without the URL", a, b)
	}
}
