package state

// The cycle lease: one cycle at a time per state folder.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// AcquireCycle takes the state folder's cycle lease for holder, for ttl,
// unless another holder has it, it has not run out and gone does not say
// that holder is gone (nil: none is). It returns "" when holder has the
// lease (taken, or renewed when it had it), else the holder that has it.
//
// The lease is between processes, so it runs out by the machine's clock
// (SQLite's), whatever clock the cycles plan by: a process that died holding
// it holds it no longer than ttl, or not at all when gone can tell.
func (s *DB) AcquireCycle(ctx context.Context, holder string, ttl time.Duration, gone func(holder string) bool) (string, error) {
	var other string
	err := s.tx(ctx, func(tx *sql.Tx) error {
		other = ""
		err := tx.QueryRowContext(ctx, `SELECT holder FROM cycle_lease
			WHERE only = 1 AND holder != ? AND until > unixepoch('subsec')`, holder).Scan(&other)
		if err == nil && gone != nil && gone(other) {
			other, err = "", sql.ErrNoRows
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO cycle_lease (only, holder, until)
			VALUES (1, ?, unixepoch('subsec') + ?)`, holder, ttl.Seconds())
		return err
	})
	if err != nil {
		return "", fmt.Errorf("cycle lease: %w", err)
	}
	return other, nil
}

// ReleaseCycle gives up holder's cycle lease; it does nothing when holder
// does not have it.
func (s *DB) ReleaseCycle(ctx context.Context, holder string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM cycle_lease WHERE only = 1 AND holder = ?`, holder); err != nil {
		return fmt.Errorf("cycle lease: %w", err)
	}
	return nil
}
