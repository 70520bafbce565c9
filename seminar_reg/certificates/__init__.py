"""Certificates of attendance: eligibility, the PDF, verification."""
