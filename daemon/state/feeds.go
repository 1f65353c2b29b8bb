package state

// The ICS feeds' conditional-GET validators and last good bodies.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ICSFeed is what sideways remembers of an ICS feed between fetches: the
// validators for a conditional GET and the last good body.
type ICSFeed struct {
	ETag         string
	LastModified string
	BodyHash     string
	Body         []byte
	FetchedAt    time.Time
}

// ICSFeed returns what is remembered of feed; ok is false when nothing is.
func (s *DB) ICSFeed(ctx context.Context, feed string) (f ICSFeed, ok bool, err error) {
	var at string
	err = s.db.QueryRowContext(ctx, `SELECT etag, last_modified, body_hash, body, fetched_at FROM ics_feeds WHERE feed = ?`, feed).
		Scan(&f.ETag, &f.LastModified, &f.BodyHash, &f.Body, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return ICSFeed{}, false, nil
	}
	if err == nil {
		f.FetchedAt, err = parseTime(at)
	}
	if err != nil {
		return ICSFeed{}, false, fmt.Errorf("ics feed %s: %w", feed, err)
	}
	return f, true, nil
}

// SaveICSFeed remembers f for feed, replacing what was there. A zero FetchedAt
// is recorded as Now.
func (s *DB) SaveICSFeed(ctx context.Context, feed string, f ICSFeed) error {
	_, err := s.db.ExecContext(ctx, `INSERT OR REPLACE INTO ics_feeds (feed, etag, last_modified, body_hash, body, fetched_at)
		VALUES (?, ?, ?, ?, ?, ?)`, feed, f.ETag, f.LastModified, f.BodyHash, f.Body, s.stamp(f.FetchedAt))
	if err != nil {
		return fmt.Errorf("save ics feed %s: %w", feed, err)
	}
	return nil
}
