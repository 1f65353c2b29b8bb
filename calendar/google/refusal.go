package google

import (
	"net/http"
	"strings"

	"github.com/sidewayscal/sideways/calendar"
)

// refusal is the domain error for a permanent failure of op that is not an
// account-wide condition handled by translate (409, 410, 401): a missing
// scope, Meet unavailable, or a refusal of this one request.
//
//   - 403 insufficientPermissions is Google's answer when the token lacks the
//     scope a method needs; with granular consent the user can untick any
//     scope ("apps must check which scopes were granted":
//     https://developers.google.com/identity/protocols/oauth2/resources/granular-permissions).
//   - 400 "Invalid conference type value." is what Google answers an insert
//     with conferenceData.createRequest on a calendar that cannot create Meet
//     links (google-api-nodejs-client #3272, #2387, #3197;
//     google-api-dotnet-client #2760).
func refusal(op string, code int, reason, msg string) error {
	switch {
	case code == http.StatusForbidden && reason == "insufficientPermissions":
		access := calendar.AccessEvents
		if op == "freebusy" {
			access = calendar.AccessFreeBusy
		}
		return &calendar.PermissionError{Access: access}
	case code == http.StatusBadRequest && strings.Contains(strings.ToLower(msg), "conference type"):
		return calendar.ErrMeetUnavailable
	case code == http.StatusBadRequest, code == http.StatusForbidden, code == http.StatusNotFound,
		code == http.StatusPreconditionFailed:
		return calendar.ErrRejected
	}
	return nil
}
