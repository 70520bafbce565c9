"""Demo attendance: the 2023 seminars' sessions recorded as organisers would have.

Every other session is imported from a Zoom participants report written here the way Zoom writes
them (display names often in Latin letters, some without email, some rejoins, a host), so that the
demo has matches by email and by name, proposals to review and walk-ins; the other sessions are
ticked on the roster. Certificates are issued for the April seminar. Runs once per seminar.
"""

import csv
import io
import random
from datetime import timedelta

import sqlalchemy as sa

from seminar_reg.attendance import services as attendance
from seminar_reg.attendance.models import Attendance
from seminar_reg.certificates.services import issue_all
from seminar_reg.demo import data
from seminar_reg.extensions import db
from seminar_reg.registration.models import (
    ChoiceStatus,
    Registration,
    RegistrationStatus,
    SessionChoice,
)
from seminar_reg.seminars.models import Seminar, SeminarSession
from seminar_reg.text import transliterate

ZOOM_TIME = "%m/%d/%Y %I:%M:%S %p"


def seed_attendance(organiser_id: int) -> int:
    """Attendance for the past demo seminars that have none; how many sessions were recorded."""
    recorded = 0
    for slug in (data.LEADERSHIP_2023["slug"], data.COACTION_2023["slug"]):
        seminar = db.session.execute(sa.select(Seminar).where(Seminar.slug == slug)).scalar_one()
        has_any = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Attendance)
            .join(SeminarSession)
            .where(SeminarSession.seminar_id == seminar.id)
        )
        if has_any:
            continue
        rng = random.Random(f"{slug} attendance")
        for number, session in enumerate(seminar.sessions):
            people = _with_places(session)
            came = [r for r in people if rng.random() < 0.85]
            if number % 2 == 0:
                report = _zoom_report(session, came, rng)
                attendance.import_report(
                    session,
                    report,
                    f"zoom-session-{session.position}.csv",
                    organiser_id=organiser_id,
                    timezone=seminar.timezone,
                    confirm_date=True,
                )
            else:
                shown = {r.id for r in people}
                attendance.mark(session, shown, {r.id for r in came}, organiser_id)
            recorded += 1
        if slug == data.LEADERSHIP_2023["slug"]:
            issue_all(seminar, now=seminar.ends_at + timedelta(days=3), send_email=False)
    return recorded


def _with_places(session: SeminarSession) -> list[Registration]:
    return list(
        db.session.execute(
            sa.select(Registration)
            .join(SessionChoice)
            .where(
                SessionChoice.session_id == session.id,
                SessionChoice.status == ChoiceStatus.CONFIRMED,
                Registration.status == RegistrationStatus.CONFIRMED,
            )
            .order_by(Registration.id)
            .options(sa.orm.selectinload(Registration.participant))
        ).scalars()
    )


def _display_name(registration: Registration, rng: random.Random) -> str:
    """What people type into Zoom: their name, in Latin letters, or shortened."""
    full = registration.full_name
    choice = rng.random()
    if choice < 0.4:
        return full
    if choice < 0.75:
        return transliterate(full).title()
    if choice < 0.9:
        return f"{registration.given_name} {registration.family_name[:1]}."
    return f"{rng.randrange(1, 99):02d}_{full}"


def _zoom_report(session: SeminarSession, came: list[Registration], rng: random.Random) -> bytes:
    """A Zoom "participants" export of the session, as its host would download it."""
    tz = session.seminar.zone
    start = session.starts_at.astimezone(tz)
    end = session.ends_at.astimezone(tz)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    host_email = "host@szpt.demo.example"
    writer.writerow(
        [
            "Meeting ID",
            "Topic",
            "Start Time",
            "End Time",
            "User Email",
            "Duration (Minutes)",
            "Participants",
        ]
    )
    writer.writerow(
        [
            f"8{rng.randrange(10**9, 10**10)}",
            session.title,
            start.strftime(ZOOM_TIME),
            end.strftime(ZOOM_TIME),
            host_email,
            session.minutes,
            len(came) + 3,
        ]
    )
    writer.writerow([])
    writer.writerow(
        [
            "Name (Original Name)",
            "User Email",
            "Join Time",
            "Leave Time",
            "Duration (Minutes)",
            "Guest",
        ]
    )

    def row(name, email, joined, left):
        minutes = max(1, round((left - joined).total_seconds() / 60))
        writer.writerow(
            [
                name,
                email,
                joined.strftime(ZOOM_TIME),
                left.strftime(ZOOM_TIME),
                minutes,
                "No" if email else "Yes",
            ]
        )

    row("UNEVOC Centre (Host)", host_email, start - timedelta(minutes=20), end)
    for registration in came:
        joined = start + timedelta(minutes=rng.randint(-10, 12))
        left = end - timedelta(minutes=rng.randint(0, 8))
        if rng.random() < 0.12:  # left early: not present
            left = joined + timedelta(minutes=rng.randint(5, session.minutes // 3))
        email = registration.participant.email if rng.random() < 0.7 else ""
        name = _display_name(registration, rng)
        if rng.random() < 0.1:  # dropped and came back
            middle = joined + (left - joined) / 2
            row(name, email, joined, middle)
            row(name, email, middle + timedelta(minutes=2), left)
        else:
            row(name, email, joined, left)
    for walk_in in ("Dial-in +976 99 11 22 33", "Guest from Erdenet", "iPhone"):
        row(walk_in, "", start + timedelta(minutes=5), end - timedelta(minutes=30))
    return out.getvalue().encode()
