package config

import (
	"fmt"
	"strings"
	"time"
)

// ZoneList is where a person finds the IANA zone names.
const ZoneList = "https://en.wikipedia.org/wiki/List_of_tz_database_time_zones"

// zoneGuesses maps what people write for a zone (abbreviations, US and
// Windows names), lowercased, to the IANA names they usually mean, most likely
// first.
var zoneGuesses = map[string][]string{}

func init() {
	for _, g := range []struct {
		iana  []string
		names []string
	}{
		{[]string{"America/Los_Angeles"}, []string{"PST", "PDT", "PT", "Pacific", "US Pacific", "Pacific Time", "Pacific Standard Time"}},
		{[]string{"America/Denver", "America/Phoenix"}, []string{"MDT", "MT", "Mountain", "US Mountain", "Mountain Time", "Mountain Standard Time"}},
		{[]string{"America/Phoenix"}, []string{"Arizona", "US Mountain Standard Time"}},
		{[]string{"America/Chicago"}, []string{"CDT", "CT", "Central", "US Central", "Central Time", "Central Standard Time"}},
		{[]string{"America/Chicago", "Asia/Shanghai"}, []string{"CST"}},
		{[]string{"America/New_York"}, []string{"EDT", "ET", "Eastern", "US Eastern", "Eastern Time", "Eastern Standard Time"}},
		{[]string{"America/Anchorage"}, []string{"AKST", "AKDT", "Alaska", "Alaskan Standard Time"}},
		{[]string{"Pacific/Honolulu"}, []string{"HAST", "Hawaii", "Hawaiian Standard Time"}},
		{[]string{"America/Halifax"}, []string{"AST", "ADT", "Atlantic", "Atlantic Standard Time"}},
		{[]string{"America/Sao_Paulo"}, []string{"BRT", "E. South America Standard Time"}},
		{[]string{"Europe/London"}, []string{"BST", "UK", "British", "GMT Standard Time"}},
		{[]string{"Europe/Dublin"}, []string{"Irish", "Irish Standard Time"}},
		{[]string{"Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam"}, []string{"CEST", "Central European", "Central Europe Standard Time", "Central European Standard Time"}},
		{[]string{"Europe/Berlin"}, []string{"W. Europe Standard Time"}},
		{[]string{"Europe/Paris"}, []string{"Romance Standard Time"}},
		{[]string{"Europe/Helsinki", "Europe/Athens"}, []string{"EEST", "Eastern European", "FLE Standard Time", "GTB Standard Time"}},
		{[]string{"Asia/Kolkata", "Europe/Dublin"}, []string{"IST"}},
		{[]string{"Asia/Kolkata"}, []string{"India", "India Standard Time"}},
		{[]string{"Asia/Tokyo"}, []string{"JST", "Japan", "Tokyo Standard Time"}},
		{[]string{"Asia/Seoul"}, []string{"KST", "Korea", "Korea Standard Time"}},
		{[]string{"Asia/Shanghai"}, []string{"China", "China Standard Time"}},
		{[]string{"Asia/Singapore"}, []string{"SGT", "Singapore", "Singapore Standard Time"}},
		{[]string{"Australia/Sydney", "Australia/Melbourne"}, []string{"AEST", "AEDT", "AUS Eastern Standard Time"}},
		{[]string{"Pacific/Auckland"}, []string{"NZST", "NZDT", "New Zealand Standard Time"}},
		{[]string{"UTC"}, []string{"Z", "Zulu", "Coordinated Universal Time", "UTC Standard Time"}},
	} {
		for _, n := range g.names {
			zoneGuesses[strings.ToLower(n)] = g.iana
		}
	}
}

// zoneAreas are the areas tried for a bare city name ("London").
var zoneAreas = []string{"America", "Europe", "Asia", "Africa", "Australia", "Pacific", "Atlantic", "Indian"}

// ZoneHint says, for a zone name time.LoadLocation rejects, which IANA names
// were probably meant and where the names are listed, as a clause to follow
// "unknown time zone %q: ".
func ZoneHint(name string) string {
	guesses := zoneGuess(strings.TrimSpace(name))
	switch len(guesses) {
	case 0:
		return "use an IANA name such as America/New_York or Europe/London; see the list at " + ZoneList
	case 1:
		return fmt.Sprintf("did you mean %s? Use an IANA name; see the list at %s", guesses[0], ZoneList)
	}
	return fmt.Sprintf("did you mean %s or %s? Use an IANA name; see the list at %s",
		strings.Join(guesses[:len(guesses)-1], ", "), guesses[len(guesses)-1], ZoneList)
}

// zoneGuess returns the IANA names name probably stands for: from the table,
// or the name with its case and spaces fixed ("america/new york"), or a city
// under one of the usual areas ("Tokyo").
func zoneGuess(name string) []string {
	if g, ok := zoneGuesses[strings.ToLower(name)]; ok {
		return g
	}
	fixed := titleZone(name)
	candidates := []string{fixed}
	if !strings.Contains(fixed, "/") {
		for _, a := range zoneAreas {
			candidates = append(candidates, a+"/"+fixed)
		}
	}
	for _, c := range candidates {
		if c == name || c == "" || c == "Local" {
			continue
		}
		if _, err := time.LoadLocation(c); err == nil {
			return []string{c}
		}
	}
	return nil
}

// titleZone writes a zone name as the database does: words capitalised and
// joined by underscores ("america/new york" becomes "America/New_York").
func titleZone(s string) string {
	s = strings.Join(strings.Fields(s), "_")
	b := []byte(strings.ToLower(s))
	for i := range b {
		if i == 0 || b[i-1] == '/' || b[i-1] == '_' || b[i-1] == '-' {
			if 'a' <= b[i] && b[i] <= 'z' {
				b[i] -= 'a' - 'A'
			}
		}
	}
	return string(b)
}
