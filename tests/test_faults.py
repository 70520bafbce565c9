"""PostgreSQL's connections cut, between requests and in the middle of one.

Between requests (a restart, a failover, an idle timeout), the pool's check on checkout finds
the dead connections and the next request works. In the middle of a registration, the request
fails with a clear 503 page, nothing of it is stored (not the person, not the registration, not
its emails), and the same person registering again a moment later is stored once.
"""

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from seminar_reg.extensions import db
from seminar_reg.mail.models import OutboxMessage
from seminar_reg.registration.models import Participant, Registration
from tests.registration_helpers import register, session_ids

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def admin_engine(app) -> sa.Engine:
    with app.app_context():
        return sa.create_engine(db.engine.url, poolclass=NullPool)


def terminate(app, pid: int | None = None) -> int:
    """Cut one backend, or every other connection to the test database, and wait until they
    are gone (up to 5 s); how many were cut."""
    admin = admin_engine(app)
    condition = "pid = :pid" if pid else "datname = current_database() AND pid <> pg_backend_pid()"
    with admin.connect() as connection:
        cut = connection.execute(
            sa.text(
                "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
                f" WHERE {condition}"
            ),
            {"pid": pid},
        ).scalar_one()
    admin.dispose()
    return cut


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_connections_cut_between_requests_are_replaced(app, client, make_seminar):
    seminar = make_seminar("leaders")
    assert client.get("/seminars/leaders/").status_code == 200
    assert terminate(app) >= 1
    assert client.get("/seminars/leaders/").status_code == 200
    response = register(client, "leaders", session_ids(app, seminar.id))
    assert response.status_code == 302
    assert count(app, Registration) == 1


def test_connections_that_are_fine_are_kept(app, client, make_seminar):
    """The check on checkout replaces only a closed connection: a sound one is lent again,
    not reconnected on every request."""
    seminar = make_seminar("leaders")
    sessions = session_ids(app, seminar.id)
    assert client.get("/seminars/leaders/").status_code == 200
    with app.app_context():
        engine = db.engine
    connects = []

    def connected(*_args):
        connects.append(1)

    sa.event.listen(engine, "connect", connected)
    try:
        for number in range(5):
            assert client.get("/seminars/leaders/register").status_code == 200
            response = register(client, "leaders", sessions, email=f"p{number}@example.org")
            assert response.status_code == 302
    finally:
        sa.event.remove(engine, "connect", connected)
    assert connects == []


def test_a_connection_cut_during_a_registration_stores_nothing(app, client, make_seminar):
    seminar = make_seminar("leaders")
    sessions = session_ids(app, seminar.id)
    with app.app_context():
        engine = db.engine

    def cut_before_the_emails(connection, cursor, statement, *_args):
        if statement.startswith("INSERT INTO outbox_messages"):
            sa.event.remove(engine, "before_cursor_execute", cut_before_the_emails)
            terminate(app, cursor.connection.info.backend_pid)

    sa.event.listen(engine, "before_cursor_execute", cut_before_the_emails)
    failed = register(client, "leaders", sessions)
    assert failed.status_code == 503
    assert "Nothing was saved" in failed.text
    assert (count(app, Participant), count(app, Registration), count(app, OutboxMessage)) == (
        0,
        0,
        0,
    )

    again = register(client, "leaders", sessions)
    assert again.status_code == 302
    assert (count(app, Registration), count(app, OutboxMessage)) == (1, 1)
