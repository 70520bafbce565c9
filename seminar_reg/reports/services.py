"""The reports: every figure counted and grouped in SQL, for the whole seminar or a partner's scope.

Each report is built on one per-registration subquery of the seminar's confirmed registrations:
sessions attended, minutes, and which sessions, as bits. Grouping that by country, institution,
role or gender gives the reports, rows and totals in one statement; the exports read the same
subquery, so that the numbers of every page and file agree.

Which sessions someone attended is kept as a bit set (session k of the seminar is bit k of
``bits<k // 30>``) rather than as one count per session: summing one CASE per attendance record
costs a quarter less than ten filtered counts, which on 100,000 registrations is what keeps the
per-country report under half a second on SQLite. Thirty bits per column keep every sum a plain
integer on PostgreSQL, whose SUM of a BIGINT would be a NUMERIC without bit operators.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from seminar_reg.attendance.models import Attendance
from seminar_reg.certificates.models import Certificate
from seminar_reg.extensions import db
from seminar_reg.institutions.models import Institution
from seminar_reg.registration.models import (
    ChoiceStatus,
    Gender,
    Participant,
    Registration,
    RegistrationStatus,
    RoleCategory,
    SessionChoice,
)
from seminar_reg.seminars.models import CertificateThreshold, Seminar, SeminarSession


@dataclass(frozen=True)
class Scope:
    """Whose registrations a report covers: all of a seminar's, or a partner's part of them."""

    seminar: Seminar
    #: a SQL condition on Registration (a partner's scope); None for the whole seminar
    condition: object = None
    #: whose part it is and what it covers, e.g. "VETP: Mongolia"; empty for the whole seminar
    description: str = ""

    @property
    def sessions(self) -> list[SeminarSession]:
        return self.seminar.sessions


#: sessions per bit-set column
SESSION_BITS = 30


def per_registration(scope: Scope, *, statuses=(RegistrationStatus.CONFIRMED,)):
    """One row per registration: who, and what they attended. The base of every report."""
    columns = [
        Registration.id.label("registration_id"),
        Registration.country,
        Registration.institution_id,
        Registration.gender,
        Registration.role_category,
        Registration.status,
        sa.func.count(Attendance.session_id).label("sessions"),
        sa.func.coalesce(sa.func.sum(Attendance.minutes), 0).label("minutes"),
    ]
    sessions = scope.sessions
    for first in range(0, len(sessions), SESSION_BITS):
        bit = {s.id: 1 << k for k, s in enumerate(sessions[first : first + SESSION_BITS])}
        bits = sa.case(bit, value=Attendance.session_id, else_=0)
        column = sa.func.coalesce(sa.func.sum(bits), 0)
        columns.append(column.label(f"bits{first // SESSION_BITS}"))
    query = (
        sa.select(*columns)
        .outerjoin(
            Attendance, sa.and_(Attendance.registration_id == Registration.id, Attendance.present)
        )
        .where(Registration.seminar_id == scope.seminar.id, Registration.status.in_(statuses))
        .group_by(Registration.id)
    )
    if scope.condition is not None:
        query = query.where(scope.condition)
    # SQLite computes a subquery named twice (a report's rows and totals) twice; PostgreSQL
    # would store it once, but runs the two halves side by side faster when it may inline it.
    return query.cte("per_registration").prefix_with("NOT MATERIALIZED", dialect="postgresql")


#: columns of ``attendance_list`` before its ``bits<n>``
LIST_COLUMNS = 16


def list_bits(row) -> Sequence[int]:
    """The ``bits<n>`` of a row of ``attendance_list``."""
    return row[LIST_COLUMNS:]


def attended_sessions(bits: Sequence[int], count: int) -> list[bool]:
    """Per session of the seminar, in order, whether a registration attended it, from its
    ``bits<n>`` columns of ``per_registration``."""
    return [
        bool(bits[index // SESSION_BITS] >> (index % SESSION_BITS) & 1) for index in range(count)
    ]


def attended_session(base, index: int):
    """1 when the registration attended the seminar's session number ``index`` (from 0), else 0."""
    bits = base.c[f"bits{index // SESSION_BITS}"]
    return bits.op(">>")(index % SESSION_BITS).op("&")(1)


def _qualifies(seminar: Seminar, base):
    """The seminar's certificate threshold as a condition on ``per_registration``."""
    if seminar.certificate_threshold_type == CertificateThreshold.MINUTES:
        return sa.and_(base.c.sessions > 0, base.c.minutes >= seminar.certificate_threshold_value)
    needed = seminar.certificate_threshold_value * len(seminar.sessions)
    return sa.and_(base.c.sessions > 0, base.c.sessions * 100 >= needed)


def _measures(scope: Scope, base) -> list:
    """The columns every grouped report has, as SQL aggregates over ``per_registration``."""
    came = base.c.sessions > 0
    count_if = lambda condition: sa.func.count().filter(condition)  # noqa: E731
    gender = sa.func.coalesce(base.c.gender, Gender.UNDISCLOSED.value)
    measures = [
        sa.func.count(sa.distinct(base.c.institution_id)).label("institutions"),
        sa.func.count(sa.distinct(sa.case((came, base.c.institution_id)))).label(
            "institutions_attending"
        ),
        sa.func.count().label("registered"),
        count_if(came).label("attended"),
        sa.func.coalesce(sa.func.sum(base.c.minutes), 0).label("minutes"),
        count_if(sa.and_(came, gender == Gender.FEMALE.value)).label("women"),
        count_if(sa.and_(came, gender == Gender.MALE.value)).label("men"),
        count_if(sa.and_(came, gender == Gender.OTHER.value)).label("other"),
        count_if(sa.and_(came, gender == Gender.UNDISCLOSED.value)).label("undisclosed"),
        count_if(_qualifies(scope.seminar, base)).label("eligible"),
        sa.func.coalesce(sa.func.sum(base.c.sessions), 0).label("attendances"),
    ]
    for index, session in enumerate(scope.sessions):
        attended = sa.func.sum(attended_session(base, index))
        measures.append(sa.func.coalesce(attended, 0).label(f"s{session.id}"))
    return measures


@dataclass
class Row:
    """One line of a grouped report."""

    key: str
    label: str
    institutions: int
    institutions_attending: int
    registered: int
    attended: int
    minutes: int
    women: int
    men: int
    other: int
    undisclosed: int
    eligible: int
    #: sessions attended, all attendees together
    attendances: int = 0
    per_session: list[int] = field(default_factory=list)
    country: str = ""

    @property
    def rate(self) -> float:
        return self.attended / self.registered if self.registered else 0.0


def _row(key, label, mapping, sessions, country="") -> Row:
    return Row(
        key=str(key or ""),
        label=label,
        institutions=mapping["institutions"],
        institutions_attending=mapping["institutions_attending"],
        registered=mapping["registered"],
        attended=mapping["attended"],
        minutes=int(mapping["minutes"] or 0),
        women=mapping["women"],
        men=mapping["men"],
        other=mapping["other"],
        undisclosed=mapping["undisclosed"],
        eligible=mapping["eligible"],
        attendances=int(mapping["attendances"] or 0),
        per_session=[int(mapping[f"s{s.id}"] or 0) for s in sessions],
        country=country,
    )


@dataclass
class Grouped:
    rows: list[Row]
    total: Row


def _report(scope: Scope, keys, label, *, joins=lambda base: (), where=lambda base: ()) -> Grouped:
    """Group ``per_registration`` by ``keys(base)``; rows sorted by attendees, then label.

    The rows and the totals come from one statement (a UNION ALL over the per-registration
    subquery, which both databases then compute once).
    """
    base = per_registration(scope)
    measures = _measures(scope, base)
    key_columns = keys(base)
    conditions = where(base)
    rows = sa.select(sa.literal(0).label("is_total"), *key_columns, *measures).select_from(base)
    for target, on in joins(base):
        rows = rows.outerjoin(target, on)
    rows = rows.where(*conditions).group_by(*key_columns)
    blanks = [sa.null().label(column.key) for column in key_columns]
    total = sa.select(sa.literal(1).label("is_total"), *blanks, *measures).select_from(base)
    result = db.session.execute(rows.union_all(total.where(*conditions))).mappings().all()
    grouped = [label(row) for row in result if not row["is_total"]]
    grouped.sort(key=lambda row: (-row.attended, row.label.casefold()))
    totals = next(row for row in result if row["is_total"])
    return Grouped(grouped, _row("", "", totals, scope.sessions))


def by_country(scope: Scope, country_name) -> Grouped:
    """One row per country, the main report; ``country_name`` names a code for the reader."""
    return _report(
        scope,
        lambda base: [base.c.country],
        lambda row: _row(
            row["country"], country_name(row["country"]), row, scope.sessions, row["country"]
        ),
    )


def by_institution(scope: Scope, country: str | None = None) -> Grouped:
    """One row per institution, of one country or all."""

    def label(row) -> Row:
        name = row["name"] or "—"
        text = f"{name} ({row['acronym']})" if row["acronym"] else name
        return _row(row["institution_id"], text, row, scope.sessions, row["country"])

    return _report(
        scope,
        lambda base: [base.c.institution_id, Institution.name, Institution.acronym, base.c.country],
        label,
        joins=lambda base: [(Institution, Institution.id == base.c.institution_id)],
        where=lambda base: [base.c.country == country] if country else [],
    )


def by_group(scope: Scope, role_label, gender_label) -> Grouped:
    """One row per role category and gender, for sex-disaggregated reporting, in the order the
    registration form lists them."""
    gender = lambda base: sa.func.coalesce(base.c.gender, Gender.UNDISCLOSED.value)  # noqa: E731

    def label(row) -> Row:
        role, sex = RoleCategory(row["role_category"]), Gender(row["gender"])
        return _row(
            f"{role.value}:{sex.value}",
            f"{role_label(role)} · {gender_label(sex)}",
            row,
            scope.sessions,
        )

    report = _report(
        scope, lambda base: [base.c.role_category, gender(base).label("gender")], label
    )
    roles, genders = list(RoleCategory), list(Gender)

    def order(row: Row) -> tuple[int, int]:
        role, sex = row.key.split(":")
        return roles.index(RoleCategory(role)), genders.index(Gender(sex))

    report.rows.sort(key=order)
    return report


@dataclass
class SessionRow:
    session: SeminarSession
    registered: int
    attended: int
    average_minutes: float
    longest_minutes: int
    #: country code -> (registered, attended)
    by_country: dict[str, tuple[int, int]]


def by_session(scope: Scope) -> list[SessionRow]:
    """Per session: places taken and attendees, overall and per country; minutes attended."""
    placed = (
        sa.select(SessionChoice.session_id, Registration.country, sa.func.count().label("n"))
        .join(Registration)
        .join(SeminarSession)
        .where(
            SeminarSession.seminar_id == scope.seminar.id,
            SessionChoice.status == ChoiceStatus.CONFIRMED,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .group_by(SessionChoice.session_id, Registration.country)
    )
    present = (
        sa.select(
            Attendance.session_id,
            Registration.country,
            sa.func.count().label("n"),
            sa.func.sum(Attendance.minutes).label("minutes"),
            sa.func.max(Attendance.minutes).label("longest"),
        )
        .join(Registration)
        .join(SeminarSession)
        .where(
            SeminarSession.seminar_id == scope.seminar.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            Attendance.present,
        )
        .group_by(Attendance.session_id, Registration.country)
    )
    if scope.condition is not None:
        placed, present = placed.where(scope.condition), present.where(scope.condition)
    places, came = {}, {}
    for session_id, country, number in db.session.execute(placed).all():
        places[(session_id, country)] = number
    for session_id, country, number, minutes, longest in db.session.execute(present).all():
        came[(session_id, country)] = (number, int(minutes or 0), int(longest or 0))
    rows = []
    for session in scope.sessions:
        countries = sorted({c for s, c in [*places, *came] if s == session.id})
        by_country = {
            c: (places.get((session.id, c), 0), came.get((session.id, c), (0, 0, 0))[0])
            for c in countries
        }
        attended = sum(a for _r, a in by_country.values())
        minutes = sum(came.get((session.id, c), (0, 0, 0))[1] for c in countries)
        longest = max((came.get((session.id, c), (0, 0, 0))[2] for c in countries), default=0)
        rows.append(
            SessionRow(
                session,
                sum(r for r, _a in by_country.values()),
                attended,
                minutes / attended if attended else 0.0,
                longest,
                by_country,
            )
        )
    return rows


@dataclass
class Headline:
    registered: int
    confirmed: int
    waitlisted: int
    attended: int
    countries: int
    institutions: int
    sessions: int
    average_sessions: float
    women: int
    men: int
    other: int
    undisclosed: int
    eligible: int
    certificates: int


def headline(scope: Scope, countries: Grouped) -> Headline:
    """The figures at the top, from the per-country report's totals, with the waiting list and
    the certificates issued counted beside it."""
    waiting = (
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(
            Registration.seminar_id == scope.seminar.id,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
    )
    certificates = (
        sa.select(sa.func.count())
        .select_from(Certificate)
        .join(Registration)
        .where(Registration.seminar_id == scope.seminar.id)
    )
    if scope.condition is not None:
        waiting, certificates = waiting.where(scope.condition), certificates.where(scope.condition)
    waitlisted = db.session.scalar(waiting)
    total = countries.total
    return Headline(
        registered=total.registered + waitlisted,
        confirmed=total.registered,
        waitlisted=waitlisted,
        attended=total.attended,
        countries=len(countries.rows),
        institutions=total.institutions,
        sessions=len(scope.sessions),
        average_sessions=total.attendances / total.attended if total.attended else 0.0,
        women=total.women,
        men=total.men,
        other=total.other,
        undisclosed=total.undisclosed,
        eligible=total.eligible,
        certificates=db.session.scalar(certificates),
    )


def attendance_list(scope: Scope, country: str | None = None):
    """The attendance list as one SELECT, one row per confirmed or waitlisted registration.

    Sorted by country, institution and name. Columns, in this order: registration_id,
    given_name, family_name, email, institution, acronym, country, position, role_category,
    gender, status (these three as stored: the enums' values), sessions_registered, sessions,
    minutes, eligible, certificate, and the ``bits<n>`` that ``attended_sessions`` reads. Run it
    with ``yield_per`` to stream it.
    """
    seminar = scope.seminar
    statuses = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
    base = per_registration(scope, statuses=statuses)
    # A count per row beats grouping every place of the seminar first: the places are found
    # through their primary key, which starts with the registration.
    placed = (
        sa.select(sa.func.count())
        .where(
            SessionChoice.registration_id == Registration.id,
            SessionChoice.status == ChoiceStatus.CONFIRMED,
        )
        .scalar_subquery()
    )
    confirmed = base.c.status == RegistrationStatus.CONFIRMED.value
    eligible = sa.case((sa.and_(confirmed, _qualifies(seminar, base)), 1), else_=0)
    query = (
        sa.select(
            Registration.id.label("registration_id"),
            Registration.given_name,
            Registration.family_name,
            Participant.email,
            Institution.name.label("institution"),
            Institution.acronym,
            Registration.country,
            Registration.position,
            # The values as stored: the list looks their labels up; enum members would only be
            # made to be turned back into the same text, 300,000 times for 100,000 rows.
            sa.type_coerce(Registration.role_category, sa.String).label("role_category"),
            sa.type_coerce(Registration.gender, sa.String).label("gender"),
            sa.type_coerce(Registration.status, sa.String).label("status"),
            placed.label("sessions_registered"),
            base.c.sessions,
            base.c.minutes,
            eligible.label("eligible"),
            Certificate.code.label("certificate"),
            *(column for column in base.c if column.key.startswith("bits")),
        )
        .join(base, base.c.registration_id == Registration.id)
        .join(Participant, Participant.id == Registration.participant_id)
        .outerjoin(Institution, Institution.id == Registration.institution_id)
        .outerjoin(Certificate, Certificate.registration_id == Registration.id)
        .order_by(
            Registration.country,
            Institution.name,
            Registration.family_name,
            Registration.given_name,
            Registration.id,
        )
    )
    if country:
        query = query.where(Registration.country == country)
    return query


def attendance_list_count(scope: Scope, country: str | None = None) -> int:
    """How many rows ``attendance_list`` has, without computing them."""
    query = (
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(
            Registration.seminar_id == scope.seminar.id,
            Registration.status.in_((RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)),
        )
    )
    if scope.condition is not None:
        query = query.where(scope.condition)
    if country:
        query = query.where(Registration.country == country)
    return db.session.scalar(query)


def countries_in(scope: Scope) -> list[str]:
    """The countries of the scope's confirmed registrations, for a filter's choices."""
    query = (
        sa.select(Registration.country)
        .where(
            Registration.seminar_id == scope.seminar.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .distinct()
    )
    if scope.condition is not None:
        query = query.where(scope.condition)
    return list(db.session.scalars(query))
