"""Importing a meeting report: a 20,000-row Zoom participants report, 5,000 registrations.

Run: .venv/bin/python -m bench.attendance_import [--rows 20000] [--registrations 5000]
Builds a seminar with that many registrations (names in Cyrillic, Latin and Chinese) on SQLite
and on the local PostgreSQL (127.0.0.1:5432, trust; its own database, dropped after), writes a
Zoom report in which about 90% of them appear, four times each on average (rejoins), a third of
them without email and under their Latin spelling, and times the import: reading, matching,
writing.
"""

import argparse
import csv
import io
import random
import time
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bench.databases import archived_seminar, both
from seminar_reg import create_app
from seminar_reg.attendance.services import import_report
from seminar_reg.extensions import db
from seminar_reg.institutions.models import Institution, InstitutionType
from seminar_reg.registration.models import (
    Participant,
    Registration,
    RegistrationStatus,
    SessionChoice,
)
from seminar_reg.seminars.models import SeminarSession
from seminar_reg.text import fold, transliterate

GIVEN = ["Батбаяр", "Оюунчимэг", "Сарангэрэл", "Төмөрбаатар", "Anna", "José", "Wei", "Sokha"]
FAMILY = ["Дорж", "Батсүх", "Гантулга", "Müller", "Núñez", "Wang", "Chan", "Khan", "Bold"]
START = datetime(2023, 4, 18, 6, 0, tzinfo=UTC)
END = START + timedelta(hours=3)
ZOOM_TIME = "%m/%d/%Y %I:%M:%S %p"


def build(registrations: int) -> tuple[int, list[tuple[str, str]]]:
    """A seminar, one session, and the registrations; (session id, [(name, email)])."""
    seminar = archived_seminar(START, [(START, END)])
    session = seminar.sessions[0]
    institution = Institution(
        name="Bench College",
        country="MN",
        type=InstitutionType.OTHER,
        normalised_name="bench college",
        normalised_acronym="",
    )
    db.session.add_all([seminar, institution])
    db.session.flush()
    rng = random.Random(1)
    people = []
    for number in range(registrations):
        given, family = rng.choice(GIVEN), f"{rng.choice(FAMILY)}{number}"
        people.append((f"{given} {family}", f"person{number}@example.org", given, family))
    db.session.execute(
        sa.insert(Participant), [{"email": email} for _name, email, _g, _f in people]
    )
    ids = dict(db.session.execute(sa.select(Participant.email, Participant.id)).all())
    now = datetime.now(UTC)
    db.session.execute(
        sa.insert(Registration),
        [
            {
                "seminar_id": seminar.id,
                "participant_id": ids[email],
                "given_name": given,
                "family_name": family,
                "search_key": fold(name),
                "institution_id": institution.id,
                "country": "MN",
                "status": RegistrationStatus.CONFIRMED,
                "consented_at": now,
                "manage_token_hash": uuid.uuid4().hex + uuid.uuid4().hex,
                "created_at": now,
                "updated_at": now,
            }
            for name, email, given, family in people
        ],
    )
    registration_ids = db.session.execute(sa.select(Registration.id)).scalars().all()
    db.session.execute(
        sa.insert(SessionChoice),
        [{"registration_id": rid, "session_id": session.id} for rid in registration_ids],
    )
    db.session.commit()
    return session.id, [(name, email) for name, email, _g, _f in people]


def zoom_report(people: list[tuple[str, str]], rows: int) -> bytes:
    rng = random.Random(2)
    # A third of those present are known only by their Latin display name, without email.
    present = [
        (transliterate(name), "") if rng.random() < 0.33 else (name, email)
        for name, email in people
        if rng.random() < 0.9
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
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
    for number in range(rows):
        name, email = present[number % len(present)]
        joined = START + timedelta(minutes=rng.randint(0, 150))
        left = min(END, joined + timedelta(minutes=rng.randint(5, 90)))
        minutes = int((left - joined).total_seconds() // 60)
        writer.writerow(
            [name, email, joined.strftime(ZOOM_TIME), left.strftime(ZOOM_TIME), minutes, "No"]
        )
    return out.getvalue().encode()


def measure(database: str, rows: int, registrations: int) -> tuple[float, dict]:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "b"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        session_id, people = build(registrations)
        report = zoom_report(people, rows)
        session = db.session.get(SeminarSession, session_id)
        started = time.perf_counter()
        result = import_report(session, report, "bench.csv", organiser_id=None)
        elapsed = time.perf_counter() - started
        figures = dict(result.record.figures)
        db.session.remove()
        db.engine.dispose()
    return elapsed, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--registrations", type=int, default=5_000)
    args = parser.parse_args()
    print(f"Attendance import: {args.rows} report rows, {args.registrations} registrations")
    print(
        f"{'database':>10} {'seconds':>8} {'rows/s':>8} {'people':>7} {'email':>6} {'name':>6}"
        f" {'proposed':>8} {'present':>8}"
    )
    with both() as databases:
        for label, url in databases.items():
            elapsed, f = measure(url, args.rows, args.registrations)
            print(
                f"{label:>10} {elapsed:>8.2f} {args.rows / elapsed:>8.0f} {f['people']:>7}"
                f" {f.get('email', 0):>6} {f.get('name', 0):>6} {f.get('proposed', 0):>8}"
                f" {f.get('present', 0):>8}"
            )


if __name__ == "__main__":
    main()
