"""Attendance from the organiser's pages: upload and review a report, the roster, the CLI;
and the participants' self check-in."""

import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from seminar_reg.attendance.models import Attendance, AttendanceSource, ImportedPerson, Outcome
from seminar_reg.extensions import db
from seminar_reg.registration.models import Registration
from seminar_reg.seminars.models import SeminarSession
from tests.registration_helpers import register, session_ids, token_of
from tests.test_attendance_import import FIXTURES, HEROES


@pytest.fixture
def heroes(app, meeting, make_organiser):
    """The heroes' meeting of the Zoom fixture, and an organiser of it signed in."""
    session_id = meeting("2021-11-19 10:00", "2021-11-19 12:00", "America/New_York", HEROES)
    organiser = make_organiser("ann@example.org", admin=True)
    return session_id, organiser


def upload(client, session_id, name="zoom_meeting_participants_1.csv", **fields):
    data = {
        "report": (io.BytesIO((FIXTURES / name).read_bytes()), name),
        "timezone": "America/New_York",
        "date_order": "",
        **fields,
    }
    return client.post(
        f"/manage/seminars/meeting/attendance/sessions/{session_id}/import",
        data=data,
        content_type="multipart/form-data",
    )


def people(app) -> dict[str, ImportedPerson]:
    with app.app_context():
        result = {p.name: p for p in db.session.execute(sa.select(ImportedPerson)).scalars()}
        db.session.expunge_all()
        return result


def present(app, session_id) -> dict[int, bool]:
    with app.app_context():
        return dict(
            db.session.execute(
                sa.select(Attendance.registration_id, Attendance.present).where(
                    Attendance.session_id == session_id
                )
            ).all()
        )


def test_organiser_uploads_a_report_and_sees_the_import_report(app, client, auth, heroes):
    session_id, _organiser = heroes
    auth.login("ann@example.org")
    response = upload(client, session_id)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "Zoom meeting participants report" in page
    assert "<strong>31</strong><span>rows read</span>" in page
    assert "<strong>4</strong><span>matched by email</span>" in page
    assert "020_Alan Scott" in page and "This is them" in page


def test_a_file_that_is_no_report_is_refused_and_stores_nothing(app, client, auth, heroes):
    session_id, _organiser = heroes
    auth.login("ann@example.org")
    response = client.post(
        f"/manage/seminars/meeting/attendance/sessions/{session_id}/import",
        data={
            "report": (io.BytesIO(b"name;age\nbob;3\n"), "people.csv"),
            "timezone": "UTC",
            "date_order": "",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "Zoom meeting participants report" in response.text  # the message lists the formats
    assert present(app, session_id) == {}


def test_a_report_of_another_day_asks_for_confirmation(app, client, auth, meeting, make_organiser):
    session_id = meeting("2021-11-21 10:00", "2021-11-21 12:00", "America/New_York", HEROES)
    make_organiser("ann@example.org", admin=True)
    auth.login("ann@example.org")
    page = upload(client, session_id).text
    assert "Tick the box to import it anyway" in page
    assert 'name="confirm_date"' in page
    assert upload(client, session_id, confirm_date="y").status_code == 302


def test_the_organiser_confirms_a_proposal_and_its_attendance_counts(app, client, auth, heroes):
    session_id, _organiser = heroes
    auth.login("ann@example.org")
    location = upload(client, session_id).headers["Location"]
    proposal = people(app)["020_Alan Scott"]
    assert proposal.outcome == Outcome.PROPOSED
    client.post(
        f"{location}/people/{proposal.id}/confirm",
        data={"registration_id": proposal.registration_id},
    )
    assert people(app)["020_Alan Scott"].outcome == Outcome.CONFIRMED
    assert present(app, session_id)[proposal.registration_id] is True
    assert "<strong>1</strong><span>confirmed by you</span>" in client.get(location).text


def test_confirming_someone_not_proposed_is_refused(app, client, auth, heroes):
    session_id, _organiser = heroes
    auth.login("ann@example.org")
    location = upload(client, session_id).headers["Location"]
    stranger = people(app)["001_Magus"]
    response = client.post(
        f"{location}/people/{stranger.id}/confirm",
        data={"registration_id": "1"},
        follow_redirects=True,
    )
    assert "Choose one of the proposed registrations." in response.text


def test_the_organiser_rejects_ignores_and_registers_walk_ins(app, client, auth, heroes):
    session_id, _organiser = heroes
    auth.login("ann@example.org")
    location = upload(client, session_id).headers["Location"]
    found = people(app)
    client.post(f"{location}/people/{found['020_Alan Scott'].id}/reject")
    client.post(f"{location}/people/{found['001_Magus'].id}/ignore")
    response = client.post(
        f"{location}/people/{found['027_Jason Bourne'].id}/add",
        data={"country": "US", "institution_name": "Treadstone", "institution_type": "other"},
    )
    assert response.status_code == 302
    found = people(app)
    assert (found["020_Alan Scott"].outcome, found["001_Magus"].outcome) == (
        Outcome.REJECTED,
        Outcome.IGNORED,
    )
    assert found["027_Jason Bourne"].outcome == Outcome.ADDED
    with app.app_context():
        walk_in = db.session.get(Registration, found["027_Jason Bourne"].registration_id)
        assert walk_in.participant.email == "jason-bourne_human@example.net"
    assert present(app, session_id)[found["027_Jason Bourne"].registration_id] is True


def test_roster_ticks_become_the_organisers_word(app, client, auth, heroes):
    session_id, _organiser = heroes
    auth.login("ann@example.org")
    page = client.get(f"/manage/seminars/meeting/attendance/sessions/{session_id}").text
    assert "Check-in code" in page
    with app.app_context():
        ids = list(
            db.session.execute(sa.select(Registration.id).order_by(Registration.id)).scalars()
        )
    client.post(
        f"/manage/seminars/meeting/attendance/sessions/{session_id}",
        data={"shown": [str(i) for i in ids[:3]], "present": [str(ids[0])], "action": "save"},
    )
    assert present(app, session_id) == {ids[0]: True, ids[1]: False, ids[2]: False}
    client.post(
        f"/manage/seminars/meeting/attendance/sessions/{session_id}",
        data={"shown": [str(i) for i in ids[:3]], "action": "all"},
    )
    assert set(present(app, session_id).values()) == {True}
    with app.app_context():
        assert {a.source for a in db.session.execute(sa.select(Attendance)).scalars()} == {
            AttendanceSource.ROSTER
        }


def test_the_roster_searches_names(client, auth, heroes):
    session_id, _organiser = heroes
    auth.login("ann@example.org")
    page = client.get(f"/manage/seminars/meeting/attendance/sessions/{session_id}?q=loki").text
    assert "Loki Laufeyson" in page and "Donna Troy" not in page


def test_attendance_pages_are_for_the_seminars_organisers(client, auth, heroes, make_organiser):
    session_id, _organiser = heroes
    make_organiser("bat@example.org")
    auth.login("bat@example.org")
    assert client.get("/manage/seminars/meeting/attendance/").status_code == 403
    assert (
        client.get(f"/manage/seminars/meeting/attendance/sessions/{session_id}").status_code == 403
    )
    assert upload(client, session_id).status_code == 403


def test_cli_imports_a_report_and_prints_its_figures(app, runner, heroes):
    session_id, _organiser = heroes
    result = runner.invoke(
        args=[
            "attendance",
            "import",
            "meeting",
            str(session_id),
            str(FIXTURES / "zoom_meeting_participants_1.csv"),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Zoom meeting participants report" in result.output
    assert "    31  rows read" in result.output and "     4  matched by email" in result.output
    again = runner.invoke(
        args=[
            "attendance",
            "import",
            "meeting",
            str(session_id),
            str(FIXTURES / "zoom_meeting_participants_1.csv"),
        ]
    )
    assert "imported already; nothing changed" in again.output
    bad = runner.invoke(
        args=["attendance", "import", "meeting", "999", str(FIXTURES / "README.md")]
    )
    assert bad.exit_code == 1 and "has no session 999" in bad.output


# --- self check-in -------------------------------------------------------------------------------


@pytest.fixture
def live_session(app, make_seminar):
    """A seminar whose first session started ten minutes ago."""
    now = datetime.now(UTC)
    seminar = make_seminar(
        "live",
        sessions=2,
        starts_in=timedelta(minutes=-10),
        registration_closes_at=now + timedelta(days=1),
    )
    return seminar, session_ids(app, seminar.id)


def code_of(app, session_id) -> str:
    with app.app_context():
        return db.session.get(SeminarSession, session_id).check_in_code


def test_a_participant_checks_in_from_the_manage_link_with_the_code(app, client, live_session):
    _seminar, sessions = live_session
    token = token_of(register(client, "live", sessions))
    assert "Check in to Session 1" in client.get(f"/r/{token}").text
    response = client.post(
        f"/r/{token}/check-in",
        data={"code": code_of(app, sessions[0]).lower()},
        follow_redirects=True,
    )
    assert "You are checked in to “Session 1”" in response.text
    with app.app_context():
        (attendance,) = db.session.execute(sa.select(Attendance)).scalars()
        assert (attendance.present, attendance.source) == (True, AttendanceSource.CHECK_IN)


@pytest.mark.parametrize("code", ["WRONG1", ""], ids=["wrong", "empty"])
def test_a_wrong_code_is_refused(app, client, live_session, code):
    _seminar, sessions = live_session
    token = token_of(register(client, "live", sessions))
    response = client.post(f"/r/{token}/check-in", data={"code": code}, follow_redirects=True)
    assert "flash-error" in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0


def test_check_in_outside_the_window_is_refused(app, client, live_session):
    _seminar, sessions = live_session
    token = token_of(register(client, "live", sessions))
    # The second session is tomorrow: its code does not work yet.
    response = client.post(
        f"/r/{token}/check-in", data={"code": code_of(app, sessions[1])}, follow_redirects=True
    )
    assert "Check-in for this session is open from 15 minutes before it starts" in response.text


def test_check_in_with_email_and_code(app, client, live_session):
    _seminar, sessions = live_session
    register(client, "live", sessions, email="oyunaa@example.org")
    page = client.post(
        "/seminars/live/check-in",
        data={"email": "OYUNAA@example.org", "code": code_of(app, sessions[0])},
        follow_redirects=True,
    )
    assert "You are checked in" in page.text
    stranger = client.post(
        "/seminars/live/check-in",
        data={"email": "x@example.org", "code": code_of(app, sessions[0])},
    )
    assert "this address is not registered" in stranger.text


def test_check_in_attempts_are_rate_limited(make_app, make_seminar):
    app = make_app(RATELIMIT_ENABLED=True, CHECK_IN_RATE_LIMIT="3 per minute")
    make_seminar(
        "live",
        starts_in=timedelta(minutes=-10),
        registration_closes_at=datetime.now(UTC) + timedelta(days=1),
    )
    client = app.test_client()
    codes = [
        client.post(
            "/seminars/live/check-in", data={"email": "x@example.org", "code": "AAAAAA"}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
