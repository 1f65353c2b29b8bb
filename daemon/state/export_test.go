package state

// OpenImmutable is OpenReadOnly's fallback for a folder where SQLite cannot
// open the -shm file, which tests running as root cannot provoke.
func OpenImmutable(path string) (*DB, error) { return openReadOnly(path, true) }
