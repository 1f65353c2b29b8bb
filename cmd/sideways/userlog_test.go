package main

import (
	"bytes"
	"errors"
	"log/slog"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUserHandler(t *testing.T) {
	var out bytes.Buffer
	log := slog.New(newUserHandler(&out))
	work := log.With("calendar", "work")
	work.Info("google: access token refused; refreshing once") // below warning: not for a person
	work.Warn("ics feed warning", "feed", "work", "line", 12, "msg", "skipped VEVENT: no DTSTART")
	log.With("calendar", "work").Warn("ics feed warning", "feed", "work", "line", 12, "msg", "skipped VEVENT: no DTSTART") // said already
	work.Warn("ics feed could not be refreshed; using its last good copy", "err", errors.New("404"))                       // the command says it
	work.Warn("google: series without a usable start or end", "event", "abc")
	log.Warn("invite declined; leaving the peer alone for the snooze", "peer", "dana@acme.test")
	want := "sideways: warning: calendar work, line 12: skipped VEVENT: no DTSTART\n" +
		"sideways: warning: calendar work: google: series without a usable start or end (event abc)\n" +
		"sideways: warning: invite declined; leaving the peer alone for the snooze (peer dana@acme.test)\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("user log (-want +got):\n%s", diff)
	}
}
