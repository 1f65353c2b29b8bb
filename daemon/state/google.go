package state

// The Google mirror and its sync tokens.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sidewayscal/sideways/calendar"
)

// GoogleSyncToken returns the sync token the next incremental sync of the
// Google calendar cal starts from, or "" when it has never been synced.
func (s *DB) GoogleSyncToken(ctx context.Context, cal string) (string, error) {
	var tok string
	err := s.db.QueryRowContext(ctx, `SELECT token FROM google_sync WHERE calendar = ?`, cal).Scan(&tok)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("google sync token %s: %w", cal, err)
	}
	return tok, nil
}

// GoogleSyncedAt returns when the Google calendar cal last synced
// successfully, or the zero time when it never has.
func (s *DB) GoogleSyncedAt(ctx context.Context, cal string) (time.Time, error) {
	var at string
	err := s.db.QueryRowContext(ctx, `SELECT synced_at FROM google_sync WHERE calendar = ?`, cal).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("google synced at %s: %w", cal, err)
	}
	return parseTime(at)
}

// GoogleEvents returns the mirrored events of the Google calendar cal, each as
// the JSON the API returned, ordered by event id.
func (s *DB) GoogleEvents(ctx context.Context, cal string) ([][]byte, error) {
	return s.bodies(ctx, cal, `SELECT body FROM google_events WHERE calendar = ? ORDER BY id`, cal)
}

// GoogleEventsIn returns the bodies of the mirrored events of the Google
// calendar cal that a read of [from, to) needs: those whose span overlaps it,
// give or take a second, and every one without a span (series). They come
// in the order calendar.Sort puts single events in, by start then UID, with
// the series first.
func (s *DB) GoogleEventsIn(ctx context.Context, cal string, from, to time.Time) ([][]byte, error) {
	return s.bodies(ctx, cal, `SELECT body FROM google_events
		WHERE calendar = ? AND start_at <= ? AND end_at >= ? ORDER BY start_at, uid, id`,
		cal, to.Unix()+1, from.Unix()-1)
}

// bodies runs query, which selects event bodies of the Google calendar cal,
// and returns them in its order.
func (s *DB) bodies(ctx context.Context, cal, query string, args ...any) ([][]byte, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("google events %s: %w", cal, err)
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("google events %s: %w", cal, err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("google events %s: %w", cal, err)
	}
	return out, nil
}

// The span stored for an event without one: every read needs it.
const (
	spanMin = -1 << 62
	spanMax = 1 << 62
)

// SaveGoogleSync records the outcome of one sync of the Google calendar cal in
// one transaction: when full, the mirror is replaced by put; otherwise the
// events in put (keyed by id) are inserted or replaced and those in del removed,
// each with the exceptions of its series when it is one.
// token becomes the calendar's sync token; an empty token keeps the stored one.
func (s *DB) SaveGoogleSync(ctx context.Context, cal string, full bool, token string, put map[string]calendar.Mirrored, del []string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if full {
			if _, err := tx.ExecContext(ctx, `DELETE FROM google_events WHERE calendar = ?`, cal); err != nil {
				return err
			}
		}
		for _, id := range del {
			if _, err := tx.ExecContext(ctx, `DELETE FROM google_events WHERE calendar = ? AND (id = ? OR parent = ?)`, cal, id, id); err != nil {
				return err
			}
		}
		ids := make([]string, 0, len(put))
		for id := range put {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			m := put[id]
			start, end := int64(spanMin), int64(spanMax)
			if !m.Span.Start.IsZero() || !m.Span.End.IsZero() {
				start, end = m.Span.Start.Unix(), m.Span.End.Unix()
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO google_events (calendar, id, body, parent, start_at, end_at, uid)
				VALUES (?1, ?2, ?3, `+parentOf+`, ?4, ?5, ?6)`, cal, id, m.Body, start, end, m.UID); err != nil {
				return err
			}
		}
		if token == "" {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO google_sync (calendar, token, synced_at) VALUES (?, ?, ?)
			ON CONFLICT (calendar) DO UPDATE SET token = excluded.token, synced_at = excluded.synced_at`,
			cal, token, s.stamp(time.Time{}))
		return err
	})
	if err != nil {
		return fmt.Errorf("save google sync %s: %w", cal, err)
	}
	return nil
}

// ForgetGoogle drops the mirror and sync token of the Google calendar cal, so
// the next sync is a full one (after signing in to another account, say).
func (s *DB) ForgetGoogle(ctx context.Context, cal string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM google_events WHERE calendar = ?`, cal); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM google_sync WHERE calendar = ?`, cal)
		return err
	})
	if err != nil {
		return fmt.Errorf("forget google %s: %w", cal, err)
	}
	return nil
}
