package google

import "github.com/sidewayscal/sideways/calendar"

// dropOrphans removes from put the exceptions of the series deleted in the
// same listing (del): Google lists a deleted series as one cancelled master,
// and its cancelled or moved instances may come in the same listing. The
// store deletes the exceptions it already holds with their series.
func dropOrphans(put map[string]calendar.Mirrored, parents map[string]string, del []string) {
	if len(del) == 0 || len(parents) == 0 {
		return
	}
	gone := make(map[string]bool, len(del))
	for _, id := range del {
		gone[id] = true
	}
	for id, parent := range parents {
		if gone[parent] {
			delete(put, id)
		}
	}
}
