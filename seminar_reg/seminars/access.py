"""Organisers manage the seminars they are assigned to; admins manage all of them."""

from flask import abort
from flask_login import current_user

from seminar_reg.accounts.models import Organiser
from seminar_reg.extensions import db
from seminar_reg.seminars.models import Seminar, seminar_organisers


def can_manage(organiser: Organiser, seminar: Seminar) -> bool:
    if organiser.is_admin:
        return True
    return (
        db.session.execute(
            db.select(seminar_organisers.c.seminar_id).where(
                seminar_organisers.c.seminar_id == seminar.id,
                seminar_organisers.c.organiser_id == organiser.id,
            )
        ).first()
        is not None
    )


def managed_seminar_or_abort(slug: str) -> Seminar:
    """The seminar behind a management URL: 404 when it does not exist, 403 when not yours."""
    seminar = db.first_or_404(db.select(Seminar).where(Seminar.slug == slug))
    if not can_manage(current_user, seminar):
        abort(403)
    return seminar


def managed_seminars_query(organiser: Organiser):
    query = db.select(Seminar)
    if not organiser.is_admin:
        query = query.join(seminar_organisers).where(
            seminar_organisers.c.organiser_id == organiser.id
        )
    return query
