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
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from seminar_reg.attendance.models import AttendanceImport, ImportedPerson
from seminar_reg.extensions import db
from seminar_reg.mail.models import OutboxMessage
from seminar_reg.registration.models import Participant, Registration, RegistrationGroup
from seminar_reg.seminars.models import Seminar, SeminarSession

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


def erase_due(seminar: Seminar, now: datetime) -> bool:
    """Whether the seminar's retention period is over and its personal data still there."""
    ends_at = seminar.ends_at
    return (
        seminar.personal_data_erased_at is None
        and ends_at is not None
        and _months_later(ends_at, seminar.retention_months) <= now
    )


def erase_expired(now: datetime) -> list[Erased]:
    """Erase the personal data of every seminar whose retention period is over."""
    seminars = db.session.execute(
        sa.select(Seminar)
        .where(Seminar.personal_data_erased_at.is_(None))
        .where(sa.exists().where(SeminarSession.seminar_id == Seminar.id))
        .options(selectinload(Seminar.sessions))
    ).scalars()
    due = [seminar for seminar in seminars if erase_due(seminar, now)]
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
            registration.given_name = ""
            registration.family_name = ""
            registration.position = ""
            registration.search_key = ""
            registration.manage_token_hash = None
            registration.manage_token_nonce = ""
            registration.submission_id = None
            registration.participant = Participant(
                email=f"erased-{seminar.id}-{registration.id}@{ERASED_DOMAIN}"
            )
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
        if people:
            db.session.execute(
                sa.delete(Participant).where(
                    Participant.id.in_(people),
                    ~sa.exists().where(Registration.participant_id == Participant.id),
                )
            )
        seminar.personal_data_erased_at = now
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return Erased(seminar.slug, len(registrations))
