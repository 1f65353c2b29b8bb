package state

// Writes, dismissals and the audit log.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Write is a suggestion or invite the daemon wrote and still tracks.
type Write struct {
	Calendar string
	EventID  string
	Peer     string
	// Kind is calendar.TagSuggestion or calendar.TagInvite.
	Kind       string
	Start, End time.Time
	Created    time.Time
}

// AuditEntry is one calendar write the daemon made, or (ActionAdopt,
// ActionPresent) one event of sideways' it found already there and took over.
type AuditEntry struct {
	At       time.Time
	Calendar string
	EventID  string
	// Action is what was done: "propose", "invite", "move", "withdraw",
	// ActionAdopt, ActionPresent.
	Action string
	Peer   string
	Reason string
}

// The audit actions that record no write of this process: the event was on
// the calendar already, written by another sideways process or by an earlier
// cycle that stopped before recording it.
const (
	// ActionAdopt: found while reading the calendar.
	ActionAdopt = "adopt"
	// ActionPresent: found when writing it (the calendar answered "exists").
	ActionPresent = "already present"
)

func (s *DB) appendAudit(ctx context.Context, tx *sql.Tx, e AuditEntry) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (at, calendar, event_id, action, peer, reason) VALUES (?, ?, ?, ?, ?, ?)`,
		s.stamp(e.At), e.Calendar, e.EventID, e.Action, e.Peer, e.Reason)
	return err
}

// RecordWrite records, in one transaction, that the daemon wrote w (inserting
// or replacing the tracked write with the same calendar and event id) and the
// audit entry saying why. A zero w.Created is recorded as Now; the audit entry
// takes its calendar, event id and peer from w.
func (s *DB) RecordWrite(ctx context.Context, w Write, action, reason string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error { return s.recordWrite(ctx, tx, w, action, reason) })
	if err != nil {
		return fmt.Errorf("record write %s/%s: %w", w.Calendar, w.EventID, err)
	}
	return nil
}

func (s *DB) recordWrite(ctx context.Context, tx *sql.Tx, w Write, action, reason string) error {
	if err := upsertWrite(ctx, tx, w, s.stamp(w.Created)); err != nil {
		return err
	}
	return s.appendAudit(ctx, tx, AuditEntry{Calendar: w.Calendar, EventID: w.EventID, Action: action, Peer: w.Peer, Reason: reason})
}

// upsertWrite tracks w, replacing what was tracked under its calendar and
// event id (but keeping when it was first created).
func upsertWrite(ctx context.Context, tx *sql.Tx, w Write, created string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO writes (calendar, event_id, peer, kind, start_at, end_at, created) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (calendar, event_id) DO UPDATE SET peer = excluded.peer, kind = excluded.kind, start_at = excluded.start_at, end_at = excluded.end_at`,
		w.Calendar, w.EventID, w.Peer, w.Kind, formatTime(w.Start), formatTime(w.End), created)
	return err
}

// RecordInsert records, in one transaction, that the daemon created the event
// w: like RecordWrite, and an ActionAdopt or ActionPresent entry for the same
// event (another process found it between the write and this record) gives
// way to this one, so the log lists the event's creation once, as a write.
func (s *DB) RecordInsert(ctx context.Context, w Write, action, reason string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM audit WHERE calendar = ? AND event_id = ? AND action IN (?, ?)`,
			w.Calendar, w.EventID, ActionAdopt, ActionPresent); err != nil {
			return err
		}
		return s.recordWrite(ctx, tx, w, action, reason)
	})
	if err != nil {
		return fmt.Errorf("record write %s/%s: %w", w.Calendar, w.EventID, err)
	}
	return nil
}

// RecordPresent records, in one transaction, that the event w of sideways' is
// on the calendar though this process did not write it (action ActionAdopt or
// ActionPresent): it is tracked like a write, and audited with action only
// when the log has no entry for the event yet, so an event is never listed
// twice for one creation.
func (s *DB) RecordPresent(ctx context.Context, w Write, action, reason string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := upsertWrite(ctx, tx, w, s.stamp(w.Created)); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE calendar = ? AND event_id = ?`, w.Calendar, w.EventID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		return s.appendAudit(ctx, tx, AuditEntry{Calendar: w.Calendar, EventID: w.EventID, Action: action, Peer: w.Peer, Reason: reason})
	})
	if err != nil {
		return fmt.Errorf("record %s %s/%s: %w", action, w.Calendar, w.EventID, err)
	}
	return nil
}

// RemoveWrite records, in one transaction, that the daemon removed the event
// it wrote (the tracked write is forgotten) and the audit entry saying why.
func (s *DB) RemoveWrite(ctx context.Context, cal, eventID, action, reason string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var peer string
		err := tx.QueryRowContext(ctx, `DELETE FROM writes WHERE calendar = ? AND event_id = ? RETURNING peer`, cal, eventID).Scan(&peer)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return s.appendAudit(ctx, tx, AuditEntry{Calendar: cal, EventID: eventID, Action: action, Peer: peer, Reason: reason})
	})
	if err != nil {
		return fmt.Errorf("remove write %s/%s: %w", cal, eventID, err)
	}
	return nil
}

// Dismiss records, in one transaction, that the user deleted the suggestion
// eventID: it is no longer tracked and its peer is snoozed from Now. Nothing is
// audited, since the daemon wrote nothing.
func (s *DB) Dismiss(ctx context.Context, cal, eventID, peer string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM writes WHERE calendar = ? AND event_id = ?`, cal, eventID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO dismissals (peer, at) VALUES (?, ?)`, peer, s.stamp(time.Time{}))
		return err
	})
	if err != nil {
		return fmt.Errorf("dismiss %s/%s: %w", cal, eventID, err)
	}
	return nil
}

// Untrack forgets a write the daemon no longer manages (its time passed, it was
// removed, or the user made it a real meeting by adding guests). Nothing is
// audited: the daemon wrote nothing.
func (s *DB) Untrack(ctx context.Context, cal, eventID string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM writes WHERE calendar = ? AND event_id = ?`, cal, eventID); err != nil {
		return fmt.Errorf("untrack %s/%s: %w", cal, eventID, err)
	}
	return nil
}

// Writes returns the tracked writes, by start, then calendar and event id.
func (s *DB) Writes(ctx context.Context) ([]Write, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT calendar, event_id, peer, kind, start_at, end_at, created FROM writes ORDER BY start_at, calendar, event_id`)
	if err != nil {
		return nil, fmt.Errorf("writes: %w", err)
	}
	defer rows.Close()
	var out []Write
	for rows.Next() {
		var w Write
		var start, end, created string
		if err := rows.Scan(&w.Calendar, &w.EventID, &w.Peer, &w.Kind, &start, &end, &created); err != nil {
			return nil, fmt.Errorf("writes: %w", err)
		}
		if w.Start, err = parseTime(start); err == nil {
			if w.End, err = parseTime(end); err == nil {
				w.Created, err = parseTime(created)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("writes: %w", err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("writes: %w", err)
	}
	return out, nil
}

// Dismissals returns, for each peer the user ever dismissed a suggestion for,
// the latest time they did.
func (s *DB) Dismissals(ctx context.Context) (map[string]time.Time, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT peer, max(at) FROM dismissals GROUP BY peer`)
	if err != nil {
		return nil, fmt.Errorf("dismissals: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var peer, at string
		if err := rows.Scan(&peer, &at); err != nil {
			return nil, fmt.Errorf("dismissals: %w", err)
		}
		t, err := parseTime(at)
		if err != nil {
			return nil, fmt.Errorf("dismissals: %w", err)
		}
		out[peer] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dismissals: %w", err)
	}
	return out, nil
}

// Audit appends e to the audit log; a zero e.At is recorded as Now.
func (s *DB) Audit(ctx context.Context, e AuditEntry) error {
	if err := s.tx(ctx, func(tx *sql.Tx) error { return s.appendAudit(ctx, tx, e) }); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// AuditLog returns the audit log newest first: at most limit entries, or all
// of them when limit <= 0.
func (s *DB) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.db.QueryContext(ctx, `SELECT at, calendar, event_id, action, peer, reason FROM audit ORDER BY at DESC, seq DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&at, &e.Calendar, &e.EventID, &e.Action, &e.Peer, &e.Reason); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return out, nil
}
