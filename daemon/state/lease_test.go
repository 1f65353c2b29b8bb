package state_test

import (
	"testing"
	"time"
)

func TestCycleLease(t *testing.T) {
	db, _ := openDB(t)
	ctx := t.Context()
	acquire := func(holder string, ttl time.Duration, want string) {
		t.Helper()
		got, err := db.AcquireCycle(ctx, holder, ttl, func(h string) bool { return h == "gone" })
		if err != nil || got != want {
			t.Fatalf("AcquireCycle(%s) = %q, %v; want %q", holder, got, err, want)
		}
	}
	acquire("a", time.Minute, "")
	acquire("b", time.Minute, "a") // a has it
	acquire("a", time.Minute, "")  // a renews
	if err := db.ReleaseCycle(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	acquire("b", time.Minute, "a") // b's release does not free a's lease
	if err := db.ReleaseCycle(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	acquire("b", time.Minute, "")
	acquire("a", time.Minute, "b")

	// A lease runs out by the machine's clock, whatever the store's clock says
	// (openDB fixes it in the past): a holder that died holds it no longer.
	// One that ran out a second ago is free.
	if err := db.ReleaseCycle(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	acquire("dead", -time.Second, "")
	acquire("a", time.Minute, "")
	acquire("dead", time.Minute, "a")

	// A holder the caller knows is gone (its process ended) holds nothing.
	if err := db.ReleaseCycle(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	acquire("gone", time.Hour, "")
	acquire("a", time.Minute, "")
}
