package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// parentOf is the SQL expression for the series id (Google's
// recurringEventId) of the mirrored event body ?3, empty for an event outside
// a series. A body is one of the adapter's forms, which start with the byte
// 0x01 or 0x02, the series id and a 0 byte, or (from older versions) the API's JSON.
const parentOf = `CASE WHEN substr(?3, 1, 1) IN (x'01', x'02') THEN CAST(substr(?3, 2, instr(?3, x'00') - 2) AS TEXT)
	ELSE coalesce(json_extract(CAST(?3 AS TEXT), '$.recurringEventId'), '') END`

// FlagMeetUnavailable marks a calendar that cannot create Google Meet links:
// invites to it are written without one, and it is not asked again.
const FlagMeetUnavailable = "meet-unavailable"

// SetCalendarFlag records flag on cal, keeping the first time it was set.
func (s *DB) SetCalendarFlag(ctx context.Context, cal, flag string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO calendar_flags (calendar, flag, at) VALUES (?, ?, ?)
		ON CONFLICT (calendar, flag) DO NOTHING`, cal, flag, s.stamp(time.Time{}))
	if err != nil {
		return fmt.Errorf("set %s on %s: %w", flag, cal, err)
	}
	return nil
}

// CalendarFlag reports when flag was set on cal; ok is false when it is not set.
func (s *DB) CalendarFlag(ctx context.Context, cal, flag string) (at time.Time, ok bool, err error) {
	var v string
	err = s.db.QueryRowContext(ctx, `SELECT at FROM calendar_flags WHERE calendar = ? AND flag = ?`, cal, flag).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err == nil {
		at, err = parseTime(v)
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("%s on %s: %w", flag, cal, err)
	}
	return at, true, nil
}

// ClearCalendarFlag removes flag from cal.
func (s *DB) ClearCalendarFlag(ctx context.Context, cal, flag string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM calendar_flags WHERE calendar = ? AND flag = ?`, cal, flag); err != nil {
		return fmt.Errorf("clear %s on %s: %w", flag, cal, err)
	}
	return nil
}
