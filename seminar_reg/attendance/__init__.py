"""Attendance per session: roster, self check-in, imported meeting reports, certificates."""
