package ics

import (
	"strings"
	"sync"
)

// windowsDisplayNames are the display names of the Windows time zones (the
// list `tzutil /l` prints, as Microsoft publishes it) with the zone id each
// belongs to. Outlook on the web and Exchange write them as TZIDs, often with
// no VTIMEZONE: `TZID="(UTC-05:00) Eastern Time (US & Canada)"`. Older
// versions wrote "GMT" for "UTC" and some other names; displayZone is
// tolerant of those.
var windowsDisplayNames = [][2]string{
	{"(UTC-12:00) International Date Line West", "Dateline Standard Time"},
	{"(UTC-11:00) Coordinated Universal Time-11", "UTC-11"},
	{"(UTC-10:00) Aleutian Islands", "Aleutian Standard Time"},
	{"(UTC-10:00) Hawaii", "Hawaiian Standard Time"},
	{"(UTC-09:30) Marquesas Islands", "Marquesas Standard Time"},
	{"(UTC-09:00) Alaska", "Alaskan Standard Time"},
	{"(UTC-09:00) Coordinated Universal Time-09", "UTC-09"},
	{"(UTC-08:00) Baja California", "Pacific Standard Time (Mexico)"},
	{"(UTC-08:00) Coordinated Universal Time-08", "UTC-08"},
	{"(UTC-08:00) Pacific Time (US & Canada)", "Pacific Standard Time"},
	{"(UTC-08:00) Tijuana, Baja California", "Pacific Standard Time (Mexico)"},
	{"(UTC-07:00) Arizona", "US Mountain Standard Time"},
	{"(UTC-07:00) Chihuahua, La Paz, Mazatlan", "Mountain Standard Time (Mexico)"},
	{"(UTC-07:00) La Paz, Mazatlan", "Mountain Standard Time (Mexico)"},
	{"(UTC-07:00) Mountain Time (US & Canada)", "Mountain Standard Time"},
	{"(UTC-07:00) Yukon", "Yukon Standard Time"},
	{"(UTC-06:00) Central America", "Central America Standard Time"},
	{"(UTC-06:00) Central Time (US & Canada)", "Central Standard Time"},
	{"(UTC-06:00) Chihuahua", "Mexico Standard Time 2"},
	{"(UTC-06:00) Easter Island", "Easter Island Standard Time"},
	{"(UTC-06:00) Guadalajara, Mexico City, Monterrey", "Central Standard Time (Mexico)"},
	{"(UTC-06:00) Saskatchewan", "Canada Central Standard Time"},
	{"(UTC-05:00) Bogota, Lima, Quito, Rio Branco", "SA Pacific Standard Time"},
	{"(UTC-05:00) Bogota, Lima, Quito", "SA Pacific Standard Time"},
	{"(UTC-05:00) Chetumal", "Eastern Standard Time (Mexico)"},
	{"(UTC-05:00) Eastern Time (US & Canada)", "Eastern Standard Time"},
	{"(UTC-05:00) Haiti", "Haiti Standard Time"},
	{"(UTC-05:00) Havana", "Cuba Standard Time"},
	{"(UTC-05:00) Indiana (East)", "US Eastern Standard Time"},
	{"(UTC-05:00) Turks and Caicos", "Turks And Caicos Standard Time"},
	{"(UTC-04:00) Asuncion", "Paraguay Standard Time"},
	{"(UTC-04:00) Atlantic Time (Canada)", "Atlantic Standard Time"},
	{"(UTC-04:00) Caracas", "Venezuela Standard Time"},
	{"(UTC-04:30) Caracas", "Venezuela Standard Time"},
	{"(UTC-04:00) Cuiaba", "Central Brazilian Standard Time"},
	{"(UTC-04:00) Georgetown, La Paz, Manaus, San Juan", "SA Western Standard Time"},
	{"(UTC-04:00) Santiago", "Pacific SA Standard Time"},
	{"(UTC-03:30) Newfoundland", "Newfoundland Standard Time"},
	{"(UTC-03:00) Araguaina", "Tocantins Standard Time"},
	{"(UTC-03:00) Brasilia", "E. South America Standard Time"},
	{"(UTC-03:00) Cayenne, Fortaleza", "SA Eastern Standard Time"},
	{"(UTC-03:00) City of Buenos Aires", "Argentina Standard Time"},
	{"(UTC-03:00) Buenos Aires", "Argentina Standard Time"},
	{"(UTC-03:00) Greenland", "Greenland Standard Time"},
	{"(UTC-03:00) Montevideo", "Montevideo Standard Time"},
	{"(UTC-03:00) Punta Arenas", "Magallanes Standard Time"},
	{"(UTC-03:00) Saint Pierre and Miquelon", "Saint Pierre Standard Time"},
	{"(UTC-03:00) Salvador", "Bahia Standard Time"},
	{"(UTC-02:00) Coordinated Universal Time-02", "UTC-02"},
	{"(UTC-02:00) Mid-Atlantic - Old", "Mid-Atlantic Standard Time"},
	{"(UTC-01:00) Azores", "Azores Standard Time"},
	{"(UTC-01:00) Cabo Verde Is.", "Cape Verde Standard Time"},
	{"(UTC-01:00) Cape Verde Is.", "Cape Verde Standard Time"},
	{"(UTC) Coordinated Universal Time", "UTC"},
	{"(UTC+00:00) Dublin, Edinburgh, Lisbon, London", "GMT Standard Time"},
	{"(UTC) Dublin, Edinburgh, Lisbon, London", "GMT Standard Time"},
	{"(GMT) Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London", "GMT Standard Time"},
	{"(UTC+00:00) Monrovia, Reykjavik", "Greenwich Standard Time"},
	{"(UTC) Monrovia, Reykjavik", "Greenwich Standard Time"},
	{"(GMT) Casablanca, Monrovia, Reykjavik", "Greenwich Standard Time"},
	{"(UTC+00:00) Sao Tome", "Sao Tome Standard Time"},
	{"(UTC+01:00) Casablanca", "Morocco Standard Time"},
	{"(UTC) Casablanca", "Morocco Standard Time"},
	{"(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "W. Europe Standard Time"},
	{"(UTC+01:00) Belgrade, Bratislava, Budapest, Ljubljana, Prague", "Central Europe Standard Time"},
	{"(UTC+01:00) Brussels, Copenhagen, Madrid, Paris", "Romance Standard Time"},
	{"(UTC+01:00) Sarajevo, Skopje, Warsaw, Zagreb", "Central European Standard Time"},
	{"(UTC+01:00) West Central Africa", "W. Central Africa Standard Time"},
	{"(UTC+01:00) Windhoek", "Namibia Standard Time"},
	{"(UTC+02:00) Amman", "Jordan Standard Time"},
	{"(UTC+02:00) Athens, Bucharest", "GTB Standard Time"},
	{"(UTC+02:00) Athens, Bucharest, Istanbul", "GTB Standard Time"},
	{"(UTC+02:00) Beirut", "Middle East Standard Time"},
	{"(UTC+02:00) Cairo", "Egypt Standard Time"},
	{"(UTC+02:00) Chisinau", "E. Europe Standard Time"},
	{"(UTC+02:00) E. Europe", "E. Europe Standard Time"},
	{"(UTC+02:00) Damascus", "Syria Standard Time"},
	{"(UTC+02:00) Gaza, Hebron", "West Bank Standard Time"},
	{"(UTC+02:00) Harare, Pretoria", "South Africa Standard Time"},
	{"(UTC+02:00) Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius", "FLE Standard Time"},
	{"(UTC+02:00) Helsinki, Kiev, Riga, Sofia, Tallinn, Vilnius", "FLE Standard Time"},
	{"(UTC+02:00) Jerusalem", "Israel Standard Time"},
	{"(UTC+02:00) Juba", "South Sudan Standard Time"},
	{"(UTC+02:00) Kaliningrad", "Kaliningrad Standard Time"},
	{"(UTC+02:00) Khartoum", "Sudan Standard Time"},
	{"(UTC+02:00) Tripoli", "Libya Standard Time"},
	{"(UTC+02:00) Windhoek", "Namibia Standard Time"},
	{"(UTC+03:00) Amman", "Jordan Standard Time"},
	{"(UTC+03:00) Baghdad", "Arabic Standard Time"},
	{"(UTC+03:00) Damascus", "Syria Standard Time"},
	{"(UTC+03:00) Istanbul", "Turkey Standard Time"},
	{"(UTC+03:00) Kuwait, Riyadh", "Arab Standard Time"},
	{"(UTC+03:00) Minsk", "Belarus Standard Time"},
	{"(UTC+03:00) Moscow, St. Petersburg", "Russian Standard Time"},
	{"(UTC+03:00) Moscow, St. Petersburg, Volgograd", "Russian Standard Time"},
	{"(UTC+03:00) Nairobi", "E. Africa Standard Time"},
	{"(UTC+03:00) Volgograd", "Volgograd Standard Time"},
	{"(UTC+03:30) Tehran", "Iran Standard Time"},
	{"(UTC+04:00) Abu Dhabi, Muscat", "Arabian Standard Time"},
	{"(UTC+04:00) Astrakhan, Ulyanovsk", "Astrakhan Standard Time"},
	{"(UTC+04:00) Baku", "Azerbaijan Standard Time"},
	{"(UTC+04:00) Izhevsk, Samara", "Russia Time Zone 3"},
	{"(UTC+04:00) Port Louis", "Mauritius Standard Time"},
	{"(UTC+04:00) Saratov", "Saratov Standard Time"},
	{"(UTC+04:00) Tbilisi", "Georgian Standard Time"},
	{"(UTC+04:00) Yerevan", "Caucasus Standard Time"},
	{"(UTC+04:30) Kabul", "Afghanistan Standard Time"},
	{"(UTC+05:00) Ashgabat, Tashkent", "West Asia Standard Time"},
	{"(UTC+05:00) Astana", "West Asia Standard Time"},
	{"(UTC+05:00) Ekaterinburg", "Ekaterinburg Standard Time"},
	{"(UTC+05:00) Islamabad, Karachi", "Pakistan Standard Time"},
	{"(UTC+05:00) Qyzylorda", "Qyzylorda Standard Time"},
	{"(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi", "India Standard Time"},
	{"(UTC+05:30) Sri Jayawardenepura", "Sri Lanka Standard Time"},
	{"(UTC+05:45) Kathmandu", "Nepal Standard Time"},
	{"(UTC+06:00) Astana", "Central Asia Standard Time"},
	{"(UTC+06:00) Bishkek", "Central Asia Standard Time"},
	{"(UTC+06:00) Dhaka", "Bangladesh Standard Time"},
	{"(UTC+06:00) Omsk", "Omsk Standard Time"},
	{"(UTC+06:30) Yangon (Rangoon)", "Myanmar Standard Time"},
	{"(UTC+07:00) Bangkok, Hanoi, Jakarta", "SE Asia Standard Time"},
	{"(UTC+07:00) Barnaul, Gorno-Altaysk", "Altai Standard Time"},
	{"(UTC+07:00) Hovd", "W. Mongolia Standard Time"},
	{"(UTC+07:00) Krasnoyarsk", "North Asia Standard Time"},
	{"(UTC+07:00) Novosibirsk", "N. Central Asia Standard Time"},
	{"(UTC+07:00) Tomsk", "Tomsk Standard Time"},
	{"(UTC+08:00) Beijing, Chongqing, Hong Kong, Urumqi", "China Standard Time"},
	{"(UTC+08:00) Irkutsk", "North Asia East Standard Time"},
	{"(UTC+08:00) Kuala Lumpur, Singapore", "Singapore Standard Time"},
	{"(UTC+08:00) Perth", "W. Australia Standard Time"},
	{"(UTC+08:00) Taipei", "Taipei Standard Time"},
	{"(UTC+08:00) Ulaanbaatar", "Ulaanbaatar Standard Time"},
	{"(UTC+08:45) Eucla", "Aus Central W. Standard Time"},
	{"(UTC+09:00) Chita", "Transbaikal Standard Time"},
	{"(UTC+09:00) Osaka, Sapporo, Tokyo", "Tokyo Standard Time"},
	{"(UTC+09:00) Pyongyang", "North Korea Standard Time"},
	{"(UTC+09:00) Seoul", "Korea Standard Time"},
	{"(UTC+09:00) Yakutsk", "Yakutsk Standard Time"},
	{"(UTC+09:30) Adelaide", "Cen. Australia Standard Time"},
	{"(UTC+09:30) Darwin", "AUS Central Standard Time"},
	{"(UTC+10:00) Brisbane", "E. Australia Standard Time"},
	{"(UTC+10:00) Canberra, Melbourne, Sydney", "AUS Eastern Standard Time"},
	{"(UTC+10:00) Guam, Port Moresby", "West Pacific Standard Time"},
	{"(UTC+10:00) Hobart", "Tasmania Standard Time"},
	{"(UTC+10:00) Vladivostok", "Vladivostok Standard Time"},
	{"(UTC+10:30) Lord Howe Island", "Lord Howe Standard Time"},
	{"(UTC+11:00) Bougainville Island", "Bougainville Standard Time"},
	{"(UTC+11:00) Chokurdakh", "Russia Time Zone 10"},
	{"(UTC+11:00) Magadan", "Magadan Standard Time"},
	{"(UTC+11:00) Norfolk Island", "Norfolk Standard Time"},
	{"(UTC+11:00) Sakhalin", "Sakhalin Standard Time"},
	{"(UTC+11:00) Solomon Is., New Caledonia", "Central Pacific Standard Time"},
	{"(UTC+12:00) Anadyr, Petropavlovsk-Kamchatsky", "Russia Time Zone 11"},
	{"(UTC+12:00) Auckland, Wellington", "New Zealand Standard Time"},
	{"(UTC+12:00) Coordinated Universal Time+12", "UTC+12"},
	{"(UTC+12:00) Fiji", "Fiji Standard Time"},
	{"(UTC+12:00) Petropavlovsk-Kamchatsky - Old", "Kamchatka Standard Time"},
	{"(UTC+12:45) Chatham Islands", "Chatham Islands Standard Time"},
	{"(UTC+13:00) Coordinated Universal Time+13", "UTC+13"},
	{"(UTC+13:00) Nuku'alofa", "Tonga Standard Time"},
	{"(UTC+13:00) Samoa", "Samoa Standard Time"},
	{"(UTC+14:00) Kiritimati Island", "Line Islands Standard Time"},
}

// displayName is one display name, read: its offset and its places.
type displayName struct {
	offset int    // seconds east of UTC, from the "(UTC±hh:mm)" prefix
	id     string // the Windows zone id
}

var displayIndex struct {
	once sync.Once
	// byName maps a display name without its prefix, normalized (see
	// normDisplay), to the zones that use it (a name changed its offset in
	// some Windows versions: Caracas, Astana).
	byName map[string][]displayName
	// byPlace maps each place of a name ("berlin", "eastern time (us and
	// canada)") to the zones that name it.
	byPlace map[string][]displayName
}

func buildDisplayIndex() {
	displayIndex.byName = map[string][]displayName{}
	displayIndex.byPlace = map[string][]displayName{}
	for _, row := range windowsDisplayNames {
		off, rest, ok := splitDisplay(row[0])
		if !ok {
			panic("bad display name " + row[0])
		}
		d := displayName{offset: off, id: row[1]}
		key := normDisplay(rest)
		displayIndex.byName[key] = append(displayIndex.byName[key], d)
		for _, place := range places(rest) {
			displayIndex.byPlace[place] = append(displayIndex.byPlace[place], d)
		}
	}
}

// splitDisplay splits "(UTC+01:00) Amsterdam, …" (or "(GMT+01:00) …", "(UTC)
// …") into the offset and the rest.
func splitDisplay(s string) (int, string, bool) {
	s = strings.TrimSpace(s)
	end := strings.IndexByte(s, ')')
	if !strings.HasPrefix(s, "(") || end < 0 {
		return 0, "", false
	}
	secs, ok := displayOffset(s[:end+1])
	if !ok {
		return 0, "", false
	}
	return secs, strings.TrimSpace(s[end+1:]), true
}

// normDisplay lower-cases a name, reads "&" as "and" and drops punctuation
// and repeated spaces: "Eastern Time (US & Canada)" → "eastern time us and canada".
func normDisplay(s string) string {
	s = strings.ToLower(strings.ReplaceAll(s, "&", " and "))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '-' || r > 127)
	}), " ")
}

// places splits a name at commas and colons into its normalized places.
func places(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ':' }) {
		if p = normDisplay(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// displayZone maps a Windows display name used as a TZID to its Windows zone
// id: the name as listed (any case, "&" or "and", any punctuation and
// spacing), else the zone all of whose named places ("Berlin") are places of
// that zone alone. The offset in the prefix must be the zone's when the name
// is known with several offsets, and for a zone found by its places.
func displayZone(tzid string) (string, bool) {
	displayIndex.once.Do(buildDisplayIndex)
	off, rest, ok := splitDisplay(strings.Trim(strings.TrimSpace(tzid), `"`))
	if !ok || rest == "" {
		return "", false
	}
	pick := func(ds []displayName, strict bool) (string, bool) {
		for _, d := range ds {
			if d.offset == off {
				return d.id, true
			}
		}
		if len(ds) == 1 && !strict {
			return ds[0].id, true
		}
		return "", false
	}
	if id, ok := pick(displayIndex.byName[normDisplay(rest)], false); ok {
		return id, true
	}
	id := ""
	for _, place := range places(rest) {
		ds := displayIndex.byPlace[place]
		cand, ok := pick(ds, true)
		if !ok {
			continue // a place no zone names, or several do
		}
		if id != "" && cand != id {
			return "", false
		}
		id = cand
	}
	return id, id != ""
}
