"""Reminders before sessions and the organisers' messages to a chosen audience."""
