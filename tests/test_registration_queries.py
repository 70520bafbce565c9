"""The registration form's requests cost a fixed number of SQL statements, whatever the seminar.

A statement per session, per partner's scope or per earlier registration would make a
registration rush slower the bigger the seminar: this test counts the statements of the form's
GET and POST on a small seminar and on a large one (more sessions, more people registered; the
same two partners, since each partner in scope is sent its own email) and wants the same count,
under a ceiling that keeps today's count from creeping up unnoticed.
"""

from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from seminar_reg.extensions import db
from tests.registration_helpers import register, session_ids

#: statements of one successful registration POST today, on SQLite (PostgreSQL: 13), and of a GET
POST_CEILING = 14
GET_CEILING = 1


@contextmanager
def counted(app):
    statements: list[str] = []

    def count(_connection, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def costs(app, client, slug: str, sessions: list[int], email: str) -> tuple[int, int]:
    with counted(app) as statements:
        assert client.get(f"/seminars/{slug}/register").status_code == 200
    get = len(statements)
    with counted(app) as statements:
        response = register(client, slug, sessions, email=email)
        assert response.status_code == 302, response.text
    return get, len(statements)


@pytest.fixture
def small_and_large(app, client, make_seminar, make_partner, make_institution):
    small = make_seminar("small", sessions=2, capacity=100)
    large = make_seminar("large", sessions=8, capacity=100)
    darkhan = make_institution()
    for seminar in (small, large):  # each partner in scope gets its own email, on both
        make_partner(seminar.id, "VETP", countries=["MN"])
        make_partner(seminar.id, "GIZ", institutions=[darkhan])
    for number in range(12):  # people registered before
        register(client, "large", session_ids(app, large.id), email=f"early{number}@example.org")
    return session_ids(app, small.id), session_ids(app, large.id)


def test_registering_costs_the_same_statements_on_any_seminar(app, client, small_and_large):
    small_sessions, large_sessions = small_and_large
    register(client, "small", small_sessions, email="warm@example.org")  # caches filled
    on_small = costs(app, client, "small", small_sessions, "a@example.org")
    on_large = costs(app, client, "large", large_sessions, "b@example.org")
    assert on_small == on_large, f"(GET, POST) statements: small {on_small}, large {on_large}"
    get, post = on_large
    assert get <= GET_CEILING and post <= POST_CEILING, (get, post)


#: statements of the public seminar page: the seminar with its partners, its sessions with speakers
PAGE_CEILING = 2


def test_the_seminar_page_costs_the_same_statements_on_any_seminar(
    app, client, small_and_large, make_speaker
):
    small_sessions, large_sessions = small_and_large
    for number, session_id in enumerate(large_sessions):
        make_speaker(session_id, f"Speaker {number}a")
        make_speaker(session_id, f"Speaker {number}b")
    make_speaker(small_sessions[0], "Speaker on the small seminar")
    client.get("/seminars/small/")  # caches filled
    counts = {}
    for slug in ("small", "large"):
        with counted(app) as statements:
            page = client.get(f"/seminars/{slug}/")
        assert page.status_code == 200
        assert "VETP" in page.text and "GIZ" in page.text
        counts[slug] = len(statements)
    assert "Speaker 7b" in page.text
    assert counts["small"] == counts["large"] <= PAGE_CEILING, counts
