"""Reports on a large seminar: 100,000 registrations, 60 countries, 5,000 institutions.

Run: .venv/bin/python -m bench.reports [--registrations 100000] [--repeat 3]
Builds, on SQLite and on the local PostgreSQL (127.0.0.1:5432, trust; its own database, dropped
after), a seminar of 10 sessions with the registrations spread over 60 countries and 5,000
institutions, about 8 places and 6 attended sessions each (about 600,000 attendance records),
and prints the best of ``--repeat`` runs of:

- the per-country report (``reports.services.by_country``: its rows and its totals);
- the per-institution report (``by_institution``);
- the floor: the same per-country figures as one hand-written statement, timed on the database
  (without the totals row the report has too), and, below any report, the time to read each
  registration with its attendance and nothing more;
- the attendance list's CSV export through the web route, read to the end; how much the
  process's resident memory grew while it streamed (sampled every 5 ms), and, in one more run
  under tracemalloc, the most memory Python had allocated at once.

Targets (issue 6): per-country under 0.5 s and within 2x of the floor; the CSV of 100,000 rows
under 3 s, memory growth under 50 MB.
"""

import argparse
import os
import random
import threading
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta

import pycountry
import sqlalchemy as sa

from bench.databases import archived_seminar, both
from seminar_reg import create_app
from seminar_reg.accounts.models import Organiser
from seminar_reg.attendance.models import Attendance, AttendanceSource
from seminar_reg.extensions import db
from seminar_reg.institutions.models import Institution, InstitutionType
from seminar_reg.registration.models import (
    Gender,
    Participant,
    Registration,
    RegistrationStatus,
    RoleCategory,
    SessionChoice,
)
from seminar_reg.reports import services
from seminar_reg.reports.exports import country_label
from seminar_reg.seminars.models import Seminar

START = datetime(2023, 4, 18, 6, 0, tzinfo=UTC)
SESSIONS = 10
COUNTRIES = 60
INSTITUTIONS = 5_000
CHUNK = 10_000
GIVEN = ["Батбаяр", "Оюунчимэг", "Anna", "José", "芳", "Wei", "Sokha", "Ayesha"]
FAMILY = ["Дорж", "Батсүх", "Müller", "Núñez", "王", "Chan", "Khan", "Bold"]
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def _insert(model, rows) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(model), rows[start : start + CHUNK])


def build(registrations: int) -> tuple[str, int]:
    """The seminar, its registrations, places and attendance; (slug, organiser id)."""
    rng = random.Random(6)
    days = [START + timedelta(days=number) for number in range(1, SESSIONS + 1)]
    seminar = archived_seminar(START, [(day, day + timedelta(hours=2)) for day in days])
    organiser = Organiser(email="bench@example.org", name="Bench", seminars=[seminar])
    organiser.set_password("bench-password")
    db.session.add_all([seminar, organiser])
    db.session.flush()
    countries = [country.alpha_2 for country in list(pycountry.countries)[:COUNTRIES]]
    _insert(
        Institution,
        [
            {
                "name": f"Institute {number}",
                "acronym": "",
                "country": countries[number % COUNTRIES],
                "type": InstitutionType.TVET_INSTITUTE,
                "normalised_name": f"institute {number}",
                "normalised_acronym": "",
            }
            for number in range(INSTITUTIONS)
        ],
    )
    institutions = db.session.execute(sa.select(Institution.id, Institution.country)).all()
    _insert(Participant, [{"email": f"p{n}@example.org"} for n in range(registrations)])
    participants = db.session.execute(sa.select(Participant.id)).scalars().all()
    now = datetime.now(UTC)
    rows = []
    for number, participant_id in enumerate(participants):
        institution_id, country = institutions[rng.randrange(INSTITUTIONS)]
        rows.append(
            {
                "seminar_id": seminar.id,
                "participant_id": participant_id,
                "given_name": rng.choice(GIVEN),
                "family_name": f"{rng.choice(FAMILY)}{number}",
                "position": "Teacher",
                "role_category": rng.choice(list(RoleCategory)),
                "gender": rng.choice([*Gender, None]),
                "search_key": f"person {number}",
                "institution_id": institution_id,
                "country": country,
                "status": RegistrationStatus.CONFIRMED,
                "consented_at": now,
                "manage_token_hash": uuid.uuid4().hex + uuid.uuid4().hex,
                "created_at": now,
                "updated_at": now,
            }
        )
    _insert(Registration, rows)
    session_ids = [session.id for session in seminar.sessions]
    registration_ids = db.session.execute(sa.select(Registration.id)).scalars().all()
    choices, attendance = [], []
    for registration_id in registration_ids:
        places = rng.sample(session_ids, rng.randint(6, SESSIONS))
        choices += [{"registration_id": registration_id, "session_id": s} for s in places]
        for session_id in places:
            if rng.random() < 0.75:
                attendance.append(
                    {
                        "registration_id": registration_id,
                        "session_id": session_id,
                        "present": True,
                        "minutes": rng.randint(10, 120),
                        "source": AttendanceSource.IMPORT,
                        "recorded_at": now,
                    }
                )
    _insert(SessionChoice, choices)
    _insert(Attendance, attendance)
    db.session.commit()
    print(
        f"  built: {len(registration_ids):,} registrations, {len(choices):,} places,"
        f" {len(attendance):,} attendance records"
    )
    return seminar.slug, organiser.id


# The floor: the per-country figures as one hand-written statement, as one would write it
# straight in SQL: each registration with its attendance, a column per session, grouped by country.
FLOOR = """
SELECT r.country,
       COUNT(DISTINCT r.institution_id),
       COUNT(DISTINCT CASE WHEN a.sessions > 0 THEN r.institution_id END),
       COUNT(*),
       SUM(CASE WHEN a.sessions > 0 THEN 1 ELSE 0 END),
       {per_session},
       SUM(a.minutes),
       SUM(CASE WHEN a.sessions > 0 AND r.gender = 'female' THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.sessions > 0 AND r.gender = 'male' THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.sessions > 0 AND r.gender = 'other' THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.sessions > 0 AND COALESCE(r.gender, 'undisclosed') = 'undisclosed'
           THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.sessions > 0 AND a.sessions * 100 >= 75 * {sessions} THEN 1 ELSE 0 END)
FROM registrations r
JOIN (
    SELECT r.id, COUNT(a.session_id) AS sessions, COALESCE(SUM(a.minutes), 0) AS minutes,
           {attended}
    FROM registrations r
    LEFT JOIN attendance a ON a.registration_id = r.id AND a.present
    WHERE r.seminar_id = :seminar AND r.status = 'confirmed'
    GROUP BY r.id
) a ON a.id = r.id
GROUP BY r.country
"""
# Reading the rows every report reads, and nothing else: what no report can go below.
READING = sa.text("""
SELECT COUNT(*) FROM (
    SELECT r.id, COUNT(a.session_id) FROM registrations r
    LEFT JOIN attendance a ON a.registration_id = r.id AND a.present
    WHERE r.seminar_id = :seminar AND r.status = 'confirmed'
    GROUP BY r.id
) per_registration
""")


def floor_statement(session_ids: list[int]) -> sa.TextClause:
    attended = ", ".join(
        f"MAX(CASE WHEN a.session_id = {s} THEN 1 ELSE 0 END) AS s{s}" for s in session_ids
    )
    per_session = ", ".join(f"SUM(a.s{s})" for s in session_ids)
    sessions = len(session_ids)
    return sa.text(FLOOR.format(attended=attended, per_session=per_session, sessions=sessions))


def best(repeat: int, work) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def resident() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE


def export_csv(app, slug: str, organiser_id: int) -> tuple[float, int, int]:
    """Seconds, bytes and resident-memory growth of the attendance list's CSV download."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(organiser_id)
        session["_fresh"] = True
    peak, running = resident(), True

    def sample() -> None:
        nonlocal peak
        while running:
            peak = max(peak, resident())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    before = resident()
    sampler.start()
    started = time.perf_counter()
    response = client.get(f"/manage/seminars/{slug}/reports/attendance.csv", buffered=False)
    size = sum(len(chunk) for chunk in response.iter_encoded())
    response.close()
    elapsed = time.perf_counter() - started
    running = False
    sampler.join()
    return elapsed, size, peak - before


def measure(label: str, database: str, registrations: int, repeat: int) -> None:
    print(f"{label}:")
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        slug, organiser_id = build(registrations)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                connection.execute(sa.text("ANALYZE"))
                connection.commit()
        else:
            db.session.execute(sa.text("ANALYZE"))
            # As a database at rest is: the bulk load written from the WAL into the file.
            db.session.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        seminar = db.session.execute(sa.select(Seminar).filter_by(slug=slug)).scalar_one()
        scope = services.Scope(seminar)
        countries, report = best(repeat, lambda: services.by_country(scope, country_label))
        institutions, per_institution = best(repeat, lambda: services.by_institution(scope))
        values = {"seminar": seminar.id}
        statement = floor_statement([session.id for session in seminar.sessions])
        floor, raw = best(repeat, lambda: db.session.execute(statement, values).all())
        reading, _count = best(repeat, lambda: db.session.execute(READING, values).scalar())
        assert len(raw) == len(report.rows) == COUNTRIES
        assert sum(row[4] for row in raw) == report.total.attended
        db.session.remove()
        print(f"  per-country report      {countries:7.3f} s  ({len(report.rows)} rows + totals)")
        print(
            f"  per-institution report  {institutions:7.3f} s"
            f"  ({len(per_institution.rows):,} rows + totals)"
        )
        print(
            f"  raw SQL floor           {floor:7.3f} s  (per-country is {countries / floor:.2f}x;"
            " the same figures, one hand-written statement, no totals)"
        )
        print(f"  reading the rows alone  {reading:7.3f} s  (registrations with their attendance)")
    times = [export_csv(app, slug, organiser_id) for _ in range(repeat)]
    elapsed, size, growth = min(times)
    tracemalloc.start()
    export_csv(app, slug, organiser_id)
    _current, allocated = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"  attendance CSV          {elapsed:7.3f} s  ({registrations:,} rows, {size / 1e6:.1f} MB,"
        f" {registrations / elapsed:,.0f} rows/s)"
    )
    print(
        f"    memory while streaming: resident +{growth / 2**20:.1f} MB,"
        f" Python allocations at most {allocated / 2**20:.1f} MB"
    )
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(
        f"Reports: {args.registrations:,} registrations, {COUNTRIES} countries,"
        f" {INSTITUTIONS:,} institutions, {SESSIONS} sessions; best of {args.repeat}"
    )
    with both() as databases:
        for label, url in databases.items():
            measure(label, url, args.registrations, args.repeat)


if __name__ == "__main__":
    main()
