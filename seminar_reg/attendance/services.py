"""Recording attendance per session: imported reports, the organiser's roster, self check-in.

All three write the same record per registration and session. An import never overwrites what an
organiser set by hand on the roster, and a later import of the same session replaces what the
earlier one set. An import is applied in one transaction: all of it, or nothing.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from seminar_reg.attendance.matching import MatchKind, Registrant, ReportPerson, match_people
from seminar_reg.attendance.models import (
    Attendance,
    AttendanceImport,
    AttendanceSource,
    ImportedPerson,
    Outcome,
)
from seminar_reg.attendance.parsers import (
    PLATFORM_LABELS,
    TIME_ONLY_DATE,
    ParsedReport,
    ReportFormatError,
    ReportRow,
    merge_intervals,
    parse_report,
)
from seminar_reg.errors import DomainError
from seminar_reg.extensions import db, utcnow
from seminar_reg.locks import lock_row
from seminar_reg.registration import services as registrations
from seminar_reg.registration.models import (
    ChoiceStatus,
    Participant,
    RegisteredBy,
    Registration,
    RegistrationStatus,
    SessionChoice,
)
from seminar_reg.seminars.models import SeminarSession
from seminar_reg.text import fold

#: roles of people who run the meeting rather than attend it
HOST_ROLES = {"host", "co-host", "panelist", "organizer", "co-organizer"}
#: the largest report file taken
MAX_REPORT_BYTES = 10 * 1024 * 1024


class ReportDateDiffers(DomainError):
    """The report is of another day than the session; the organiser must confirm."""

    def __init__(self, report_day, session_day) -> None:
        super().__init__(
            _(
                "This report is of %(report)s but the session is on %(session)s. "
                "Tick the box to import it anyway.",
                report=report_day.isoformat(),
                session=session_day.isoformat(),
            )
        )


@dataclass
class Person:
    """One person of a report: their rows merged, times made real instants in UTC."""

    key: str
    name: str
    email: str
    alt_email: str
    role: str
    attended: bool
    intervals: list[tuple[datetime, datetime]] = field(default_factory=list)
    stated_seconds: int = 0


def read_report(data: bytes, date_order: str | None = None) -> ParsedReport:
    if not data:
        raise DomainError(_("The file is empty."))
    if len(data) > MAX_REPORT_BYTES:
        raise DomainError(_("The file is larger than %(size)d MB.", size=MAX_REPORT_BYTES >> 20))
    try:
        return parse_report(data, date_order=date_order)
    except ReportFormatError as error:
        raise DomainError(error.message) from error


def _instant(wall_clock: datetime | None, tz: ZoneInfo, session_day) -> datetime | None:
    if wall_clock is None:
        return None
    if wall_clock.date() in (TIME_ONLY_DATE, TIME_ONLY_DATE + timedelta(days=1)):
        # Google Meet prints times of day only: they belong to the session's day.
        wall_clock = datetime.combine(
            session_day + (wall_clock.date() - TIME_ONLY_DATE), wall_clock.time()
        )
    return wall_clock.replace(tzinfo=tz).astimezone(ZoneInfo("UTC"))


def _person_key(row: ReportRow) -> str:
    return row.email or row.alt_email or f"name:{fold(row.name)}"


def people_of(report: ParsedReport, tz: ZoneInfo, session_day) -> list[Person]:
    """The report's rows merged per person (by email, else by name), in report order."""
    people: dict[str, Person] = {}
    for row in report.rows:
        key = _person_key(row)
        person = people.get(key)
        if person is None:
            person = people[key] = Person(
                key, row.name, row.email, row.alt_email, row.role, row.attended is not False
            )
        person.attended = person.attended or row.attended is not False
        if row.role in HOST_ROLES:
            person.role = row.role
        start = _instant(row.joined_at, tz, session_day)
        end = _instant(row.left_at, tz, session_day)
        if start and end:
            person.intervals.append((start, end))
        elif row.duration_seconds:
            person.stated_seconds += row.duration_seconds
    return list(people.values())


def minutes_in_session(person: Person, session: SeminarSession) -> int:
    """Minutes within the session's time: rejoins count once (the union of intervals)."""
    clipped = [
        (max(start, session.starts_at), min(end, session.ends_at))
        for start, end in person.intervals
    ]
    union = merge_intervals((s, e) for s, e in clipped if e > s)
    seconds = sum((end - start).total_seconds() for start, end in union)
    if not person.intervals:
        seconds = person.stated_seconds  # unique-users exports give a total only
    return int(seconds // 60)


def _report_day(report: ParsedReport, people: list[Person], tz: ZoneInfo):
    if report.meeting_start and report.has_dates:
        return report.meeting_start.date()
    starts = [start for person in people for start, _end in person.intervals]
    return min(starts).astimezone(tz).date() if starts and report.has_dates else None


def _registrants(session: SeminarSession) -> list[Registrant]:
    """Every registration of the seminar that is not cancelled, as the matcher needs it."""
    rows = db.session.execute(
        sa.select(
            Registration.id, Registration.given_name, Registration.family_name, Participant.email
        )
        .join(Participant)
        .where(
            Registration.seminar_id == session.seminar_id,
            Registration.status != RegistrationStatus.CANCELLED,
        )
    ).all()
    return [Registrant(*row) for row in rows]


@dataclass
class ImportResult:
    record: AttendanceImport
    #: False when the same file had been imported for this session already
    changed: bool = True


def import_report(
    session: SeminarSession,
    data: bytes,
    filename: str,
    *,
    organiser_id: int | None,
    timezone: str | None = None,
    date_order: str | None = None,
    confirm_date: bool = False,
    now: datetime | None = None,
) -> ImportResult:
    """Read, match and apply a report for one session, in one transaction."""
    now = now or utcnow()
    seminar = session.seminar
    tz = ZoneInfo(timezone or seminar.timezone)
    report = read_report(data, date_order)
    digest = hashlib.sha256(data).hexdigest()
    try:
        # One import of a session at a time: the same file sent twice at once is then seen as
        # imported by the second, instead of both writing the same attendance.
        _lock_session(session.id)
        latest = _latest_import(session)
        if latest is not None and (latest.sha256, latest.timezone, latest.date_order) == (
            digest,
            tz.key,
            report.date_order,
        ):
            db.session.rollback()
            return ImportResult(latest, changed=False)
        session_day = session.starts_at.astimezone(tz).date()
        people = people_of(report, tz, session_day)
        report_day = _report_day(report, people, tz)
        if report_day and abs((report_day - session_day).days) > 0 and not confirm_date:
            raise ReportDateDiffers(report_day, session_day)
        record = _apply(session, report, people, tz, digest, filename, organiser_id, now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return ImportResult(record)


def _lock_session(session_id: int) -> None:
    """Serialise imports of one session until the transaction ends."""
    lock_row(SeminarSession, session_id)


def _latest_import(session: SeminarSession) -> AttendanceImport | None:
    return db.session.execute(
        sa.select(AttendanceImport)
        .where(AttendanceImport.session_id == session.id)
        .order_by(AttendanceImport.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _apply(session, report, people, tz, digest, filename, organiser_id, now) -> AttendanceImport:
    matches = match_people(
        [ReportPerson(p.key, p.name, p.email, p.alt_email) for p in people], _registrants(session)
    )
    record = AttendanceImport(
        session_id=session.id,
        filename=filename[:255],
        sha256=digest,
        platform=report.platform,
        timezone=tz.key,
        date_order=report.date_order,
        uploaded_by_id=organiser_id,
        created_at=now,
        problems=[{"line": p.line, "reason": p.reason, "text": p.text} for p in report.problems],
    )
    db.session.add(record)
    db.session.flush()
    # A corrected file replaces the earlier import's values; the roster's stay.
    db.session.execute(
        sa.delete(Attendance).where(
            Attendance.session_id == session.id, Attendance.source == AttendanceSource.IMPORT
        )
    )
    existing = _session_attendance(session.id)
    figures = defaultdict(int, rows_read=len(report.rows), people=len(people))
    needed = session.minutes * session.seminar.presence_share / 100
    stamp = {
        "source": AttendanceSource.IMPORT,
        "import_id": record.id,
        "recorded_at": now,
        "recorded_by_id": organiser_id,
    }
    found, new_attendance = [], []
    # Nobody matched, or proposed to the organiser, is set absent for not being in the report.
    settled_or_pending: set[int] = set()
    for person, match in zip(people, matches, strict=True):
        outcome = _outcome(person, match)
        values = {
            "registration_id": match.registrant_id,
            "minutes": minutes_in_session(person, session),
            "first_join": min((s for s, _e in person.intervals), default=None),
            "last_leave": max((e for _s, e in person.intervals), default=None),
        }
        found.append(
            {
                **values,
                "import_id": record.id,
                "name": person.name[:300],
                "email": person.email or person.alt_email,
                "role": person.role,
                "outcome": outcome,
                "score": match.score,
                "candidates": [list(c) for c in match.candidates],
            }
        )
        figures[outcome.value] += 1
        if outcome in (Outcome.EMAIL, Outcome.NAME, Outcome.PROPOSED):
            settled_or_pending.add(match.registrant_id)
        if outcome not in (Outcome.EMAIL, Outcome.NAME):
            continue
        current = existing.get(match.registrant_id)
        present = values["minutes"] >= needed
        if _keeps(current, present):
            figures["kept_by_hand"] += current.source == AttendanceSource.ROSTER
        elif current is not None:
            _write(current, present=present, session_id=session.id, **values, **stamp)
        else:
            new_attendance.append({**values, **stamp, "present": present, "session_id": session.id})
    absent = _absent_for_the_rest(session, settled_or_pending | set(existing))
    new_attendance += [
        {
            "registration_id": registration_id,
            "session_id": session.id,
            "present": False,
            "minutes": 0,
            **stamp,
        }
        for registration_id in absent
    ]
    figures["absent_not_in_report"] = len(absent)
    # Thousands of rows: inserted in bulk rather than object by object.
    if found:
        db.session.execute(sa.insert(ImportedPerson), found)
    if new_attendance:
        db.session.execute(sa.insert(Attendance), new_attendance)
    counts = db.session.execute(
        sa.select(Attendance.present, sa.func.count())
        .where(Attendance.session_id == session.id)
        .group_by(Attendance.present)
    ).all()
    figures.update({"present" if present else "absent": n for present, n in counts})
    record.figures = dict(figures)
    return record


def _outcome(person: Person, match) -> Outcome:
    if not person.attended:
        return Outcome.IGNORED  # registered with the platform but never came
    kind = {
        MatchKind.EMAIL: Outcome.EMAIL,
        MatchKind.NAME: Outcome.NAME,
        MatchKind.PROPOSED: Outcome.PROPOSED,
    }.get(match.kind, Outcome.UNMATCHED)
    if kind == Outcome.UNMATCHED and person.role in HOST_ROLES:
        return Outcome.IGNORED
    return kind


def _keeps(current: Attendance | None, present: bool) -> bool:
    """Whether what is recorded stands against a report: the roster's word always does, and a
    check-in proves presence the report did not show."""
    if current is None:
        return False
    return current.source == AttendanceSource.ROSTER or (
        current.source == AttendanceSource.CHECK_IN and not present
    )


def _write(attendance: Attendance, **values) -> None:
    for name, value in values.items():
        setattr(attendance, name, value)


def record_imported(
    imported: ImportedPerson,
    session_id: int,
    needed_minutes: float,
    organiser_id: int | None,
    existing: dict[int, Attendance],
    now: datetime,
) -> int:
    """Write one matched person's attendance; 1 when the roster's value was kept instead."""
    present = imported.minutes >= needed_minutes
    current = existing.get(imported.registration_id)
    if _keeps(current, present):
        return int(current.source == AttendanceSource.ROSTER)
    if current is None:
        current = Attendance(registration_id=imported.registration_id, session_id=session_id)
        db.session.add(current)
        existing[imported.registration_id] = current
    _write(
        current,
        present=present,
        minutes=imported.minutes,
        first_join=imported.first_join,
        last_leave=imported.last_leave,
        source=AttendanceSource.IMPORT,
        import_id=imported.import_id,
        recorded_at=now,
        recorded_by_id=organiser_id,
    )
    return 0


def _absent_for_the_rest(session: SeminarSession, known: set[int]) -> list[int]:
    """Those with a place in the session who are neither in the report nor recorded otherwise."""
    expected = db.session.execute(
        sa.select(SessionChoice.registration_id)
        .join(Registration)
        .where(
            SessionChoice.session_id == session.id,
            SessionChoice.status == ChoiceStatus.CONFIRMED,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    ).scalars()
    return [registration_id for registration_id in expected if registration_id not in known]


def platform_label(platform: str) -> str:
    return PLATFORM_LABELS.get(platform, platform)


# --- the organiser's review of an import ---------------------------------------------------------


def _session_attendance(session_id: int) -> dict[int, Attendance]:
    return {
        a.registration_id: a
        for a in db.session.execute(
            sa.select(Attendance).where(Attendance.session_id == session_id)
        ).scalars()
    }


def _refresh_figures(record: AttendanceImport) -> None:
    counts = dict(
        db.session.execute(
            sa.select(ImportedPerson.outcome, sa.func.count())
            .where(ImportedPerson.import_id == record.id)
            .group_by(ImportedPerson.outcome)
        ).all()
    )
    present = dict(
        db.session.execute(
            sa.select(Attendance.present, sa.func.count())
            .where(Attendance.session_id == record.session_id)
            .group_by(Attendance.present)
        ).all()
    )
    figures = dict(record.figures)
    figures.update({outcome.value: counts.get(outcome, 0) for outcome in Outcome})
    figures.update(present=present.get(True, 0), absent=present.get(False, 0))
    record.figures = figures


def confirm(person: ImportedPerson, registration_id: int, organiser_id: int, now=None) -> None:
    """The organiser says who this is: their attendance is applied as a match would be."""
    record = person.import_
    if person.outcome not in (Outcome.PROPOSED, Outcome.UNMATCHED, Outcome.REJECTED):
        raise DomainError(_("This person is already settled."))
    allowed = {person.registration_id, *(c[0] for c in person.candidates)}
    if registration_id not in allowed:
        raise DomainError(_("Choose one of the proposed registrations."))
    taken = db.session.execute(
        sa.select(ImportedPerson.id).where(
            ImportedPerson.import_id == record.id,
            ImportedPerson.registration_id == registration_id,
            ImportedPerson.outcome.in_((Outcome.EMAIL, Outcome.NAME, Outcome.CONFIRMED)),
        )
    ).first()
    if taken:
        raise DomainError(_("That registration is matched to someone else in this report."))
    session = record.session
    person.registration_id = registration_id
    person.outcome = Outcome.CONFIRMED
    needed = session.minutes * session.seminar.presence_share / 100
    record_imported(
        person, session.id, needed, organiser_id, _session_attendance(session.id), now or utcnow()
    )
    _refresh_figures(record)
    db.session.commit()


def set_aside(person: ImportedPerson, outcome: Outcome) -> None:
    """Reject a proposal, or ignore someone (a dial-in, a guest, a host)."""
    if person.outcome in (Outcome.EMAIL, Outcome.NAME, Outcome.CONFIRMED, Outcome.ADDED):
        raise DomainError(_("This person is already matched."))
    person.outcome = outcome
    _refresh_figures(person.import_)
    db.session.commit()


# --- the roster and self check-in ---------------------------------------------------------------


def roster(session: SeminarSession, search: str = "") -> list[tuple[Registration, Attendance]]:
    """The people with a place in the session, with what is recorded for them."""
    query = (
        sa.select(Registration, Attendance)
        .join(SessionChoice, SessionChoice.registration_id == Registration.id)
        .outerjoin(
            Attendance,
            sa.and_(
                Attendance.registration_id == Registration.id,
                Attendance.session_id == session.id,
            ),
        )
        .where(
            SessionChoice.session_id == session.id,
            SessionChoice.status == ChoiceStatus.CONFIRMED,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .order_by(Registration.family_name, Registration.given_name, Registration.id)
        .options(sa.orm.selectinload(Registration.institution))
    )
    if search:
        query = query.where(Registration.search_key.like(f"%{fold(search)}%"))
    return list(db.session.execute(query).all())


def mark(
    session: SeminarSession,
    shown: set[int],
    present: set[int],
    organiser_id: int,
    now: datetime | None = None,
) -> int:
    """The organiser's ticks for the people shown: each one that changes becomes theirs."""
    now = now or utcnow()
    allowed = {registration.id for registration, _a in roster(session)}
    current = _session_attendance(session.id)
    changed = 0
    for registration_id in shown & allowed:
        is_present = registration_id in present
        attendance = current.get(registration_id)
        if attendance is not None and attendance.present == is_present:
            continue
        if attendance is None:
            attendance = Attendance(registration_id=registration_id, session_id=session.id)
            db.session.add(attendance)
        attendance.present = is_present
        attendance.source = AttendanceSource.ROSTER
        attendance.import_id = None
        attendance.recorded_at = now
        attendance.recorded_by_id = organiser_id
        if not is_present:
            attendance.minutes = 0
        changed += 1
    db.session.commit()
    return changed


def check_in_window(session: SeminarSession) -> tuple[datetime, datetime]:
    """From a quarter of an hour before the start to the end."""
    return session.starts_at - timedelta(minutes=15), session.ends_at


def check_in(registration: Registration, code: str, now: datetime | None = None) -> SeminarSession:
    """A participant checks in with the code the moderator shows; the session is found by it."""
    now = now or utcnow()
    typed = "".join(code.split()).upper()
    session = db.session.execute(
        sa.select(SeminarSession).where(
            SeminarSession.seminar_id == registration.seminar_id,
            SeminarSession.check_in_code == typed,
        )
    ).scalar_one_or_none()
    if session is None or not typed:
        raise DomainError(_("This code is not right. Check it with the moderator."))
    opens, closes = check_in_window(session)
    if not opens <= now <= closes:
        raise DomainError(
            _("Check-in for this session is open from 15 minutes before it starts until it ends.")
        )
    choice = next((c for c in registration.choices if c.session_id == session.id), None)
    if (
        registration.status != RegistrationStatus.CONFIRMED
        or choice is None
        or choice.status != ChoiceStatus.CONFIRMED
    ):
        raise DomainError(_("You do not have a place in this session."))
    attendance = _session_attendance(session.id).get(registration.id)
    if attendance is None:
        attendance = Attendance(registration_id=registration.id, session_id=session.id)
        db.session.add(attendance)
    elif attendance.source == AttendanceSource.ROSTER or attendance.present:
        return session  # already recorded; the organiser's word stands
    attendance.present = True
    attendance.first_join = now
    attendance.source = AttendanceSource.CHECK_IN
    attendance.import_id = None
    attendance.recorded_at = now
    attendance.recorded_by_id = None
    db.session.commit()
    return session


def add_as_participant(
    person: ImportedPerson, country: str, institution, organiser_id: int, now=None
) -> Registration:
    """Register an unmatched person of the report (a walk-in) and apply their attendance."""
    if person.outcome not in (Outcome.UNMATCHED, Outcome.REJECTED, Outcome.IGNORED):
        raise DomainError(_("This person is already matched."))
    if not person.email:
        raise DomainError(_("Someone without an email address cannot be registered."))
    session = person.import_.session
    request = registrations.RegistrationRequest(
        person=registrations.PersonDetails(
            given_name=person.name[:100],
            family_name="",
            email=person.email,
            timezone=session.seminar.timezone,
        ),
        country=country,
        institution=institution,
        session_ids=(session.id,),
    )
    result = registrations.register(
        session.seminar, request, by=RegisteredBy.ORGANISER, send_email=False
    )
    person = db.session.get(ImportedPerson, person.id)
    person.registration_id = result.registration.id
    person.outcome = Outcome.ADDED
    session = person.import_.session
    needed = session.minutes * session.seminar.presence_share / 100
    record_imported(
        person, session.id, needed, organiser_id, _session_attendance(session.id), now or utcnow()
    )
    _refresh_figures(person.import_)
    db.session.commit()
    return result.registration
