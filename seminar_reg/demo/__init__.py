"""The demo data: the 2023 seminars of DESIGN.md, an upcoming one, institutions, people."""
