"""The floor of the registration rush: a Flask endpoint that stores a registration as one INSERT.

Served as the real app is (bench.topology, ``gunicorn --config gunicorn.conf.py
bench.bare_app:app``), on the database of SEMINAR_REG_SQLALCHEMY_DATABASE_URI. GET
``/seminars/<slug>/register`` answers a small HTML form; POST inserts the submitted person as one
row of ``bare_registrations``, a table shaped like a registration, with SQLAlchemy Core, and
redirects to a welcome address as the real form does. No forms library, no CSRF, no capacity,
no outbox. The benchmark creates the table (``metadata``) before gunicorn starts.
"""

import functools
import os
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, redirect, request
from markupsafe import escape

import seminar_reg  # noqa: F401  (the real app's handling of connections)

metadata = sa.MetaData()
registrations = sa.Table(
    "bare_registrations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("seminar_slug", sa.String(80), nullable=False),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("given_name", sa.String(100), nullable=False),
    sa.Column("family_name", sa.String(100), nullable=False),
    sa.Column("position", sa.String(200), nullable=False),
    sa.Column("role_category", sa.String(32), nullable=False),
    sa.Column("gender", sa.String(32)),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("institution_name", sa.String(300), nullable=False),
    sa.Column("institution_type", sa.String(32)),
    sa.Column("sessions", sa.JSON, nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("submission_id", sa.String(64), unique=True),
    sa.Column("manage_token", sa.String(64), nullable=False, unique=True),
    sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
TEXT_FIELDS = ("given_name", "family_name", "email", "position", "role_category", "country")
TEXT_FIELDS += ("institution_name", "language", "timezone", "consent")
FORM = """<!doctype html>
<title>Register: {slug}</title>
<form method="post">
<input type="hidden" name="submission_id" value="{submission_id}">
{fields}
<label><input type="checkbox" name="sessions" value="1" checked> Session 1</label>
<label><input type="checkbox" name="sessions" value="2" checked> Session 2</label>
<label><input type="checkbox" name="sessions" value="3" checked> Session 3</label>
<button>Register</button>
</form>
"""

app = Flask(__name__)


@functools.cache
def engine() -> sa.Engine:
    """The database of the real app's setting, made on first use. Its connections are handled
    as the real app's are (importing ``seminar_reg`` sets that up for every engine: the check of
    a pooled connection before it is lent, the connection settings)."""
    return sa.create_engine(os.environ["SEMINAR_REG_SQLALCHEMY_DATABASE_URI"])


@app.get("/healthz")
def healthz():
    return "ok"


@app.get("/seminars/<slug>/register")
def form(slug: str):
    fields = "\n".join(f'<label>{name} <input name="{name}"></label>' for name in TEXT_FIELDS)
    return FORM.format(slug=escape(slug), submission_id=secrets.token_urlsafe(16), fields=fields)


@app.post("/seminars/<slug>/register")
def register(slug: str):
    values = request.form
    if not (values.get("given_name") and values.get("email") and values.get("consent")):
        return "Given name, email and consent are needed.", 400
    now = datetime.now(UTC)
    token = secrets.token_urlsafe(24)
    with engine().begin() as connection:
        connection.execute(
            registrations.insert().values(
                seminar_slug=slug,
                email=values["email"].strip().lower(),
                given_name=values["given_name"],
                family_name=values.get("family_name", ""),
                position=values.get("position", ""),
                role_category=values.get("role_category", "other"),
                gender=values.get("gender") or None,
                country=values.get("country", ""),
                institution_name=values.get("institution_name", ""),
                institution_type=values.get("institution_type") or None,
                sessions=[int(s) for s in values.getlist("sessions") if s.isdigit()],
                language=values.get("language", "en"),
                timezone=values.get("timezone", "UTC"),
                submission_id=values.get("submission_id") or None,
                manage_token=token,
                consented_at=now,
                created_at=now,
            )
        )
    return redirect(f"/r/{token}/welcome")
