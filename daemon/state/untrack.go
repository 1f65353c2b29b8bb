package state

import (
	"context"
	"fmt"
)

// Untrack forgets a write the daemon no longer manages (its time passed, it was
// removed, or the user made it a real meeting by adding guests). Nothing is
// audited: the daemon wrote nothing.
func (s *DB) Untrack(ctx context.Context, cal, eventID string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM writes WHERE calendar = ? AND event_id = ?`, cal, eventID); err != nil {
		return fmt.Errorf("untrack %s/%s: %w", cal, eventID, err)
	}
	return nil
}
