import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar_reg.extensions import db, utcnow
from seminar_reg.institutions.models import Institution

if TYPE_CHECKING:
    from seminar_reg.seminars.models import Seminar


class PartnerRole(enum.StrEnum):
    ORGANISER = "organiser"
    CO_ORGANISER = "co_organiser"
    FUNDER = "funder"
    HOST = "host"


class NotificationMode(enum.StrEnum):
    #: one email per registration, change or cancellation in scope
    EACH_REGISTRATION = "each_registration"
    #: one email a day listing the day's changes in scope
    DAILY_DIGEST = "daily_digest"
    NONE = "none"


partner_scope_institutions = sa.Table(
    "partner_scope_institutions",
    db.metadata,
    sa.Column("partner_id", sa.ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "institution_id", sa.ForeignKey("institutions.id", ondelete="CASCADE"), primary_key=True
    ),
)


class Partner(db.Model):
    """An organisation that runs or supports a seminar and hears about registrations in scope."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int] = mapped_column(
        sa.ForeignKey("seminars.id", ondelete="CASCADE"), index=True
    )
    #: order on the seminar page
    position: Mapped[int]
    organisation: Mapped[str] = mapped_column(sa.String(300))
    role: Mapped[PartnerRole] = mapped_column(default=PartnerRole.CO_ORGANISER)
    #: ISO 3166-1 alpha-2 of the organisation's seat; none for international organisations
    country: Mapped[str | None] = mapped_column(sa.String(2))
    website: Mapped[str] = mapped_column(sa.String(500), default="")
    #: addresses that receive the partner's confirmations and reports
    contact_emails: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: ISO 3166-1 alpha-2 codes; with ``scope_institutions`` empty too, the whole seminar
    scope_countries: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    notification_mode: Mapped[NotificationMode] = mapped_column(
        default=NotificationMode.EACH_REGISTRATION
    )
    #: SHA-256 of the token of the partner's private link to its reports; none until made
    report_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    #: random; with the secret key it gives the token, and a new one revokes the old link
    report_token_nonce: Mapped[str] = mapped_column(sa.String(32), default="")

    seminar: Mapped["Seminar"] = relationship(back_populates="partners")
    # Loaded with the partners, in one statement for all of them: every registration asks each
    # partner whether it is in scope, and a lazy load per partner made that a query each.
    scope_institutions: Mapped[list[Institution]] = relationship(
        secondary=partner_scope_institutions, order_by=Institution.name, lazy="selectin"
    )

    @property
    def covers_whole_seminar(self) -> bool:
        return not self.scope_countries and not self.scope_institutions

    def __repr__(self) -> str:
        return f"<Partner {self.organisation!r} of seminar {self.seminar_id}>"


class NoticeKind(enum.StrEnum):
    #: the seminar was published: its details, the partner's scope and mode
    PUBLISHED = "published"
    #: one day's registrations in scope
    DIGEST = "digest"
    #: registration closed: who registered, in scope
    REGISTRATION_CLOSED = "registration_closed"
    #: the last session ended: who took part, in scope
    FINAL_SUMMARY = "final_summary"


class PartnerNotice(db.Model):
    """A partner email that must go once: the unique key makes a second scheduler's insert fail."""

    __tablename__ = "partner_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id", ondelete="CASCADE"))
    kind: Mapped[NoticeKind]
    #: the day of a digest (ISO date in the seminar's zone); empty for one-off notices
    key: Mapped[str] = mapped_column(sa.String(20), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("partner_id", "kind", "key"),)
