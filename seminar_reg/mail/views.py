"""The organisers' mail log: every email of a seminar, its state, retry and cancel."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from seminar_reg.accounts.access import sign_in_required
from seminar_reg.extensions import db, utcnow
from seminar_reg.mail.delivery import status_counts
from seminar_reg.mail.models import MessageStatus, OutboxMessage
from seminar_reg.registration.forms import ConfirmForm
from seminar_reg.seminars.access import managed_seminar_or_abort

#: the mail log pages, and ``flask outbox deliver`` / ``flask outbox status``
bp = Blueprint("mail", __name__, url_prefix="/manage/seminars/<slug>/mail", cli_group="outbox")
bp.cli.help = "Deliver the outbox and see its state."
sign_in_required(bp)

PAGE_SIZE = 50


def _message_of(seminar_id: int, message_id: int) -> OutboxMessage:
    message = db.get_or_404(OutboxMessage, message_id)
    if message.seminar_id != seminar_id:
        abort(404)
    return message


@bp.get("/")
def log(slug: str):
    seminar = managed_seminar_or_abort(slug)
    query = sa.select(OutboxMessage).where(OutboxMessage.seminar_id == seminar.id)
    status = request.args.get("status", "")
    if status:
        try:
            query = query.where(OutboxMessage.status == MessageStatus(status))
        except ValueError:
            flash(_("“%(value)s” is not a status; showing all.", value=status), "warning")
            status = ""
    page = db.paginate(query.order_by(OutboxMessage.id.desc()), per_page=PAGE_SIZE, error_out=False)
    return render_template(
        "mail/log.html",
        seminar=seminar,
        page=page,
        counts=status_counts(seminar.id),
        status=status,
        action_form=ConfirmForm(),
    )


def _move(slug: str, message_id: int, allowed: tuple, change) -> None:
    seminar = managed_seminar_or_abort(slug)
    message = _message_of(seminar.id, message_id)
    if ConfirmForm().validate_on_submit() and message.status in allowed:
        flash(change(message), "success")
        db.session.commit()


@bp.post("/<int:message_id>/retry")
def retry(slug: str, message_id: int):
    def send_again(message: OutboxMessage) -> str:
        message.status, message.attempts, message.next_attempt_at = (
            MessageStatus.PENDING,
            0,
            utcnow(),
        )
        return _("The message to %(to)s will be sent again.", to=message.to_address)

    _move(slug, message_id, (MessageStatus.FAILED, MessageStatus.CANCELLED), send_again)
    return redirect(url_for(".log", slug=slug))


@bp.post("/<int:message_id>/cancel")
def cancel(slug: str, message_id: int):
    def stop(message: OutboxMessage) -> str:
        message.status = MessageStatus.CANCELLED
        return _("The message to %(to)s will not be sent.", to=message.to_address)

    _move(slug, message_id, (MessageStatus.PENDING, MessageStatus.FAILED), stop)
    return redirect(url_for(".log", slug=slug))
