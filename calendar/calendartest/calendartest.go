// Package calendartest provides an in-memory calendar that is both a
// calendar.Source and a calendar.Writer, with the write semantics of Google
// Calendar that matter to sideways (ids are never reused, only tagged events may
// be changed), for daemon tests. It is a fake, not a mock: it keeps state.
package calendartest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/sidewayscal/sideways/calendar"
)

// Op is one write request the calendar received.
type Op struct {
	Method string // insert, update, delete
	ID     string
	// Tagged reports whether the event carried sideways' tag when the request
	// arrived (for update and delete) or in the draft (insert).
	Tagged bool
}

// Fake is an in-memory calendar. Its methods are safe for concurrent use.
type Fake struct {
	Name string

	mu      sync.Mutex
	events  map[string]calendar.Event
	drafts  map[string]calendar.Draft // what sideways last wrote, by id
	deleted map[string]bool
	ops     []Op
	// failNext makes the next write return this error (once).
	failNext error
	// loseNext applies the next insert but answers with this error, as when a
	// connection drops after the server acted.
	loseNext error
}

var (
	_ calendar.Source = (*Fake)(nil)
	_ calendar.Writer = (*Fake)(nil)
)

// New returns an empty calendar named name.
func New(name string) *Fake {
	return &Fake{Name: name, events: map[string]calendar.Event{}, deleted: map[string]bool{}, drafts: map[string]calendar.Draft{}}
}

// Add puts an event on the calendar as someone other than sideways would.
// An event without an ID gets one from its UID.
func (c *Fake) Add(es ...calendar.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range es {
		e.Calendar = c.Name
		e.ID = cmp.Or(e.ID, e.UID)
		if e.UID == "" {
			e.UID = e.ID
		}
		c.events[e.ID] = e
	}
}

// Edit changes an event as the user would in their calendar app.
func (c *Fake) Edit(id string, f func(*calendar.Event)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.events[id]
	if !ok {
		panic("calendartest: no event " + id)
	}
	f(&e)
	c.events[id] = e
}

// Remove deletes an event as the user would: the id stays used.
func (c *Fake) Remove(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.events, id)
	c.deleted[id] = true
}

// FailNext makes the next write fail with err.
func (c *Fake) FailNext(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failNext = err
}

// LoseNextResponse makes the next insert take effect but fail with err, as
// when the connection drops after the server acted.
func (c *Fake) LoseNextResponse(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.loseNext = err
}

// Ops returns the write requests received so far.
func (c *Fake) Ops() []Op {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.ops)
}

// All returns every live event, sorted by start then id.
func (c *Fake) All() []calendar.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]calendar.Event, 0, len(c.events))
	for _, e := range c.events {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b calendar.Event) int { return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID)) })
	return out
}

// Draft returns what sideways last wrote to the event id (its full text
// included), and whether it wrote it at all.
func (c *Fake) Draft(id string) (calendar.Draft, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.drafts[id]
	return d, ok
}

// Get returns a live event by id.
func (c *Fake) Get(id string) (calendar.Event, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.events[id]
	return e, ok
}

// Events implements calendar.Source.
func (c *Fake) Events(_ context.Context, from, to time.Time) ([]calendar.Event, error) {
	var out []calendar.Event
	win := calendar.Interval{Start: from, End: to}
	for _, e := range c.All() {
		if e.Span(time.UTC).Overlaps(win) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (c *Fake) fail() error {
	err := c.failNext
	c.failNext = nil
	return err
}

// Insert implements calendar.Writer: an id that is live gives ErrExists, one
// that was deleted gives ErrGone (Google answers 409 for both; its adapter
// tells them apart).
func (c *Fake) Insert(_ context.Context, d calendar.Draft) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ops = append(c.ops, Op{"insert", d.ID, d.Tag != ""})
	if err := c.fail(); err != nil {
		return err
	}
	if err := d.Validate(); err != nil {
		return err
	}
	if c.deleted[d.ID] {
		return fmt.Errorf("insert %s: %w", d.ID, calendar.ErrGone)
	}
	if _, ok := c.events[d.ID]; ok {
		return fmt.Errorf("insert %s: %w", d.ID, calendar.ErrExists)
	}
	c.events[d.ID] = fromDraft(c.Name, d)
	c.drafts[d.ID] = d
	if err := c.loseNext; err != nil {
		c.loseNext = nil
		return err
	}
	return nil
}

// Update implements calendar.Writer.
func (c *Fake) Update(_ context.Context, id string, d calendar.Draft) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.events[id]
	c.ops = append(c.ops, Op{"update", id, ok && e.Tag != ""})
	if err := c.fail(); err != nil {
		return err
	}
	switch {
	case !ok:
		return fmt.Errorf("update %s: %w", id, calendar.ErrGone)
	case e.Tag == "":
		return fmt.Errorf("update %s: %w", id, calendar.ErrNotOurs)
	}
	d.ID = id
	c.events[id] = fromDraft(c.Name, d)
	c.drafts[id] = d
	return nil
}

// Delete implements calendar.Writer.
func (c *Fake) Delete(_ context.Context, id string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.events[id]
	c.ops = append(c.ops, Op{"delete", id, ok && e.Tag != ""})
	if err := c.fail(); err != nil {
		return err
	}
	switch {
	case !ok:
		return fmt.Errorf("delete %s: %w", id, calendar.ErrGone)
	case e.Tag == "":
		return fmt.Errorf("delete %s: %w", id, calendar.ErrNotOurs)
	}
	delete(c.events, id)
	c.deleted[id] = true
	return nil
}

func fromDraft(cal string, d calendar.Draft) calendar.Event {
	return calendar.Event{
		Calendar: cal, ID: d.ID, UID: d.ID, Start: d.Start, End: d.End, Summary: d.Summary,
		Status: calendar.StatusConfirmed, Transparent: d.Transparent, Attendees: slices.Clone(d.Attendees),
		Tag: d.Tag, TagPeer: d.TagPeer,
	}
}
