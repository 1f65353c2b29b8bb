package google

import (
	"sync"
	"time"
)

// zones caches time.LoadLocation, which reads the zone's file on every call:
// every timed event names its zone, so reading a mirror of 50,000 events
// would otherwise open 100,000 files. Failures are cached too. The cache is
// bounded: past maxZones names, lookups are not cached.
var zones struct {
	sync.Mutex
	m map[string]zoneResult
}

type zoneResult struct {
	loc *time.Location
	err error
}

// maxZones bounds the cache; the IANA database has about 600 names.
const maxZones = 2048

// loadLocation is time.LoadLocation, cached.
func loadLocation(name string) (*time.Location, error) {
	zones.Lock()
	r, ok := zones.m[name]
	zones.Unlock()
	if ok {
		return r.loc, r.err
	}
	loc, err := time.LoadLocation(name)
	zones.Lock()
	defer zones.Unlock()
	if zones.m == nil {
		zones.m = map[string]zoneResult{}
	}
	if len(zones.m) < maxZones {
		zones.m[name] = zoneResult{loc, err}
	}
	return loc, err
}
