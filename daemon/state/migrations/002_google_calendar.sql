-- Each mirrored event's series (its recurringEventId, '' for none), so that
-- deleting a series deletes its exceptions with it.
ALTER TABLE google_events ADD COLUMN parent TEXT NOT NULL DEFAULT '';
UPDATE google_events SET parent = coalesce(json_extract(CAST(body AS TEXT), '$.recurringEventId'), '');
CREATE INDEX google_events_parent ON google_events (calendar, parent) WHERE parent != '';

-- What sideways learnt about a calendar that is not an error of one cycle:
-- flag 'meet-unavailable' says the calendar cannot create Google Meet links.
CREATE TABLE calendar_flags (
	calendar TEXT NOT NULL,
	flag     TEXT NOT NULL,
	at       TEXT NOT NULL,
	PRIMARY KEY (calendar, flag)
);
