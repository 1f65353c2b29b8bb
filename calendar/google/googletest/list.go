package googletest

// events.list (paging, sync tokens, showDeleted, timeMin/timeMax, extended
// property filters) and calendarList.list.

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	calendarv3 "google.golang.org/api/calendar/v3"
)

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
