"""Seminars, sessions and speakers: the organisers' pages and the public ones."""
