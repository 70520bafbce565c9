"""The WSGI entry point for gunicorn: ``gunicorn wsgi:app``."""

from seminar_reg import create_app

app = create_app()
