"""Personal data kept no longer than each seminar's privacy notice says, the figures kept true.

A seminar's registrations keep names and contact details for ``retention_months`` after its
last session. Then ``erase_expired`` (the scheduler runs it; ``flask privacy erase-expired``
too) erases, in one transaction per seminar:

- each registration's names, position, search key, manage link and submission id; the person
  behind it becomes a stand-in participant of its own (``erased-<id>@invalid``), so that the
  registration no longer leads to an address, while the person's registrations for other
  seminars stay theirs; people left with no registration at all are deleted;
- the focal points' names and addresses of its groups;
- what attendance imports kept of the people in the reports (names, addresses, the lines that
  could not be read) and the file names;
- every email about the seminar in the outbox (addresses, bodies, links).

What the reports count stays: country, institution, role, gender, language, status, the
sessions chosen, attendance and its minutes, certificates (whose verification page then says
the name was erased). Reports before and after give the same figures.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from seminar_reg.attendance.models import Attendance, AttendanceImport, ImportedPerson
from seminar_reg.certificates.models import Certificate
from seminar_reg.extensions import db
from seminar_reg.mail.models import OutboxMessage
from seminar_reg.registration import services
from seminar_reg.registration.models import (
    Participant,
    Registration,
    RegistrationGroup,
    RegistrationStatus,
)
from seminar_reg.seminars.models import Seminar, SeminarSession
from seminar_reg.text import normalise_email

#: a domain that can never receive mail (RFC 2606)
ERASED_DOMAIN = "invalid"


@dataclass(frozen=True)
class Erased:
    seminar: str
    registrations: int


def _months_later(instant: datetime, months: int) -> datetime:
    month = instant.month - 1 + months
    year, month = instant.year + month // 12, month % 12 + 1
    day = min(instant.day, 28)  # the retention period is counted in months, not to the day
    return instant.replace(year=year, month=month, day=day)


#: no seminar keeps its data for less than a month: older seminars only are looked at
_SHORTEST_PERIOD = timedelta(days=28)


def erase_expired(now: datetime) -> list[Erased]:
    """Erase the personal data of every seminar whose retention period is over.

    Run every minute by the scheduler: SQL picks the seminars not yet erased whose last session
    ended a month ago at least; only those are checked against their own period.
    """
    last_end = sa.func.max(SeminarSession.ends_at)
    candidates = db.session.execute(
        sa.select(Seminar, last_end)
        .join(SeminarSession)
        .where(Seminar.personal_data_erased_at.is_(None))
        .group_by(Seminar.id)
        .having(last_end <= now - _SHORTEST_PERIOD)
    ).all()
    due = [
        seminar
        for seminar, ended in candidates
        if _months_later(ended, seminar.retention_months) <= now
    ]
    return [erase_personal_data(seminar, now) for seminar in due]


def erase_personal_data(seminar: Seminar, now: datetime) -> Erased:
    """Erase the seminar's personal data and commit (see the module docstring)."""
    try:
        registrations = list(
            db.session.execute(
                sa.select(Registration).where(Registration.seminar_id == seminar.id)
            ).scalars()
        )
        people = {registration.participant_id for registration in registrations}
        for registration in registrations:
            _erase_person(registration)
        db.session.flush()
        db.session.execute(
            sa.update(RegistrationGroup)
            .where(RegistrationGroup.seminar_id == seminar.id)
            .values(focal_point_name="", focal_point_email="", submission_id=None)
        )
        imports = (
            sa.select(AttendanceImport.id)
            .join(SeminarSession)
            .where(SeminarSession.seminar_id == seminar.id)
        )
        db.session.execute(
            sa.update(ImportedPerson)
            .where(ImportedPerson.import_id.in_(imports))
            .values(name="", email="")
        )
        db.session.execute(
            sa.update(AttendanceImport)
            .where(AttendanceImport.id.in_(imports))
            .values(problems=[], filename="")
        )
        db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.seminar_id == seminar.id))
        _delete_people_without_registrations(people)
        seminar.personal_data_erased_at = now
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return Erased(seminar.slug, len(registrations))


def erase_registration(registration: Registration, now: datetime) -> None:
    """A participant's own request: cancel (the next in line takes the place) and erase the
    registration's personal data, in one transaction; the figures keep it, anonymous."""
    try:
        if registration.status != RegistrationStatus.CANCELLED:
            services.cancel_uncommitted(registration, by_organiser=False, now=now)
        person = registration.participant_id
        _erase_person(registration)
        db.session.flush()
        db.session.execute(
            sa.update(ImportedPerson)
            .where(ImportedPerson.registration_id == registration.id)
            .values(name="", email="")
        )
        db.session.execute(
            sa.delete(OutboxMessage).where(OutboxMessage.registration_id == registration.id)
        )
        _delete_people_without_registrations({person})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def _erase_person(registration: Registration) -> None:
    registration.given_name = ""
    registration.family_name = ""
    registration.position = ""
    registration.search_key = ""
    registration.manage_token_hash = None
    registration.manage_token_nonce = ""
    registration.submission_id = None
    # A stand-in of its own: the registration leads to no address, the person's other
    # registrations stay theirs.
    registration.participant = Participant(
        email=f"erased-{registration.seminar_id}-{registration.id}@{ERASED_DOMAIN}"
    )


def _delete_people_without_registrations(people: set[int]) -> None:
    if people:
        db.session.execute(
            sa.delete(Participant).where(
                Participant.id.in_(people),
                ~sa.exists().where(Registration.participant_id == Participant.id),
            )
        )


def personal_data(registration: Registration) -> dict:
    """Everything stored about the person for this registration, for them to download."""

    def when(instant: datetime | None) -> str | None:
        return instant.isoformat() if instant else None

    attendance = db.session.execute(
        sa.select(Attendance).where(Attendance.registration_id == registration.id)
    ).scalars()
    certificates = db.session.execute(
        sa.select(Certificate).where(Certificate.registration_id == registration.id)
    ).scalars()
    emails = db.session.execute(
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.registration_id == registration.id,
            OutboxMessage.to_address == registration.participant.email,  # not the partners'
        )
        .order_by(OutboxMessage.id)
    ).scalars()
    institution = registration.institution
    return {
        "seminar": {"title": registration.seminar.title, "slug": registration.seminar.slug},
        "registration": {
            "given_name": registration.given_name,
            "family_name": registration.family_name,
            "email": registration.participant.email,
            "position": registration.position,
            "role": registration.role_category.value,
            "gender": registration.gender.value if registration.gender else None,
            "country": registration.country,
            "institution": institution.name if institution else None,
            "language": registration.language,
            "timezone": registration.timezone,
            "status": registration.status.value,
            "registered_by": registration.registered_by.value,
            "listed_publicly": registration.listed_publicly,
            "consented_at": when(registration.consented_at),
            "registered_at": when(registration.created_at),
            "cancelled_at": when(registration.cancelled_at),
        },
        "sessions": [
            {"title": choice.session.title, "status": choice.status.value}
            for choice in registration.choices
        ],
        "attendance": [
            {
                "session_id": record.session_id,
                "present": record.present,
                "minutes": record.minutes,
                "source": record.source.value,
            }
            for record in attendance
        ],
        "certificates": [{"code": c.code, "issued_at": when(c.issued_at)} for c in certificates],
        "emails": [
            {"to": m.to_address, "subject": m.subject, "written_at": when(m.created_at)}
            for m in emails
        ],
    }


def registrations_of(email: str) -> list[Registration]:
    """Every registration of the person with this address, in any seminar."""
    return list(
        db.session.execute(
            sa.select(Registration)
            .join(Participant)
            .where(Participant.email == normalise_email(email))
            .options(selectinload(Registration.seminar))
            .order_by(Registration.id)
        ).scalars()
    )


def erase_person(email: str, now: datetime) -> int:
    """An organiser's erasure of a person everywhere: each registration as if they asked."""
    registrations = registrations_of(email)
    for registration in registrations:
        erase_registration(registration, now)
    return len(registrations)
