-- The Google mirror: every event of a calendar as the API returned it (JSON),
-- plus the sync token the next incremental sync starts from.
CREATE TABLE google_events (
	calendar TEXT NOT NULL,
	id       TEXT NOT NULL,
	body     BLOB NOT NULL,
	PRIMARY KEY (calendar, id)
) WITHOUT ROWID;

CREATE TABLE google_sync (
	calendar  TEXT PRIMARY KEY,
	token     TEXT NOT NULL,
	synced_at TEXT NOT NULL
);

-- Conditional-GET validators and the last good body of each ICS feed.
CREATE TABLE ics_feeds (
	feed          TEXT PRIMARY KEY,
	etag          TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	body_hash     TEXT NOT NULL DEFAULT '',
	body          BLOB,
	fetched_at    TEXT NOT NULL
);

-- Suggestions and invites the daemon wrote and still tracks.
CREATE TABLE writes (
	calendar TEXT NOT NULL,
	event_id TEXT NOT NULL,
	peer     TEXT NOT NULL,
	kind     TEXT NOT NULL,
	start_at TEXT NOT NULL,
	end_at   TEXT NOT NULL,
	created  TEXT NOT NULL,
	PRIMARY KEY (calendar, event_id)
);
CREATE INDEX writes_peer ON writes (peer);

-- The user deleted a suggestion: that peer is snoozed from then on.
CREATE TABLE dismissals (
	peer TEXT NOT NULL,
	at   TEXT NOT NULL
);
CREATE INDEX dismissals_peer ON dismissals (peer, at);

-- Every calendar write the daemon made.
CREATE TABLE audit (
	seq      INTEGER PRIMARY KEY AUTOINCREMENT,
	at       TEXT NOT NULL,
	calendar TEXT NOT NULL,
	event_id TEXT NOT NULL,
	action   TEXT NOT NULL,
	peer     TEXT NOT NULL DEFAULT '',
	reason   TEXT NOT NULL DEFAULT ''
);

-- The result of the last cycle (one row).
CREATE TABLE last_cycle (
	only  INTEGER PRIMARY KEY CHECK (only = 1),
	at    TEXT NOT NULL,
	ok    INTEGER NOT NULL,
	error TEXT NOT NULL DEFAULT '',
	next  TEXT NOT NULL DEFAULT ''
);

-- Calendars whose credentials were refused: the user must sign in again.
CREATE TABLE auth_problems (
	calendar TEXT PRIMARY KEY,
	at       TEXT NOT NULL,
	message  TEXT NOT NULL
);
