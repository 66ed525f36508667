"""An application's activity log: its audit events, newest first, each in words in the reader's language."""
