"""Self check-in: with the code the moderator shows, from the manage link or with an email."""

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from seminar_reg.attendance import services
from seminar_reg.attendance.forms import CheckInForm, PublicCheckInForm
from seminar_reg.errors import DomainError
from seminar_reg.extensions import db, limiter
from seminar_reg.registration.models import Participant, Registration
from seminar_reg.registration.tokens import registration_for_token
from seminar_reg.registration.views import _public_seminar
from seminar_reg.text import normalise_email

bp = Blueprint("check_in", __name__)


def _limit() -> str:
    return current_app.config["CHECK_IN_RATE_LIMIT"]


def _checked_in(session) -> str:
    return _("You are checked in to “%(title)s”. Welcome!", title=session.title)


@bp.post("/r/<token>/check-in")
@limiter.limit(_limit)
def with_link(token: str):
    registration = registration_for_token(token)
    if registration is None:
        return render_template("errors/error.html", code=404, message=_("Unknown link.")), 404
    form = CheckInForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        session = services.check_in(registration, form.code.data)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_checked_in(session), "success")
    return redirect(url_for("registration.manage", token=token))


@bp.route("/seminars/<slug>/check-in", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def with_email(slug: str):
    seminar = _public_seminar(slug)
    form = PublicCheckInForm()
    if form.validate_on_submit():
        registration = db.session.execute(
            sa.select(Registration)
            .join(Participant)
            .where(
                Registration.seminar_id == seminar.id,
                Participant.email == normalise_email(form.email.data),
            )
        ).scalar_one_or_none()
        try:
            if registration is None:
                raise DomainError(_("This code is not right, or this address is not registered."))
            session = services.check_in(registration, form.code.data)
        except DomainError as error:
            form.code.errors.append(error.message)
        else:
            flash(_checked_in(session), "success")
            return redirect(url_for(".with_email", slug=slug))
    return render_template("attendance/check_in.html", seminar=seminar, form=form)
