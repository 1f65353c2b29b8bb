package googletest

// quotaUnits is what each API method costs in Calendar API quota units.
// events.patch costs three: "each patch request consumes three quota units;
// prefer using a get followed by an update"
// (https://developers.google.com/workspace/calendar/api/v3/reference/events/patch).
// Every other method is one query against the per-minute quotas, one unit
// (https://developers.google.com/workspace/calendar/api/guides/quota: quotas
// count queries), so get + update costs two.
var quotaUnits = map[string]int{RoutePatch: 3}

// QuotaUnits returns the quota units the requests logged since the last
// ResetLog cost, per route and in total. Every API request counts, refused
// ones included; the OAuth routes are not the Calendar API's and cost none.
func (s *Server) QuotaUnits() (byRoute map[string]int, total int) {
	byRoute = map[string]int{}
	for _, r := range s.Requests() {
		if _, api := routeScopes[r.Route]; !api {
			continue
		}
		n := quotaUnits[r.Route]
		if n == 0 {
			n = 1
		}
		byRoute[r.Route] += n
		total += n
	}
	return byRoute, total
}
