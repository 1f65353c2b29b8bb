package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/sidewayscal/sideways/daemon/state"
)

// openState opens (creating if needed) the state database in the state folder.
func (g *globals) openState() (*state.DB, error) {
	dir, err := g.state()
	if err != nil {
		return nil, withHint(fmt.Errorf("no state folder: %w", err), "pass --state DIR")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	db, err := state.Open(filepath.Join(dir, "sideways.db"))
	if err != nil {
		return nil, fmt.Errorf("open state in %s: %w", dir, err)
	}
	now, err := clock()
	if err != nil {
		db.Close()
		return nil, err
	}
	db.Now = now
	return db, nil
}
