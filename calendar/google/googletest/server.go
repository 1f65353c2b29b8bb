// Package googletest is a fake Google Calendar API v3 and Google OAuth server on
// httptest, for tests that drive the real generated client
// (google.golang.org/api/calendar/v3) and golang.org/x/oauth2 against loopback.
//
// It speaks the REST shapes sideways depends on: events list (paging, sync
// tokens, showDeleted, timeMin/timeMax, the parameters Google refuses next to a
// syncToken), get, insert (client-chosen ids, 409 on any reused id), patch,
// update, delete (410 on a deleted event), freeBusy and calendarList; errors in
// Google's JSON error shape; an OAuth authorization endpoint that redirects like
// a consenting user and a token endpoint (authorization_code with PKCE,
// refresh_token). Knobs inject faults (failed or dropped requests, expired sync
// tokens, expired access tokens, revoked grants), and a request log records what
// the client sent.
//
// Deleted events stay stored as status "cancelled": listed with their details
// when showDeleted=true (Google keeps a deleted event's details on the
// organizer's calendar), as a bare id stub in an incremental listing without
// it, and always reachable by get, until the retention (SetDeletedRetention,
// default 30 days, like Google Calendar's trash) has passed since the
// deletion; then they are gone from every answer, though their id stays spent
// (an insert still gets 409).
//
// Deliberate simplifications: singleEvents=true is refused with 400 (sideways
// expands recurrences itself), and free/busy ignores recurring series.
package googletest

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
	calendarv3 "google.golang.org/api/calendar/v3"

	"github.com/sidewayscal/sideways/calendar"
)

// Route names, as used by FailNext and in the request log.
const (
	RouteList         = "events.list"
	RouteGet          = "events.get"
	RouteInsert       = "events.insert"
	RoutePatch        = "events.patch"
	RouteUpdate       = "events.update"
	RouteDelete       = "events.delete"
	RouteFreeBusy     = "freebusy.query"
	RouteCalendarList = "calendarList.list"
	RouteAuthorize    = "oauth.authorize"
	RouteToken        = "oauth.token"
)

// Scope prefix of every Calendar scope.
const scopePrefix = "https://www.googleapis.com/auth/"

// AllScopes is every Calendar scope the fake knows; IssueToken grants it by default.
var AllScopes = []string{scopePrefix + "calendar"}

// routeScopes lists, per route, the scopes Google accepts (reference §8.7).
var routeScopes = map[string][]string{
	RouteList:         {"calendar", "calendar.readonly", "calendar.events", "calendar.events.readonly", "calendar.events.owned", "calendar.events.owned.readonly"},
	RouteGet:          {"calendar", "calendar.readonly", "calendar.events", "calendar.events.readonly", "calendar.events.owned", "calendar.events.owned.readonly"},
	RouteInsert:       {"calendar", "calendar.events", "calendar.events.owned"},
	RoutePatch:        {"calendar", "calendar.events", "calendar.events.owned"},
	RouteUpdate:       {"calendar", "calendar.events", "calendar.events.owned"},
	RouteDelete:       {"calendar", "calendar.events", "calendar.events.owned"},
	RouteFreeBusy:     {"calendar", "calendar.readonly", "calendar.freebusy", "calendar.events.freebusy"},
	RouteCalendarList: {"calendar", "calendar.readonly", "calendar.calendarlist", "calendar.calendarlist.readonly"},
}

// Request is one request as the fake received it.
type Request struct {
	Route    string
	Method   string
	Path     string // escaped, as sent
	Calendar string // decoded calendar id, for calendar routes
	EventID  string // decoded event id, for single-event routes
	Query    url.Values
	Form     url.Values // the token endpoint's form
	Body     []byte
	Status   int // 0 when the connection was dropped
}

// Fault is what a failing request gets instead of its normal answer.
type Fault struct {
	// Status and Reason make a Google JSON error (domain usageLimits for rate
	// limits, global otherwise). Body, if set, replaces the JSON body (an HTML
	// 502, say).
	Status int
	Reason string
	Body   string
	// RetryAfter, if set, is sent as the Retry-After header.
	RetryAfter string
	// Drop closes the connection without an answer, before the request is handled.
	Drop bool
	// DropAfter handles the request (so an insert takes effect) and then closes
	// the connection without an answer: the client cannot tell it happened.
	DropAfter bool
	// Stall holds the request unanswered until the client gives up or the
	// test ends: a server that accepts connections and never answers.
	Stall bool
}

type stored struct {
	ev  *calendarv3.Event
	seq int64
}

type fakeCal struct {
	id, summary string
	events      map[string]*stored
	noMeet      bool // see SetMeetUnavailable
}

type accessToken struct {
	scopes []string
	valid  bool
}

type authCode struct {
	clientID, redirect, challenge, method string
	scopes                                []string
	offline                               bool
}

// Server is the fake. Its exported methods are safe for concurrent use.
type Server struct {
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL string
	// Owner is the signed-in user's email; the calendar "primary" is Owner's.
	Owner string
	// ClientID and ClientSecret are the only OAuth client the fake accepts.
	ClientID, ClientSecret string

	srv     *httptest.Server
	stopped chan struct{} // closed when the test ends, releasing stalled requests

	mu         sync.Mutex
	now        func() time.Time
	cals       map[string]*fakeCal
	seq        int64
	pageCap    int
	faults     map[string][]*Fault // nil entries let a request through
	logMu      sync.Mutex          // guards log and its entries' Status; taken after mu, never before
	log        []*Request
	access     map[string]*accessToken
	refresh    map[string][]string // refresh token → scopes; deleted when revoked
	codes      map[string]authCode
	fbErrors   map[string]string
	generation int
	secrets    []string
	retention  time.Duration
	unticked   []string // see Untick
}

// DefaultDeletedRetention is how long the fake keeps a deleted event visible:
// Google Calendar empties its trash after 30 days. The API promises no
// duration ("these entries eventually disappear").
const DefaultDeletedRetention = 30 * 24 * time.Hour

// NewServer starts a fake on loopback for owner's account and stops it when the
// test ends.
func NewServer(t testing.TB, owner string) *Server {
	s := &Server{
		Owner:        owner,
		ClientID:     "fake-client.apps.googleusercontent.com",
		ClientSecret: "GOCSPX-fake-client-secret",
		now:          time.Now,
		cals:         map[string]*fakeCal{},
		faults:       map[string][]*Fault{},
		access:       map[string]*accessToken{},
		refresh:      map[string][]string{},
		codes:        map[string]authCode{},
		fbErrors:     map[string]string{},
		retention:    DefaultDeletedRetention,
	}
	s.cals[owner] = &fakeCal{id: owner, summary: owner, events: map[string]*stored{}}
	mux := http.NewServeMux()
	api := "/calendar/v3/"
	s.handle(mux, "GET "+api+"calendars/{cal}/events", RouteList, s.list)
	s.handle(mux, "POST "+api+"calendars/{cal}/events", RouteInsert, s.insert)
	s.handle(mux, "GET "+api+"calendars/{cal}/events/{id}", RouteGet, s.get)
	s.handle(mux, "PATCH "+api+"calendars/{cal}/events/{id}", RoutePatch, s.patch)
	s.handle(mux, "PUT "+api+"calendars/{cal}/events/{id}", RouteUpdate, s.update)
	s.handle(mux, "DELETE "+api+"calendars/{cal}/events/{id}", RouteDelete, s.delete)
	s.handle(mux, "POST "+api+"freeBusy", RouteFreeBusy, s.freeBusy)
	s.handle(mux, "GET "+api+"users/me/calendarList", RouteCalendarList, s.calendarList)
	s.handle(mux, "GET /o/oauth2/auth", RouteAuthorize, s.authorize)
	s.handle(mux, "POST /token", RouteToken, s.token)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	s.stopped = make(chan struct{})
	t.Cleanup(func() {
		close(s.stopped)
		s.srv.Close()
	})
	return s
}

// Endpoint is the API base URL to give the client (option.WithEndpoint); it
// ends in /calendar/v3/ as the generated client requires.
func (s *Server) Endpoint() string { return s.URL + "/calendar/v3/" }

// AuthURL and TokenURL are the OAuth endpoints.
func (s *Server) AuthURL() string  { return s.URL + "/o/oauth2/auth" }
func (s *Server) TokenURL() string { return s.URL + "/token" }

// ClientSecretJSON returns a client-secret file for a desktop app, as the Cloud
// console writes it, whose auth_uri and token_uri point at the fake.
func (s *Server) ClientSecretJSON() []byte {
	b, _ := json.Marshal(map[string]any{"installed": map[string]any{
		"client_id":     s.ClientID,
		"project_id":    "sideways-test",
		"auth_uri":      s.AuthURL(),
		"token_uri":     s.TokenURL(),
		"client_secret": s.ClientSecret,
		"redirect_uris": []string{"http://localhost"},
	}})
	return b
}

// SetNow sets the fake's clock (default time.Now), used for timestamps.
func (s *Server) SetNow(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// IssueToken returns a token the fake accepts, as if the user had consented to
// scopes (AllScopes when none are given): an access token valid for an hour
// and a refresh token.
func (s *Server) IssueToken(scopes ...string) *oauth2.Token {
	if len(scopes) == 0 {
		scopes = AllScopes
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueLocked(scopes, true)
}

func (s *Server) issueLocked(scopes []string, withRefresh bool) *oauth2.Token {
	tok := &oauth2.Token{AccessToken: "ya29.fake-" + randID(16), TokenType: "Bearer", Expiry: s.now().Add(3599 * time.Second)}
	s.access[tok.AccessToken] = &accessToken{scopes: scopes, valid: true}
	s.secrets = append(s.secrets, tok.AccessToken)
	if withRefresh {
		tok.RefreshToken = "1//fake-refresh-" + randID(16)
		s.refresh[tok.RefreshToken] = scopes
		s.secrets = append(s.secrets, tok.RefreshToken)
	}
	return tok
}

// Secrets returns every credential the fake holds or has handed out: the
// client secret, authorization codes, access and refresh tokens. Tests assert
// that none of them appears in a log.
func (s *Server) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string{s.ClientSecret}, s.secrets...)
}

// ExpireAccessTokens makes every access token issued so far invalid: the next
// API call with one gets 401, as after an expiry the client did not foresee.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.access {
		a.valid = false
	}
}

// RevokeGrants revokes every refresh token and access token: refreshing then
// fails with invalid_grant, as after the user removed the app's access.
func (s *Server) RevokeGrants() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.access {
		a.valid = false
	}
	clear(s.refresh)
}

// ExpireSyncTokens makes every sync token handed out so far invalid: the next
// incremental list with one gets 410 fullSyncRequired.
func (s *Server) ExpireSyncTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.generation++
}

// SetDeletedRetention sets how long a deleted event stays visible (listed
// with showDeleted, or by get) after its deletion; 0 restores the default.
func (s *Server) SetDeletedRetention(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retention = cmp.Or(d, DefaultDeletedRetention)
}

// purged reports whether ev is a deleted event whose retention has passed:
// Google no longer shows it.
func (s *Server) purged(ev *calendarv3.Event) bool {
	if ev.Status != "cancelled" {
		return false
	}
	t, err := time.Parse(time.RFC3339, ev.Updated)
	return err == nil && !s.now().Before(t.Add(s.retention))
}

// Respond records email's answer to the event id in cal ("accepted",
// "declined", "tentative", "needsAction"), as when the attendee answers the
// invitation from their own calendar: the organizer's copy changes (updated
// and etag move on).
func (s *Server) Respond(cal, id, email, response string) {
	s.Patch(cal, id, func(ev *calendarv3.Event) {
		for _, a := range ev.Attendees {
			if strings.EqualFold(a.Email, email) {
				a.ResponseStatus = response
			}
		}
	})
}

// Writes returns the requests in the log that change an event (insert,
// patch, update, delete), oldest first.
func (s *Server) Writes() []Request {
	var out []Request
	for _, r := range s.Requests() {
		switch r.Route {
		case RouteInsert, RoutePatch, RouteUpdate, RouteDelete:
			out = append(out, r)
		}
	}
	return out
}

// SetPageCap caps every list page at n items whatever maxResults says (0: no
// cap), as Google may return short pages.
func (s *Server) SetPageCap(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageCap = n
}

// FailNext makes the next n requests on route fail with f.
func (s *Server) FailNext(route string, n int, f Fault) { s.FailLater(route, 0, n, f) }

// FailLater lets the next skip requests on route through, then makes n fail
// with f (to fail page 2 of a listing, say).
func (s *Server) FailLater(route string, skip, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range skip {
		s.faults[route] = append(s.faults[route], nil)
	}
	for range n {
		s.faults[route] = append(s.faults[route], &f)
	}
}

// SetFreeBusyError makes freeBusy report reason ("notFound", "forbidden", …)
// for the calendar id instead of its busy time.
func (s *Server) SetFreeBusyError(id, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fbErrors[id] = reason
}

// AddCalendar creates an empty calendar (no-op if it exists).
func (s *Server) AddCalendar(id, summary string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cals[id] == nil {
		s.cals[id] = &fakeCal{id: id, summary: summary, events: map[string]*stored{}}
	}
}

// Requests returns the request log, oldest first.
func (s *Server) Requests() []Request {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make([]Request, len(s.log))
	for i, r := range s.log {
		out[i] = *r
	}
	return out
}

// Count returns how many requests on route the fake received.
func (s *Server) Count(route string) int {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	n := 0
	for _, r := range s.log {
		if r.Route == route {
			n++
		}
	}
	return n
}

// ResetLog empties the request log.
func (s *Server) ResetLog() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.log = nil
}

// Insert adds ev to calendar cal as a change made elsewhere (the web UI, another
// client), bypassing faults and the log, and returns the stored event. The
// calendar is created if needed; ev.Id is generated when empty.
func (s *Server) Insert(cal string, ev *calendarv3.Event) *calendarv3.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cals[s.resolve(cal)]
	if c == nil {
		c = &fakeCal{id: cal, summary: cal, events: map[string]*stored{}}
		s.cals[cal] = c
	}
	ev = clone(ev)
	if ev.Id == "" {
		ev.Id = randID(26)
	}
	s.fill(ev)
	s.put(c, ev)
	return clone(ev)
}

// Patch changes the event id in cal with f, as a change made elsewhere.
func (s *Server) Patch(cal, id string, f func(*calendarv3.Event)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cals[s.resolve(cal)]
	ev := clone(c.events[id].ev)
	f(ev)
	ev.Updated = s.stamp()
	s.put(c, ev)
}

// Delete deletes the event id in cal, as a change made elsewhere.
func (s *Server) Delete(cal, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleteLocked(s.cals[s.resolve(cal)], id)
}

// Event returns a copy of the event id in cal (cancelled ones included, even
// past their retention), or nil.
func (s *Server) Event(cal, id string) *calendarv3.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cals[s.resolve(cal)]
	if c == nil || c.events[id] == nil {
		return nil
	}
	return clone(c.events[id].ev)
}

// Events returns copies of every event in cal, cancelled ones included, by id.
func (s *Server) Events(cal string) []*calendarv3.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cals[s.resolve(cal)]
	if c == nil {
		return nil
	}
	var out []*calendarv3.Event
	for _, id := range slices.Sorted(maps.Keys(c.events)) {
		out = append(out, clone(c.events[id].ev))
	}
	return out
}

// --- plumbing ---

func (s *Server) resolve(cal string) string {
	if cal == "primary" {
		return s.Owner
	}
	return cal
}

func (s *Server) stamp() string { return s.now().UTC().Format("2006-01-02T15:04:05.000Z") }

// put stores ev as the newest change of c.
func (s *Server) put(c *fakeCal, ev *calendarv3.Event) {
	if p := c.events[ev.RecurringEventId]; ev.RecurringEventId != "" && p != nil {
		ev.ICalUID = p.ev.ICalUID // instances share their series' UID
	}
	s.seq++
	ev.Etag = fmt.Sprintf(`"%d"`, 3000000000000000+s.seq)
	c.events[ev.Id] = &stored{ev: ev, seq: s.seq}
}

func (s *Server) fill(ev *calendarv3.Event) {
	now := s.stamp()
	if ev.Status == "" {
		ev.Status = "confirmed"
	}
	if ev.EventType == "" {
		ev.EventType = "default"
	}
	ev.Kind = "calendar#event"
	ev.Created, ev.Updated = now, now
	ev.HtmlLink = "https://calendar.google.com/calendar/event?eid=" + ev.Id
	if ev.ICalUID == "" {
		ev.ICalUID = ev.Id + "@google.com"
	}
	if ev.Organizer == nil {
		ev.Organizer = &calendarv3.EventOrganizer{Email: s.Owner, Self: true}
	}
	ev.Creator = &calendarv3.EventCreator{Email: s.Owner, Self: true}
	for _, a := range ev.Attendees {
		if a.ResponseStatus == "" {
			a.ResponseStatus = "needsAction" // nobody has answered yet
		}
	}
}

// deleteLocked cancels the event id in c; deleting a series parent cancels its
// exceptions too, and deleting an unmodified instance (parent_YYYYMMDD…) stores
// a cancelled exception. It returns the HTTP status Google would answer.
func (s *Server) deleteLocked(c *fakeCal, id string) int {
	st := c.events[id]
	if st == nil {
		parent, orig, ok := s.instanceOf(c, id)
		if !ok {
			return http.StatusNotFound
		}
		s.put(c, &calendarv3.Event{Kind: "calendar#event", Id: id, Status: "cancelled",
			RecurringEventId: parent.Id, OriginalStartTime: orig, Updated: s.stamp()})
		return http.StatusNoContent
	}
	if st.ev.Status == "cancelled" {
		return http.StatusGone
	}
	ev := clone(st.ev)
	ev.Status = "cancelled"
	ev.Updated = s.stamp()
	s.put(c, ev)
	if len(ev.Recurrence) > 0 {
		for _, id := range slices.Sorted(maps.Keys(c.events)) {
			if x := c.events[id].ev; x.RecurringEventId == ev.Id && x.Status != "cancelled" {
				x = clone(x)
				x.Status = "cancelled"
				s.put(c, x)
			}
		}
	}
	return http.StatusNoContent
}

// instanceOf parses an unmodified instance id parent_YYYYMMDD[THHMMSSZ].
func (s *Server) instanceOf(c *fakeCal, id string) (*calendarv3.Event, *calendarv3.EventDateTime, bool) {
	i := strings.LastIndexByte(id, '_')
	if i < 0 {
		return nil, nil, false
	}
	pst := c.events[id[:i]]
	if pst == nil || len(pst.ev.Recurrence) == 0 || pst.ev.Status == "cancelled" {
		return nil, nil, false
	}
	suffix := id[i+1:]
	if t, err := time.Parse("20060102T150405Z", suffix); err == nil {
		return pst.ev, &calendarv3.EventDateTime{DateTime: t.Format(time.RFC3339), TimeZone: pst.ev.Start.TimeZone}, true
	}
	if t, err := time.Parse("20060102", suffix); err == nil {
		return pst.ev, &calendarv3.EventDateTime{Date: t.Format("2006-01-02")}, true
	}
	return nil, nil, false
}

// statusWriter records the status in the request's log entry before the
// client can see it.
type statusWriter struct {
	http.ResponseWriter
	s     *Server
	rec   *Request
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		w.s.logMu.Lock()
		w.rec.Status = code
		w.s.logMu.Unlock()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// handle registers h for pattern: every request is logged, may hit an injected
// fault, and (for API routes) must carry a valid bearer token with a scope the
// route accepts.
func (s *Server) handle(mux *http.ServeMux, pattern, route string, h func(w http.ResponseWriter, r *http.Request, rec *Request)) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		rec := &Request{Route: route, Method: r.Method, Path: r.URL.EscapedPath(),
			Calendar: r.PathValue("cal"), EventID: r.PathValue("id"), Query: r.URL.Query(), Body: body}
		if route == RouteToken {
			r.ParseForm()
			rec.Form = r.PostForm
		}
		s.mu.Lock()
		var fault *Fault
		if fs := s.faults[route]; len(fs) > 0 {
			fault = fs[0]
			s.faults[route] = fs[1:]
		}
		s.mu.Unlock()
		sw := &statusWriter{ResponseWriter: w, s: s, rec: rec}
		// The request is logged as it arrives and its status as it is sent
		// (0 for a dropped connection), so a client that has its answer, or
		// retried at once, never finds it missing.
		s.logMu.Lock()
		s.log = append(s.log, rec)
		s.logMu.Unlock()
		switch {
		case fault != nil && fault.Stall:
			select {
			case <-r.Context().Done():
			case <-s.stopped:
			}
			return
		case fault != nil && fault.Drop:
			drop(w)
			return
		case fault != nil && fault.DropAfter:
			h(httptest.NewRecorder(), r, rec)
			drop(w)
			return
		case fault != nil:
			if fault.RetryAfter != "" {
				w.Header().Set("Retry-After", fault.RetryAfter)
			}
			if fault.Body != "" {
				w.Header().Set("Content-Type", "text/html")
				sw.WriteHeader(fault.Status)
				io.WriteString(sw, fault.Body)
				return
			}
			domain := "global"
			if r := strings.ToLower(fault.Reason); strings.Contains(r, "ratelimit") || strings.Contains(r, "quota") {
				domain = "usageLimits"
			}
			reason := fault.Reason
			if reason == "" {
				reason = "backendError"
			}
			writeError(sw, fault.Status, domain, reason, http.StatusText(fault.Status))
			return
		}
		if scopes, api := routeScopes[route]; api && !s.authorized(sw, r, scopes) {
			return
		}
		h(sw, r, rec)
	})
}

func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}

func (s *Server) authorized(w http.ResponseWriter, r *http.Request, accepted []string) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	a := s.access[tok]
	s.mu.Unlock()
	if !ok || a == nil || !a.valid {
		w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/"`)
		writeError(w, http.StatusUnauthorized, "global", "authError", "Invalid Credentials")
		return false
	}
	for _, sc := range a.scopes {
		if slices.Contains(accepted, strings.TrimPrefix(sc, scopePrefix)) {
			return true
		}
	}
	writeError(w, http.StatusForbidden, "global", "insufficientPermissions", "Request had insufficient authentication scopes.")
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError answers in Google's JSON error shape.
func writeError(w http.ResponseWriter, code int, domain, reason, message string) {
	item := map[string]any{"domain": domain, "reason": reason, "message": message}
	writeJSON(w, code, map[string]any{"error": map[string]any{
		"code": code, "message": message, "errors": []any{item},
	}})
}

var b32 = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

func randID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return b32.EncodeToString(b)[:n]
}

func clone(ev *calendarv3.Event) *calendarv3.Event {
	b, err := json.Marshal(ev)
	if err != nil {
		panic(err)
	}
	out := new(calendarv3.Event)
	if err := json.Unmarshal(b, out); err != nil {
		panic(err)
	}
	return out
}

func (s *Server) calendar(w http.ResponseWriter, r *http.Request) *fakeCal {
	c := s.cals[s.resolve(r.PathValue("cal"))]
	if c == nil {
		writeError(w, http.StatusNotFound, "global", "notFound", "Not Found")
	}
	return c
}

// --- events.list ---

var bannedWithSyncToken = []string{"iCalUID", "orderBy", "privateExtendedProperty", "q", "sharedExtendedProperty", "timeMin", "timeMax", "updatedMin"}

type cursor struct {
	Cal      string `json:"c"`
	Gen      int    `json:"g,omitempty"`
	From     int64  `json:"f"`           // changes after this sequence (sync token)
	Snapshot int64  `json:"s,omitempty"` // … up to this one (page token)
	After    int64  `json:"a,omitempty"` // … after this one (page token)
	Hash     string `json:"h"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.StdEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, bool) {
	var c cursor
	b, err := base64.StdEncoding.DecodeString(s)
	return c, err == nil && json.Unmarshal(b, &c) == nil
}

func hashParams(q url.Values, keys ...string) string {
	h := sha256.New()
	for _, k := range keys {
		fmt.Fprintf(h, "%s=%q;", k, q[k])
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:9])
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, _ *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calendar(w, r)
	if c == nil {
		return
	}
	q := r.URL.Query()
	syncToken := q.Get("syncToken")
	if syncToken != "" {
		for _, k := range bannedWithSyncToken {
			if q.Has(k) {
				writeError(w, http.StatusBadRequest, "global", "invalid", "Sync token cannot be used with the "+k+" parameter.")
				return
			}
		}
	}
	if q.Get("singleEvents") == "true" {
		writeError(w, http.StatusBadRequest, "global", "invalid", "googletest: singleEvents=true is not implemented")
		return
	}
	if q.Get("orderBy") == "startTime" {
		writeError(w, http.StatusBadRequest, "global", "invalid", "The requested ordering is not available for the particular query.")
		return
	}
	maxResults := 250
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, "global", "invalid", "Invalid value for maxResults.")
			return
		}
		maxResults = min(n, 2500)
	}
	if s.pageCap > 0 {
		maxResults = min(maxResults, s.pageCap)
	}
	var timeMin, timeMax time.Time
	for k, dst := range map[string]*time.Time{"timeMin": &timeMin, "timeMax": &timeMax} {
		if v := q.Get(k); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				writeError(w, http.StatusBadRequest, "global", "badRequest", "Bad Request")
				return
			}
			*dst = t
		}
	}
	if !timeMin.IsZero() && !timeMax.IsZero() && !timeMin.Before(timeMax) {
		writeError(w, http.StatusBadRequest, "calendar", "timeRangeEmpty", "The specified time range is empty.")
		return
	}
	// The sync token must come back with the same result-shaping parameters.
	resultHash := hashParams(q, "showDeleted", "singleEvents", "eventTypes")
	queryHash := hashParams(q, "showDeleted", "singleEvents", "eventTypes", "syncToken", "timeMin", "timeMax",
		"q", "iCalUID", "privateExtendedProperty", "sharedExtendedProperty", "updatedMin", "timeZone")

	incremental := false
	cur := cursor{Cal: c.id, Gen: s.generation, Snapshot: s.seq, Hash: queryHash}
	if syncToken != "" {
		st, ok := decodeCursor(syncToken)
		if !ok || st.Cal != c.id || st.Gen != s.generation || st.Hash != resultHash || st.From > s.seq {
			writeError(w, http.StatusGone, "calendar", "fullSyncRequired", "Sync token is no longer valid, a full sync is required.")
			return
		}
		incremental = true
		cur.From = st.From
	}
	if pt := q.Get("pageToken"); pt != "" {
		pc, ok := decodeCursor(pt)
		if !ok || pc.Cal != c.id || pc.Hash != queryHash || pc.From != cur.From {
			writeError(w, http.StatusBadRequest, "global", "invalid", "Invalid page token value.")
			return
		}
		cur.Snapshot, cur.After = pc.Snapshot, pc.After
	}
	details := q.Get("showDeleted") == "true"
	showDeleted := details || incremental
	var matched []*stored
	for _, st := range c.events {
		if st.seq <= cur.From || st.seq <= cur.After || st.seq > cur.Snapshot {
			continue
		}
		ev := st.ev
		if s.purged(ev) && ev.RecurringEventId == "" {
			continue
		}
		if ev.Status == "cancelled" && !showDeleted {
			// Cancelled exceptions of a live series are listed anyway.
			p := c.events[ev.RecurringEventId]
			if ev.RecurringEventId == "" || p == nil || p.ev.Status == "cancelled" {
				continue
			}
		}
		if !matches(ev, q, timeMin, timeMax) {
			continue
		}
		matched = append(matched, st)
	}
	slices.SortFunc(matched, func(a, b *stored) int { return int(a.seq - b.seq) })
	resp := &calendarv3.Events{Kind: "calendar#events", Etag: fmt.Sprintf(`"%d"`, s.seq), Summary: c.summary,
		Updated: s.stamp(), TimeZone: "UTC", AccessRole: "owner", DefaultReminders: []*calendarv3.EventReminder{}}
	if len(matched) > maxResults {
		matched = matched[:maxResults]
		cur.After = matched[len(matched)-1].seq
		resp.NextPageToken = encodeCursor(cur)
	} else {
		resp.NextSyncToken = encodeCursor(cursor{Cal: c.id, Gen: s.generation, From: cur.Snapshot, Hash: resultHash})
	}
	resp.Items = []*calendarv3.Event{}
	for _, st := range matched {
		ev := st.ev
		if ev.Status == "cancelled" && !details {
			ev = &calendarv3.Event{Kind: "calendar#event", Etag: ev.Etag, Id: ev.Id, Status: "cancelled",
				RecurringEventId: ev.RecurringEventId, OriginalStartTime: ev.OriginalStartTime}
		}
		resp.Items = append(resp.Items, ev)
	}
	writeJSON(w, http.StatusOK, resp)
}

func matches(ev *calendarv3.Event, q url.Values, timeMin, timeMax time.Time) bool {
	if types := q["eventTypes"]; len(types) > 0 && !slices.Contains(types, ev.EventType) {
		return false
	}
	if v := q.Get("iCalUID"); v != "" && ev.ICalUID != v {
		return false
	}
	if v := strings.ToLower(q.Get("q")); v != "" {
		text := strings.ToLower(ev.Summary + "\n" + ev.Description + "\n" + ev.Location)
		for _, a := range ev.Attendees {
			text += "\n" + strings.ToLower(a.Email+" "+a.DisplayName)
		}
		if !strings.Contains(text, v) {
			return false
		}
	}
	if !propsMatch(ev, q["privateExtendedProperty"], func(p *calendarv3.EventExtendedProperties) map[string]string { return p.Private }) ||
		!propsMatch(ev, q["sharedExtendedProperty"], func(p *calendarv3.EventExtendedProperties) map[string]string { return p.Shared }) {
		return false
	}
	if ev.Status == "cancelled" || (timeMin.IsZero() && timeMax.IsZero()) {
		return true
	}
	start, end, ok := span(ev)
	if !ok {
		return true
	}
	if len(ev.Recurrence) > 0 {
		return seriesMatches(ev, start, end, timeMin, timeMax)
	}
	return (timeMin.IsZero() || end.After(timeMin)) && (timeMax.IsZero() || start.Before(timeMax))
}

// propsMatch ORs repeated constraints of one kind, as the extended-properties
// guide says.
func propsMatch(ev *calendarv3.Event, constraints []string, get func(*calendarv3.EventExtendedProperties) map[string]string) bool {
	if len(constraints) == 0 {
		return true
	}
	if ev.ExtendedProperties == nil {
		return false
	}
	props := get(ev.ExtendedProperties)
	for _, c := range constraints {
		k, v, _ := strings.Cut(c, "=")
		if got, ok := props[k]; ok && got == v {
			return true
		}
	}
	return false
}

// span returns an event's start and end instants (all-day dates as UTC midnights).
func span(ev *calendarv3.Event) (start, end time.Time, ok bool) {
	start, ok1 := instant(ev.Start)
	end, ok2 := instant(ev.End)
	return start, end, ok1 && ok2
}

func instant(d *calendarv3.EventDateTime) (time.Time, bool) {
	if d == nil {
		return time.Time{}, false
	}
	if d.DateTime != "" {
		t, err := time.Parse(time.RFC3339, d.DateTime)
		return t, err == nil
	}
	t, err := time.Parse("2006-01-02", d.Date)
	return t, err == nil
}

// --- single events ---

func (s *Server) get(w http.ResponseWriter, r *http.Request, _ *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calendar(w, r)
	if c == nil {
		return
	}
	st := c.events[r.PathValue("id")]
	if st == nil || (s.purged(st.ev) && st.ev.RecurringEventId == "") {
		writeError(w, http.StatusNotFound, "global", "notFound", "Not Found")
		return
	}
	writeJSON(w, http.StatusOK, st.ev)
}

var idChars = regexp.MustCompile(`^[a-v0-9]+$`)

// validID applies Google's rule for client-chosen ids: 5–1024 of a–v, 0–9.
func validID(id string) bool { return len(id) >= 5 && len(id) <= 1024 && idChars.MatchString(id) }

// validTimes checks start and end as Google does on insert and update.
func validTimes(ev *calendarv3.Event) string {
	if ev.Start == nil || ev.End == nil {
		return "Missing time."
	}
	for _, d := range []*calendarv3.EventDateTime{ev.Start, ev.End} {
		if (d.Date == "") == (d.DateTime == "") {
			return "Invalid start or end: exactly one of date and dateTime must be set."
		}
		if _, ok := instant(d); !ok {
			return "Invalid start or end time."
		}
	}
	if (ev.Start.Date == "") != (ev.End.Date == "") {
		return "Start and end must both be dates or both be date-times."
	}
	if len(ev.Recurrence) > 0 && ev.Start.TimeZone == "" {
		return "Missing time zone definition for start time."
	}
	start, end, _ := span(ev)
	if end.Before(start) {
		return "The specified time range is empty."
	}
	return ""
}

// checkProps applies Google's extended-property limits.
func checkProps(ev *calendarv3.Event) string {
	p := ev.ExtendedProperties
	if p == nil {
		return ""
	}
	n := 0
	for _, m := range []map[string]string{p.Private, p.Shared} {
		for k, v := range m {
			if len(k) > 44 {
				delete(m, k)
				continue
			}
			if len(v) > 1024 {
				m[k] = v[:1024]
			}
			n++
		}
	}
	if n > 300 {
		return "Too many extended properties."
	}
	return ""
}

// conference answers a createRequest: pending in the insert response, success
// with a Meet link once stored.
func conference(ev *calendarv3.Event, version string) (pending *calendarv3.ConferenceData) {
	if version != "1" {
		ev.ConferenceData = nil
		return nil
	}
	cd := ev.ConferenceData
	if cd == nil || cd.CreateRequest == nil {
		return nil
	}
	code := randID(3) + "-" + randID(4) + "-" + randID(3)
	key := cd.CreateRequest.ConferenceSolutionKey
	if key == nil {
		key = &calendarv3.ConferenceSolutionKey{Type: "hangoutsMeet"}
	}
	pending = &calendarv3.ConferenceData{CreateRequest: &calendarv3.CreateConferenceRequest{
		RequestId: cd.CreateRequest.RequestId, ConferenceSolutionKey: key,
		Status: &calendarv3.ConferenceRequestStatus{StatusCode: "pending"}}}
	ev.ConferenceData = &calendarv3.ConferenceData{
		ConferenceId:       code,
		ConferenceSolution: &calendarv3.ConferenceSolution{Key: key, Name: "Google Meet"},
		CreateRequest: &calendarv3.CreateConferenceRequest{RequestId: cd.CreateRequest.RequestId, ConferenceSolutionKey: key,
			Status: &calendarv3.ConferenceRequestStatus{StatusCode: "success"}},
		EntryPoints: []*calendarv3.EntryPoint{{EntryPointType: "video", Uri: "https://meet.google.com/" + code, Label: "meet.google.com/" + code}},
	}
	ev.HangoutLink = "https://meet.google.com/" + code
	return pending
}

func (s *Server) insert(w http.ResponseWriter, r *http.Request, rec *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calendar(w, r)
	if c == nil {
		return
	}
	ev := new(calendarv3.Event)
	if err := json.Unmarshal(rec.Body, ev); err != nil {
		writeError(w, http.StatusBadRequest, "global", "parseError", "Parse Error")
		return
	}
	if msg := validTimes(ev); msg != "" {
		writeError(w, http.StatusBadRequest, "global", "required", msg)
		return
	}
	if ev.Id != "" && !validID(ev.Id) {
		writeError(w, http.StatusBadRequest, "global", "invalid", "Invalid resource id value.")
		return
	}
	if ev.Id != "" && c.events[ev.Id] != nil {
		writeError(w, http.StatusConflict, "global", "duplicate", "The requested identifier already exists.")
		return
	}
	if msg := checkProps(ev); msg != "" {
		writeError(w, http.StatusBadRequest, "global", "invalid", msg)
		return
	}
	if ev.Id == "" {
		ev.Id = randID(26)
	}
	if ev.Reminders == nil {
		ev.Reminders = &calendarv3.EventReminders{UseDefault: true} // Google's default: the calendar's reminders
	}
	if refuseMeet(w, c, ev, r.URL.Query().Get("conferenceDataVersion")) {
		return
	}
	pending := conference(ev, r.URL.Query().Get("conferenceDataVersion"))
	ev.Status = ""
	s.fill(ev)
	s.put(c, ev)
	out := clone(ev)
	if pending != nil {
		out.ConferenceData, out.HangoutLink = pending, ""
	}
	writeJSON(w, http.StatusOK, out)
}

// existing finds the event a patch or update targets, answering 404 or 412.
func (s *Server) existing(w http.ResponseWriter, r *http.Request) (*fakeCal, *stored) {
	c := s.calendar(w, r)
	if c == nil {
		return nil, nil
	}
	st := c.events[r.PathValue("id")]
	if st == nil || (s.purged(st.ev) && st.ev.RecurringEventId == "") {
		writeError(w, http.StatusNotFound, "global", "notFound", "Not Found")
		return nil, nil
	}
	if m := r.Header.Get("If-Match"); m != "" && m != st.ev.Etag {
		writeError(w, http.StatusPreconditionFailed, "global", "conditionNotMet", "Precondition Failed")
		return nil, nil
	}
	return c, st
}

func (s *Server) patch(w http.ResponseWriter, r *http.Request, rec *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, st := s.existing(w, r)
	if st == nil {
		return
	}
	var patch map[string]any
	if err := json.Unmarshal(rec.Body, &patch); err != nil {
		writeError(w, http.StatusBadRequest, "global", "parseError", "Parse Error")
		return
	}
	var cur map[string]any
	b, _ := json.Marshal(st.ev)
	json.Unmarshal(b, &cur)
	for k, v := range patch {
		switch {
		case k == "id" || k == "kind" || k == "etag" || k == "created" || k == "iCalUID":
		case v == nil:
			delete(cur, k)
		case k == "extendedProperties":
			cur[k] = mergeProps(cur[k], v)
		default:
			cur[k] = v
		}
	}
	s.replace(w, r, c, st, cur)
}

// mergeProps merges extendedProperties key by key; null deletes a key.
func mergeProps(old, patch any) any {
	o, _ := old.(map[string]any)
	p, _ := patch.(map[string]any)
	out := map[string]any{}
	for _, kind := range []string{"private", "shared"} {
		m := map[string]any{}
		if om, ok := o[kind].(map[string]any); ok {
			maps.Copy(m, om)
		}
		if pm, ok := p[kind].(map[string]any); ok {
			for k, v := range pm {
				if v == nil {
					delete(m, k)
				} else {
					m[k] = v
				}
			}
		}
		if len(m) > 0 {
			out[kind] = m
		}
	}
	return out
}

func (s *Server) update(w http.ResponseWriter, r *http.Request, rec *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, st := s.existing(w, r)
	if st == nil {
		return
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body, &body); err != nil {
		writeError(w, http.StatusBadRequest, "global", "parseError", "Parse Error")
		return
	}
	for _, k := range []string{"created", "iCalUID", "creator", "organizer", "recurringEventId", "originalStartTime", "eventType"} {
		var cur map[string]any
		b, _ := json.Marshal(st.ev)
		json.Unmarshal(b, &cur)
		if v, ok := cur[k]; ok {
			body[k] = v
		}
	}
	s.replace(w, r, c, st, body)
}

// replace stores the JSON object m as the new version of st's event.
func (s *Server) replace(w http.ResponseWriter, r *http.Request, c *fakeCal, st *stored, m map[string]any) {
	b, _ := json.Marshal(m)
	ev := new(calendarv3.Event)
	if err := json.Unmarshal(b, ev); err != nil {
		writeError(w, http.StatusBadRequest, "global", "invalid", "Invalid value.")
		return
	}
	if msg := validTimes(ev); msg != "" {
		writeError(w, http.StatusBadRequest, "global", "required", msg)
		return
	}
	if msg := checkProps(ev); msg != "" {
		writeError(w, http.StatusBadRequest, "global", "invalid", msg)
		return
	}
	ev.Id, ev.Kind, ev.Created, ev.ICalUID = st.ev.Id, "calendar#event", st.ev.Created, st.ev.ICalUID
	if ev.Status == "" {
		ev.Status = "confirmed"
	}
	if ev.Start.DateTime != st.ev.Start.DateTime || ev.Start.Date != st.ev.Start.Date {
		ev.Sequence = st.ev.Sequence + 1
	}
	ev.Updated = s.stamp()
	if ev.ConferenceData != nil && ev.ConferenceData.CreateRequest != nil && ev.ConferenceData.ConferenceId == "" {
		conference(ev, r.URL.Query().Get("conferenceDataVersion"))
	}
	s.put(c, ev)
	writeJSON(w, http.StatusOK, ev)
}

func (s *Server) delete(w http.ResponseWriter, r *http.Request, _ *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calendar(w, r)
	if c == nil {
		return
	}
	switch s.deleteLocked(c, r.PathValue("id")) {
	case http.StatusNoContent:
		w.WriteHeader(http.StatusNoContent)
	case http.StatusGone:
		writeError(w, http.StatusGone, "global", "deleted", "Resource has been deleted")
	default:
		writeError(w, http.StatusNotFound, "global", "notFound", "Not Found")
	}
}

// --- freeBusy and calendarList ---

func (s *Server) freeBusy(w http.ResponseWriter, _ *http.Request, rec *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var req calendarv3.FreeBusyRequest
	if err := json.Unmarshal(rec.Body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "global", "parseError", "Parse Error")
		return
	}
	from, err1 := time.Parse(time.RFC3339, req.TimeMin)
	to, err2 := time.Parse(time.RFC3339, req.TimeMax)
	if err1 != nil || err2 != nil {
		writeError(w, http.StatusBadRequest, "global", "required", "Missing timeMin or timeMax.")
		return
	}
	if !from.Before(to) {
		writeError(w, http.StatusBadRequest, "calendar", "timeRangeEmpty", "The specified time range is empty.")
		return
	}
	if to.Sub(from) > 90*24*time.Hour {
		writeError(w, http.StatusBadRequest, "global", "invalid", "The requested time range is too long.")
		return
	}
	loc := time.UTC
	if req.TimeZone != "" {
		if l, err := time.LoadLocation(req.TimeZone); err == nil {
			loc = l
		}
	}
	resp := &calendarv3.FreeBusyResponse{Kind: "calendar#freeBusy", TimeMin: req.TimeMin, TimeMax: req.TimeMax,
		Calendars: map[string]calendarv3.FreeBusyCalendar{}}
	for i, item := range req.Items {
		fc := calendarv3.FreeBusyCalendar{Busy: []*calendarv3.TimePeriod{}, ForceSendFields: []string{"Busy"}}
		c := s.cals[s.resolve(item.Id)]
		switch reason := s.fbErrors[item.Id]; {
		case i >= 50:
			fc.Errors = []*calendarv3.Error{{Domain: "global", Reason: "tooManyCalendarsRequested"}}
		case reason != "":
			fc.Errors = []*calendarv3.Error{{Domain: "global", Reason: reason}}
		case c == nil:
			fc.Errors = []*calendarv3.Error{{Domain: "global", Reason: "notFound"}}
		default:
			fc.Busy = busy(c, from, to, loc)
		}
		resp.Calendars[item.Id] = fc
	}
	writeJSON(w, http.StatusOK, resp)
}

func busy(c *fakeCal, from, to time.Time, loc *time.Location) []*calendarv3.TimePeriod {
	var ivs []calendar.Interval
	for _, st := range c.events {
		ev := st.ev
		if ev.Status == "cancelled" || ev.Transparency == "transparent" {
			continue
		}
		if len(ev.Recurrence) > 0 {
			ivs = append(ivs, seriesBusy(c, ev, from, to)...)
			continue
		}
		s, e, ok := span(ev)
		if !ok || !s.Before(to) || !e.After(from) {
			continue
		}
		ivs = append(ivs, calendar.Interval{Start: maxTime(s, from), End: minTime(e, to)})
	}
	out := []*calendarv3.TimePeriod{}
	for _, x := range calendar.Merge(ivs) {
		out = append(out, &calendarv3.TimePeriod{Start: x.Start.In(loc).Format(time.RFC3339), End: x.End.In(loc).Format(time.RFC3339)})
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func (s *Server) calendarList(w http.ResponseWriter, _ *http.Request, _ *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	resp := &calendarv3.CalendarList{Kind: "calendar#calendarList", Etag: fmt.Sprintf(`"%d"`, s.seq)}
	for _, id := range slices.Sorted(maps.Keys(s.cals)) {
		c := s.cals[id]
		resp.Items = append(resp.Items, &calendarv3.CalendarListEntry{Kind: "calendar#calendarListEntry",
			Id: c.id, Summary: c.summary, TimeZone: "UTC", AccessRole: "owner", Primary: c.id == s.Owner, Selected: true})
	}
	resp.NextSyncToken = encodeCursor(cursor{Cal: "calendarList", Gen: s.generation, From: s.seq})
	writeJSON(w, http.StatusOK, resp)
}

// --- OAuth ---

// authorize plays a consenting user: it checks the request and redirects to
// redirect_uri with a fresh code and the state it was given.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, _ *Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case q.Get("client_id") != s.ClientID:
		http.Error(w, "Error 401: invalid_client", http.StatusUnauthorized)
		return
	case err != nil || redirect.Scheme != "http" || (redirect.Hostname() != "127.0.0.1" && redirect.Hostname() != "localhost" && redirect.Hostname() != "::1"):
		http.Error(w, "Error 400: redirect_uri_mismatch", http.StatusBadRequest)
		return
	case q.Get("response_type") != "code":
		http.Error(w, "Error 400: unsupported_response_type", http.StatusBadRequest)
		return
	case q.Get("code_challenge") != "" && q.Get("code_challenge_method") != "S256":
		http.Error(w, "Error 400: invalid_request (code_challenge_method)", http.StatusBadRequest)
		return
	}
	code := "4/fake-code-" + randID(16)
	s.mu.Lock()
	granted := s.grantedLocked(strings.Fields(q.Get("scope")))
	s.secrets = append(s.secrets, code)
	s.codes[code] = authCode{clientID: s.ClientID, redirect: q.Get("redirect_uri"), challenge: q.Get("code_challenge"),
		method: q.Get("code_challenge_method"), scopes: granted, offline: q.Get("access_type") == "offline"}
	s.mu.Unlock()
	back := redirect.Query()
	back.Set("code", code)
	back.Set("state", q.Get("state"))
	back.Set("scope", strings.Join(granted, " "))
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func tokenError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// token is the token endpoint: authorization_code (with the PKCE verifier
// checked against the challenge) and refresh_token grants. Client credentials
// are accepted in HTTP Basic or in the form.
func (s *Server) token(w http.ResponseWriter, r *http.Request, rec *Request) {
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = rec.Form.Get("client_id"), rec.Form.Get("client_secret")
	}
	if id != s.ClientID || secret != s.ClientSecret {
		tokenError(w, http.StatusUnauthorized, "invalid_client", "The OAuth client was not found.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var scopes []string
	offline := true
	switch rec.Form.Get("grant_type") {
	case "authorization_code":
		code, ok := s.codes[rec.Form.Get("code")]
		if !ok {
			tokenError(w, http.StatusBadRequest, "invalid_grant", "Malformed auth code.")
			return
		}
		delete(s.codes, rec.Form.Get("code"))
		if code.redirect != rec.Form.Get("redirect_uri") {
			tokenError(w, http.StatusBadRequest, "redirect_uri_mismatch", "Bad Request")
			return
		}
		if code.challenge != "" {
			v := rec.Form.Get("code_verifier")
			if v == "" {
				tokenError(w, http.StatusBadRequest, "invalid_grant", "Missing code verifier.")
				return
			}
			if oauth2.S256ChallengeFromVerifier(v) != code.challenge {
				tokenError(w, http.StatusBadRequest, "invalid_grant", "Invalid code verifier.")
				return
			}
		}
		scopes, offline = code.scopes, code.offline
	case "refresh_token":
		sc, ok := s.refresh[rec.Form.Get("refresh_token")]
		if !ok {
			tokenError(w, http.StatusBadRequest, "invalid_grant", "Token has been expired or revoked.")
			return
		}
		scopes, offline = sc, false
	default:
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type.")
		return
	}
	tok := s.issueLocked(scopes, offline)
	resp := map[string]any{"access_token": tok.AccessToken, "expires_in": 3599, "token_type": "Bearer",
		"scope": strings.Join(scopes, " ")}
	if tok.RefreshToken != "" {
		resp["refresh_token"] = tok.RefreshToken
	}
	writeJSON(w, http.StatusOK, resp)
}

// Consent follows authURL as a consenting user would, but lets edit change the
// redirect back to the app first (to tamper with the state, say). It returns
// the app's answer status.
func Consent(ctx context.Context, authURL string, edit func(*url.URL)) (int, error) {
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil {
		return resp.StatusCode, fmt.Errorf("authorization page did not redirect: %s", resp.Status)
	}
	if edit != nil {
		edit(loc)
	}
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
	if err != nil {
		return 0, err
	}
	resp, err = c.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
