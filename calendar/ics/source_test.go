package ics

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
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
	if _, err := s.Events(t.Context(), day0, day1); err == nil || err.Error() != "feed big is larger than 10 bytes" {
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
		if err == nil || err.Error() != "feed huge is larger than 1 MiB" {
			t.Errorf("%s: got error %v, want the size limit", path, err)
		}
	}
	if got := (&Source{Name: "x"}).tooLarge().Error(); got != "feed x is larger than 20 MiB" {
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
