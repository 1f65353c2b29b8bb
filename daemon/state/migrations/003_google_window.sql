-- The Google mirror kept in the order a read wants it: each event with where
-- it lies, so a command reads only the events of its window, by start then
-- UID (the order the source returns them). Single events carry their span
-- (Unix seconds); series masters and exceptions, whose instances come from
-- expanding the series, span everything and are read by every window, and
-- so are the rows from before, until the next full sync replaces them: the
-- stored sync tokens are marked so the adapter no longer recognises them,
-- and the next cycle lists each calendar again (reads meanwhile still work).
-- The table is keyed by that order, so a window is one range of it; the
-- unique (calendar, id) finds an event to replace or delete.
CREATE TABLE google_events_new (
	calendar TEXT NOT NULL,
	id       TEXT NOT NULL,
	body     BLOB NOT NULL,
	parent   TEXT NOT NULL DEFAULT '',
	start_at INTEGER NOT NULL,
	end_at   INTEGER NOT NULL,
	uid      TEXT NOT NULL,
	PRIMARY KEY (calendar, start_at, uid, id)
) WITHOUT ROWID;
INSERT INTO google_events_new (calendar, id, body, parent, start_at, end_at, uid)
	SELECT calendar, id, body, parent, -4611686018427387904, 4611686018427387904, '' FROM google_events;
DROP TABLE google_events;
ALTER TABLE google_events_new RENAME TO google_events;
CREATE UNIQUE INDEX google_events_id ON google_events (calendar, id);
CREATE INDEX google_events_parent ON google_events (calendar, parent) WHERE parent != '';
UPDATE google_sync SET token = 'v2:' || token;
