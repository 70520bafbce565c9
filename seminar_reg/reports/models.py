"""Who took personal data out of the product: every export of an attendance list is logged."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar_reg.accounts.models import Organiser
from seminar_reg.extensions import db, utcnow
from seminar_reg.partners.models import Partner


class ExportRecord(db.Model):
    """One download of a list of people: by an organiser, or through a partner's link."""

    __tablename__ = "export_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int] = mapped_column(sa.ForeignKey("seminars.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    organiser_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisers.id", ondelete="SET NULL")
    )
    partner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partners.id", ondelete="SET NULL")
    )
    #: the report exported, e.g. "attendance"
    report: Mapped[str] = mapped_column(sa.String(40))
    #: "csv" or "xlsx"
    format: Mapped[str] = mapped_column(sa.String(8))
    #: the country filter, if any
    country: Mapped[str] = mapped_column(sa.String(2), default="")
    #: the rows the file held
    rows: Mapped[int] = mapped_column(default=0)

    organiser: Mapped[Organiser | None] = relationship()
    partner: Mapped[Partner | None] = relationship()

    __table_args__ = (sa.Index(None, "seminar_id", "at"),)
