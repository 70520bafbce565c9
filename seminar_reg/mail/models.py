import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from seminar_reg.extensions import db, utcnow


class MessageStatus(enum.StrEnum):
    #: waiting for delivery (also after a failed attempt that will be retried)
    PENDING = "pending"
    #: claimed by a deliverer; back to pending if it is not done in time
    SENDING = "sending"
    SENT = "sent"
    #: gave up after the last attempt, or the server refused the recipient
    FAILED = "failed"
    #: an organiser stopped it
    CANCELLED = "cancelled"


class OutboxMessage(db.Model):
    """An email, written in the same transaction as the change that causes it."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: what it is about, e.g. ``confirmation``, ``waitlisted``, ``group_summary``
    kind: Mapped[str] = mapped_column(sa.String(40))
    seminar_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("seminars.id", ondelete="SET NULL"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    #: RFC 5322 Message-ID, kept across retries so that a duplicate can be recognised
    message_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    reply_to: Mapped[str] = mapped_column(sa.String(254), default="")
    subject: Mapped[str] = mapped_column(sa.String(500))
    #: None until a message queued for later rendering is rendered (``mail.messages.render``)
    text_body: Mapped[str | None] = mapped_column(sa.Text)
    html_body: Mapped[str | None] = mapped_column(sa.Text)
    #: rendered at delivery: ``email/<template>`` with ``context`` (``mail.snapshot``), in
    #: ``language``; the context is dropped once the bodies are written
    template: Mapped[str | None] = mapped_column(sa.String(80))
    context: Mapped[dict | None] = mapped_column(sa.JSON)
    language: Mapped[str] = mapped_column(sa.String(16), default="")
    #: [{"filename", "content_type", "data" (base64)}]
    attachments: Mapped[list[dict]] = mapped_column(sa.JSON, default=list)
    status: Mapped[MessageStatus] = mapped_column(default=MessageStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    #: not delivered before this time (backoff after a failure)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: a deliverer's claim expires at this time
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    __table_args__ = (sa.Index(None, "status", "next_attempt_at"),)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} to {self.to_address} {self.status}>"
