package rules

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/sidewayscal/sideways/calendar"
)

// The wording helpers every text a person reads goes through: counts with
// proper plurals, durations in words ("3 hours", "14 days", "3 weeks") and
// times in the user's zone, relative where that helps ("3 hours ago, at
// 09:14"). None of them ever prints a UTC "Z" time or time.Duration.String().

// Plural says n things: "1 peer", "3 peers". many is the plural form; empty
// adds an s.
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	if many == "" {
		many = one + "s"
	}
	return fmt.Sprintf("%d %s", n, many)
}

// DateFormat is the one way a date is shown: "Thu Nov 26".
const DateFormat = "Mon Jan 2"

// When says t for a person reading at now, in now's zone: "3 hours ago, at
// 09:14" for a moment earlier today or within the last day, "in 2 hours, at
// 11:00" for one soon, else "Thu Nov 26 at 09:14" (with the year when it is
// not now's year).
func When(t, now time.Time) string {
	t = t.In(now.Location())
	clock := t.Format("15:04")
	if d := now.Sub(t); d >= 0 && d < 24*time.Hour {
		if d < time.Minute {
			return "just now, at " + clock
		}
		return calendar.HumanDuration(d.Truncate(time.Minute)) + " ago, at " + clock
	} else if d < 0 && -d < 24*time.Hour {
		return "in " + calendar.HumanDuration((-d).Truncate(time.Minute)) + ", at " + clock
	}
	layout := DateFormat + " at 15:04"
	if t.Year() != now.Year() {
		layout = DateFormat + " 2006 at 15:04"
	}
	return t.Format(layout)
}

// normal is the words of a text for comparing meaning: lower case,
// contractions spelled out, punctuation gone, and the small words that carry
// no topic ("what", "you", "the", …) dropped.
func normal(s string) map[string]bool {
	s = strings.ToLower(strings.NewReplacer("’", "'", "‘", "'").Replace(s))
	for _, c := range [][2]string{
		{"won't", "will not"}, {"can't", "can not"}, {"n't", " not"}, {"'re", " are"},
		{"'ve", " have"}, {"'ll", " will"}, {"'d", " would"}, {"'m", " am"}, {"'s", " is"},
	} {
		s = strings.ReplaceAll(s, c[0], c[1])
	}
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if !stopWords[w] {
			out[w] = true
		}
	}
	return out
}

var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the and or but of to in on at for with by from as is are am be been was were
		do does did will would can could should shall may might must have has had not no so if then than that this these
		those it its i me my mine we us our ours you your yours he she they them their his her who whom whose what which
		when where why how there here about into over under right now just really very more most some any all each`) {
		m[w] = true
	}
	return m
}()

// similar reports whether two texts ask the same thing: two thirds or more
// of the content words of the shorter are in the longer, and they make half
// or more of the longer's ("What is keeping you up at night right now?" and
// "What's keeping you up at night?"; not "What does your team need?" and
// "Team").
func similar(a, b string) bool {
	wa, wb := normal(a), normal(b)
	if len(wa) > len(wb) {
		wa, wb = wb, wa
	}
	if len(wa) == 0 {
		return false
	}
	shared := 0
	for w := range wa {
		if wb[w] {
			shared++
		}
	}
	return shared*3 >= len(wa)*2 && shared*2 >= len(wb)
}
