package calendar

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"log/slog"
	"time"
)

// Writer is a calendar sideways may write to: the one marked writable.
//
// Every method is idempotent when retried with the same arguments, so the daemon
// can repeat an action after a crash or a lost response without duplicating it.
// Implementations must be safe for use by one goroutine at a time. Errors are
// wrapped domain errors from this package where one applies (ErrAuth,
// *RetryError, ErrExists, ErrGone, ErrNotOurs, ErrConflict); anything else is
// permanent for this cycle.
//
// A nil error means this call wrote: the audit log records it as sideways'
// write. An answer lost on the way back and retried counts as this call's
// write, since its first attempt made it.
type Writer interface {
	// Insert creates the event d.ID. It returns nil when the event was created
	// (by this call, a retried attempt included), an error wrapping ErrExists
	// when a live event with that id was already there before this call (the
	// calendar is as wanted, but someone else wrote it), and one wrapping
	// ErrGone when the id belonged to an event since deleted: ids are never
	// reused, so the caller must choose another.
	Insert(ctx context.Context, d Draft) error
	// Update rewrites the event id to match d (d.ID is ignored). It returns an
	// error wrapping ErrNotOurs, without writing, when the event does not carry
	// sideways' tag; ErrGone when the event was deleted; ErrExists when another
	// writer had already given it d's times; ErrConflict when it kept changing
	// under a fresh read and one retry.
	Update(ctx context.Context, id string, d Draft) error
	// Delete removes the event id. It returns an error wrapping ErrNotOurs,
	// without writing, when the event does not carry sideways' tag; ErrGone when
	// it was already deleted or never existed (callers treat it as done, though
	// not by them); ErrConflict when it kept changing under a fresh read and one
	// retry.
	Delete(ctx context.Context, id string) error
}

// Draft is an event sideways is about to write: a suggestion (no attendees,
// marked free) or an invite (the peer as attendee).
//
// Description may hold the user's private notes; Draft therefore redacts itself
// in logs (LogValue).
type Draft struct {
	// ID is the client-chosen event id, from EventID, so that a retry or a second
	// daemon can never create a duplicate.
	ID          string
	Start, End  time.Time
	Summary     string
	Description string
	Location    string
	// Transparent marks the event free, as suggestions are.
	Transparent bool
	Attendees   []Attendee
	// Tag is TagSuggestion or TagInvite; TagPeer the peer's email. Every event
	// sideways writes carries both, and it only ever changes events that do.
	Tag     string
	TagPeer string
	// Meet asks the provider to attach a video meeting (Google Meet).
	Meet bool
	// SendUpdates lets the provider email the attendees (invite mode). When
	// false, nobody is notified.
	SendUpdates bool
	// Recurrence, when set, makes the event a recurring series from Start:
	// RRULE lines as in RFC 5545 ("RRULE:FREQ=WEEKLY;UNTIL=…"), each with an
	// UNTIL in UTC (see rules.SeriesRule).
	Recurrence []string
}

// Validate reports the first reason d cannot be written.
func (d *Draft) Validate() error {
	switch {
	case !ValidEventID(d.ID):
		return fmt.Errorf("draft: invalid event id %q", d.ID)
	case !d.End.After(d.Start):
		return fmt.Errorf("draft %s: end %s is not after start %s", d.ID,
			d.End.Format(time.RFC3339), d.Start.Format(time.RFC3339))
	case d.Tag != TagSuggestion && d.Tag != TagInvite:
		return fmt.Errorf("draft %s: tag %q is neither %q nor %q", d.ID, d.Tag, TagSuggestion, TagInvite)
	case d.TagPeer == "":
		return fmt.Errorf("draft %s: no peer", d.ID)
	}
	return nil
}

// LogValue logs what identifies the draft, never its description (which may
// hold private notes) or its attendees.
func (d Draft) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", d.ID),
		slog.String("tag", d.Tag),
		slog.String("peer", d.TagPeer),
		slog.Time("start", d.Start),
		slog.Time("end", d.End),
	)
}

// EventIDEncoding is base32hex, lower case, unpadded: Google accepts only the
// characters a–v and 0–9 in a client-chosen event id.
var EventIDEncoding = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

// eventIDPrefix marks ids sideways chose; it is made of allowed characters only
// (no "w").
const eventIDPrefix = "sd"

// EventIDLen is the length of every id EventID returns.
const EventIDLen = len(eventIDPrefix) + 32

// EventID returns the deterministic event id for the peer 1:1 that sideways
// writes to calendar for peerEmail in period (the due period, e.g. the ISO week
// or the due date): the same inputs always give the same id, different inputs
// practically never do.
//
// The id is "sd" followed by 32 base32hex characters (160 bits of SHA-256 over
// the length-prefixed inputs, so ("ab","c") and ("a","bc") differ). It uses only
// a–v and 0–9 and always has length EventIDLen, so no id is a prefix of another.
func EventID(calendar, peerEmail, period string) string {
	h := sha256.New()
	for _, s := range []string{"sideways/v1", calendar, peerEmail, period} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	return eventIDPrefix + EventIDEncoding.EncodeToString(h.Sum(nil)[:20])
}

// ValidEventID reports whether id is acceptable as a client-chosen event id:
// 5 to 1024 characters from a–v and 0–9.
func ValidEventID(id string) bool {
	if len(id) < 5 || len(id) > 1024 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if (c < 'a' || c > 'v') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
