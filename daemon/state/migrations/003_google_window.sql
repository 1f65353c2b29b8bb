-- Where each mirrored event lies, so a command reads only the events of its
-- window, in the order the source returns them: single events by their span
-- (Unix seconds); series masters and exceptions, whose instances come from
-- expanding the series, span everything and are read by every window. Rows
-- from before keep the defaults and are read by every window too.
ALTER TABLE google_events ADD COLUMN start_at INTEGER NOT NULL DEFAULT -4611686018427387904;
ALTER TABLE google_events ADD COLUMN end_at INTEGER NOT NULL DEFAULT 4611686018427387904;
ALTER TABLE google_events ADD COLUMN uid TEXT NOT NULL DEFAULT '';
CREATE INDEX google_events_window ON google_events (calendar, start_at, uid);
