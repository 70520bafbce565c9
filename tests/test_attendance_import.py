"""Importing meeting reports: the real fixtures, matching, rejoins, corrections and the review."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from seminar_reg.attendance.models import (
    Attendance,
    AttendanceImport,
    AttendanceSource,
    ImportedPerson,
    Outcome,
)
from seminar_reg.attendance.services import import_report
from seminar_reg.extensions import db
from seminar_reg.registration.models import Registration
from seminar_reg.seminars.models import SeminarSession

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "attendance"


def run_import(app, session_id: int, name: str, **options) -> AttendanceImport:
    with app.app_context():
        session = db.session.get(SeminarSession, session_id)
        result = import_report(
            session, (FIXTURES / name).read_bytes(), name, organiser_id=None, **options
        )
        record = db.session.execute(
            sa.select(AttendanceImport)
            .where(AttendanceImport.id == result.record.id)
            .options(sa.orm.selectinload(AttendanceImport.people))
        ).scalar_one()
        db.session.expunge_all()
        return record


def attendance_by_email(app, session_id: int) -> dict[str, Attendance]:
    with app.app_context():
        rows = (
            db.session.execute(
                sa.select(Attendance)
                .where(Attendance.session_id == session_id)
                .options(
                    sa.orm.selectinload(Attendance.registration).selectinload(
                        Registration.participant
                    )
                )
            )
            .scalars()
            .all()
        )
        result = {a.registration.participant.email: a for a in rows}
        db.session.expunge_all()
        return result


HEROES = [
    ("Loki", "Laufeyson", "loki_asgardian@example.com"),
    ("Clea", "", "clea_unknown@example.com"),
    ("Power", "Girl", "power-girl_kryptonian@example.org"),
    ("Dazzler", "", "dazzler_mutant@example.com"),
    ("Donna", "Troy", "donna.troy@another.example"),  # in the report under another address
    ("Alain", "Scotte", "alain@another.example"),  # "020_Alan Scott" is only close
    ("Absent", "Hero", "absent@example.org"),  # not in the report at all
]


def test_zoom_meeting_report_with_rejoins_matches_by_email_then_name(app, meeting):
    session_id = meeting("2021-11-19 10:00", "2021-11-19 12:00", "America/New_York", HEROES)
    record = run_import(app, session_id, "zoom_meeting_participants_1.csv")
    figures = record.figures
    # 31 rows, 27 people (Power Girl, Cyborg Superman, Swarm and Dazzler joined twice).
    assert (figures["rows_read"], figures["people"]) == (31, 27)
    assert (figures["email"], figures["name"], figures["proposed"]) == (4, 1, 1)
    # The host (the summary's user, Green Goblin) is nobody's registration: ignored.
    assert figures["ignored"] == 1
    assert figures["unmatched"] == 27 - 4 - 1 - 1 - 1
    attendance = attendance_by_email(app, session_id)
    # Loki joined at 9:54: only the session's two hours count.
    assert (
        attendance["loki_asgardian@example.com"].present,
        attendance["loki_asgardian@example.com"].minutes,
    ) == (True, 120)
    # Power Girl's two connections overlap: their union, 10:08:26 to the end, not 111 + 114 minutes.
    assert attendance["power-girl_kryptonian@example.org"].minutes == 111
    # Dazzler came twice for 1:33 and 26:52: 28 minutes, under half the session.
    assert (
        attendance["dazzler_mutant@example.com"].present,
        attendance["dazzler_mutant@example.com"].minutes,
    ) == (False, 28)
    assert attendance["clea_unknown@example.com"].present is False
    assert attendance["donna.troy@another.example"].present is True
    assert attendance["absent@example.org"].present is False
    assert "alain@another.example" not in attendance  # proposed: waits for the organiser
    proposed = next(p for p in record.people if p.outcome == Outcome.PROPOSED)
    assert proposed.name == "020_Alan Scott"


def test_the_same_file_twice_changes_nothing(app, meeting):
    session_id = meeting("2021-11-19 10:00", "2021-11-19 12:00", "America/New_York", HEROES)
    first = run_import(app, session_id, "zoom_meeting_participants_1.csv")
    before = {
        email: (a.present, a.minutes) for email, a in attendance_by_email(app, session_id).items()
    }
    second = run_import(app, session_id, "zoom_meeting_participants_1.csv")
    assert second.id == first.id
    after = {
        email: (a.present, a.minutes) for email, a in attendance_by_email(app, session_id).items()
    }
    assert after == before
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceImport)) == 1


def test_teams_report_matches_the_upn_and_last_first_names(app, meeting):
    people = [
        ("Alex", "Sample", "alex.sample@example.net"),  # the UPN, not the Email column
        ("Ana", "Muñoz Pérez", "ana@another.example"),  # "Muñoz Pérez, Ana" in the report
    ]
    session_id = meeting("2022-11-15 09:30", "2022-11-15 09:45", "Europe/Brussels", people)
    record = run_import(app, session_id, "teams_attendance_1.csv")
    figures = record.figures
    # Section 3 of the UTF-16 BE file: eight connections of eight people, dates day first.
    assert (figures["rows_read"], figures["people"]) == (8, 8)
    assert (figures["email"], figures["name"]) == (1, 1)
    assert figures["ignored"] == 1  # TESTER TOM (EXT), the organizer
    assert figures["unmatched"] == 5
    attendance = attendance_by_email(app, session_id)
    assert attendance["alex.sample@example.net"].minutes == 10
    assert attendance["ana@another.example"].present is True


def test_a_report_of_another_day_is_refused_until_confirmed(app, meeting):
    session_id = meeting("2021-11-20 10:00", "2021-11-20 12:00", "America/New_York", HEROES)
    with app.app_context():
        session = db.session.get(SeminarSession, session_id)
        data = (FIXTURES / "zoom_meeting_participants_1.csv").read_bytes()
        with pytest.raises(Exception, match="2021-11-19 but the session is on 2021-11-20"):
            import_report(session, data, "zoom.csv", organiser_id=None)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceImport)) == 0
    record = run_import(app, session_id, "zoom_meeting_participants_1.csv", confirm_date=True)
    assert record.figures["email"] == 4


def test_unique_users_report_counts_the_stated_totals(app, meeting):
    people = [("Golf", "Hotel", "student03@example.com"), ("Echo", "", "student02@example.com")]
    session_id = meeting("2020-09-05 09:03", "2020-09-05 10:13", "America/New_York", people)
    record = run_import(app, session_id, "zoom_meeting_participants_2.csv", date_order="mdy")
    assert (record.figures["rows_read"], record.figures["people"]) == (30, 30)
    attendance = attendance_by_email(app, session_id)
    assert (
        attendance["student03@example.com"].minutes,
        attendance["student03@example.com"].present,
    ) == (57, True)
    assert (
        attendance["student02@example.com"].minutes,
        attendance["student02@example.com"].present,
    ) == (19, False)


def test_webinar_no_shows_host_and_panelists_are_ignored(app, meeting):
    people = [("Sam", "Sample", "samsample2789@example.com"), ("Ajax", "", "ajax@example.com")]
    session_id = meeting("2025-03-22 19:13", "2025-03-22 23:55", "Asia/Kolkata", people)
    record = run_import(app, session_id, "zoom_webinar_attendee_1.csv")
    outcomes = {p.name: p.outcome for p in record.people}
    assert outcomes["Ajax"] == Outcome.IGNORED  # registered on Zoom, never came
    assert (
        outcomes["Hana Hostly"] == Outcome.IGNORED and outcomes["Pavel Panelov"] == Outcome.IGNORED
    )
    assert outcomes["sam sample"] == Outcome.EMAIL
    attendance = attendance_by_email(app, session_id)
    assert attendance["samsample2789@example.com"].present is False  # 38 seconds
    assert attendance["ajax@example.com"].present is False  # not in the report's attendees


def test_an_import_keeps_what_the_organiser_set_by_hand_and_a_correction_replaces_it(app, meeting):
    session_id = meeting("2021-11-19 10:00", "2021-11-19 12:00", "America/New_York", HEROES)
    with app.app_context():
        clea = db.session.execute(
            sa.select(Registration.id)
            .join(Registration.participant)
            .where(sa.text("participants.email = 'clea_unknown@example.com'"))
        ).scalar_one()
        db.session.add(
            Attendance(
                registration_id=clea,
                session_id=session_id,
                present=True,
                source=AttendanceSource.ROSTER,
            )
        )
        db.session.commit()
    record = run_import(app, session_id, "zoom_meeting_participants_1.csv")
    assert record.figures["kept_by_hand"] == 1
    assert attendance_by_email(app, session_id)["clea_unknown@example.com"].present is True
    # A corrected file for the same session: only Loki is in it now.
    corrected = (FIXTURES / "zoom_meeting_participants_1.csv").read_text().splitlines()[:5]
    with app.app_context():
        session = db.session.get(SeminarSession, session_id)
        import_report(session, "\n".join(corrected).encode(), "corrected.csv", organiser_id=None)
    attendance = attendance_by_email(app, session_id)
    assert attendance["loki_asgardian@example.com"].present is True
    assert attendance["power-girl_kryptonian@example.org"].present is False
    assert attendance["clea_unknown@example.com"].source == AttendanceSource.ROSTER
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportedPerson)) == 27 + 1
