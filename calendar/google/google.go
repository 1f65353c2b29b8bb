// Package google is sideways' adapter for Google Calendar API v3: OAuth for an
// installed app, an incrementally synced local mirror of each calendar (sync
// tokens; a full resync when Google refuses one), the calendar.Source and
// calendar.Writer the daemon uses, and free/busy for peers.
//
// The generated client (google.golang.org/api/calendar/v3) never retries; every
// call here goes through one retry loop (Client.do) that backs off
// exponentially with jitter, honours Retry-After, refreshes the access token
// once on a 401, and translates failures into the domain errors of package
// calendar, so callers never see a *googleapi.Error:
//
//	401 after one refresh, invalid_grant   calendar.ErrAuth
//	403 insufficientPermissions            *calendar.PermissionError (which access to grant)
//	400 "Invalid conference type value."   calendar.ErrMeetUnavailable
//	other 400, 403, 404, 412               calendar.ErrRejected (this action only)
//	403 rate limits, 429, 5xx, network     retried, then *calendar.RetryError
//	no answer within RequestTimeout        retried once, then *calendar.RetryError
//	403 quotaExceeded                      *calendar.RetryError asking for an hour
//	409 on insert                          calendar.ErrExists (nil after our own lost answer)
//	412 on patch or delete                 read again and retried once, then calendar.ErrConflict
//	410 on a sync token                    calendar.ErrSyncExpired (Source resyncs)
//	410 or 404 on delete                   calendar.ErrGone
//
// Time is bounded twice: every request (its body included) by RequestTimeout,
// through its context; and a call's retries by its context's deadline, so the
// daemon's cycle deadline bounds the whole. Errors never carry a request URL
// (sync and page tokens travel in its query).
//
// Recurring events are listed as Google stores them (singleEvents=false: series
// masters, modified and cancelled exceptions) and expanded locally in the
// series' own time zone, so an incremental sync only carries what changed.
package google

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
	calendarv3 "google.golang.org/api/calendar/v3"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/sidewayscal/sideways/calendar"
)

// DefaultEndpoint is Google's own API base URL.
const DefaultEndpoint = "https://www.googleapis.com/calendar/v3/"

// Invalidator is a token source that can drop its cached access token, so
// that the next Token call fetches a fresh one: what a 401 asks for. It is
// called from the goroutine making the request, and must be safe alongside
// concurrent Token calls.
type Invalidator interface {
	oauth2.TokenSource
	Invalidate()
}

// Options configure a Client. Either TokenSource or HTTPClient is required.
type Options struct {
	// Endpoint is the API base URL (config google.endpoint); empty means
	// Google's. A URL without the /calendar/v3/ path gets it appended.
	Endpoint string
	// TokenSource supplies access tokens. When it is also an Invalidator
	// (as *TokenSource is), a 401 makes the client refresh once and retry.
	TokenSource oauth2.TokenSource
	// HTTPClient carries the requests. With a TokenSource, its Transport is
	// wrapped to add the Authorization header; without one it is used as is.
	HTTPClient *http.Client
	// Logger receives one line per retry, resync and refresh; never a token.
	Logger *slog.Logger
	// Sleep waits between attempts; tests replace it to avoid real waits. It
	// must return ctx.Err() when ctx ends first. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// MaxAttempts bounds the attempts of one call (default 5).
	MaxAttempts int
	// RequestTimeout bounds each HTTP request, reading its answer included
	// (default DefaultRequestTimeout; an HTTPClient's own Timeout, when set,
	// is taken instead). It is applied through the request's context, never as
	// http.Client.Timeout: that path calls the oauth2 transport's deprecated
	// CancelRequest, which prints a stray line.
	RequestTimeout time.Duration
	// BaseDelay and MaxDelay shape the backoff: BaseDelay·2^(n-1) with jitter,
	// capped at MaxDelay (defaults 1s and 30s). A Retry-After longer than
	// MaxDelay ends the call at once with a *calendar.RetryError carrying it,
	// so the daemon backs off instead of blocking a cycle.
	BaseDelay, MaxDelay time.Duration
}

// DefaultRequestTimeout bounds one request when Options.RequestTimeout is not
// set. Google answers in well under a second; a request still waiting after
// this long is stalled.
const DefaultRequestTimeout = 30 * time.Second

// maxTimeouts is how many requests of one call may go unanswered before the
// call gives up: a second stall in a row means the server is not answering.
const maxTimeouts = 2

// Client talks to one Google account. It is safe for concurrent use.
type Client struct {
	svc         *calendarv3.Service
	invalidate  func()
	log         *slog.Logger
	sleep       func(context.Context, time.Duration) error
	maxAttempts int
	base, max   time.Duration
	timeout     time.Duration
	pause       pause
}

// New returns a Client for opts.
func New(ctx context.Context, opts Options) (*Client, error) {
	if opts.TokenSource == nil && opts.HTTPClient == nil {
		return nil, errors.New("google: no token source or HTTP client")
	}
	timeout := opts.RequestTimeout
	hc := &http.Client{}
	if opts.HTTPClient != nil {
		*hc = *opts.HTTPClient
		if timeout <= 0 {
			timeout = hc.Timeout
		}
		hc.Timeout = 0
	}
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	if opts.TokenSource != nil {
		hc.Transport = &oauth2.Transport{Source: opts.TokenSource, Base: hc.Transport}
	}
	hc.Transport = &timeoutTransport{base: hc.Transport, timeout: timeout}
	ep, err := normalizeEndpoint(opts.Endpoint)
	if err != nil {
		return nil, err
	}
	svc, err := calendarv3.NewService(ctx, option.WithHTTPClient(hc), option.WithEndpoint(ep))
	if err != nil {
		return nil, fmt.Errorf("google: %w", err)
	}
	c := &Client{svc: svc, log: opts.Logger, sleep: opts.Sleep, maxAttempts: opts.MaxAttempts,
		base: opts.BaseDelay, max: opts.MaxDelay, timeout: timeout}
	if inv, ok := opts.TokenSource.(Invalidator); ok {
		c.invalidate = inv.Invalidate
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.sleep == nil {
		c.sleep = sleepCtx
	}
	if c.maxAttempts <= 0 {
		c.maxAttempts = 5
	}
	if c.base <= 0 {
		c.base = time.Second
	}
	if c.max <= 0 {
		c.max = 30 * time.Second
	}
	return c, nil
}

// normalizeEndpoint makes ep a base URL the generated client resolves request
// paths against correctly: absolute, ending in /calendar/v3/.
func normalizeEndpoint(ep string) (string, error) {
	if ep == "" {
		return DefaultEndpoint, nil
	}
	u, err := url.Parse(ep)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("google: endpoint %q is not an http(s) URL", ep)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	if !strings.HasSuffix(u.Path, "/calendar/v3") {
		u.Path += "/calendar/v3"
	}
	u.Path += "/"
	return u.String(), nil
}

// timeoutTransport gives every request its own deadline, through its context,
// until its body is closed.
type timeoutTransport struct {
	base    http.RoundTripper
	timeout time.Duration
}

func (t *timeoutTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	ctx, cancel := context.WithTimeoutCause(req.Context(), t.timeout, errNoAnswer)
	resp, err := base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// errNoAnswer is the cause of a request's own deadline.
var errNoAnswer = errors.New("no answer within the request timeout")

// noAnswer is a call whose requests went unanswered.
type noAnswer struct {
	op       string
	timeout  time.Duration
	attempts int
}

func (e *noAnswer) Error() string {
	return fmt.Sprintf("%s: google did not answer within %s (%d attempts)", e.op, calendar.HumanDuration(e.timeout), e.attempts)
}

// timedOut reports whether err is a request that ran out of its own time (the
// call's context still being alive).
func timedOut(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errNoAnswer)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// quotaWait is how long to stay away after 403 quotaExceeded (Calendar usage
// limits), which clears over hours, not seconds.
const quotaWait = time.Hour

// outcome is what the retry loop does with a failed attempt.
type outcome int

const (
	permanent outcome = iota
	transient
	unauthorized // 401: refresh once, then ErrAuth
	authFailed   // the grant is gone: ErrAuth at once
)

// apiError is a Google error translated for callers: its message names the
// operation, status and reason; it unwraps to the domain sentinel that applies
// (or to nothing), never to the *googleapi.Error.
type apiError struct {
	op       string
	code     int
	reason   string
	msg      string
	sentinel error
	// retried is set when an earlier attempt of the same call failed in a way
	// that may have reached Google: a 409 or 404 then may be that attempt's
	// own doing.
	retried bool
}

func (e *apiError) Error() string {
	s := fmt.Sprintf("%s: google: %d", e.op, e.code)
	if e.reason != "" {
		s += " " + e.reason
	}
	if e.msg != "" {
		s += ": " + e.msg
	}
	return s
}

func (e *apiError) Unwrap() error { return e.sentinel }

// statusOf returns the HTTP status behind err, 0 if none.
func statusOf(err error) int {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.code
	}
	return 0
}

// afterRetry reports whether err is an answer to a retried attempt whose
// earlier attempt may have reached Google (the answer to it was lost).
func afterRetry(err error) bool {
	var ae *apiError
	return errors.As(err, &ae) && ae.retried
}

// classify decides what to do with err and, for transient errors, how long
// Google asked to wait.
func classify(err error) (outcome, time.Duration) {
	if errors.Is(err, calendar.ErrAuth) {
		return authFailed, 0
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		if re.Response != nil && (re.Response.StatusCode >= 500 || re.Response.StatusCode == http.StatusTooManyRequests) {
			return transient, 0
		}
		return authFailed, 0
	}
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		after := retryAfter(ge.Header)
		switch {
		case ge.Code == http.StatusUnauthorized:
			return unauthorized, 0
		case ge.Code == http.StatusForbidden && (hasReason(ge, "rateLimitExceeded") || hasReason(ge, "userRateLimitExceeded")):
			return transient, after
		case ge.Code == http.StatusForbidden && hasReason(ge, "quotaExceeded"):
			// A Calendar product limit, not an API quota: wait long, outside
			// this call.
			return transient, max(after, quotaWait)
		case ge.Code == http.StatusTooManyRequests, ge.Code == http.StatusRequestTimeout, ge.Code >= 500:
			return transient, after
		}
		return permanent, 0
	}
	var ne net.Error
	var ue *url.Error
	if errors.As(err, &ne) || errors.As(err, &ue) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return transient, 0
	}
	return permanent, 0
}

func hasReason(ge *googleapi.Error, reason string) bool {
	for _, it := range ge.Errors {
		if it.Reason == reason {
			return true
		}
	}
	return false
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(h http.Header) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// translate turns a final failure of op into the error callers see. A
// transport error loses its URL, which may carry a sync or page token.
func translate(op string, err error) error {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	e := &apiError{op: op, code: ge.Code, msg: ge.Message}
	if len(ge.Errors) > 0 {
		e.reason = ge.Errors[0].Reason
	}
	switch ge.Code {
	case http.StatusConflict:
		e.sentinel = calendar.ErrExists
	case http.StatusGone:
		if e.reason == "deleted" {
			e.sentinel = calendar.ErrGone
		} else {
			e.sentinel = calendar.ErrSyncExpired
		}
	case http.StatusUnauthorized:
		e.sentinel = calendar.ErrAuth
	default:
		e.sentinel = refusal(op, ge.Code, e.reason, e.msg)
	}
	if e.msg == "" && e.reason == "" {
		e.msg = http.StatusText(ge.Code)
	}
	if pe, ok := e.sentinel.(*calendar.PermissionError); ok {
		pe.Err = errors.New(e.Error())
		return pe
	}
	return e
}

// authError is the ErrAuth a call ends with, naming Google's reason but never
// repeating the token endpoint's body.
func authError(op string, err error) error {
	var ae *authErr
	if errors.As(err, &ae) {
		return fmt.Errorf("%s: %w", op, ae)
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.ErrorCode != "" {
		return fmt.Errorf("%s: %w", op, &authErr{code: re.ErrorCode})
	}
	return fmt.Errorf("%s: %w", op, &authErr{code: "401 after a token refresh"})
}

// backoff returns the wait before attempt n+1: BaseDelay·2^(n-1) capped at
// MaxDelay, the upper half jittered, and never less than Retry-After.
func (c *Client) backoff(n int, after time.Duration) time.Duration {
	d := c.base << min(n-1, 20)
	if d <= 0 || d > c.max {
		d = c.max
	}
	d = d/2 + rand.N(d/2+1)
	return max(d, after)
}

// do runs one API call f (which must issue a fresh request each time it is
// called) under the retry policy described in the package comment. It never
// waits past ctx's deadline: when the next attempt could not start in time it
// gives up at once.
func (c *Client) do(ctx context.Context, op string, f func() error) error {
	refreshed, retried, timeouts := false, false, 0
	if err := c.pause.check(op); err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		err := f()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", op, context.Cause(ctx))
		}
		if timedOut(err) {
			if timeouts++; timeouts >= maxTimeouts {
				return &calendar.RetryError{Err: &noAnswer{op: op, timeout: c.timeout, attempts: attempt}}
			}
		}
		kind, after := classify(err)
		switch kind {
		case permanent:
			err := translate(op, err)
			if ae, ok := err.(*apiError); ok {
				ae.retried = retried
			}
			return err
		case authFailed:
			c.log.Warn("google: authorization refused", "op", op, "err", authError(op, err))
			return authError(op, err)
		case unauthorized:
			if refreshed || c.invalidate == nil {
				return authError(op, err)
			}
			refreshed = true
			c.log.Info("google: access token refused; refreshing once", "op", op)
			c.invalidate()
			attempt--
			continue
		}
		status := 0
		var ge *googleapi.Error
		if errors.As(err, &ge) {
			status = ge.Code
		}
		if after > c.max {
			c.pause.hold(after, translate(op, err))
			return &calendar.RetryError{After: after, Err: translate(op, err)}
		}
		if attempt >= c.maxAttempts {
			return &calendar.RetryError{After: after, Err: fmt.Errorf("%w (gave up after %d attempts)", translate(op, err), attempt)}
		}
		d := c.backoff(attempt, after)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
			return &calendar.RetryError{After: after, Err: fmt.Errorf("%w (gave up after %d attempts: no time left for another)", translate(op, err), attempt)}
		}
		retried = true
		c.log.Warn("google: retrying", "op", op, "attempt", attempt, "status", status, "wait", d)
		if err := c.sleep(ctx, d); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
}
