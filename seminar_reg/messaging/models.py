import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from seminar_reg.extensions import db, utcnow


class SentReminder(db.Model):
    """A reminder that went out: one per registration, session and offset, whoever runs it."""

    __tablename__ = "sent_reminders"

    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("seminar_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    #: minutes before the session start
    offset_minutes: Mapped[int] = mapped_column(primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class Audience(enum.StrEnum):
    CONFIRMED = "confirmed"
    SESSION = "session"
    WAITING_LIST = "waiting_list"
    COUNTRY = "country"
    INSTITUTION = "institution"
    PARTNERS = "partners"


class OrganiserMessage(db.Model):
    """A message an organiser sent to a chosen audience of a seminar, as written."""

    __tablename__ = "organiser_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int] = mapped_column(
        sa.ForeignKey("seminars.id", ondelete="CASCADE"), index=True
    )
    sent_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisers.id", ondelete="SET NULL")
    )
    audience: Mapped[Audience]
    #: the session id, country code or institution id the audience is narrowed to
    audience_value: Mapped[str] = mapped_column(sa.String(40), default="")
    subject: Mapped[str] = mapped_column(sa.String(300))
    #: plain text with {name}, {manage_link} and {sessions} placeholders
    body: Mapped[str] = mapped_column(sa.Text)
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
