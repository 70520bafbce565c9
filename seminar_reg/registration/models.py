import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar_reg.extensions import db, utcnow
from seminar_reg.institutions.models import Institution

if TYPE_CHECKING:
    from seminar_reg.seminars.models import Seminar, SeminarSession


class RoleCategory(enum.StrEnum):
    LEADER = "leader"
    TEACHER = "teacher"
    EXPERT = "expert"
    OFFICIAL = "official"
    STUDENT = "student"
    OTHER = "other"


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class RegisteredBy(enum.StrEnum):
    SELF = "self"
    FOCAL_POINT = "focal_point"
    ORGANISER = "organiser"
    IMPORT = "import"


class EventKind(enum.StrEnum):
    """What happened to a registration, for partners' emails and digests."""

    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    PROMOTED = "promoted"
    CHANGED = "changed"
    CANCELLED = "cancelled"


class ChoiceStatus(enum.StrEnum):
    """A chosen session holds a place, or waits for one when the session is full."""

    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"


class Participant(db.Model):
    """One person across seminars, known by their email address.

    What they told each seminar (names, position, ...) stays on that registration, so that a
    registration for one seminar can never change what another seminar holds about them.
    """

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: trimmed and lower-cased; one participant per address
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    registrations: Mapped[list["Registration"]] = relationship(back_populates="participant")

    def __repr__(self) -> str:
        return f"<Participant {self.email}>"


class RegistrationGroup(db.Model):
    """Colleagues of one institution registered together by a focal point."""

    __tablename__ = "registration_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int] = mapped_column(
        sa.ForeignKey("seminars.id", ondelete="CASCADE"), index=True
    )
    focal_point_name: Mapped[str] = mapped_column(sa.String(200))
    focal_point_email: Mapped[str] = mapped_column(sa.String(254))
    institution_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("institutions.id", ondelete="SET NULL"), index=True
    )
    #: the form's one-time id, so that a double-clicked submit finds its group
    submission_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    institution: Mapped[Institution | None] = relationship()
    registrations: Mapped[list["Registration"]] = relationship(
        back_populates="group", order_by="Registration.id"
    )


class Registration(db.Model):
    """A participant's place (or place in line) at one seminar."""

    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int] = mapped_column(sa.ForeignKey("seminars.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    #: in any script, Unicode NFC
    given_name: Mapped[str] = mapped_column(sa.String(100))
    family_name: Mapped[str] = mapped_column(sa.String(100), default="")
    #: job title, e.g. "Vice director"
    position: Mapped[str] = mapped_column(sa.String(200), default="")
    role_category: Mapped[RoleCategory] = mapped_column(default=RoleCategory.OTHER)
    #: for sex-disaggregated reports; ``None`` when the question was left unanswered
    gender: Mapped[Gender | None]
    #: the language of their emails and certificate, e.g. ``mn``
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    #: IANA zone their emails show times in
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    #: the name without case or accents, for the organisers' search
    search_key: Mapped[str] = mapped_column(sa.String(200), default="")
    #: the institution and country as they were at registration
    institution_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("institutions.id", ondelete="SET NULL"), index=True
    )
    #: ISO 3166-1 alpha-2
    country: Mapped[str] = mapped_column(sa.String(2))
    status: Mapped[RegistrationStatus]
    registered_by: Mapped[RegisteredBy] = mapped_column(default=RegisteredBy.SELF)
    group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration_groups.id", ondelete="SET NULL"), index=True
    )
    #: SHA-256 of the private manage link's token, to find the registration by its link
    manage_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    #: random; with the secret key it gives the token, and a new one revokes the old link
    manage_token_nonce: Mapped[str] = mapped_column(sa.String(32), default="")
    #: the form's one-time id, so that a double-clicked submit finds its registration
    submission_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    #: when the participant agreed to the processing of their data
    consented_at: Mapped[datetime]
    #: may appear in the seminar's public list of participants
    listed_publicly: Mapped[bool] = mapped_column(default=False)
    #: bumped on every change, so that calendar updates replace earlier events
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    #: when the registration joined the waiting list; its place in line
    waitlisted_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    seminar: Mapped["Seminar"] = relationship()
    participant: Mapped[Participant] = relationship(back_populates="registrations")
    institution: Mapped[Institution | None] = relationship()
    group: Mapped[RegistrationGroup | None] = relationship(back_populates="registrations")
    choices: Mapped[list["SessionChoice"]] = relationship(
        back_populates="registration", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.UniqueConstraint("seminar_id", "participant_id"),
        sa.Index(None, "seminar_id", "status", "waitlisted_at"),
    )

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def email(self) -> str:
        return self.participant.email

    @property
    def chosen_sessions(self) -> list["SeminarSession"]:
        return sorted((c.session for c in self.choices), key=lambda s: s.starts_at)

    @property
    def waiting_session_ids(self) -> set[int]:
        """Sessions this registration waits for a place in (all of them on the waiting list)."""
        if self.status == RegistrationStatus.WAITLISTED:
            return {c.session_id for c in self.choices}
        return {c.session_id for c in self.choices if c.status == ChoiceStatus.WAITLISTED}

    def __repr__(self) -> str:
        return f"<Registration {self.id} seminar={self.seminar_id} {self.status}>"


class PlacesTaken(db.Model):
    """How many of a seminar's registrations are confirmed and how many wait: counted once,
    then kept by each change of a status, all of which hold the seminar's lock, so that a
    registration need not count them under it (the lock is a queue). No row: not counted yet."""

    __tablename__ = "places_taken"

    seminar_id: Mapped[int] = mapped_column(
        sa.ForeignKey("seminars.id", ondelete="CASCADE"), primary_key=True
    )
    confirmed: Mapped[int]
    waiting: Mapped[int]


class SessionChoice(db.Model):
    """A session a registration attends, with a place or waiting for one."""

    __tablename__ = "session_choices"

    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("seminar_sessions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    status: Mapped[ChoiceStatus] = mapped_column(default=ChoiceStatus.CONFIRMED)

    registration: Mapped[Registration] = relationship(back_populates="choices")
    session: Mapped["SeminarSession"] = relationship()


class RegistrationEvent(db.Model):
    """One thing that happened to a registration, written in the transaction that did it."""

    __tablename__ = "registration_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int] = mapped_column(sa.ForeignKey("seminars.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EventKind]
    at: Mapped[datetime] = mapped_column(default=utcnow)

    registration: Mapped[Registration] = relationship()

    __table_args__ = (sa.Index(None, "seminar_id", "at"),)
