package googletest

// What a test does to the fake besides calling the API: tokens, faults,
// paging, answers from attendees, and direct reads and edits of its events.

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
	calendarv3 "google.golang.org/api/calendar/v3"
)

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
