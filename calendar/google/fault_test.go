package google_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/google"
	"github.com/sidewayscal/sideways/calendar/google/googletest"
)

// TestFaults is acceptance (4): each fault ends in a correct state after a
// bounded number of requests, with a clear error when it does not clear.
func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fault    googletest.Fault
		n        int
		wantReqs int              // events.list requests
		wantErr  func(error) bool // nil: success
		minWait  time.Duration    // the longest wait must be at least this
	}{
		{name: "429 with Retry-After", fault: googletest.Fault{Status: 429, Reason: "rateLimitExceeded", RetryAfter: "7"}, n: 1, wantReqs: 2, minWait: 7 * time.Second},
		{name: "500 twice", fault: googletest.Fault{Status: 500}, n: 2, wantReqs: 3},
		{name: "502 html", fault: googletest.Fault{Status: 502, Body: "<html>bad gateway</html>"}, n: 1, wantReqs: 2},
		{name: "403 rateLimitExceeded", fault: googletest.Fault{Status: 403, Reason: "rateLimitExceeded"}, n: 2, wantReqs: 3},
		{name: "403 userRateLimitExceeded", fault: googletest.Fault{Status: 403, Reason: "userRateLimitExceeded"}, n: 1, wantReqs: 2},
		{name: "dropped connection", fault: googletest.Fault{Drop: true}, n: 1, wantReqs: 2},
		{name: "500 for good", fault: googletest.Fault{Status: 500}, n: 100, wantReqs: 5, wantErr: func(err error) bool {
			_, ok := calendar.RetryAfter(err)
			return ok && strings.Contains(err.Error(), "5 attempts")
		}},
		{name: "Retry-After beyond the cap", fault: googletest.Fault{Status: 429, RetryAfter: "3600"}, n: 1, wantReqs: 1, wantErr: func(err error) bool {
			after, ok := calendar.RetryAfter(err)
			return ok && after == time.Hour
		}},
		{name: "403 quotaExceeded", fault: googletest.Fault{Status: 403, Reason: "quotaExceeded"}, n: 1, wantReqs: 1, wantErr: func(err error) bool {
			after, ok := calendar.RetryAfter(err)
			return ok && after >= time.Hour
		}},
		{name: "401 twice", fault: googletest.Fault{Status: 401, Reason: "authError"}, n: 2, wantReqs: 2, wantErr: func(err error) bool {
			return errors.Is(err, calendar.ErrAuth)
		}},
		{name: "403 forbidden is permanent", fault: googletest.Fault{Status: 403, Reason: "forbidden"}, n: 1, wantReqs: 1, wantErr: func(err error) bool {
			_, retry := calendar.RetryAfter(err)
			return !retry && strings.Contains(err.Error(), "403 forbidden")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.srv.Insert("primary", timed("standup", day0, time.Hour))
			e.srv.FailNext(googletest.RouteList, tc.n, tc.fault)
			src := e.source()
			err := src.Sync(t.Context())
			if tc.wantErr == nil && err != nil {
				t.Fatalf("Sync() = %v, want success", err)
			}
			if tc.wantErr != nil && (err == nil || !tc.wantErr(err)) {
				t.Fatalf("Sync() = %v, not the error expected", err)
			}
			if got := e.srv.Count(googletest.RouteList); got != tc.wantReqs {
				t.Errorf("%d list requests, want %d", got, tc.wantReqs)
			}
			waits := e.waits()
			if tc.fault.Status == 401 {
				waits = append(waits, 0) // the refresh replaces the wait
			}
			if len(waits) != max(tc.wantReqs-1, 0) {
				t.Errorf("waited %v, want %d waits", waits, tc.wantReqs-1)
			}
			for i, w := range waits {
				if w > 30*time.Second && w != 7*time.Second {
					t.Errorf("wait %d = %s, beyond the cap", i, w)
				}
			}
			if tc.minWait > 0 && (len(waits) == 0 || waits[0] < tc.minWait) {
				t.Errorf("waits %v ignore Retry-After %s", waits, tc.minWait)
			}
			evs, _ := src.Events(t.Context(), longAgo, farOut)
			if want := map[bool]int{true: 1, false: 0}[tc.wantErr == nil]; len(evs) != want {
				t.Errorf("mirror holds %d events, want %d", len(evs), want)
			}
		})
	}
}

func TestBackoffGrows(t *testing.T) {
	e := newEnv(t)
	e.srv.FailNext(googletest.RouteList, 4, googletest.Fault{Status: 503})
	if err := e.source().Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	waits := e.waits()
	if len(waits) != 4 {
		t.Fatalf("waits = %v", waits)
	}
	if n := strings.Count(e.logs.String(), "google: retrying"); n != 4 {
		t.Errorf("%d retry log lines, want 4:\n%s", n, e.logs.String())
	}
	for i, w := range waits {
		lo, hi := time.Second<<i/2, time.Second<<i
		if w < lo || w > hi {
			t.Errorf("wait %d = %s, want in [%s, %s]", i, w, lo, hi)
		}
	}
}

// TestExpiredAccessTokenRefreshesOnce: a 401 refreshes the token once, the
// call succeeds, and the new token is written back to the token file.
func TestExpiredAccessTokenRefreshesOnce(t *testing.T) {
	e := newEnv(t)
	before, err := google.LoadToken(e.tokenPath)
	if err != nil {
		t.Fatal(err)
	}
	e.srv.ExpireAccessTokens()
	if err := e.source().Sync(t.Context()); err != nil {
		t.Fatalf("Sync() = %v", err)
	}
	if got := e.srv.Count(googletest.RouteToken); got != 1 {
		t.Errorf("%d token requests, want 1", got)
	}
	if got := e.srv.Count(googletest.RouteList); got != 2 {
		t.Errorf("%d list requests, want 2 (401, then success)", got)
	}
	after, err := google.LoadToken(e.tokenPath)
	if err != nil {
		t.Fatal(err)
	}
	if after.AccessToken == before.AccessToken || after.RefreshToken != before.RefreshToken {
		t.Errorf("token file not updated with the refreshed access token (refresh token kept)")
	}
	for _, r := range e.srv.Requests() {
		if r.Route == googletest.RouteToken && r.Form.Get("grant_type") != "refresh_token" {
			t.Errorf("token request grant_type = %q", r.Form.Get("grant_type"))
		}
	}
}

// TestInvalidGrant: a revoked grant ends the call with ErrAuth, without
// retrying, and the message says so.
func TestInvalidGrant(t *testing.T) {
	e := newEnv(t)
	e.srv.RevokeGrants()
	err := e.source().Sync(t.Context())
	if !errors.Is(err, calendar.ErrAuth) {
		t.Fatalf("Sync() = %v, want ErrAuth", err)
	}
	if !strings.Contains(err.Error(), "invalid_grant") {
		t.Errorf("error %q does not name invalid_grant", err)
	}
	if _, retry := calendar.RetryAfter(err); retry {
		t.Errorf("ErrAuth reported as retryable")
	}
	if got := e.srv.Count(googletest.RouteList) + e.srv.Count(googletest.RouteToken); got > 2 {
		t.Errorf("%d requests for a revoked grant, want at most 2", got)
	}
	if len(e.waits()) != 0 {
		t.Errorf("backed off inside the call for a revoked grant: %v", e.waits())
	}
}

// TestTokenEndpointDown: a 5xx from the token endpoint is transient.
func TestTokenEndpointDown(t *testing.T) {
	e := newEnv(t)
	e.srv.ExpireAccessTokens()
	e.srv.FailNext(googletest.RouteToken, 1, googletest.Fault{Status: 503})
	if err := e.source().Sync(t.Context()); err != nil {
		t.Fatalf("Sync() = %v", err)
	}
}
