"""Organiser accounts: signing in, passwords, the admins' pages, the organisers CLI."""
