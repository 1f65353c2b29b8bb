package googletest

// The event routes that read one event or write: get, insert, patch,
// update and delete, each as Google answers it (ids, etags, If-Match, 409).

import (
	"encoding/json"
	"maps"
	"net/http"
	"regexp"

	calendarv3 "google.golang.org/api/calendar/v3"
)

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
