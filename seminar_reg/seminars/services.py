"""Seminars, their sessions and speakers: creating, changing, publishing and closing them."""

from dataclasses import asdict, dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from seminar_reg.accounts.models import Organiser
from seminar_reg.errors import DomainError
from seminar_reg.extensions import db, utcnow
from seminar_reg.partners import notifications as partners
from seminar_reg.registration import services as places
from seminar_reg.seminars.models import (
    CertificateThreshold,
    Seminar,
    SeminarFormat,
    SeminarSession,
    SeminarStatus,
    Speaker,
)

PUBLIC_STATUSES = (
    SeminarStatus.PUBLISHED,
    SeminarStatus.REGISTRATION_CLOSED,
    SeminarStatus.ARCHIVED,
)


def public_seminar(slug: str, *options) -> Seminar | None:
    """The seminar the public may see under this slug, loaded with ``options`` (which may join
    collections), or None."""
    return (
        db.session.execute(
            db.select(Seminar)
            .where(Seminar.slug == slug, Seminar.status.in_(PUBLIC_STATUSES))
            .options(*options)
        )
        .unique()
        .scalar_one_or_none()
    )


@dataclass(frozen=True)
class SeminarDetails:
    title: str
    slug: str
    description: str
    format: SeminarFormat
    venue: str
    timezone: str
    registration_opens_at: datetime
    registration_closes_at: datetime
    capacity: int | None
    contact_email: str
    certificate_threshold_type: CertificateThreshold
    certificate_threshold_value: int
    public_participant_list: bool = False
    #: minutes before each session
    reminder_offsets: tuple[int, ...] = (1440, 60)
    #: percent of a session's length that counts as present
    presence_share: int = 50
    #: months after the last session that personal data is kept
    retention_months: int = 24


@dataclass(frozen=True)
class SessionDetails:
    title: str
    theme: str
    description: str
    starts_at: datetime
    ends_at: datetime
    join_url: str
    capacity: int | None


@dataclass(frozen=True)
class SpeakerDetails:
    name: str
    title: str
    organisation: str
    country: str | None
    presentation_title: str


def _apply(target: object, details: object) -> None:
    for name, value in asdict(details).items():
        setattr(target, name, list(value) if isinstance(value, tuple) else value)


def create_seminar(organiser: Organiser, details: SeminarDetails) -> Seminar:
    """A new draft seminar, managed by the organiser who created it."""
    seminar = Seminar()
    _apply(seminar, details)
    seminar.organisers.append(organiser)
    db.session.add(seminar)
    db.session.commit()
    return seminar


def update_seminar(seminar: Seminar, details: SeminarDetails) -> None:
    """Save; a raised capacity lets people in from the waiting list, a lower one must still fit."""
    try:
        places.lock_seminar(seminar)
        registered = places.confirmed_count(seminar.id)
        if details.capacity is not None and details.capacity < registered:
            raise DomainError(
                _(
                    "%(count)d people are registered; the capacity cannot be lower.",
                    count=registered,
                )
            )
        _apply(seminar, details)
        db.session.flush()
        if details.capacity is None:
            places.forget_places_taken(seminar.id)
        now = utcnow()
        places.announce(places.rebalance(seminar, now), now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


# What each status may become, as organisers see it.
TRANSITIONS: dict[SeminarStatus, tuple[SeminarStatus, ...]] = {
    SeminarStatus.DRAFT: (SeminarStatus.PUBLISHED,),
    SeminarStatus.PUBLISHED: (SeminarStatus.REGISTRATION_CLOSED, SeminarStatus.ARCHIVED),
    SeminarStatus.REGISTRATION_CLOSED: (SeminarStatus.PUBLISHED, SeminarStatus.ARCHIVED),
    SeminarStatus.ARCHIVED: (),
}


def transition_refusal(seminar: Seminar, target: SeminarStatus, now: datetime) -> str | None:
    """Why the seminar cannot move to ``target`` now, or ``None`` when it can."""
    if target not in TRANSITIONS[seminar.status]:
        return _(
            "A seminar that is %(current)s cannot become %(target)s.",
            current=status_label(seminar.status),
            target=status_label(target),
        )
    if target == SeminarStatus.PUBLISHED:
        if not seminar.sessions:
            return _("Add at least one session before publishing.")
        if seminar.registration_closes_at <= now:
            return _("Registration would already be closed; move its closing time later first.")
        if seminar.registration_closes_at > seminar.ends_at:
            return _("Registration closes after the last session ends; close it earlier first.")
    if target == SeminarStatus.ARCHIVED and seminar.ends_at is not None and seminar.ends_at > now:
        return _("The seminar has sessions still ahead; close registration instead.")
    return None


def change_status(seminar: Seminar, target: SeminarStatus, now: datetime | None = None) -> None:
    now = now or utcnow()
    refusal = transition_refusal(seminar, target, now)
    if refusal:
        raise DomainError(refusal)
    if target == SeminarStatus.PUBLISHED and seminar.published_at is None:
        seminar.published_at = now
        partners.published(seminar)
    if target == SeminarStatus.REGISTRATION_CLOSED:
        partners.registration_closed(seminar)
    seminar.status = target
    db.session.commit()


def status_label(status: SeminarStatus) -> str:
    return {
        SeminarStatus.DRAFT: _("draft"),
        SeminarStatus.PUBLISHED: _("published"),
        SeminarStatus.REGISTRATION_CLOSED: _("registration closed"),
        SeminarStatus.ARCHIVED: _("archived"),
    }[status]


def transition_label(target: SeminarStatus, current: SeminarStatus) -> str:
    """The button that moves a seminar from ``current`` to ``target``."""
    if target == SeminarStatus.PUBLISHED:
        return (
            _("Reopen registration")
            if current == SeminarStatus.REGISTRATION_CLOSED
            else _("Publish")
        )
    if target == SeminarStatus.REGISTRATION_CLOSED:
        return _("Close registration")
    if target == SeminarStatus.ARCHIVED:
        return _("Archive")
    return _("Back to draft")


def add_session(seminar: Seminar, details: SessionDetails) -> SeminarSession:
    session = SeminarSession(position=len(seminar.sessions) + 1)
    _apply(session, details)
    seminar.sessions.append(session)
    db.session.commit()
    return session


def update_session(session: SeminarSession, details: SessionDetails) -> None:
    try:
        places.lock_seminar(session.seminar)
        taken = places.session_places_taken([session.id]).get(session.id, 0)
        if details.capacity is not None and details.capacity < taken:
            raise DomainError(
                _(
                    "%(count)d people have a place in this session; the capacity cannot be lower.",
                    count=taken,
                )
            )
        _apply(session, details)
        # Registrations waiting for the lock read the session anew when the seminar changed.
        session.seminar.updated_at = utcnow()
        db.session.flush()
        now = utcnow()
        places.announce(places.rebalance(session.seminar, now), now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def delete_session(session: SeminarSession) -> None:
    seminar = session.seminar
    if seminar.status != SeminarStatus.DRAFT and len(seminar.sessions) == 1:
        raise DomainError(_("A published seminar keeps at least one session."))
    seminar.sessions.remove(session)
    _renumber(seminar.sessions)
    db.session.commit()


def move_session(session: SeminarSession, offset: int) -> None:
    """Move a session ``offset`` places up (negative) or down in the seminar's order."""
    _move(session.seminar.sessions, session, offset)
    db.session.commit()


def add_speaker(session: SeminarSession, details: SpeakerDetails) -> Speaker:
    speaker = Speaker(position=len(session.speakers) + 1)
    _apply(speaker, details)
    session.speakers.append(speaker)
    db.session.commit()
    return speaker


def update_speaker(speaker: Speaker, details: SpeakerDetails) -> None:
    _apply(speaker, details)
    db.session.commit()


def delete_speaker(speaker: Speaker) -> None:
    speakers = speaker.session.speakers
    speakers.remove(speaker)
    _renumber(speakers)
    db.session.commit()


def move_speaker(speaker: Speaker, offset: int) -> None:
    _move(speaker.session.speakers, speaker, offset)
    db.session.commit()


def _renumber(items: list) -> None:
    for number, item in enumerate(items, start=1):
        item.position = number


def _move(items: list, item: object, offset: int) -> None:
    index = items.index(item)
    new_index = min(max(index + offset, 0), len(items) - 1)
    items.insert(new_index, items.pop(index))
    _renumber(items)


def assign_organiser(seminar: Seminar, organiser: Organiser) -> None:
    if organiser not in seminar.organisers:
        seminar.organisers.append(organiser)
        db.session.commit()


def unassign_organiser(seminar: Seminar, organiser: Organiser) -> None:
    if organiser in seminar.organisers:
        seminar.organisers.remove(organiser)
        db.session.commit()


@dataclass(frozen=True)
class SeminarListing:
    seminar: Seminar
    starts_at: datetime
    ends_at: datetime


def public_seminars(now: datetime) -> tuple[list[SeminarListing], list[SeminarListing]]:
    """Seminars anyone may see: upcoming (soonest first) and past (latest first)."""
    span = (
        db.select(
            SeminarSession.seminar_id,
            sa.func.min(SeminarSession.starts_at).label("starts_at"),
            sa.func.max(SeminarSession.ends_at).label("ends_at"),
        )
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )
    starts_at = sa.type_coerce(span.c.starts_at, Seminar.registration_opens_at.type)
    ends_at = sa.type_coerce(span.c.ends_at, Seminar.registration_opens_at.type)
    rows = db.session.execute(
        db.select(Seminar, starts_at, ends_at)
        .join(span, span.c.seminar_id == Seminar.id)
        .where(Seminar.status.in_(PUBLIC_STATUSES))
        .order_by(starts_at)
    ).all()
    listings = [SeminarListing(seminar, start, end) for seminar, start, end in rows]
    upcoming = [listing for listing in listings if listing.ends_at >= now]
    past = [listing for listing in reversed(listings) if listing.ends_at < now]
    return upcoming, past
