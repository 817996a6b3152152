package bot

// maxIDLen bounds the IDs the service issues for tasks, sessions and
// broadcasts (NewID gives UUIDs, 36 characters).
const maxIDLen = 64

// checkID returns ENOTFOUND when id cannot be the ID of a kind ("task",
// "session", "broadcast") issued by this service: IDs are 1 to 64 letters,
// digits, '-' and '_'. Every ID that comes from outside (a URL path) goes
// through it before it reaches a store: the stores build Redis keys by
// appending to the ID, so "<id>:a", the attendees of session <id>, would
// otherwise be read as a session (a 500 from Redis's WRONGTYPE) or be
// written to.
func checkID(kind, id string) error {
	if len(id) > maxIDLen {
		return Errorf(ENOTFOUND, "no %s has an ID that long", kind)
	}
	if !validToken(id) {
		return Errorf(ENOTFOUND, "no %s %q", kind, id)
	}
	return nil
}
