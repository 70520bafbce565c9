import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar_reg.extensions import db, utcnow

if TYPE_CHECKING:
    from seminar_reg.accounts.models import Organiser
    from seminar_reg.partners.models import Partner


class SeminarFormat(enum.StrEnum):
    ONLINE = "online"
    HYBRID = "hybrid"
    ON_SITE = "on_site"


class SeminarStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    REGISTRATION_CLOSED = "registration_closed"
    ARCHIVED = "archived"


class CertificateThreshold(enum.StrEnum):
    #: a share (percent) of the seminar's sessions attended
    SHARE_OF_SESSIONS = "share_of_sessions"
    #: a number of minutes attended over all sessions
    MINUTES = "minutes"


seminar_organisers = sa.Table(
    "seminar_organisers",
    db.metadata,
    sa.Column("seminar_id", sa.ForeignKey("seminars.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organiser_id", sa.ForeignKey("organisers.id", ondelete="CASCADE"), primary_key=True),
)


CHECK_IN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I to misread


def new_check_in_code() -> str:
    return "".join(secrets.choice(CHECK_IN_ALPHABET) for _ in range(6))


class Seminar(db.Model):
    """An event of one or more sessions that people register for."""

    __tablename__ = "seminars"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the seminar's part of its public address, e.g. ``tvet-leadership-2023``
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    #: plain text, paragraphs separated by blank lines
    description: Mapped[str] = mapped_column(sa.Text, default="")
    format: Mapped[SeminarFormat] = mapped_column(default=SeminarFormat.ONLINE)
    #: where the on-site part takes place (hybrid and on-site seminars)
    venue: Mapped[str] = mapped_column(sa.String(300), default="")
    #: IANA time zone the programme is written in, e.g. ``Asia/Ulaanbaatar``
    timezone: Mapped[str] = mapped_column(sa.String(64))
    registration_opens_at: Mapped[datetime]
    registration_closes_at: Mapped[datetime]
    #: most confirmed registrations; ``None`` means no limit
    capacity: Mapped[int | None]
    status: Mapped[SeminarStatus] = mapped_column(default=SeminarStatus.DRAFT)
    #: where participants' replies go (Reply-To of every email about the seminar)
    contact_email: Mapped[str] = mapped_column(sa.String(254))
    certificate_threshold_type: Mapped[CertificateThreshold] = mapped_column(
        default=CertificateThreshold.SHARE_OF_SESSIONS
    )
    #: percent of sessions, or minutes, by ``certificate_threshold_type``
    certificate_threshold_value: Mapped[int] = mapped_column(default=75)
    #: show the participants who agreed to it on the seminar's page
    public_participant_list: Mapped[bool] = mapped_column(default=False)
    #: share (percent) of a session's length someone must attend to count as present
    presence_share: Mapped[int] = mapped_column(default=50)
    #: minutes before each session at which participants are reminded
    reminder_offsets: Mapped[list[int]] = mapped_column(sa.JSON, default=lambda: [1440, 60])
    #: months after the last session that the registrations' personal data is kept
    retention_months: Mapped[int] = mapped_column(default=24, server_default="24")
    #: when the personal data of its registrations was erased (the figures remain)
    personal_data_erased_at: Mapped[datetime | None]
    #: made by ``seed-demo``, shown with a demo label
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]

    sessions: Mapped[list["SeminarSession"]] = relationship(
        back_populates="seminar",
        order_by="SeminarSession.position",
        cascade="all, delete-orphan",
    )
    partners: Mapped[list["Partner"]] = relationship(
        back_populates="seminar", order_by="Partner.position", cascade="all, delete-orphan"
    )
    organisers: Mapped[list["Organiser"]] = relationship(
        secondary=seminar_organisers, back_populates="seminars", order_by="Organiser.name"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "registration_closes_at > registration_opens_at", name="registration_window"
        ),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def starts_at(self) -> datetime | None:
        return min((s.starts_at for s in self.sessions), default=None)

    @property
    def ends_at(self) -> datetime | None:
        return max((s.ends_at for s in self.sessions), default=None)

    @property
    def is_public(self) -> bool:
        return self.status != SeminarStatus.DRAFT

    def registration_is_open(self, now: datetime) -> bool:
        return (
            self.status == SeminarStatus.PUBLISHED
            and self.registration_opens_at <= now < self.registration_closes_at
        )

    def __repr__(self) -> str:
        return f"<Seminar {self.slug} {self.status}>"


class SeminarSession(db.Model):
    """One part of a seminar with its own time, speakers and attendance."""

    __tablename__ = "seminar_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int] = mapped_column(sa.ForeignKey("seminars.id", ondelete="CASCADE"))
    #: the session's number in the seminar, from 1; organisers reorder it
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))
    #: the strand it belongs to, e.g. "Digital transformation"
    theme: Mapped[str] = mapped_column(sa.String(200), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    #: meeting link, shown only to registered participants
    join_url: Mapped[str] = mapped_column(sa.String(2000), default="")
    #: most participants for this session; ``None`` means no limit of its own
    capacity: Mapped[int | None]
    #: the code the moderator shows, with which participants check in
    check_in_code: Mapped[str] = mapped_column(sa.String(12), default=new_check_in_code)

    seminar: Mapped[Seminar] = relationship(back_populates="sessions")
    speakers: Mapped[list["Speaker"]] = relationship(
        back_populates="session", order_by="Speaker.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        sa.Index(None, "seminar_id", "position"),
    )

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def __repr__(self) -> str:
        return f"<SeminarSession {self.seminar_id}#{self.position} {self.title!r}>"


class Speaker(db.Model):
    """Someone who speaks in a session, with what they present."""

    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("seminar_sessions.id", ondelete="CASCADE"), index=True
    )
    #: order within the session
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(200))
    #: job title or function, e.g. "Vice President"
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    organisation: Mapped[str] = mapped_column(sa.String(300), default="")
    #: ISO 3166-1 alpha-2
    country: Mapped[str | None] = mapped_column(sa.String(2))
    #: the title of their talk, if any
    presentation_title: Mapped[str] = mapped_column(sa.String(300), default="")

    session: Mapped[SeminarSession] = relationship(back_populates="speakers")

    def __repr__(self) -> str:
        return f"<Speaker {self.name!r}>"
