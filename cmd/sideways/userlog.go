package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
)

// userHandler is the log of a command a person runs and reads (everything
// but the daemon): each warning once, in words, as
//
//	sideways: warning: calendar work, line 12: skipped VEVENT: no DTSTART
//
// A record that carries an "err" attribute reports a failure the command
// itself returns or shows (an unread calendar, a stale copy, a refused
// sign-in), so it is left to --verbose rather than said twice. Below warning
// level nothing is printed.
type userHandler struct {
	w     io.Writer
	attrs []slog.Attr
	mu    *sync.Mutex
	seen  map[string]bool // lines already printed, shared by every With
}

func newUserHandler(w io.Writer) *userHandler {
	return &userHandler{w: w, mu: new(sync.Mutex), seen: map[string]bool{}}
}

func (h *userHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

func (h *userHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

// WithGroup keeps the handler: a person reads the values, not the keys'
// structure.
func (h *userHandler) WithGroup(string) slog.Handler { return h }

func (h *userHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Level < slog.LevelWarn {
		return nil
	}
	var (
		where, line, msg string
		rest             []string
		failure          bool
	)
	add := func(a slog.Attr) bool {
		v := a.Value.Resolve().String()
		switch a.Key {
		case "err":
			failure = true
		case "calendar", "feed":
			if where == "" {
				where = "calendar " + v
			}
		case "line":
			line = "line " + v
		case "msg":
			msg = v
		default:
			rest = append(rest, a.Key+" "+v)
		}
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	if failure {
		return nil
	}
	if msg == "" {
		msg = r.Message
	}
	var b strings.Builder
	b.WriteString("sideways: warning: ")
	if prefix := strings.Join(nonEmpty(where, line), ", "); prefix != "" {
		b.WriteString(prefix + ": ")
	}
	b.WriteString(msg)
	if len(rest) > 0 {
		b.WriteString(" (" + strings.Join(rest, ", ") + ")")
	}
	text := b.String()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.seen[text] {
		return nil
	}
	h.seen[text] = true
	_, err := fmt.Fprintln(h.w, text)
	return err
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
