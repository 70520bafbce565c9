from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar_reg.extensions import db, utcnow

if TYPE_CHECKING:
    from seminar_reg.registration.models import Registration


class Certificate(db.Model):
    """A certificate of attendance issued to a registration, found by its verification code."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    #: printed on the certificate and in its QR code, e.g. "K7M2-Q9XW-4T8P"
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)

    registration: Mapped["Registration"] = relationship()
