package googletest_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	calendarv3 "google.golang.org/api/calendar/v3"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/sidewayscal/sideways/calendar/google/googletest"
)

const owner = "alex@acme.test"

// newClient returns the real generated client pointed at a fresh fake.
func newClient(t *testing.T) (*googletest.Server, *calendarv3.Service) {
	t.Helper()
	srv := googletest.NewServer(t, owner)
	svc, err := calendarv3.NewService(t.Context(), option.WithEndpoint(srv.Endpoint()),
		option.WithTokenSource(oauth2.StaticTokenSource(srv.IssueToken())))
	if err != nil {
		t.Fatal(err)
	}
	return srv, svc
}

func status(err error) (int, string) {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return 0, ""
	}
	reason := ""
	if len(ge.Errors) > 0 {
		reason = ge.Errors[0].Reason
	}
	return ge.Code, reason
}

func ev(id, start string) *calendarv3.Event {
	t, _ := time.Parse(time.RFC3339, start)
	return &calendarv3.Event{Id: id, Summary: id,
		Start: &calendarv3.EventDateTime{DateTime: t.Format(time.RFC3339)},
		End:   &calendarv3.EventDateTime{DateTime: t.Add(time.Hour).Format(time.RFC3339)}}
}

func TestListRules(t *testing.T) {
	srv, svc := newClient(t)
	srv.Insert("primary", ev("aaaaa", "2026-11-23T10:00:00Z"))
	first, err := svc.Events.List("primary").Do()
	if err != nil || first.NextSyncToken == "" || len(first.Items) != 1 {
		t.Fatalf("full list = %+v, %v", first, err)
	}
	for name, call := range map[string]*calendarv3.EventsListCall{
		"timeMin":                      svc.Events.List("primary").SyncToken(first.NextSyncToken).TimeMin("2026-01-01T00:00:00Z"),
		"q":                            svc.Events.List("primary").SyncToken(first.NextSyncToken).Q("x"),
		"privateExtendedProperty":      svc.Events.List("primary").SyncToken(first.NextSyncToken).PrivateExtendedProperty("a=b"),
		"orderBy without singleEvents": svc.Events.List("primary").OrderBy("startTime"),
		"empty range":                  svc.Events.List("primary").TimeMin("2026-01-02T00:00:00Z").TimeMax("2026-01-01T00:00:00Z"),
		"singleEvents (not faked)":     svc.Events.List("primary").SingleEvents(true),
		"foreign page token":           svc.Events.List("primary").PageToken("garbage"),
	} {
		if _, err := call.Do(); func() bool { c, _ := status(err); return c != 400 }() {
			t.Errorf("%s: %v, want 400", name, err)
		}
	}
	if _, err := svc.Events.List("primary").SyncToken("garbled").Do(); func() bool { c, r := status(err); return c != 410 || r != "fullSyncRequired" }() {
		t.Errorf("garbled sync token: %v, want 410 fullSyncRequired", err)
	}
	// Incremental sync shows deletions as minimal cancelled entries.
	srv.Delete("primary", "aaaaa")
	inc, err := svc.Events.List("primary").SyncToken(first.NextSyncToken).Do()
	if err != nil || len(inc.Items) != 1 || inc.Items[0].Status != "cancelled" || inc.Items[0].Summary != "" {
		t.Errorf("incremental after delete = %+v, %v", inc.Items, err)
	}
	// A full list without showDeleted hides it.
	if full, _ := svc.Events.List("primary").Do(); len(full.Items) != 0 {
		t.Errorf("full list shows a deleted event")
	}
	srv.ExpireSyncTokens()
	if _, err := svc.Events.List("primary").SyncToken(inc.NextSyncToken).Do(); func() bool { c, _ := status(err); return c != 410 }() {
		t.Errorf("expired sync token: %v, want 410", err)
	}
}

func TestWrites(t *testing.T) {
	srv, svc := newClient(t)
	if _, err := svc.Events.Insert("primary", ev("BAD-ID", "2026-11-23T10:00:00Z")).Do(); func() bool { c, r := status(err); return c != 400 || r != "invalid" }() {
		t.Errorf("bad id: %v", err)
	}
	e := ev("evt00001", "2026-11-23T10:00:00Z")
	e.ExtendedProperties = &calendarv3.EventExtendedProperties{Private: map[string]string{"sideways": "suggestion", "keep": "1"}}
	got, err := svc.Events.Insert("primary", e).Do()
	if err != nil || got.Status != "confirmed" || got.ICalUID != "evt00001@google.com" || got.Organizer.Email != owner {
		t.Fatalf("insert = %+v, %v", got, err)
	}
	if _, err := svc.Events.Insert("primary", e).Do(); func() bool { c, r := status(err); return c != 409 || r != "duplicate" }() {
		t.Errorf("duplicate: %v", err)
	}
	// Patch merges extended properties key by key; null deletes one.
	p := &calendarv3.Event{Summary: "renamed", ExtendedProperties: &calendarv3.EventExtendedProperties{
		Private: map[string]string{"sideways_peer": "dana@acme.test", "keep": ""}, NullFields: []string{"Private.keep"}}}
	got, err = svc.Events.Patch("primary", "evt00001", p).Do()
	if err != nil {
		t.Fatal(err)
	}
	if pr := got.ExtendedProperties.Private; got.Summary != "renamed" || pr["sideways"] != "suggestion" || pr["sideways_peer"] != "dana@acme.test" || pr["keep"] != "" {
		t.Errorf("patched = %q %v", got.Summary, got.ExtendedProperties.Private)
	}
	// If-Match with a stale etag: 412.
	call := svc.Events.Patch("primary", "evt00001", &calendarv3.Event{Summary: "x"})
	call.Header().Set("If-Match", `"stale"`)
	if _, err := call.Do(); func() bool { c, _ := status(err); return c != 412 }() {
		t.Errorf("stale If-Match: %v", err)
	}
	// Update replaces: the extended properties go.
	got, err = svc.Events.Update("primary", "evt00001", ev("evt00001", "2026-11-24T10:00:00Z")).Do()
	if err != nil || got.ExtendedProperties != nil && len(got.ExtendedProperties.Private) > 0 {
		t.Errorf("update = %+v, %v", got, err)
	}
	if err := svc.Events.Delete("primary", "evt00001").Do(); err != nil {
		t.Fatal(err)
	}
	if err := svc.Events.Delete("primary", "evt00001").Do(); func() bool { c, r := status(err); return c != 410 || r != "deleted" }() {
		t.Errorf("second delete: %v", err)
	}
	if _, err := svc.Events.Insert("primary", e).Do(); func() bool { c, _ := status(err); return c != 409 }() {
		t.Errorf("insert of a deleted id: %v, want 409", err)
	}
	if got, err := svc.Events.Get("primary", "evt00001").Do(); err != nil || got.Status != "cancelled" {
		t.Errorf("get of a deleted event = %+v, %v", got, err)
	}
	if err := svc.Events.Delete("primary", "nope00000").Do(); func() bool { c, _ := status(err); return c != 404 }() {
		t.Errorf("delete unknown: %v", err)
	}
	if n := srv.Count(googletest.RouteDelete); n != 3 {
		t.Errorf("log counted %d deletes, want 3", n)
	}
}

func TestAuthAndFaults(t *testing.T) {
	srv, svc := newClient(t)
	noauth, _ := calendarv3.NewService(t.Context(), option.WithEndpoint(srv.Endpoint()), option.WithoutAuthentication())
	if _, err := noauth.Events.List("primary").Do(); func() bool { c, _ := status(err); return c != 401 }() {
		t.Errorf("no token: %v, want 401", err)
	}
	srv.FailNext(googletest.RouteList, 1, googletest.Fault{Status: 429, Reason: "rateLimitExceeded", RetryAfter: "7"})
	_, err := svc.Events.List("primary").Do()
	var ge *googleapi.Error
	if !errors.As(err, &ge) || ge.Code != 429 || ge.Header.Get("Retry-After") != "7" {
		t.Errorf("fault: %v", err)
	}
	if _, err := svc.Events.List("primary").Do(); err != nil {
		t.Errorf("after the fault: %v", err)
	}
	// A dropped connection is logged with status 0. (net/http may replay an
	// idempotent GET on a reused connection by itself, so the client may
	// or may not see an error.)
	srv.FailNext(googletest.RouteList, 1, googletest.Fault{Drop: true})
	svc.Events.List("primary").Do()
	dropped := false
	for _, r := range srv.Requests() {
		if r.Status == 0 && r.Route == googletest.RouteList && r.Query.Get("alt") == "json" {
			dropped = true
		}
	}
	if !dropped {
		t.Errorf("no dropped request in the log")
	}
	list, err := svc.CalendarList.List().Do()
	if err != nil || len(list.Items) != 1 || !list.Items[0].Primary {
		t.Errorf("calendarList = %+v, %v", list, err)
	}
}

// TestTokenEndpoint exchanges a code and refreshes, with client credentials
// in HTTP Basic and in the form, and refuses a revoked grant.
func TestTokenEndpoint(t *testing.T) {
	srv := googletest.NewServer(t, owner)
	ctx := t.Context()
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
		conf := &oauth2.Config{ClientID: srv.ClientID, ClientSecret: srv.ClientSecret, RedirectURL: "http://127.0.0.1:1/cb",
			Endpoint: oauth2.Endpoint{AuthURL: srv.AuthURL(), TokenURL: srv.TokenURL(), AuthStyle: style}}
		v := oauth2.GenerateVerifier()
		code := authorize(t, ctx, conf.AuthCodeURL("st", oauth2.AccessTypeOffline, oauth2.S256ChallengeOption(v)))
		if _, err := conf.Exchange(ctx, code, oauth2.VerifierOption("wrong"+v)); err == nil {
			t.Errorf("style %v: wrong verifier accepted", style)
		}
		code = authorize(t, ctx, conf.AuthCodeURL("st", oauth2.AccessTypeOffline, oauth2.S256ChallengeOption(v)))
		tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(v))
		if err != nil || tok.RefreshToken == "" {
			t.Fatalf("style %v: exchange = %+v, %v", style, tok, err)
		}
		tok.Expiry = time.Now().Add(-time.Hour)
		fresh, err := conf.TokenSource(ctx, tok).Token()
		if err != nil || fresh.AccessToken == tok.AccessToken {
			t.Errorf("style %v: refresh = %v", style, err)
		}
		srv.RevokeGrants()
		_, err = conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
			t.Errorf("style %v: refresh of a revoked grant = %v", style, err)
		}
	}
}

// authorize follows authURL to the redirect and returns the code.
func authorize(t *testing.T, ctx context.Context, authURL string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("state") != "st" || !strings.HasPrefix(loc.String(), "http://127.0.0.1:1/cb?") {
		t.Fatalf("redirect = %v, %v", loc, err)
	}
	return loc.Query().Get("code")
}

func TestFreeBusyShape(t *testing.T) {
	srv, svc := newClient(t)
	srv.Insert("primary", ev("aaaaa", "2026-11-23T10:00:00Z"))
	resp, err := svc.Freebusy.Query(&calendarv3.FreeBusyRequest{TimeMin: "2026-11-23T00:00:00Z", TimeMax: "2026-11-24T00:00:00Z",
		Items: []*calendarv3.FreeBusyRequestItem{{Id: "primary"}, {Id: "ghost@acme.test"}}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	if b := resp.Calendars["primary"].Busy; len(b) != 1 || b[0].Start != "2026-11-23T10:00:00Z" {
		t.Errorf("primary busy = %+v", b)
	}
	if e := resp.Calendars["ghost@acme.test"].Errors; len(e) != 1 || e[0].Reason != "notFound" {
		t.Errorf("ghost errors = %+v", e)
	}
	_, err = svc.Freebusy.Query(&calendarv3.FreeBusyRequest{TimeMin: "2026-11-24T00:00:00Z", TimeMax: "2026-11-23T00:00:00Z"}).Do()
	if c, r := status(err); c != 400 || r != "timeRangeEmpty" {
		t.Errorf("empty range: %v", err)
	}
}
