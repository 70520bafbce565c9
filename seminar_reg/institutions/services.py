"""Institutions: one per normalised name and country, found by name or acronym, merged."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from seminar_reg.errors import DomainError
from seminar_reg.extensions import db
from seminar_reg.institutions.models import Institution, InstitutionType
from seminar_reg.text import fold


@dataclass(frozen=True)
class InstitutionDetails:
    name: str
    acronym: str
    country: str
    type: InstitutionType


def find_match(country: str, name: str, acronym: str = "") -> Institution | None:
    """The institution of ``country`` that this name or acronym means, ignoring case and accents.

    "PCET" finds the institution whose acronym is PCET; "Polytechnic College of Engineering and
    Technology " finds it by its name.
    """
    folded_name, folded_acronym = fold(name), fold(acronym)
    keys = {key for key in (folded_name, folded_acronym) if key}
    if not keys:
        return None
    candidates = db.session.execute(
        db.select(Institution).where(
            Institution.country == country,
            sa.or_(Institution.normalised_name.in_(keys), Institution.normalised_acronym.in_(keys)),
        )
    ).scalars()
    # A match on the full name beats a match on an acronym that two institutions might share.
    return min(candidates, key=lambda i: i.normalised_name != folded_name, default=None)


def _apply(institution: Institution, details: InstitutionDetails) -> None:
    institution.name = details.name
    institution.acronym = details.acronym
    institution.country = details.country
    institution.type = details.type
    institution.normalised_name = fold(details.name)
    institution.normalised_acronym = fold(details.acronym)


def _refuse_duplicate(details: InstitutionDetails, own_id: int | None = None) -> None:
    existing = find_match(details.country, details.name, details.acronym)
    if existing is not None and existing.id != own_id:
        raise DomainError(_("This is already known as “%(name)s”.", name=existing.display_name))


def create_institution(details: InstitutionDetails, *, is_demo: bool = False) -> Institution:
    _refuse_duplicate(details)
    institution = Institution(is_demo=is_demo)
    _apply(institution, details)
    db.session.add(institution)
    db.session.commit()
    return institution


def update_institution(institution: Institution, details: InstitutionDetails) -> None:
    _refuse_duplicate(details, own_id=institution.id)
    _apply(institution, details)
    db.session.commit()


def merge_institutions(duplicate: Institution, keep: Institution) -> None:
    """Move everything that names ``duplicate`` to ``keep``, then delete ``duplicate``.

    Every foreign key to institutions is followed, so tables added later are merged too.
    """
    if duplicate.id == keep.id:
        raise DomainError(_("Choose two different institutions to merge."))
    institution_id = Institution.__table__.c.id
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not any(fk.column is institution_id for fk in column.foreign_keys):
                continue
            if column.primary_key:
                # A link table: drop the rows that would name ``keep`` twice.
                others = [c for c in table.primary_key.columns if c is not column]
                doubled = db.select(*others).where(column == keep.id)
                db.session.execute(
                    table.delete().where(column == duplicate.id, sa.tuple_(*others).in_(doubled))
                )
            db.session.execute(
                table.update().where(column == duplicate.id).values({column: keep.id})
            )
    db.session.expire_all()  # collections loaded before the updates name the duplicate still
    if not keep.acronym and duplicate.acronym:
        keep.acronym, keep.normalised_acronym = duplicate.acronym, duplicate.normalised_acronym
    db.session.delete(duplicate)
    db.session.commit()
