package ics

import (
	"strings"
	"time"
)

// windowsZones maps the Windows time zone names Outlook and Exchange put in TZID
// to IANA zones: the "001" (territory-neutral) rows of CLDR's windowsZones.xml,
// plus a few names older Windows versions used.
var windowsZones = map[string]string{
	"dateline standard time":          "Etc/GMT+12",
	"utc-11":                          "Etc/GMT+11",
	"hawaiian standard time":          "Pacific/Honolulu",
	"alaskan standard time":           "America/Anchorage",
	"pacific standard time (mexico)":  "America/Tijuana",
	"pacific standard time":           "America/Los_Angeles",
	"us mountain standard time":       "America/Phoenix",
	"mountain standard time (mexico)": "America/Mazatlan",
	"mountain standard time":          "America/Denver",
	"central america standard time":   "America/Guatemala",
	"central standard time (mexico)":  "America/Mexico_City",
	"central standard time":           "America/Chicago",
	"canada central standard time":    "America/Regina",
	"sa pacific standard time":        "America/Bogota",
	"eastern standard time (mexico)":  "America/Cancun",
	"eastern standard time":           "America/New_York",
	"us eastern standard time":        "America/Indiana/Indianapolis",
	"venezuela standard time":         "America/Caracas",
	"atlantic standard time":          "America/Halifax",
	"sa western standard time":        "America/La_Paz",
	"pacific sa standard time":        "America/Santiago",
	"newfoundland standard time":      "America/St_Johns",
	"e. south america standard time":  "America/Sao_Paulo",
	"argentina standard time":         "America/Argentina/Buenos_Aires",
	"sa eastern standard time":        "America/Cayenne",
	"montevideo standard time":        "America/Montevideo",
	"utc-02":                          "Etc/GMT+2",
	"azores standard time":            "Atlantic/Azores",
	"cape verde standard time":        "Atlantic/Cape_Verde",
	"utc":                             "UTC",
	"coordinated universal time":      "UTC",
	"gmt standard time":               "Europe/London",
	"greenwich standard time":         "Atlantic/Reykjavik",
	"morocco standard time":           "Africa/Casablanca",
	"w. europe standard time":         "Europe/Berlin",
	"central europe standard time":    "Europe/Budapest",
	"romance standard time":           "Europe/Paris",
	"central european standard time":  "Europe/Warsaw",
	"w. central africa standard time": "Africa/Lagos",
	"jordan standard time":            "Asia/Amman",
	"gtb standard time":               "Europe/Bucharest",
	"middle east standard time":       "Asia/Beirut",
	"egypt standard time":             "Africa/Cairo",
	"e. europe standard time":         "Europe/Chisinau",
	"south africa standard time":      "Africa/Johannesburg",
	"fle standard time":               "Europe/Kiev",
	"israel standard time":            "Asia/Jerusalem",
	"kaliningrad standard time":       "Europe/Kaliningrad",
	"arabic standard time":            "Asia/Baghdad",
	"turkey standard time":            "Europe/Istanbul",
	"arab standard time":              "Asia/Riyadh",
	"belarus standard time":           "Europe/Minsk",
	"russian standard time":           "Europe/Moscow",
	"e. africa standard time":         "Africa/Nairobi",
	"iran standard time":              "Asia/Tehran",
	"arabian standard time":           "Asia/Dubai",
	"azerbaijan standard time":        "Asia/Baku",
	"georgian standard time":          "Asia/Tbilisi",
	"caucasus standard time":          "Asia/Yerevan",
	"afghanistan standard time":       "Asia/Kabul",
	"west asia standard time":         "Asia/Tashkent",
	"ekaterinburg standard time":      "Asia/Yekaterinburg",
	"pakistan standard time":          "Asia/Karachi",
	"india standard time":             "Asia/Kolkata",
	"sri lanka standard time":         "Asia/Colombo",
	"nepal standard time":             "Asia/Kathmandu",
	"central asia standard time":      "Asia/Almaty",
	"bangladesh standard time":        "Asia/Dhaka",
	"myanmar standard time":           "Asia/Yangon",
	"se asia standard time":           "Asia/Bangkok",
	"n. central asia standard time":   "Asia/Novosibirsk",
	"china standard time":             "Asia/Shanghai",
	"north asia standard time":        "Asia/Krasnoyarsk",
	"singapore standard time":         "Asia/Singapore",
	"w. australia standard time":      "Australia/Perth",
	"taipei standard time":            "Asia/Taipei",
	"ulaanbaatar standard time":       "Asia/Ulaanbaatar",
	"tokyo standard time":             "Asia/Tokyo",
	"korea standard time":             "Asia/Seoul",
	"cen. australia standard time":    "Australia/Adelaide",
	"aus central standard time":       "Australia/Darwin",
	"e. australia standard time":      "Australia/Brisbane",
	"aus eastern standard time":       "Australia/Sydney",
	"west pacific standard time":      "Pacific/Port_Moresby",
	"tasmania standard time":          "Australia/Hobart",
	"vladivostok standard time":       "Asia/Vladivostok",
	"new zealand standard time":       "Pacific/Auckland",
	"fiji standard time":              "Pacific/Fiji",
	"tonga standard time":             "Pacific/Tongatapu",
	"samoa standard time":             "Pacific/Apia",
	"aleutian standard time":          "America/Adak",
	"marquesas standard time":         "Pacific/Marquesas",
	"utc-09":                          "Etc/GMT+9",
	"utc-08":                          "Etc/GMT+8",
	"yukon standard time":             "America/Whitehorse",
	"easter island standard time":     "Pacific/Easter",
	"mexico standard time":            "America/Mexico_City",
	"mexico standard time 2":          "America/Chihuahua",
	"cuba standard time":              "America/Havana",
	"haiti standard time":             "America/Port-au-Prince",
	"turks and caicos standard time":  "America/Grand_Turk",
	"paraguay standard time":          "America/Asuncion",
	"central brazilian standard time": "America/Cuiaba",
	"tocantins standard time":         "America/Araguaina",
	"greenland standard time":         "America/Nuuk",
	"magallanes standard time":        "America/Punta_Arenas",
	"saint pierre standard time":      "America/Miquelon",
	"bahia standard time":             "America/Bahia",
	"mid-atlantic standard time":      "Etc/GMT+2",
	"sao tome standard time":          "Africa/Sao_Tome",
	"namibia standard time":           "Africa/Windhoek",
	"libya standard time":             "Africa/Tripoli",
	"west bank standard time":         "Asia/Hebron",
	"syria standard time":             "Asia/Damascus",
	"sudan standard time":             "Africa/Khartoum",
	"south sudan standard time":       "Africa/Juba",
	"volgograd standard time":         "Europe/Volgograd",
	"astrakhan standard time":         "Europe/Astrakhan",
	"russia time zone 3":              "Europe/Samara",
	"mauritius standard time":         "Indian/Mauritius",
	"saratov standard time":           "Europe/Saratov",
	"armenian standard time":          "Asia/Yerevan",
	"qyzylorda standard time":         "Asia/Qyzylorda",
	"omsk standard time":              "Asia/Omsk",
	"altai standard time":             "Asia/Barnaul",
	"tomsk standard time":             "Asia/Tomsk",
	"w. mongolia standard time":       "Asia/Hovd",
	"north asia east standard time":   "Asia/Irkutsk",
	"aus central w. standard time":    "Australia/Eucla",
	"transbaikal standard time":       "Asia/Chita",
	"yakutsk standard time":           "Asia/Yakutsk",
	"north korea standard time":       "Asia/Pyongyang",
	"lord howe standard time":         "Australia/Lord_Howe",
	"bougainville standard time":      "Pacific/Bougainville",
	"russia time zone 10":             "Asia/Srednekolymsk",
	"magadan standard time":           "Asia/Magadan",
	"norfolk standard time":           "Pacific/Norfolk",
	"sakhalin standard time":          "Asia/Sakhalin",
	"central pacific standard time":   "Pacific/Guadalcanal",
	"russia time zone 11":             "Asia/Kamchatka",
	"kamchatka standard time":         "Asia/Kamchatka",
	"utc+12":                          "Etc/GMT-12",
	"chatham islands standard time":   "Pacific/Chatham",
	"utc+13":                          "Etc/GMT-13",
	"line islands standard time":      "Pacific/Kiritimati",
}

// loadZone resolves a TZID to a zone without looking at VTIMEZONEs: an IANA
// name, "UTC"/"GMT"/"Z", a Windows zone name, or an IANA name behind a vendor
// prefix ("/mozilla.org/20050126_1/America/New_York"). It reports false when
// none of these fit.
func loadZone(tzid string) (*time.Location, bool) {
	id := strings.TrimSpace(strings.Trim(strings.TrimSpace(tzid), `"`))
	if id == "" {
		return nil, false
	}
	switch strings.ToUpper(id) {
	case "UTC", "GMT", "Z", "ETC/UTC", "ETC/GMT", "UT", "ZULU":
		return time.UTC, true
	}
	if loc, ok := loadIANA(id); ok {
		return loc, true
	}
	if name, ok := windowsZones[strings.ToLower(id)]; ok {
		if loc, ok := loadIANA(name); ok {
			return loc, true
		}
	}
	if strings.HasPrefix(id, "/") {
		parts := strings.Split(id, "/")
		for i := 1; i < len(parts); i++ {
			if loc, ok := loadIANA(strings.Join(parts[i:], "/")); ok {
				return loc, true
			}
		}
	}
	return nil, false
}

// loadIANA loads an IANA zone by name, refusing "Local" (the machine's zone is
// no answer for a feed) and anything that does not look like a zone name.
func loadIANA(name string) (*time.Location, bool) {
	if name == "" || name == "Local" || strings.ContainsAny(name, " \\:") || strings.Contains(name, "..") {
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	return loc, true
}
