"""Who earned a certificate (counted in SQL), issuing them at once, and what each one says."""

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from seminar_reg.attendance.models import Attendance
from seminar_reg.certificates.models import Certificate
from seminar_reg.certificates.pdf import CertificateContent
from seminar_reg.extensions import db, insert_once, utcnow
from seminar_reg.i18n import date_range, format_in_zone
from seminar_reg.mail.messages import queue_email
from seminar_reg.partners.models import PartnerRole
from seminar_reg.registration.models import Registration, RegistrationStatus
from seminar_reg.registration.tokens import manage_token
from seminar_reg.seminars.models import CertificateThreshold, Seminar, SeminarSession
from seminar_reg.urls import external_url

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    """Twelve characters in three groups, e.g. K7M2-Q9XW-4T8P: 60 bits, easy to read out."""
    characters = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return "-".join(characters[i : i + 4] for i in range(0, 12, 4))


def attendance_totals(seminar_id: int):
    """Per confirmed registration: sessions attended and minutes, as a subquery."""
    return (
        sa.select(
            Registration.id.label("registration_id"),
            sa.func.count(Attendance.session_id).filter(Attendance.present).label("sessions"),
            sa.func.coalesce(sa.func.sum(Attendance.minutes), 0).label("minutes"),
        )
        .outerjoin(Attendance, Attendance.registration_id == Registration.id)
        .where(
            Registration.seminar_id == seminar_id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .group_by(Registration.id)
        .subquery()
    )


def eligible_condition(seminar: Seminar, totals):
    """The seminar's threshold as a SQL condition on ``attendance_totals``."""
    if seminar.certificate_threshold_type == CertificateThreshold.MINUTES:
        return totals.c.minutes >= seminar.certificate_threshold_value
    session_count = db.session.scalar(
        sa.select(sa.func.count()).where(SeminarSession.seminar_id == seminar.id)
    )
    return totals.c.sessions * 100 >= seminar.certificate_threshold_value * session_count


def eligible_ids(seminar: Seminar) -> list[int]:
    totals = attendance_totals(seminar.id)
    return list(
        db.session.execute(
            sa.select(totals.c.registration_id).where(
                eligible_condition(seminar, totals), totals.c.sessions > 0
            )
        ).scalars()
    )


def certificate_counts(seminar: Seminar) -> dict[str, int]:
    issued = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Certificate)
        .join(Registration)
        .where(Registration.seminar_id == seminar.id)
    )
    return {"eligible": len(eligible_ids(seminar)), "issued": issued}


def is_eligible(registration: Registration) -> bool:
    return registration.id in eligible_ids(registration.seminar)


def _email(certificate: Certificate) -> None:
    registration = certificate.registration
    seminar = registration.seminar
    title = seminar.title
    token = manage_token(registration)
    queue_email(
        kind="certificate",
        to=registration.email,
        language=registration.language,
        subject=lambda: _("Your certificate of attendance: %(title)s", title=title),
        template="certificate",
        context={
            "registration": registration,
            "seminar": seminar,
            "certificate_url": external_url("certificates.download", token=token),
            "verify_url": external_url("certificates.verify", code=certificate.code),
            "seminar_url": external_url("public.seminar", slug=seminar.slug),
        },
        seminar_id=seminar.id,
        registration_id=registration.id,
        reply_to=seminar.contact_email,
    )


def issue_all(seminar: Seminar, now: datetime | None = None, send_email: bool = True) -> int:
    """A certificate for each eligible participant who has none yet, each emailed a link."""
    now = now or utcnow()
    issued = 0
    already = set(
        db.session.execute(
            sa.select(Certificate.registration_id)
            .join(Registration)
            .where(Registration.seminar_id == seminar.id)
        ).scalars()
    )
    for registration_id in eligible_ids(seminar):
        if registration_id in already:
            continue
        certificate = insert_once(
            Certificate, registration_id=registration_id, code=new_code(), issued_at=now
        )
        if certificate is not None:
            if send_email:
                _email(certificate)
            issued += 1
    db.session.commit()
    return issued


def certificate_of(registration: Registration) -> Certificate | None:
    return db.session.execute(
        sa.select(Certificate).where(Certificate.registration_id == registration.id)
    ).scalar_one_or_none()


def by_code(code: str) -> Certificate | None:
    typed = code.strip().upper()
    if not typed or len(typed) > 20:
        return None
    return db.session.execute(
        sa.select(Certificate).where(Certificate.code == typed)
    ).scalar_one_or_none()


def attended_sessions(registration: Registration) -> list[SeminarSession]:
    return list(
        db.session.execute(
            sa.select(SeminarSession)
            .join(Attendance, Attendance.session_id == SeminarSession.id)
            .where(Attendance.registration_id == registration.id, Attendance.present)
            .order_by(SeminarSession.starts_at)
        ).scalars()
    )


def content(certificate: Certificate):
    """What the certificate says, in the participant's language."""
    registration = certificate.registration
    seminar = registration.seminar
    organisers = [
        partner.organisation
        for partner in seminar.partners
        if partner.role in (PartnerRole.ORGANISER, PartnerRole.CO_ORGANISER, PartnerRole.HOST)
    ]
    with force_locale(registration.language):
        labels = {
            "title": _("Certificate of attendance"),
            "certifies": _("This certifies that"),
            "attended": _("attended"),
            "organised_by": _("organised by"),
            "sessions": _("Sessions attended"),
            "verify": _("Verify this certificate at"),
            "issued": _("Issued on"),
        }
        sessions = [
            f"{session.title} ({format_in_zone(session.starts_at, seminar.zone, 'd MMM y')})"
            for session in attended_sessions(registration)
        ]
        return CertificateContent(
            participant_name=registration.full_name,
            seminar_title=seminar.title,
            seminar_dates=date_range(seminar.starts_at, seminar.ends_at, seminar.zone),
            partners=organisers,
            sessions_attended=sessions,
            verification_code=certificate.code,
            verification_url=external_url("certificates.verify", code=certificate.code),
            issued_on=format_in_zone(certificate.issued_at, seminar.zone, "d MMMM y"),
            language=registration.language,
            labels=labels,
        )
