package ics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sidewayscal/sideways/calendar"
)

// DefaultMaxSize is the largest feed a Source reads when MaxSize is zero.
const DefaultMaxSize = 20 << 20

// maxLoggedWarnings caps the warnings one fetch logs; a badly broken feed would
// otherwise flood the log every poll.
const maxLoggedWarnings = 20

// Source is a calendar read from an ICS file or an http(s)/webcal URL.
//
// It keeps the last feed it parsed: a URL is fetched with If-None-Match and
// If-Modified-Since and a 304 reuses it; a file is re-read only when its size or
// modification time changed. Events is safe for concurrent use.
type Source struct {
	// Name is the calendar's name in events, warnings and errors.
	Name string
	// Location is a file path or an http://, https:// or webcal:// URL. It may
	// hold a secret (private feed URLs usually do), so it is never logged or put
	// in an error whole; see Redacted.
	Location string
	// Floating is the zone floating times are read in; nil means UTC.
	Floating *time.Location
	// Client fetches URLs; nil means http.DefaultClient.
	Client *http.Client
	// MaxSize is the largest feed accepted, in bytes; zero means DefaultMaxSize.
	MaxSize int64
	// Logger receives feed warnings; nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock, for reading a Retry-After date; nil means time.Now.
	Now func() time.Time

	mu           sync.Mutex
	cal          *Calendar
	etag         string
	lastModified string
	fileSize     int64
	fileMod      time.Time
}

var _ calendar.Source = (*Source)(nil)

// Events returns the feed's occurrences overlapping [from, to). See
// calendar.Source for the contract.
func (s *Source) Events(ctx context.Context, from, to time.Time) ([]calendar.Event, error) {
	cal, err := s.load(ctx)
	if err != nil {
		return nil, err
	}
	return cal.Expand(from, to), nil
}

// Redacted returns Location safe to show: a URL without its userinfo, path
// and query (which carry the secrets of private feeds), a path as is.
func (s *Source) Redacted() string {
	u, ok := s.url()
	if !ok {
		return s.Location
	}
	return u.Scheme + "://" + u.Host + "/…"
}

func (s *Source) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Source) name() string { return feedName(s.Name) }

// url reports whether Location is a URL, and the URL to fetch (webcal → https).
func (s *Source) url() (*url.URL, bool) {
	u, err := url.Parse(strings.TrimSpace(s.Location))
	if err != nil || u.Host == "" {
		return nil, false
	}
	switch strings.ToLower(u.Scheme) {
	case "webcal", "webcals":
		u.Scheme = "https"
	case "http", "https":
		u.Scheme = strings.ToLower(u.Scheme)
	default:
		return nil, false
	}
	return u, true
}

func (s *Source) maxSize() int64 {
	if s.MaxSize > 0 {
		return s.MaxSize
	}
	return DefaultMaxSize
}

func (s *Source) tooLarge() error {
	n := s.maxSize()
	size := strconv.FormatInt(n, 10) + " bytes"
	if n%(1<<20) == 0 {
		size = strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return fmt.Errorf("feed %s is larger than %s", s.name(), size)
}

func (s *Source) load(ctx context.Context) (*Calendar, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.url(); ok {
		return s.fetch(ctx, u)
	}
	return s.readFile()
}

func (s *Source) readFile() (*Calendar, error) {
	f, err := os.Open(s.Location)
	if err != nil {
		return nil, fmt.Errorf("read feed %s: %w", s.name(), err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read feed %s: %w", s.name(), err)
	}
	if s.cal != nil && fi.Size() == s.fileSize && fi.ModTime().Equal(s.fileMod) {
		return s.cal, nil
	}
	if fi.Size() > s.maxSize() {
		return nil, s.tooLarge()
	}
	data, err := s.readLimited(f)
	if err != nil {
		return nil, fmt.Errorf("read feed %s: %w", s.name(), err)
	}
	cal, err := s.parse(data)
	if err != nil {
		return nil, err
	}
	s.cal, s.fileSize, s.fileMod = cal, fi.Size(), fi.ModTime()
	return cal, nil
}

var errTooLarge = errors.New("too large")

func (s *Source) readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, s.maxSize()+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > s.maxSize() {
		return nil, errTooLarge
	}
	return data, nil
}

func (s *Source) fetch(ctx context.Context, u *url.URL) (*Calendar, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("fetch feed %s (%s): %w", s.name(), s.Redacted(), err)
	}
	req.Header.Set("Accept", "text/calendar, */*;q=0.5")
	if s.cal != nil {
		if s.etag != "" {
			req.Header.Set("If-None-Match", s.etag)
		}
		if s.lastModified != "" {
			req.Header.Set("If-Modified-Since", s.lastModified)
		}
	}
	client := s.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		// *url.Error repeats the URL; keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("fetch feed %s (%s): %w", s.name(), s.Redacted(), ctx.Err())
		}
		return nil, &calendar.RetryError{Err: fmt.Errorf("fetch feed %s (%s): %w", s.name(), s.Redacted(), err)}
	}
	defer resp.Body.Close()

	switch {
	case resp.StatusCode == http.StatusNotModified && s.cal != nil:
		return s.cal, nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return nil, &calendar.RetryError{
			After: retryAfter(resp.Header.Get("Retry-After"), s.now()),
			Err:   fmt.Errorf("fetch feed %s (%s): %s", s.name(), s.Redacted(), resp.Status),
		}
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("fetch feed %s (%s): %s", s.name(), s.Redacted(), resp.Status)
	}
	if resp.ContentLength > s.maxSize() {
		return nil, s.tooLarge()
	}
	data, err := s.readLimited(resp.Body)
	if errors.Is(err, errTooLarge) {
		return nil, s.tooLarge()
	} else if err != nil {
		return nil, &calendar.RetryError{Err: fmt.Errorf("fetch feed %s (%s): %w", s.name(), s.Redacted(), err)}
	}
	cal, err := s.parse(data)
	if err != nil {
		return nil, err
	}
	s.cal = cal
	s.etag = resp.Header.Get("ETag")
	s.lastModified = resp.Header.Get("Last-Modified")
	return cal, nil
}

func (s *Source) parse(data []byte) (*Calendar, error) {
	cal, warnings, err := parse(data, Options{Name: s.Name, Floating: s.Floating})
	if err != nil {
		return nil, err
	}
	log := s.Logger
	if log == nil {
		log = slog.Default()
	}
	for i, w := range warnings {
		if i == maxLoggedWarnings {
			log.Warn("ics feed has more warnings", "feed", s.name(), "more", len(warnings)-i)
			break
		}
		log.Warn("ics feed warning", "feed", s.name(), "line", w.Line, "msg", w.Msg)
	}
	return cal, nil
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
