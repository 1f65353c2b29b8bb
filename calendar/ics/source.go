package ics

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
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

// DefaultTimeout bounds one fetch (connect, headers and body) when Timeout is zero.
const DefaultTimeout = 30 * time.Second

// maxRedirects is how many redirects a fetch follows before giving up.
const maxRedirects = 5

// maxLoggedWarnings caps the warnings one fetch logs; a badly broken feed would
// otherwise flood the log every poll.
const maxLoggedWarnings = 20

// Source is a calendar read from an ICS file or an http(s)/webcal URL.
//
// It keeps the last feed it parsed: a URL is fetched with If-None-Match and
// If-Modified-Since and a 304 reuses it without parsing again; a file is
// re-read only when its size or modification time changed. A parse keeps
// what windows starting at the from of the call that made it, or later,
// need (Options.Since): the daemon's window only moves forward, so the
// single events of a feed's past cost no memory. A call with an earlier
// window reads the feed again.
//
// A feed that fails after it once succeeded (a timeout, a 5xx, a body that is
// no longer iCalendar, a feed grown past MaxSize) is stale, not gone: Events
// returns the last good copy and no error, logs the failure, and Stale
// reports it until a refresh succeeds. With a Cache the last good copy
// survives a restart, so a fresh process that cannot reach the feed still
// has it. Events and Stale are safe for concurrent use.
type Source struct {
	// Name is the calendar's name in events, warnings and errors.
	Name string
	// Location is a file path or an http://, https:// or webcal:// URL. It may
	// hold a secret (private feed URLs usually do, and userinfo is sent as
	// basic auth), so it is never logged or put in an error whole; see Redacted.
	Location string
	// Floating is the zone floating times are read in; nil means UTC.
	Floating *time.Location
	// Client fetches URLs; nil means a client with Timeout that follows at most
	// 5 redirects. Go's transport asks for gzip and decodes it; a body that is
	// itself a gzip file (an .ics.gz) is decoded too.
	Client *http.Client
	// Timeout bounds one fetch with the default client; zero means DefaultTimeout.
	Timeout time.Duration
	// MaxSize is the largest feed accepted, in bytes after decompression; zero
	// means DefaultMaxSize.
	MaxSize int64
	// Cache keeps the last good copy of a URL feed across processes; nil
	// keeps it in memory only.
	Cache Cache
	// Logger receives feed warnings; nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu           sync.Mutex
	cal          *Calendar
	etag         string
	lastModified string
	fetched      time.Time // when the body of cal was read
	fileSize     int64
	fileMod      time.Time
	cacheTried   bool
	stale        *StaleError
	parses       int // for tests: how many bodies were parsed
	// warned holds the expansion warnings logged for warnedCal.
	warnedCal *Calendar
	warned    map[string]bool
}

var _ calendar.Freshness = (*Source)(nil)

// Cache stores the last good body of each URL feed, so a restart (or a CLI
// command, which runs in a fresh process) can use it when the feed cannot be
// fetched, and can fetch conditionally. It is consumed here and implemented by
// the state database.
//
// Load returns the entry saved under key, or nil and no error when there is
// none. Save replaces it. A Source calls them while holding its own lock, one
// call at a time; different Sources may call concurrently with different keys.
// An error from either is logged and otherwise ignored: the cache is an
// optimisation and a safety net, never a reason to fail a sync.
type Cache interface {
	Load(ctx context.Context, key string) (*CacheEntry, error)
	Save(ctx context.Context, key string, e *CacheEntry) error
}

// CacheEntry is the last good copy of a feed: its body as fetched (after
// transfer decoding), its validators, and when it was fetched.
type CacheEntry struct {
	Body         []byte
	ETag         string
	LastModified string
	Fetched      time.Time
}

// CacheKey is the key a Source uses in its Cache: its name and a hash of its
// location, so a calendar whose URL changes never gets the old feed's copy,
// and the URL (a secret) is not stored in clear as a key.
func (s *Source) CacheKey() string {
	h := sha256.Sum256([]byte(strings.TrimSpace(s.Location)))
	return s.name() + "#" + hex.EncodeToString(h[:8])
}

// StaleError reports a feed that could not be refreshed: Err is the latest
// failure, Since when the failures began, and Fetched when the copy in use was
// fetched.
type StaleError struct {
	Feed    string
	Since   time.Time
	Fetched time.Time
	Err     error
}

// Error names the feed and the cause; the times are the caller's to word in
// the user's zone (LastGood), so none is printed in UTC here.
func (e *StaleError) Error() string {
	return fmt.Sprintf("feed %s could not be refreshed: %v", e.Feed, e.Err)
}

// LastGood is when the copy in use was fetched.
func (e *StaleError) LastGood() time.Time { return e.Fetched }

func (e *StaleError) Unwrap() error { return e.Err }

// Stale returns a *StaleError when the last refresh failed and Events served
// the last good copy, else nil.
func (s *Source) Stale() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stale == nil {
		return nil
	}
	return s.stale
}

// Freshness implements calendar.Freshness: after a refresh failed, the copy
// served is the one fetched at the last good fetch, and the error is the
// failure; otherwise the copy is current.
func (s *Source) Freshness(context.Context) (time.Time, error) {
	var st *StaleError
	if errors.As(s.Stale(), &st) {
		return st.Fetched, st.Err
	}
	if s.Now == nil {
		return time.Now(), nil
	}
	return s.Now(), nil
}

// Events returns the feed's occurrences overlapping [from, to). See
// calendar.Source for the contract, and Source for stale feeds.
func (s *Source) Events(ctx context.Context, from, to time.Time) ([]calendar.Event, error) {
	cal, err := s.load(ctx, from)
	if err != nil {
		return nil, err
	}
	evs, warnings := cal.Occurrences(from, to)
	s.logExpansion(cal, warnings)
	return evs, nil
}

// logExpansion logs the warnings of an expansion (rules its budget cut),
// each once per parsed feed: the daemon expands the same feed every cycle.
func (s *Source) logExpansion(cal *Calendar, warnings []Warning) {
	if len(warnings) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.warnedCal != cal {
		s.warnedCal, s.warned = cal, map[string]bool{}
	}
	log, logged := s.logger(), 0
	for i, w := range warnings {
		if s.warned[w.String()] {
			continue
		}
		if logged == maxLoggedWarnings {
			log.Warn("ics feed has more warnings", "feed", s.name(), "more", len(warnings)-i)
			break
		}
		s.warned[w.String()] = true
		logged++
		log.Warn("ics feed warning", "feed", s.name(), "line", w.Line, "msg", w.Msg)
	}
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

func (s *Source) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

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
	return fmt.Errorf("feed %s is larger than the %s limit", s.name(), size)
}

// load returns the feed, parsed for windows starting at from or later: a copy
// kept from an earlier parse is used only when it covers from (see
// Options.Since), and a feed that cannot be refreshed is served from it only
// then. A window starting earlier than any before reads the feed again whole.
func (s *Source) load(ctx context.Context, from time.Time) (*Calendar, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, isURL := s.url()
	if isURL && s.cal == nil && s.Cache != nil && !s.cacheTried {
		s.cacheTried = true
		s.loadCache(ctx, from)
	}
	var cal *Calendar
	var err error
	if isURL {
		cal, err = s.fetch(ctx, u, from)
	} else {
		cal, err = s.readFile(from)
	}
	if err == nil {
		s.stale = nil
		return cal, nil
	}
	if s.cal == nil || !s.cal.Covers(from) || ctx.Err() != nil {
		return nil, err
	}
	// Keep serving the last good copy: a feed that hiccups must not empty
	// the user's week.
	if s.stale == nil {
		s.stale = &StaleError{Feed: s.name(), Since: s.now()}
	}
	s.stale.Err, s.stale.Fetched = err, s.fetched
	s.logger().Warn("ics feed could not be refreshed; using its last good copy",
		"feed", s.name(), "fetched", s.fetched, "err", err)
	return s.cal, nil
}

// loadCache takes the last good copy from the Cache, if there is one.
func (s *Source) loadCache(ctx context.Context, from time.Time) {
	e, err := s.Cache.Load(ctx, s.CacheKey())
	if err != nil {
		s.logger().Warn("ics feed cache unreadable", "feed", s.name(), "err", err)
		return
	}
	if e == nil {
		return
	}
	cal, err := s.parse(e.Body, from)
	if err != nil {
		s.logger().Warn("ics feed cache holds an unusable copy", "feed", s.name(), "err", err)
		return
	}
	s.cal, s.etag, s.lastModified, s.fetched = cal, e.ETag, e.LastModified, e.Fetched
}

func (s *Source) readFile(from time.Time) (*Calendar, error) {
	fi, err := os.Stat(s.Location)
	if err != nil {
		return nil, fmt.Errorf("read feed %s: %w", s.name(), err)
	}
	if s.covers(from) && fi.Size() == s.fileSize && fi.ModTime().Equal(s.fileMod) {
		return s.cal, nil
	}
	if fi.Size() > s.maxSize() {
		return nil, s.tooLarge()
	}
	// The file is streamed (twice: see parseStream), never read whole.
	cal, err := s.parseFrom(from, func() (io.ReadCloser, error) {
		f, err := os.Open(s.Location)
		if err != nil {
			return nil, err
		}
		r, err := s.bodyReader(f)
		if err != nil {
			f.Close()
			return nil, err
		}
		return struct {
			io.Reader
			io.Closer
		}{r, f}, nil
	})
	if errors.Is(err, errTooLarge) {
		return nil, s.tooLarge()
	} else if err != nil {
		return nil, err
	}
	s.cal, s.fileSize, s.fileMod, s.fetched = cal, fi.Size(), fi.ModTime(), s.now()
	return cal, nil
}

var errTooLarge = errors.New("too large")

// bodyReader reads a feed's bytes: decompressed when they are a gzip file
// (an .ics.gz), and failing with errTooLarge past MaxSize of what comes out.
func (s *Source) bodyReader(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	var out io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		out = zr
	}
	return &limitedReader{r: out, left: s.maxSize()}, nil
}

// limitedReader fails with errTooLarge once more than left bytes were read.
type limitedReader struct {
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, errTooLarge
	}
	return n, err
}

// client returns the client to fetch with: Client, or a default with a
// timeout and a redirect limit.
func (s *Source) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &http.Client{Timeout: timeout, CheckRedirect: checkRedirect}
}

// errTooManyRedirects is the error of a fetch that kept being redirected.
var errTooManyRedirects = fmt.Errorf("stopped after %d redirects", maxRedirects)

func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return errTooManyRedirects
	}
	return nil
}

func (s *Source) fetch(ctx context.Context, u *url.URL, from time.Time) (*Calendar, error) {
	fail := func(err error) error {
		return fmt.Errorf("fetch feed %s (%s): %w", s.name(), s.Redacted(), err)
	}
	// Credentials in the URL go in an Authorization header; the URL sent (and
	// any error about it) carries none.
	var user *url.Userinfo
	user, u.User = u.User, nil
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fail(errors.New("bad URL"))
	}
	if user != nil {
		pass, _ := user.Password()
		req.SetBasicAuth(user.Username(), pass)
	}
	req.Header.Set("Accept", "text/calendar, */*;q=0.5")
	if s.covers(from) {
		if s.etag != "" {
			req.Header.Set("If-None-Match", s.etag)
		}
		if s.lastModified != "" {
			req.Header.Set("If-Modified-Since", s.lastModified)
		}
	}
	resp, err := s.client().Do(req)
	if err != nil {
		// *url.Error repeats the URL; keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
			if ue.Timeout() {
				err = fmt.Errorf("timed out (%w)", err)
			}
		}
		if ctx.Err() != nil {
			return nil, fail(ctx.Err())
		}
		if errors.Is(err, errTooManyRedirects) {
			return nil, fail(err)
		}
		return nil, &calendar.RetryError{Err: fail(err)}
	}
	defer resp.Body.Close()

	switch {
	case resp.StatusCode == http.StatusNotModified && s.covers(from):
		return s.cal, nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return nil, &calendar.RetryError{
			After: retryAfter(resp.Header.Get("Retry-After"), s.now()),
			Err:   fail(errors.New(resp.Status)),
		}
	case resp.StatusCode != http.StatusOK:
		return nil, fail(errors.New(resp.Status))
	}
	if resp.ContentLength > s.maxSize() && !resp.Uncompressed && resp.Header.Get("Content-Encoding") == "" {
		return nil, s.tooLarge()
	}
	body, err := s.bodyReader(resp.Body)
	if err != nil {
		return nil, fail(err)
	}
	data, err := io.ReadAll(body)
	if errors.Is(err, errTooLarge) {
		return nil, s.tooLarge()
	} else if err != nil {
		return nil, &calendar.RetryError{Err: fail(err)}
	}
	cal, err := s.parse(data, from)
	if err != nil {
		return nil, err
	}
	s.cal, s.fetched = cal, s.now()
	s.etag = resp.Header.Get("ETag")
	s.lastModified = resp.Header.Get("Last-Modified")
	if s.Cache != nil {
		e := &CacheEntry{Body: data, ETag: s.etag, LastModified: s.lastModified, Fetched: s.fetched}
		if err := s.Cache.Save(ctx, s.CacheKey(), e); err != nil {
			s.logger().Warn("ics feed cache not saved", "feed", s.name(), "err", err)
		}
	}
	return cal, nil
}

func (s *Source) parse(data []byte, from time.Time) (*Calendar, error) {
	return s.parseFrom(from, func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
}

// parseFrom parses the feed open reads, keeping what windows starting at
// from or later need (Options.Since).
func (s *Source) parseFrom(from time.Time, open func() (io.ReadCloser, error)) (*Calendar, error) {
	s.parses++
	cal, warnings, err := parseStream(open, Options{Name: s.Name, Floating: s.Floating, Since: from})
	if err != nil {
		return nil, err
	}
	log := s.logger()
	for i, w := range warnings {
		if i == maxLoggedWarnings {
			log.Warn("ics feed has more warnings", "feed", s.name(), "more", len(warnings)-i)
			break
		}
		log.Warn("ics feed warning", "feed", s.name(), "line", w.Line, "msg", w.Msg)
	}
	return cal, nil
}

// covers reports whether the copy kept can answer a window starting at from.
func (s *Source) covers(from time.Time) bool { return s.cal != nil && s.cal.Covers(from) }

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
