"""The databases benchmarks run on: a scratch PostgreSQL database, and a SQLite file beside it;
and the archived seminar the data benchmarks fill.

PostgreSQL is the local server (127.0.0.1:5432, trust) unless ``SEMINAR_REG_BENCH_POSTGRES``
names another; the scratch database is dropped afterwards, whatever happens.
"""

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import sqlalchemy as sa

from seminar_reg.seminars.models import Seminar, SeminarSession, SeminarStatus

POSTGRES = os.environ.get(
    "SEMINAR_REG_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432"
)


@contextmanager
def scratch_postgres() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped on the way out."""
    admin = sa.create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    name = f"seminar_reg_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def both() -> Iterator[dict[str, str]]:
    """{"SQLite": url, "PostgreSQL": url}, both new and empty."""
    with tempfile.TemporaryDirectory() as folder, scratch_postgres() as postgres:
        yield {"SQLite": f"sqlite:///{folder}/bench.sqlite", "PostgreSQL": postgres}


def archived_seminar(start: datetime, sessions: list[tuple[datetime, datetime]]) -> Seminar:
    """The "bench" seminar, registration closed at ``start``, with ``sessions`` (begin, end)."""
    seminar = Seminar(
        slug="bench",
        title="Bench",
        timezone="UTC",
        status=SeminarStatus.ARCHIVED,
        registration_opens_at=start - timedelta(days=30),
        registration_closes_at=start,
        contact_email="bench@example.org",
    )
    for number, (begins, ends) in enumerate(sessions, start=1):
        title = f"Session {number}" if len(sessions) > 1 else "Session"
        seminar.sessions.append(
            SeminarSession(position=number, title=title, starts_at=begins, ends_at=ends)
        )
    return seminar
