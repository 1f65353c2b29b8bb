package googletest

import (
	"net/http"

	calendarv3 "google.golang.org/api/calendar/v3"
)

// SetMeetUnavailable makes the calendar cal one that cannot create Google
// Meet links (Meet turned off in a Workspace, some account types): an insert
// asking for a conference then fails as Google's does.
func (s *Server) SetMeetUnavailable(cal string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cals[s.resolve(cal)].noMeet = true
}

// refuseMeet answers an insert with conferenceData.createRequest on a
// calendar without Meet as Google does: 400, reason invalid, "Invalid
// conference type value." (reported in google-api-nodejs-client #3272, #2387,
// #3197 and google-api-dotnet-client #2760). Without conferenceDataVersion=1
// the conference data is ignored (DISC, conferenceDataVersion), so nothing
// fails. It reports whether it answered.
func refuseMeet(w http.ResponseWriter, c *fakeCal, ev *calendarv3.Event, version string) bool {
	if !c.noMeet || version != "1" || ev.ConferenceData == nil || ev.ConferenceData.CreateRequest == nil {
		return false
	}
	writeError(w, http.StatusBadRequest, "global", "invalid", "Invalid conference type value.")
	return true
}
