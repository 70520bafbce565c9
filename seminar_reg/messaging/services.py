"""Reminders before each session, sent once whoever runs them; organisers' messages."""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from seminar_reg.errors import DomainError
from seminar_reg.extensions import db, insert_once
from seminar_reg.i18n import paragraphs, session_when
from seminar_reg.mail.messages import queue_email
from seminar_reg.messaging.models import Audience, OrganiserMessage, SentReminder
from seminar_reg.registration.models import (
    ChoiceStatus,
    Registration,
    RegistrationStatus,
    SessionChoice,
)
from seminar_reg.registration.tokens import manage_token
from seminar_reg.seminars.models import Seminar, SeminarSession, SeminarStatus
from seminar_reg.timezones import zone
from seminar_reg.urls import external_url

#: how far ahead reminders can be set, in minutes (two weeks)
LONGEST_REMINDER = 14 * 24 * 60

# --- reminders ----------------------------------------------------------------------------------


def _claim_reminder(registration_id: int, session_id: int, offset: int) -> bool:
    claimed = insert_once(
        SentReminder, registration_id=registration_id, session_id=session_id, offset_minutes=offset
    )
    return claimed is not None


def _reminder_email(registration: Registration, session: SeminarSession, offset: int) -> None:
    seminar = registration.seminar
    title = session.title
    queue_email(
        kind="reminder",
        to=registration.email,
        language=registration.language,
        subject=lambda: _("Reminder: %(session)s", session=title),
        template="reminder",
        context={
            "registration": registration,
            "seminar": seminar,
            "session": session,
            "reader_zone": zone(registration.timezone),
            "manage_url": external_url("registration.manage", token=manage_token(registration)),
            "seminar_url": external_url("public.seminar", slug=seminar.slug),
            "offset": offset,
        },
        seminar_id=seminar.id,
        registration_id=registration.id,
        reply_to=seminar.contact_email,
    )


def send_due_reminders(now: datetime) -> int:
    """Remind everyone with a place in a session when one of its reminder times has come.

    Only the latest due reminder goes (after a pause, nobody gets "tomorrow" and "in an hour"
    at once), and nobody who registered after that reminder's time, whose confirmation was
    their reminder.
    """
    sent = 0
    sessions = db.session.execute(
        sa.select(SeminarSession)
        .join(Seminar)
        .where(
            Seminar.status.in_((SeminarStatus.PUBLISHED, SeminarStatus.REGISTRATION_CLOSED)),
            SeminarSession.starts_at > now,
            SeminarSession.starts_at <= now + timedelta(minutes=LONGEST_REMINDER),
        )
        .options(selectinload(SeminarSession.seminar))
    ).scalars()
    for session in sessions:
        due = [
            o
            for o in session.seminar.reminder_offsets
            if session.starts_at - timedelta(minutes=o) <= now
        ]
        if not due:
            continue
        current = min(due)
        due_at = session.starts_at - timedelta(minutes=current)
        already = sa.exists().where(
            SentReminder.registration_id == Registration.id,
            SentReminder.session_id == session.id,
            SentReminder.offset_minutes == current,
        )
        registrations = db.session.execute(
            sa.select(Registration)
            .join(SessionChoice)
            .where(
                SessionChoice.session_id == session.id,
                SessionChoice.status == ChoiceStatus.CONFIRMED,
                Registration.status == RegistrationStatus.CONFIRMED,
                Registration.created_at <= due_at,
                ~already,
            )
            .options(selectinload(Registration.participant), selectinload(Registration.seminar))
        ).scalars()
        for registration in registrations:
            if not _claim_reminder(registration.id, session.id, current):
                continue  # another scheduler sent it
            for earlier in (o for o in due if o != current):
                _claim_reminder(registration.id, session.id, earlier)
            _reminder_email(registration, session, current)
            sent += 1
        db.session.commit()
    return sent


# --- organisers' messages -----------------------------------------------------------------------

PLACEHOLDERS = ("name", "manage_link", "sessions")
PARTNER_PLACEHOLDERS = ("name",)
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def placeholders_in(text: str) -> set[str]:
    return {m.group(1) for m in _PLACEHOLDER.finditer(text) if m.group(1) is not None}


def fill(text: str, values: dict[str, str]) -> str:
    """The text with each {placeholder} replaced; {{ and }} stand for literal braces."""

    def replace(match: re.Match) -> str:
        if match.group(0) in ("{{", "}}"):
            return match.group(0)[0]
        return values[match.group(1)]

    return _PLACEHOLDER.sub(replace, text)


def check_placeholders(text: str, audience: Audience) -> None:
    allowed = PARTNER_PLACEHOLDERS if audience == Audience.PARTNERS else PLACEHOLDERS
    unknown = sorted(placeholders_in(text) - set(allowed))
    if unknown:
        names = ", ".join(f"{{{name}}}" for name in unknown)
        usable = ", ".join(f"{{{name}}}" for name in allowed)
        raise DomainError(
            _(
                "Unknown placeholder: %(names)s. You can use %(allowed)s.",
                names=names,
                allowed=usable,
            )
        )


@dataclass
class Recipient:
    address: str
    language: str
    values: dict[str, str]
    registration_id: int | None = None


@dataclass
class Preview:
    count: int
    first: Recipient | None = None
    subject: str = ""
    body: str = ""
    recipients: list[Recipient] = field(default_factory=list)


def audience_registrations(seminar: Seminar, audience: Audience, value: str):
    """The registrations an audience means, as a query."""
    query = sa.select(Registration).where(Registration.seminar_id == seminar.id)
    if audience == Audience.WAITING_LIST:
        return query.where(Registration.status == RegistrationStatus.WAITLISTED)
    query = query.where(Registration.status == RegistrationStatus.CONFIRMED)
    if audience == Audience.SESSION:
        return query.where(
            Registration.choices.any(
                sa.and_(
                    SessionChoice.session_id == int(value),
                    SessionChoice.status == ChoiceStatus.CONFIRMED,
                )
            )
        )
    if audience == Audience.COUNTRY:
        return query.where(Registration.country == value)
    if audience == Audience.INSTITUTION:
        return query.where(Registration.institution_id == int(value))
    return query


def _sessions_text(registration: Registration) -> str:
    seminar = registration.seminar
    reader = zone(registration.timezone)
    return "\n".join(
        f"- {session.title}: "
        f"{session_when(session.starts_at, session.ends_at, seminar.zone, reader)}"
        for session in registration.chosen_sessions
    )


def recipients(seminar: Seminar, audience: Audience, value: str) -> Iterator[Recipient]:
    if audience == Audience.PARTNERS:
        for partner in seminar.partners:
            for address in partner.contact_emails:
                yield Recipient(address, "en", {"name": partner.organisation})
        return
    query = audience_registrations(seminar, audience, value).order_by(Registration.id)
    for registration in db.session.execute(
        query.options(selectinload(Registration.participant), selectinload(Registration.choices))
    ).scalars():
        yield Recipient(
            registration.email,
            registration.language,
            {
                "name": registration.full_name,
                "manage_link": external_url(
                    "registration.manage", token=manage_token(registration)
                ),
                "sessions": _sessions_text(registration),
            },
            registration.id,
        )


def preview(seminar: Seminar, audience: Audience, value: str, subject: str, body: str) -> Preview:
    """How many will receive it, and what the first of them will read."""
    check_placeholders(subject + body, audience)
    everyone = list(recipients(seminar, audience, value))
    if not everyone:
        return Preview(0)
    first = everyone[0]
    return Preview(
        len(everyone), first, fill(subject, first.values), fill(body, first.values), everyone
    )


def send_message(
    seminar: Seminar, organiser_id: int, audience: Audience, value: str, subject: str, body: str
) -> OrganiserMessage:
    """Write one email per recipient into the outbox, with the message kept as written."""
    planned = preview(seminar, audience, value, subject, body)
    if not planned.count:
        raise DomainError(_("Nobody is in this audience."))
    message = OrganiserMessage(
        seminar_id=seminar.id,
        sent_by_id=organiser_id,
        audience=audience,
        audience_value=value,
        subject=subject,
        body=body,
        recipients=planned.count,
    )
    db.session.add(message)
    for recipient in planned.recipients:
        text = fill(body, recipient.values)
        queue_email(
            kind="message",
            to=recipient.address,
            language=recipient.language,
            subject=lambda recipient=recipient: fill(subject, recipient.values),
            template="message",
            context={
                "seminar": seminar,
                "text": text,
                "html": paragraphs(text),
                "seminar_url": external_url("public.seminar", slug=seminar.slug),
            },
            seminar_id=seminar.id,
            registration_id=recipient.registration_id,
            reply_to=seminar.contact_email,
        )
    db.session.commit()
    return message
