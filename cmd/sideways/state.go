package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sidewayscal/sideways/daemon/state"
)

// openState opens (creating if needed) the state database in the state
// folder, for a command that writes (run, auth).
func (g *globals) openState() (*state.DB, error) {
	path, err := g.statePath()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	db, err := state.Open(path) // its errors name the path
	if err != nil {
		return nil, err
	}
	return g.withClock(db)
}

// openStateReadOnly opens the state database for a command that only reads
// (plan, status, log, events): it creates and writes nothing, so it works on a
// state folder the user cannot write, and before the first cycle (an empty
// state). A database from an older sideways is brought up to date when the
// folder allows it.
func (g *globals) openStateReadOnly() (*state.DB, error) {
	path, err := g.statePath()
	if err != nil {
		return nil, err
	}
	db, err := state.OpenReadOnly(path)
	if errors.Is(err, state.ErrOutdated) {
		rw, rerr := state.Open(path)
		if rerr != nil {
			return nil, hinted(err, "")
		}
		db, err = rw, nil
	}
	if err != nil {
		return nil, err
	}
	return g.withClock(db)
}

func (g *globals) statePath() (string, error) {
	dir, err := g.state()
	if err != nil {
		return "", withHint(fmt.Errorf("no state folder: %w", err), "pass --state DIR")
	}
	return filepath.Join(dir, "sideways.db"), nil
}

func (g *globals) withClock(db *state.DB) (*state.DB, error) {
	now, err := clock()
	if err != nil {
		db.Close()
		return nil, err
	}
	db.Now = now
	return db, nil
}
