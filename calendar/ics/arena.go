package ics

import (
	"strings"
	"unsafe"
)

// A parsed feed is thousands of small values that live as long as the
// Calendar, made among many times their size of short-lived garbage (the
// feed's text, scratch lists). Allocated one by one, they pin the pages of
// that garbage, so the heap cannot give them back or reuse them for the
// large slices an expansion makes. A slab and a textArena allocate them a
// chunk at a time instead: fewer objects for the collector, and a heap that
// stays the size of what is live.

// slabChunk is how many values a slab allocates at once.
const slabChunk = 256

// slab hands out values of type T allocated a chunk at a time. A chunk lives
// as long as any value in it: only values kept as long as the slab's owner
// belong in one.
type slab[T any] struct{ chunk []T }

// add stores v and returns where.
func (s *slab[T]) add(v T) *T {
	if len(s.chunk) == cap(s.chunk) {
		s.chunk = make([]T, 0, slabChunk)
	}
	s.chunk = append(s.chunk, v)
	return &s.chunk[len(s.chunk)-1]
}

// list returns n zeroed values, contiguous, with their capacity cut so that
// an append copies them rather than overwriting a neighbour.
func (s *slab[T]) list(n int) []T {
	if cap(s.chunk)-len(s.chunk) < n {
		s.chunk = make([]T, 0, max(n, slabChunk))
	}
	k := len(s.chunk)
	s.chunk = s.chunk[:k+n]
	return s.chunk[k : k+n : k+n]
}

// textChunk is how many bytes of text a textArena allocates at once; a
// longer string gets its own copy.
const textChunk = 32 << 10

// textArena copies strings into shared chunks of bytes. A chunk is only
// appended to, never written where it already holds text, so the strings it
// returns never change; a chunk lives as long as any of them.
type textArena struct{ chunk []byte }

// clone returns a copy of s that shares no memory with s.
func (a *textArena) clone(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > textChunk/8 {
		return strings.Clone(s)
	}
	if cap(a.chunk)-len(a.chunk) < len(s) {
		a.chunk = make([]byte, 0, textChunk)
	}
	k := len(a.chunk)
	a.chunk = append(a.chunk, s...)
	return unsafe.String(&a.chunk[k], len(s))
}
