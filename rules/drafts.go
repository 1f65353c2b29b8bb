package rules

import (
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/sidewayscal/sideways/calendar"
	"github.com/sidewayscal/sideways/config"
)

// questionBank holds open-ended prep questions; each starts with what, when,
// where, how, why or who, so the answer cannot be yes or no.
var questionBank = []string{
	"What is the biggest thing your team is trying to land in the next six months?",
	"What is keeping you up at night right now?",
	"Where do our teams step on each other's toes, or leave gaps between us?",
	"How does your team decide what to say no to?",
	"Who else should I be talking to that I'm not?",
	"What does your team need from mine that it isn't getting?",
	"What is your team proud of that people outside it don't see?",
	"How could I make your next quarter easier?",
	"When is the right moment to bring you into a decision that touches your area?",
	"Why did the last project our teams shared go the way it did, from where you sat?",
	"Where are you spending time that you wish you weren't?",
	"What would you change about how our two teams work together?",
}

// MinQuestions is how many prep questions every suggestion carries.
const MinQuestions = 5

// Questions returns the prep questions for a meeting with the peer: their own
// first, then the bank, rotated by how often you have met so repeat meetings
// bring fresh questions. A question that asks what an agenda topic already
// asks (see similar) is left out, so the meeting never asks twice; there are
// always at least MinQuestions while the bank has enough that differ.
func Questions(cfg *config.Config, a *Assessment) []string {
	dup := func(q string, qs []string) bool {
		for _, it := range cfg.Meeting.Agenda {
			if similar(q, it.Topic) {
				return true
			}
		}
		for _, x := range qs {
			if similar(q, x) {
				return true
			}
		}
		return false
	}
	var qs []string
	for _, q := range a.Peer.Questions {
		if !dup(q, qs) {
			qs = append(qs, q)
		}
	}
	n := max(MinQuestions, len(qs)+2)
	for i := 0; len(qs) < n && i < len(questionBank); i++ {
		if q := questionBank[(a.MetCount*3+i)%len(questionBank)]; !dup(q, qs) {
			qs = append(qs, q)
		}
	}
	return qs
}

// Title renders the meeting title template (meeting.title) for the peer.
func Title(cfg *config.Config, p *config.Peer) string {
	t, err := template.New("title").Parse(cfg.Meeting.Title)
	if err != nil {
		return "Peer 1:1 · " + cfg.Me.FirstName() + " / " + p.FirstName()
	}
	var b strings.Builder
	data := map[string]any{
		"Me":   map[string]string{"Name": cfg.Me.Name, "FirstName": cfg.Me.FirstName(), "Department": cfg.Me.Department},
		"Peer": map[string]string{"Name": p.Name, "FirstName": p.FirstName(), "Department": p.Department, "Email": p.Email},
	}
	if err := t.Execute(&b, data); err != nil {
		return "Peer 1:1 · " + cfg.Me.FirstName() + " / " + p.FirstName()
	}
	return b.String()
}

// SuggestionTitle is the title of a suggestion on the user's own calendar.
func SuggestionTitle(p *config.Peer) string {
	if p.Department == "" {
		return "Suggested: peer 1:1 with " + p.Name
	}
	return fmt.Sprintf("Suggested: peer 1:1 with %s (%s)", p.Name, p.Department)
}

// SuggestionText is the description of a suggestion: for the user only, so it
// includes the why and the private notes.
func SuggestionText(cfg *config.Config, a *Action) string {
	as := a.Assessment
	p := as.Peer
	loc := cfg.Me.Location
	var b strings.Builder
	fmt.Fprintf(&b, "Why now: %s.\n", whyNow(as))
	fmt.Fprintf(&b, "When: %s.\n", slotText(a.Slot, loc, p))
	if a.Series != nil {
		fmt.Fprintf(&b, "Repeats: %s; then sideways asks again.\n", seriesText(a.Series, loc))
	}
	if a.Late != "" {
		fmt.Fprintf(&b, "Not sooner: %s.\n", a.Late)
	}
	b.WriteString("\n")
	agenda(&b, cfg, as)
	b.WriteString("\nQuestions to bring:\n")
	for _, q := range Questions(cfg, as) {
		fmt.Fprintf(&b, "  - %s\n", q)
	}
	if notes := strings.TrimSpace(p.Notes); notes != "" {
		fmt.Fprintf(&b, "\nYour notes (private, never sent to %s):\n  %s\n", p.FirstName(), notes)
	}
	b.WriteString("\nInvitation draft:\n")
	for _, line := range strings.Split(Invitation(cfg, a), "\n") {
		if line == "" {
			b.WriteString("\n")
			continue
		}
		fmt.Fprintf(&b, "  %s\n", line)
	}
	b.WriteString("\nIf this time does not suit:\n")
	for _, alt := range a.Alternatives {
		fmt.Fprintf(&b, "  - %s\n", slotText(alt, loc, p))
	}
	switch len(a.Alternatives) {
	case 0:
		fmt.Fprintf(&b, "  No other time fits in the next %s.\n", span(cfg.Horizon))
	case 1:
		fmt.Fprintf(&b, "  Only one other time fits in the next %s.\n", span(cfg.Horizon))
	}
	if !a.Writes(cfg) {
		// Nothing is on the calendar to accept or delete: say what propose mode would do.
		b.WriteString("\nIn propose mode sideways would put this suggestion on your calendar; mode report writes nothing.\n")
		fmt.Fprintf(&b, "There you would accept it by adding %s <%s> as a guest, or dismiss it by deleting it (sideways would then not suggest %s again for %s).\n",
			p.Name, p.Email, p.FirstName(), days(cfg.Snooze))
		fmt.Fprintf(&b, "To meet %s now, send the invitation draft or book the time yourself.\n", p.FirstName())
		return b.String()
	}
	fmt.Fprintf(&b, "\nTo accept: add %s <%s> as a guest; sideways leaves the event alone from then on.\n", p.Name, p.Email)
	fmt.Fprintf(&b, "To dismiss: delete this event; sideways will not suggest %s again for %s.\n", p.FirstName(), days(cfg.Snooze))
	return b.String()
}

// Writes reports whether a cycle writes the action to the calendar: not in
// report mode, whether the config's or the peer's (a rule may set it).
func (a *Action) Writes(cfg *config.Config) bool {
	return cfg.Mode != config.ModeReport && a.Mode != config.ModeReport
}

// span says a horizon in words: "3 weeks", "week", "10 days", "day".
func span(d time.Duration) string {
	n := int(d.Hours() / 24)
	switch {
	case n == 7:
		return "week"
	case n > 0 && n%7 == 0:
		return fmt.Sprintf("%d weeks", n/7)
	case n <= 1:
		return "day"
	}
	return fmt.Sprintf("%d days", n)
}

// InviteText is the description of an invite sent to the peer: agenda and
// questions only, never the private notes or the analysis behind it.
func InviteText(cfg *config.Config, a *Action) string {
	var b strings.Builder
	fmt.Fprintf(&b, "A peer 1:1 between %s and %s: %s in %s.\n\n", cfg.Me.FirstName(), a.Assessment.Peer.FirstName(), minutes(a.Assessment.Duration), parts(len(cfg.Meeting.Agenda)))
	agenda(&b, cfg, a.Assessment)
	b.WriteString("\nA few questions to get us going:\n")
	for _, q := range Questions(cfg, a.Assessment) {
		fmt.Fprintf(&b, "  - %s\n", q)
	}
	return b.String()
}

// Invitation is a short message the user can send the peer: it names the
// meeting, says why in the words a person would use for where the two of
// them stand (never met, a run of cancelled 1:1s, a long gap, a regular
// catch-up coming due), and offers a few questions. Nothing private is in it.
func Invitation(cfg *config.Config, a *Action) string {
	as := a.Assessment
	p := as.Peer
	qs := Questions(cfg, as)
	var b strings.Builder
	fmt.Fprintf(&b, "Hi %s,\n\n", p.FirstName())
	fmt.Fprintf(&b, "%s Would you be up for a %d-minute peer 1:1 (\"%s\") on %s?\n", invitationWhy(as), int(as.Duration.Minutes()), Title(cfg, p), slotText(a.Slot, cfg.Me.Location, p))
	if topics := agendaTopics(cfg); topics != "" {
		end := "."
		if strings.HasSuffix(topics, "?\"") || strings.HasSuffix(topics, ".\"") || strings.HasSuffix(topics, "!\"") {
			end = "" // the topic's own mark ends the sentence
		}
		fmt.Fprintf(&b, "I'd suggest we split it %s: %s%s\n", ways(len(cfg.Meeting.Agenda)), topics, end)
	}
	b.WriteString("\nA few things I'd love to hear about:\n")
	for _, q := range qs[:min(3, len(qs))] {
		fmt.Fprintf(&b, "  - %s\n", q)
	}
	fmt.Fprintf(&b, "\nThanks,\n%s", cfg.Me.FirstName())
	return b.String()
}

// invitationWhy is the invitation's opening: one sentence that fits where
// the two people stand, and never says to keep going what has lapsed.
func invitationWhy(a *Assessment) string {
	gap := calendar.HumanDuration(time.Duration(a.DaysSinceLast) * 24 * time.Hour)
	switch {
	case a.LastMet.IsZero() && a.CancelledStreak > 0:
		return "We've tried to get a one-on-one going, but it hasn't happened yet, and I'd still really like to."
	case a.LastMet.IsZero():
		return "We haven't really had a chance to talk one-on-one, and I'd like to change that before we need something from each other."
	case a.CancelledStreak == 1:
		return fmt.Sprintf("Our last 1:1 fell through, and it's now been %s since we properly caught up, so I'd like to get one back on the calendar.", gap)
	case a.CancelledStreak > 1:
		return fmt.Sprintf("Our last %d 1:1s fell through, and it's now been %s since we properly caught up, so I'd like to get us back on track.", a.CancelledStreak, gap)
	case a.DaysSinceLast >= 2*max(a.Cadence.Days(), 1) && a.DaysSinceLast >= 30:
		return fmt.Sprintf("It's been %s since we last caught up properly, which is far longer than I'd like, so I'd like to pick our 1:1s back up.", gap)
	case a.DaysSinceLast >= a.Cadence.Days():
		return fmt.Sprintf("It's been %s since we last caught up properly, a bit longer than usual, and I'd like to get our next 1:1 in.", gap)
	}
	return fmt.Sprintf("Our last 1:1 was %s ago and I've found them really useful, so I'd like to keep them going.", gap)
}

// agendaTopics lists the agenda's topics as written, quoted, so a topic
// phrased as a question keeps its grammar: "What's keeping you up at
// night?", "What I'm working on" and "Where might we help each other?".
func agendaTopics(cfg *config.Config) string {
	var ts []string
	for _, it := range cfg.Meeting.Agenda {
		if t := strings.TrimSpace(it.Topic); t != "" {
			ts = append(ts, "\""+t+"\"")
		}
	}
	switch len(ts) {
	case 0:
		return ""
	case 1:
		return ts[0]
	}
	return strings.Join(ts[:len(ts)-1], ", ") + " and " + ts[len(ts)-1]
}

var numberWords = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}

// parts says how many parts an agenda has: "three parts", "one part".
func parts(n int) string {
	if n == 1 {
		return "one part"
	}
	if n < len(numberWords) {
		return numberWords[n] + " parts"
	}
	return fmt.Sprintf("%d parts", n)
}

// ways says how many ways a meeting is split: "three ways", "in two".
func ways(n int) string {
	if n == 2 {
		return "in two"
	}
	if n < len(numberWords) {
		return numberWords[n] + " ways"
	}
	return fmt.Sprintf("%d ways", n)
}

func agenda(b *strings.Builder, cfg *config.Config, a *Assessment) {
	parts := make([]string, len(cfg.Meeting.Agenda))
	for i, it := range cfg.Meeting.Agenda {
		parts[i] = fmt.Sprint(it.Minutes)
	}
	fmt.Fprintf(b, "Agenda (%s, %s):\n", minutes(a.Duration), strings.Join(parts, "/"))
	for _, it := range cfg.Meeting.Agenda {
		fmt.Fprintf(b, "  %2d min  %s\n", it.Minutes, it.Topic)
	}
}

func whyNow(a *Assessment) string {
	rule := a.Rules["cadence"]
	src := "the built-in default"
	if rule != Default {
		src = fmt.Sprintf("rule %q", rule)
	}
	if a.LastMet.IsZero() {
		s := fmt.Sprintf("no 1:1 with %s in the look-back window; cadence %s from %s", a.Peer.FirstName(), a.Cadence.Name, src)
		if a.CancelledStreak > 0 {
			s += fmt.Sprintf("; %s cancelled or declined", missedWere(a.CancelledStreak))
		}
		return s
	}
	s := fmt.Sprintf("last met %s (%s); cadence %s from %s", ago(a.DaysSinceLast), a.LastMet.Format("Mon Jan 2"), a.Cadence.Name, src)
	if a.CancelledStreak > 0 {
		s += fmt.Sprintf("; since then %s cancelled or declined", missedWere(a.CancelledStreak))
	}
	return s
}

// missedWere says how many 1:1s fell through: "one 1:1 was", "3 1:1s were".
func missedWere(n int) string {
	if n == 1 {
		return "one 1:1 was"
	}
	return fmt.Sprintf("%d 1:1s were", n)
}

// slotText renders a slot in my zone, and in the peer's when it differs.
func slotText(s calendar.Interval, loc *time.Location, p *config.Peer) string {
	st, en := s.Start.In(loc), s.End.In(loc)
	out := fmt.Sprintf("%s–%s %s", st.Format("Mon Jan 2, 15:04"), en.Format("15:04"), st.Format("MST"))
	if p.Location != nil && p.Location.String() != loc.String() {
		ps := s.Start.In(p.Location)
		pe := s.End.In(p.Location)
		_, off1 := st.Zone()
		_, off2 := ps.Zone()
		if off1 != off2 {
			day := ""
			if ps.Day() != st.Day() {
				day = ps.Format("Mon ")
			}
			out += fmt.Sprintf(" (%s%s–%s %s for %s)", day, ps.Format("15:04"), pe.Format("15:04"), ps.Format("MST"), p.FirstName())
		}
	}
	return out
}

func ago(days int) string {
	if days == 0 {
		return "today"
	}
	return Plural(days, "day", "") + " ago"
}

func minutes(d time.Duration) string { return Plural(int(d.Minutes()), "minute", "") }

func days(d time.Duration) string { return Plural(int(d.Hours()/24), "day", "") }

// Draft is the event an action writes: a suggestion on the user's own calendar
// (no attendees, marked free, the why and the private notes in its text), or an
// invite to the peer (agenda and questions only). id is the event id to use.
// The description is the text the terminal shows, as HTML (see HTML).
func Draft(cfg *config.Config, a *Action, id string) calendar.Draft {
	p := a.Assessment.Peer
	d := calendar.Draft{ID: id, Start: a.Slot.Start, End: a.Slot.End, TagPeer: p.Email}
	if a.Series != nil && a.Event == nil {
		d.Recurrence = []string{a.Series.Rule}
	}
	if a.Kind == Invite || a.Event != nil && a.Event.Tag == calendar.TagInvite {
		d.Tag = calendar.TagInvite
		d.Summary = Title(cfg, p)
		d.Description = HTML(InviteText(cfg, a))
		d.Attendees = []calendar.Attendee{
			{Email: cfg.Me.Emails[0], Name: cfg.Me.Name, PartStat: calendar.PartStatAccepted},
			{Email: p.Email, Name: p.Name, PartStat: calendar.PartStatNeedsAction},
		}
		d.Meet = a.Assessment.Location == "video"
		d.SendUpdates = true
		return d
	}
	d.Tag = calendar.TagSuggestion
	d.Summary = SuggestionTitle(p)
	d.Description = HTML(SuggestionText(cfg, a))
	d.Transparent = true
	return d
}

// htmlEscaper escapes what HTML would read as markup. Quotes stay as they are:
// they only matter inside attributes, and the output has none.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// HTML renders a text from SuggestionText or InviteText as an event
// description for Google Calendar, which reads descriptions as HTML and keeps
// only a small subset. It emits only <b>, <br>, <ul> and <li>, and escapes
// everything else, so "Dana <dana@acme.test>" is not taken for a tag and
// dropped. Runs of lines starting with "- " (after indentation) become a list;
// a line that is all heading ("Questions to bring:") or starts with a short
// label ("Why now: …") gets the heading or label in bold; every other line
// ends with <br>, blank lines included.
func HTML(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	item := func(line string) (string, bool) {
		return strings.CutPrefix(strings.TrimLeft(line, " "), "- ")
	}
	var b strings.Builder
	for i := 0; i < len(lines); i++ {
		if _, ok := item(lines[i]); ok {
			b.WriteString("<ul>")
			for ; i < len(lines); i++ {
				it, ok := item(lines[i])
				if !ok {
					break
				}
				b.WriteString("<li>" + htmlEscaper.Replace(it) + "</li>")
			}
			b.WriteString("</ul>")
			i--
			continue
		}
		line := lines[i]
		text := htmlEscaper.Replace(strings.TrimLeft(line, " "))
		indented := strings.HasPrefix(line, " ")
		switch label, rest, ok := strings.Cut(text, ": "); {
		case !indented && strings.HasSuffix(text, ":"):
			text = "<b>" + text + "</b>"
		case !indented && ok && len(label) <= 12:
			text = "<b>" + label + ":</b> " + rest
		}
		b.WriteString(text)
		if next := i + 1; next < len(lines) {
			if _, ok := item(lines[next]); !ok {
				b.WriteString("<br>")
			}
		}
	}
	return b.String()
}
