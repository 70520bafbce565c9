"""The databases benchmarks run on: a scratch PostgreSQL database, and a SQLite file beside it.

PostgreSQL is the local server (127.0.0.1:5432, trust) unless ``SEMINAR_REG_BENCH_POSTGRES``
names another; the scratch database is dropped afterwards, whatever happens.
"""

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

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
