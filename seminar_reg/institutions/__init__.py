"""Institutions: one per normalised name and country, matched, listed and merged."""
