"""After a seminar's retention period its people's names and addresses are gone; its figures stay.

The privacy notice on every form promises it; these tests hold the promise: nothing of the
people is left in any table (the whole database is read back as text), the reports give the
same figures as before, the manage links stop working, a person's other seminars are untouched,
and running it again changes nothing.
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from seminar_reg.accounts.models import Organiser
from seminar_reg.attendance import services as attendance
from seminar_reg.extensions import db, utcnow
from seminar_reg.registration import retention
from seminar_reg.registration.models import Participant, Registration
from seminar_reg.reports import services as reports
from seminar_reg.scheduler import run_due_jobs
from seminar_reg.seminars.models import Seminar, SeminarSession
from tests.registration_helpers import register, session_ids, token_of

PEOPLE = [
    ("Оюунчимэг", "Батбаяр", "oyunchimeg@example.org", "MN"),
    ("Sokha", "Chan", "sokha@example.org", "KH"),
    ("Ayesha", "Khan", "ayesha@example.org", "PK"),
]


@pytest.fixture
def ended(app, client, make_seminar, make_organiser):
    """A seminar of two sessions, three people (one of them also registered for a live
    seminar), attendance marked; then moved 14 months into the past, kept for 12."""
    seminar = make_seminar("ended", sessions=2)
    make_seminar("live", sessions=1)
    organiser = make_organiser()
    sessions = session_ids(app, seminar.id)
    tokens = {}
    for given, family, email, country in PEOPLE:
        response = register(
            client,
            "ended",
            sessions,
            given_name=given,
            family_name=family,
            email=email,
            country=country,
            position="Vice director",
        )
        tokens[email] = token_of(response)
    register(client, "live", session_ids(app, make_seminar_id(app, "live")), email=PEOPLE[0][2])
    with app.app_context():
        stored = db.session.get(Seminar, seminar.id)
        first = stored.sessions[0]
        everyone = set(
            db.session.scalars(sa.select(Registration.id).filter_by(seminar_id=seminar.id))
        )
        present = set(list(everyone)[:2])
        attendance.mark(first, everyone, present, db.session.scalar(sa.select(Organiser.id)))
        shift = timedelta(days=14 * 31)
        for session in stored.sessions:
            session.starts_at -= shift
            session.ends_at -= shift
        stored.registration_opens_at -= shift * 2
        stored.registration_closes_at -= shift
        stored.retention_months = 12
        db.session.commit()
    del organiser
    return seminar, tokens


def make_seminar_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Seminar.id).where(Seminar.slug == slug))


def figures(app, seminar_id: int):
    with app.app_context():
        scope = reports.Scope(db.session.get(Seminar, seminar_id))
        countries = reports.by_country(scope, str)
        return (
            countries.rows,
            countries.total,
            [
                (row.session.id, row.registered, row.attended, row.by_country)
                for row in reports.by_session(scope)
            ],
            reports.by_institution(scope).rows,
        )


def database_text(app) -> str:
    """Every value of every table, as text."""
    with app.app_context():
        return "\n".join(
            repr(row)
            for table in db.metadata.sorted_tables
            for row in db.session.execute(sa.select(table)).all()
        )


def test_personal_data_is_erased_and_the_figures_stay(app, client, ended):
    seminar, tokens = ended
    before = figures(app, seminar.id)
    with app.app_context():
        erased = retention.erase_expired(utcnow())
    assert [(e.seminar, e.registrations) for e in erased] == [("ended", 3)]
    assert figures(app, seminar.id) == before

    everything = database_text(app)
    for given, family, email, _country in PEOPLE[1:]:
        assert given not in everything and family not in everything and email not in everything
    # The person of the live seminar keeps it, and only it.
    given, family, email, _country = PEOPLE[0]
    with app.app_context():
        participant = db.session.scalar(sa.select(Participant).filter_by(email=email))
        assert [r.seminar.slug for r in participant.registrations] == ["live"]
    for token in tokens.values():
        assert client.get(f"/r/{token}").status_code == 404


def test_nothing_is_erased_before_the_period_ends_or_twice(app, ended):
    seminar, _tokens = ended
    with app.app_context():
        db.session.get(Seminar, seminar.id).retention_months = 24
        db.session.commit()
        assert retention.erase_expired(utcnow()) == []
        db.session.get(Seminar, seminar.id).retention_months = 12
        db.session.commit()
        assert len(retention.erase_expired(utcnow())) == 1
        assert retention.erase_expired(utcnow()) == []


def test_the_scheduler_erases_what_is_due(app, ended):
    with app.app_context():
        report = run_due_jobs(utcnow())
        assert report.erased == 1
        assert db.session.scalar(sa.select(Seminar.personal_data_erased_at).filter_by(slug="ended"))


def test_a_seminar_without_sessions_is_never_due(app, make_seminar):
    make_seminar("empty", sessions=0)
    with app.app_context():
        assert retention.erase_expired(utcnow() + timedelta(days=3650)) == []
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SeminarSession)) == 0


def test_a_participant_downloads_everything_stored_about_them(app, client, make_seminar):
    seminar = make_seminar("leaders", title="TVET Leaders 2030", sessions=2)
    token = token_of(register(client, "leaders", session_ids(app, seminar.id)))
    response = client.get(f"/r/{token}/my-data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="leaders-my-data.json"'
    assert response.headers["Cache-Control"] == "private, no-store"
    data = response.get_json()
    assert data["seminar"]["title"] == "TVET Leaders 2030"
    assert data["registration"]["given_name"] == "Оюунчимэг"
    assert data["registration"]["email"] == "oyunchimeg@example.org"
    assert [s["title"] for s in data["sessions"]] == ["Session 1", "Session 2"]
    assert [e["to"] for e in data["emails"]] == ["oyunchimeg@example.org"]
    assert client.get("/r/not-a-token/my-data.json").status_code == 404


def test_a_participant_has_their_data_deleted_and_the_next_in_line_moves_up(
    app, client, make_seminar, make_partner
):
    seminar = make_seminar("small", sessions=1, capacity=1)
    make_partner(seminar.id)  # told of each registration, by name
    make_seminar("other", sessions=1)
    sessions = session_ids(app, seminar.id)
    token = token_of(register(client, "small", sessions, given_name="Zolzaya", position="Dean"))
    register(client, "other", session_ids(app, make_seminar_id(app, "other")))
    register(client, "small", sessions, given_name="Next", email="next@example.org")
    assert client.get(f"/r/{token}/erase").status_code == 200
    assert "Zolzaya" in database_text(app)  # asking is not deleting

    done = client.post(f"/r/{token}/erase")
    assert done.status_code == 200
    assert client.get(f"/r/{token}").status_code == 404
    everything = database_text(app)
    assert "Zolzaya" not in everything and "Dean" not in everything
    with app.app_context():
        statuses = dict(
            db.session.execute(
                sa.select(Registration.given_name, Registration.status).filter_by(
                    seminar_id=seminar.id
                )
            ).all()
        )
        assert statuses == {"": "cancelled", "Next": "confirmed"}
        # The address stays where the person still is: their other seminar.
        participant = db.session.scalar(
            sa.select(Participant).filter_by(email="oyunchimeg@example.org")
        )
        assert [r.seminar.slug for r in participant.registrations] == ["other"]


def test_an_admin_erases_a_person_across_seminars(app, client, auth, make_seminar, make_organiser):
    make_organiser("admin@example.org", admin=True)
    make_organiser("ann@example.org")
    for slug in ("one", "two"):
        seminar = make_seminar(slug, sessions=1)
        register(client, slug, session_ids(app, seminar.id), given_name="Tuya")
    register(client, "one", session_ids(app, make_seminar_id(app, "one")), email="b@example.org")

    auth.login("ann@example.org")
    assert client.get("/manage/people/erase").status_code == 403
    client.post("/logout")
    auth.login("admin@example.org")
    shown = client.post("/manage/people/erase", data={"email": "OYUNCHIMEG@example.org"})
    assert shown.status_code == 200 and shown.text.count("Tuya") == 2
    assert "Tuya" in database_text(app)  # finding is not erasing
    erased = client.post(
        "/manage/people/erase",
        data={"email": "oyunchimeg@example.org", "confirm": "y"},
        follow_redirects=True,
    )
    assert "erased from 2 registrations" in erased.text
    everything = database_text(app)
    assert "Tuya" not in everything and "oyunchimeg@example.org" not in everything
    assert "b@example.org" in everything  # the other person stays
