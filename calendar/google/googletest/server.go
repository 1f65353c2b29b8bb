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
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"
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

// purged reports whether ev is a deleted event whose retention has passed:
// Google no longer shows it.
func (s *Server) purged(ev *calendarv3.Event) bool {
	if ev.Status != "cancelled" {
		return false
	}
	t, err := time.Parse(time.RFC3339, ev.Updated)
	return err == nil && !s.now().Before(t.Add(s.retention))
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

// --- events.list ---

// --- single events ---

// --- freeBusy and calendarList ---

// --- OAuth ---
