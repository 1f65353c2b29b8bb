package state

// The last cycle's result and per-calendar auth problems.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Cycle is the result of one daemon cycle, as `status --json` shows it in
// last_cycle.
type Cycle struct {
	At   time.Time
	OK   bool
	Err  string    // empty when OK
	Next time.Time // when the next cycle is due; zero if unknown
}

// RecordCycle replaces the last cycle's result with c; a zero c.At is recorded
// as Now.
func (s *DB) RecordCycle(ctx context.Context, c Cycle) error {
	_, err := s.db.ExecContext(ctx, `INSERT OR REPLACE INTO last_cycle (only, at, ok, error, next) VALUES (1, ?, ?, ?, ?)`,
		s.stamp(c.At), c.OK, c.Err, formatTime(c.Next))
	if err != nil {
		return fmt.Errorf("record cycle: %w", err)
	}
	return nil
}

// SetNextCycle records when the next cycle is due, for status.
func (s *DB) SetNextCycle(ctx context.Context, next time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE last_cycle SET next = ? WHERE only = 1`, formatTime(next)); err != nil {
		return fmt.Errorf("set next cycle: %w", err)
	}
	return nil
}

// LastCycle returns the last cycle's result, or nil before the first cycle.
func (s *DB) LastCycle(ctx context.Context) (*Cycle, error) {
	var c Cycle
	var at, next string
	err := s.db.QueryRowContext(ctx, `SELECT at, ok, error, next FROM last_cycle WHERE only = 1`).Scan(&at, &c.OK, &c.Err, &next)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err == nil {
		if c.At, err = parseTime(at); err == nil {
			c.Next, err = parseTime(next)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("last cycle: %w", err)
	}
	return &c, nil
}

// AuthProblem says that a calendar's credentials were refused, so the user must
// run `sideways auth google` again.
type AuthProblem struct {
	Calendar string
	At       time.Time
	Message  string
}

// SetAuthProblem flags cal as needing a new sign-in, with a message for status.
// The first time is kept while the flag stays set.
func (s *DB) SetAuthProblem(ctx context.Context, cal, message string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO auth_problems (calendar, at, message) VALUES (?, ?, ?)
		ON CONFLICT (calendar) DO UPDATE SET message = excluded.message`, cal, s.stamp(time.Time{}), message)
	if err != nil {
		return fmt.Errorf("set auth problem %s: %w", cal, err)
	}
	return nil
}

// ClearAuthProblem removes cal's flag, after a successful sign-in or sync.
func (s *DB) ClearAuthProblem(ctx context.Context, cal string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM auth_problems WHERE calendar = ?`, cal); err != nil {
		return fmt.Errorf("clear auth problem %s: %w", cal, err)
	}
	return nil
}

// AuthProblems returns the flagged calendars, by name.
func (s *DB) AuthProblems(ctx context.Context) ([]AuthProblem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT calendar, at, message FROM auth_problems ORDER BY calendar`)
	if err != nil {
		return nil, fmt.Errorf("auth problems: %w", err)
	}
	defer rows.Close()
	var out []AuthProblem
	for rows.Next() {
		var p AuthProblem
		var at string
		if err := rows.Scan(&p.Calendar, &at, &p.Message); err != nil {
			return nil, fmt.Errorf("auth problems: %w", err)
		}
		if p.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("auth problems: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("auth problems: %w", err)
	}
	return out, nil
}
