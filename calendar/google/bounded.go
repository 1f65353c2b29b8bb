package google

import (
	"strconv"
	"strings"
	"time"
)

// SyncMargin is how much further back than the look-back window a full sync
// lists: a week, so that the week the window starts in is whole (caps and
// cadences count whole weeks), and all-day events, whose instants depend on
// the reader's zone, are in whatever the zone.
const SyncMargin = 7 * 24 * time.Hour

// SyncFrom is where a full sync starts for a look-back window of lookback at
// now: Source.Since for a calendar read with that window.
func SyncFrom(now time.Time, lookback time.Duration) time.Time {
	return now.Add(-lookback - SyncMargin)
}

// The sync tokens sideways stores carry how their full sync was made, since
// Google wants every incremental sync to use the parameters of the full sync
// it continues (reference §1.2): "d1:" + token for a listing with
// showDeleted=true and all history (as older versions stored it), and
// "d2:" + Unix seconds of timeMin + ":" + token for one bounded by timeMin.
// A token without either mark is not reused: the calendar is listed fully
// once instead.
const (
	tokenMark        = "d1:"
	boundedTokenMark = "d2:"
)

// formatToken is what the store keeps for Google's token tok from a full
// sync that began at from (zero: all history).
func formatToken(tok string, from time.Time) string {
	if from.IsZero() {
		return tokenMark + tok
	}
	return boundedTokenMark + strconv.FormatInt(from.Unix(), 10) + ":" + tok
}

// parseToken reads a stored token: Google's token and where its full sync
// began (zero: all history). ok is false for a token to be dropped.
func parseToken(stored string) (tok string, from time.Time, ok bool) {
	if t, ok := strings.CutPrefix(stored, tokenMark); ok && t != "" {
		return t, time.Time{}, true
	}
	rest, ok := strings.CutPrefix(stored, boundedTokenMark)
	if !ok {
		return "", time.Time{}, false
	}
	secs, t, ok := strings.Cut(rest, ":")
	n, err := strconv.ParseInt(secs, 10, 64)
	if !ok || err != nil || t == "" {
		return "", time.Time{}, false
	}
	return t, time.Unix(n, 0).UTC(), true
}
