"""The principal's review of an application: comments anchored to its sections, and what changed
since the principal last reviewed it."""
