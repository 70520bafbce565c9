import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from seminar_reg.extensions import db, utcnow


class InstitutionType(enum.StrEnum):
    TVET_INSTITUTE = "tvet_institute"
    UNIVERSITY = "university"
    MINISTRY_OR_AGENCY = "ministry_or_agency"
    ENTERPRISE = "enterprise"
    NGO_OR_INTERNATIONAL = "ngo_or_international"
    OTHER = "other"


class Institution(db.Model):
    """An organisation participants come from; one per normalised name and country."""

    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    acronym: Mapped[str] = mapped_column(sa.String(40), default="")
    #: ISO 3166-1 alpha-2
    country: Mapped[str] = mapped_column(sa.String(2))
    type: Mapped[InstitutionType] = mapped_column(default=InstitutionType.TVET_INSTITUTE)
    #: name without case, accents, punctuation or extra spaces; unique within a country
    normalised_name: Mapped[str] = mapped_column(sa.String(300))
    #: acronym normalised the same way, for matching "PCET" to its institution
    normalised_acronym: Mapped[str] = mapped_column(sa.String(40), default="")
    #: made by ``seed-demo``
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("country", "normalised_name"),
        sa.Index(None, "country", "normalised_acronym"),
    )

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def __repr__(self) -> str:
        return f"<Institution {self.country} {self.name!r}>"
