"""An organiser writes to a chosen audience: a preview and a count first, then the outbox."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.validators import ValidationError

from seminar_reg.accounts.access import sign_in_required
from seminar_reg.errors import DomainError
from seminar_reg.extensions import db
from seminar_reg.institutions.models import Institution
from seminar_reg.messaging import services
from seminar_reg.messaging.forms import MessageForm
from seminar_reg.messaging.models import OrganiserMessage
from seminar_reg.registration.models import Registration
from seminar_reg.seminars.access import managed_seminar_or_abort

bp = Blueprint("messaging", __name__, url_prefix="/manage/seminars/<slug>/messages")
sign_in_required(bp)


def _form(seminar) -> MessageForm:
    countries = db.session.execute(
        sa.select(Registration.country)
        .where(Registration.seminar_id == seminar.id)
        .distinct()
        .order_by(Registration.country)
    ).scalars()
    institutions = db.session.execute(
        sa.select(Institution.id, Institution.name)
        .where(
            Institution.id.in_(
                sa.select(Registration.institution_id).where(Registration.seminar_id == seminar.id)
            )
        )
        .order_by(Institution.name)
    ).all()
    return MessageForm(seminar.sessions, list(countries), institutions)


@bp.route("/", methods=["GET", "POST"])
def compose(slug: str):
    seminar = managed_seminar_or_abort(slug)
    form = _form(seminar)
    planned = None
    if form.validate_on_submit():
        try:
            value = form.audience_value()
            if request.form.get("action") == "send":
                message = services.send_message(
                    seminar,
                    current_user.id,
                    form.audience.data,
                    value,
                    form.subject.data,
                    form.body.data,
                )
                flash(_("%(count)d emails are in the outbox.", count=message.recipients), "success")
                return redirect(url_for("mail.log", slug=slug))
            planned = services.preview(
                seminar, form.audience.data, value, form.subject.data, form.body.data
            )
        except ValidationError as error:
            form.audience.errors.append(str(error))
        except DomainError as error:
            form.body.errors.append(error.message)
    sent = db.session.execute(
        sa.select(OrganiserMessage)
        .where(OrganiserMessage.seminar_id == seminar.id)
        .order_by(OrganiserMessage.id.desc())
    ).scalars()
    return render_template(
        "messaging/compose.html", seminar=seminar, form=form, preview=planned, sent=list(sent)
    )
