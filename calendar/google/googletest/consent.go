package googletest

import "slices"

// Untick plays a user who, on Google's consent screen, unticks the checkbox
// of each of scopes (full URLs, e.g. https://www.googleapis.com/auth/calendar.events):
// later sign-ins grant every scope asked for except those. The token
// response's scope field, and the scope parameter of the redirect back, then
// list only what was granted, as Google's do under granular consent
// (https://developers.google.com/identity/protocols/oauth2/resources/granular-permissions:
// "apps must check which scopes were granted"). Calling it with no scopes
// ticks every box again.
func (s *Server) Untick(scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unticked = slices.Clone(scopes)
}

// grantedLocked is what a consent for asked grants.
func (s *Server) grantedLocked(asked []string) []string {
	var out []string
	for _, sc := range asked {
		if !slices.Contains(s.unticked, sc) {
			out = append(out, sc)
		}
	}
	return out
}
