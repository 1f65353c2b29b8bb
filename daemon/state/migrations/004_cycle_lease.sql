-- One cycle at a time per state folder (daemon.Cycle): who holds the lease
-- (a process on a host) and until when, in Unix seconds by SQLite's clock.
CREATE TABLE cycle_lease (
	only   INTEGER PRIMARY KEY CHECK (only = 1),
	holder TEXT NOT NULL,
	until  REAL NOT NULL
);
