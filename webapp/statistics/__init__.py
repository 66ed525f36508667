"""The coordinator's charts: applications and granted euros per call year and programme, and the
outcomes per school, counted by the database and drawn on the server as SVG with a table beside."""
