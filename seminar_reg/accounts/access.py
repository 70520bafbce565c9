"""Who may open which organiser page."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from seminar_reg.accounts.models import Organiser
from seminar_reg.extensions import db, login_manager


@login_manager.user_loader
def load_organiser(organiser_id: str) -> Organiser | None:
    organiser = db.session.get(Organiser, int(organiser_id)) if organiser_id.isdigit() else None
    return organiser if organiser is not None and organiser.is_active else None


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def sign_in_required(blueprint) -> None:
    """Every page of ``blueprint`` is for signed-in organisers."""
    blueprint.before_request(login_required(lambda: None))
