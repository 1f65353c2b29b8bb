package google_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/calendar/google"
	"github.com/sidewayscal/sideways/calendar/google/googletest"
)

// TestAuthorizeLoopback is acceptance (5): the installed-app flow end to end
// against the fake's authorization and token endpoints, the test playing the
// browser. A redirect with a wrong state is refused; the PKCE verifier is
// sent; the token file is 0600 and usable.
func TestAuthorizeLoopback(t *testing.T) {
	srv := googletest.NewServer(t, owner)
	dir := t.TempDir()
	secretPath := filepath.Join(dir, "client_secret.json")
	if err := os.WriteFile(secretPath, srv.ClientSecretJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	conf, err := google.ReadClientSecret(secretPath, google.Scopes(true)...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()

	var out bytes.Buffer
	var wrongState, good int
	var browserErr error
	browserDone := make(chan struct{})
	tok, err := google.Authorize(ctx, conf, google.AuthOptions{
		Out: &out,
		Open: func(authURL string) error {
			defer close(browserDone)
			// An attacker's redirect (wrong state) is refused…
			wrongState, browserErr = googletest.Consent(ctx, authURL, func(u *url.URL) {
				q := u.Query()
				q.Set("state", "forged")
				u.RawQuery = q.Encode()
			})
			if browserErr != nil {
				return browserErr
			}
			// …and the user's own goes through.
			good, browserErr = googletest.Consent(ctx, authURL, nil)
			return browserErr
		},
	})
	<-browserDone
	if err != nil {
		t.Fatalf("Authorize() = %v (browser: %v)", err, browserErr)
	}
	if good != 200 {
		t.Errorf("the user's redirect answered %d, want 200", good)
	}
	if wrongState != 400 {
		t.Errorf("redirect with a wrong state answered %d, want 400", wrongState)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Fatalf("token lacks access or refresh token")
	}
	if !strings.Contains(out.String(), srv.AuthURL()) {
		t.Errorf("the URL was not printed: %q", out.String())
	}

	var authReq, tokenReqs []googletest.Request
	for _, r := range srv.Requests() {
		switch r.Route {
		case googletest.RouteAuthorize:
			authReq = append(authReq, r)
		case googletest.RouteToken:
			tokenReqs = append(tokenReqs, r)
		}
	}
	if len(authReq) != 2 || len(tokenReqs) != 1 {
		t.Fatalf("%d authorize and %d token requests, want 2 and 1", len(authReq), len(tokenReqs))
	}
	q := authReq[0].Query
	for k, want := range map[string]string{
		"access_type": "offline", "prompt": "consent", "code_challenge_method": "S256", "response_type": "code",
		"scope": strings.Join(google.Scopes(true), " "),
	} {
		if q.Get(k) != want {
			t.Errorf("authorize %s = %q, want %q", k, q.Get(k), want)
		}
	}
	redirect, _ := url.Parse(q.Get("redirect_uri"))
	if redirect.Hostname() != "127.0.0.1" || redirect.Port() == "" || redirect.Port() == "0" {
		t.Errorf("redirect_uri = %s, want 127.0.0.1 on a random port", redirect)
	}
	form := tokenReqs[0].Form
	if form.Get("code_verifier") == "" || oauth2.S256ChallengeFromVerifier(form.Get("code_verifier")) != q.Get("code_challenge") {
		t.Errorf("token exchange sent verifier %q, not matching the challenge", form.Get("code_verifier"))
	}
	if form.Get("client_secret") == "" || form.Get("redirect_uri") != q.Get("redirect_uri") {
		t.Errorf("token exchange form = %v", form)
	}

	// The token file: 0600, atomically written, read back.
	tokPath := filepath.Join(dir, "sub", "token.json")
	if err := google.SaveToken(tokPath, tok); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(tokPath)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %04o, want 0600", fi.Mode().Perm())
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, "sub", ".token-*")); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	got, err := google.LoadToken(tokPath)
	if err != nil {
		t.Fatal(err)
	}
	if got.RefreshToken != tok.RefreshToken || got.AccessToken != tok.AccessToken {
		t.Errorf("LoadToken() round trip lost the token")
	}

	// And it works against the API.
	db := newMemStore()
	ts := google.NewTokenSource(context.Background(), conf, tokPath, got, nil)
	c, err := google.New(ctx, google.Options{Endpoint: srv.Endpoint(), TokenSource: ts})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Source("work", "primary", db).Sync(ctx); err != nil {
		t.Errorf("Sync() with the new token = %v", err)
	}
}

func TestAuthorizeTimesOut(t *testing.T) {
	srv := googletest.NewServer(t, owner)
	secretPath := filepath.Join(t.TempDir(), "client_secret.json")
	os.WriteFile(secretPath, srv.ClientSecretJSON(), 0o600)
	conf, err := google.ReadClientSecret(secretPath, google.Scopes(false)...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	// The browser could not be opened: the URL is printed and the flow waits.
	var out bytes.Buffer
	_, err = google.Authorize(ctx, conf, google.AuthOptions{Out: &out, Open: func(string) error { return errors.New("no display") }})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Authorize() = %v, want a deadline error", err)
	}
	if !strings.Contains(out.String(), "http://") {
		t.Errorf("no URL printed: %q", out.String())
	}
}

func TestLoadTokenRefusesReadableFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token.json")
	if err := google.SaveToken(path, &oauth2.Token{AccessToken: "a", RefreshToken: "r"}); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := google.LoadToken(path)
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("LoadToken() of a 0644 file = %v, want a refusal naming the fix", err)
	}
	if _, err := google.LoadToken(filepath.Join(t.TempDir(), "none.json")); !errors.Is(err, google.ErrNoToken) {
		t.Errorf("LoadToken() of a missing file = %v, want ErrNoToken (the command says to sign in)", err)
	}
}

func TestReadClientSecretHonoursTokenURI(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cs.json")
	os.WriteFile(path, []byte(`{"installed":{"client_id":"cid","client_secret":"GOCSPX-s3cret","auth_uri":"https://a.test/auth","token_uri":"https://t.test/token"}}`), 0o600)
	conf, err := google.ReadClientSecret(path, google.Scopes(false)...)
	if err != nil {
		t.Fatal(err)
	}
	if conf.Endpoint.TokenURL != "https://t.test/token" || conf.Endpoint.AuthURL != "https://a.test/auth" {
		t.Errorf("endpoint = %+v", conf.Endpoint)
	}
	if _, err := google.ReadClientSecret(filepath.Join(t.TempDir(), "nope.json")); err == nil {
		t.Error("ReadClientSecret() of a missing file = nil error")
	}
}

func TestScopes(t *testing.T) {
	if diff := cmp.Diff([]string{
		"https://www.googleapis.com/auth/calendar.events.readonly",
		"https://www.googleapis.com/auth/calendar.freebusy",
	}, google.Scopes(false)); diff != "" {
		t.Errorf("report scopes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{
		"https://www.googleapis.com/auth/calendar.events",
		"https://www.googleapis.com/auth/calendar.freebusy",
	}, google.Scopes(true)); diff != "" {
		t.Errorf("write scopes (-want +got):\n%s", diff)
	}
}

// TestSecretsRedactedInLogs logs the types that hold credentials directly.
func TestSecretsRedactedInLogs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cs.json")
	os.WriteFile(path, []byte(`{"installed":{"client_id":"cid","client_secret":"GOCSPX-s3cret","auth_uri":"https://a.test/auth","token_uri":"https://t.test/token"}}`), 0o600)
	conf, err := google.ReadClientSecret(path)
	if err != nil {
		t.Fatal(err)
	}
	ts := google.NewTokenSource(t.Context(), conf, "/x/token.json", &oauth2.Token{AccessToken: "ya29.SECRET-ACCESS", RefreshToken: "1//SECRET-REFRESH"}, nil)
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&buf, nil), slog.NewTextHandler(&buf, nil)} {
		slog.New(h).Info("auth", "conf", conf, "ts", ts)
	}
	for _, secret := range []string{"GOCSPX-s3cret", "SECRET-ACCESS", "SECRET-REFRESH"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("log holds %s: %s", secret, buf.String())
		}
	}
	if !strings.Contains(buf.String(), "cid") || !strings.Contains(buf.String(), "/x/token.json") {
		t.Errorf("log lacks the harmless identifiers: %s", buf.String())
	}
}

func TestFreeBusy(t *testing.T) {
	e := newEnv(t)
	e.srv.AddCalendar("dana@acme.test", "Dana")
	e.srv.Insert("dana@acme.test", timed("a", day0.Add(10*time.Hour), time.Hour))
	e.srv.Insert("dana@acme.test", timed("b", day0.Add(10*time.Hour+30*time.Minute), time.Hour))
	free := timed("free", day0.Add(14*time.Hour), time.Hour)
	free.Transparency = "transparent"
	e.srv.Insert("dana@acme.test", free)
	e.srv.Insert("dana@acme.test", timed("next month", day0.AddDate(0, 2, 0), time.Hour))
	e.srv.SetFreeBusyError("erin@acme.test", "forbidden")

	got, err := e.client.FreeBusy(t.Context(), []string{"dana@acme.test", "erin@acme.test", "nobody@else.test"}, day0, day0.AddDate(0, 3, 0))
	if err != nil {
		t.Fatal(err)
	}
	want := []calendar.Interval{
		{Start: day0.Add(10 * time.Hour), End: day0.Add(11*time.Hour + 30*time.Minute)},
		{Start: day0.AddDate(0, 2, 0), End: day0.AddDate(0, 2, 0).Add(time.Hour)},
	}
	if diff := cmp.Diff(want, got["dana@acme.test"].Busy); diff != "" || got["dana@acme.test"].Err != nil {
		t.Errorf("dana: err %v, busy (-want +got):\n%s", got["dana@acme.test"].Err, diff)
	}
	for peer, reason := range map[string]string{"erin@acme.test": "forbidden", "nobody@else.test": "notFound"} {
		var fe *google.FreeBusyError
		if err := got[peer].Err; !errors.Is(err, google.ErrNoFreeBusy) || !errors.As(err, &fe) || fe.Reasons[0] != reason {
			t.Errorf("%s: Err = %v, want %s", peer, err, reason)
		}
	}
	// 3 months in spans of at most 60 days: 2 requests.
	if n := e.srv.Count(googletest.RouteFreeBusy); n != 2 {
		t.Errorf("%d freeBusy requests, want 2", n)
	}
}

func TestEndpoint(t *testing.T) {
	srv := googletest.NewServer(t, owner)
	for _, ep := range []string{srv.URL, srv.URL + "/", srv.URL + "/calendar/v3", srv.Endpoint()} {
		c, err := google.New(t.Context(), google.Options{Endpoint: ep, TokenSource: oauth2.StaticTokenSource(srv.IssueToken())})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Source("work", "primary", newMemStore()).Sync(t.Context()); err != nil {
			t.Errorf("endpoint %q: Sync() = %v", ep, err)
		}
	}
	if _, err := google.New(t.Context(), google.Options{Endpoint: "127.0.0.1:8080", TokenSource: oauth2.StaticTokenSource(&oauth2.Token{})}); err == nil {
		t.Error("New() accepted an endpoint without scheme")
	}
}

func TestLogin(t *testing.T) {
	srv := googletest.NewServer(t, owner)
	dir := t.TempDir()
	secretPath := filepath.Join(dir, "client_secret.json")
	os.WriteFile(secretPath, srv.ClientSecretJSON(), 0o600)
	tokPath := filepath.Join(dir, "token.json")
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	err := google.Login(ctx, secretPath, tokPath, google.Scopes(false), google.AuthOptions{
		Open: func(u string) error { _, err := googletest.Consent(ctx, u, nil); return err },
	})
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(tokPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v, %v", fi, err)
	}
	ts, err := google.LoadTokenSource(ctx, secretPath, tokPath, nil, google.Scopes(false)...)
	if err != nil {
		t.Fatal(err)
	}
	c, err := google.New(ctx, google.Options{Endpoint: srv.Endpoint(), TokenSource: ts})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Source("work", "primary", newMemStore()).Sync(ctx); err != nil {
		t.Errorf("Sync() after Login = %v", err)
	}
}
