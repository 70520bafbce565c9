"""The mail log: every email of a seminar with its state; failed ones sent again, others stopped."""

import pytest

from seminar_reg.accounts.models import Organiser
from seminar_reg.extensions import db
from seminar_reg.mail.models import MessageStatus, OutboxMessage
from tests.registration_helpers import outbox, register, session_ids


@pytest.fixture
def signed_in(app, client, auth, make_organiser, make_seminar):
    organiser = make_organiser("ann@example.org")
    seminar = make_seminar("leaders", organisers=[organiser])
    sessions = session_ids(app, seminar.id)
    register(client, "leaders", sessions, email="a@example.org")
    register(client, "leaders", sessions, email="b@example.org")
    with app.app_context():
        failed = db.session.execute(
            db.select(OutboxMessage).where(OutboxMessage.to_address == "b@example.org")
        ).scalar_one()
        failed.status, failed.last_error, failed.attempts = (
            MessageStatus.FAILED,
            "550 No such mailbox",
            3,
        )
        db.session.commit()
    auth.login("ann@example.org")
    return client


def by_address(app):
    return {m.to_address: m for m in outbox(app)}


def test_the_log_counts_and_lists_each_message_with_its_error(signed_in):
    page = signed_in.get("/manage/seminars/leaders/mail/").text
    assert "<strong>1</strong><span>waiting to go</span>" in page
    assert "<strong>1</strong><span>failed</span>" in page
    assert "550 No such mailbox" in page
    assert "a@example.org" in page and "b@example.org" in page


def test_a_failed_message_is_sent_again_and_a_pending_one_stopped(app, signed_in):
    messages = by_address(app)
    signed_in.post(f"/manage/seminars/leaders/mail/{messages['b@example.org'].id}/retry")
    signed_in.post(f"/manage/seminars/leaders/mail/{messages['a@example.org'].id}/cancel")
    messages = by_address(app)
    assert (messages["b@example.org"].status, messages["b@example.org"].attempts) == (
        MessageStatus.PENDING,
        0,
    )
    assert messages["a@example.org"].status == MessageStatus.CANCELLED


def test_the_log_filters_by_state_and_ignores_nonsense(signed_in):
    assert "a@example.org" not in signed_in.get("/manage/seminars/leaders/mail/?status=failed").text
    page = signed_in.get("/manage/seminars/leaders/mail/?status=lost")
    assert page.status_code == 200 and "is not a status" in page.text


def test_a_message_of_another_seminar_is_404(app, signed_in, make_seminar):
    with app.app_context():
        organiser = db.session.execute(db.select(Organiser)).scalar_one()
        message_id = db.session.execute(db.select(OutboxMessage.id)).scalars().first()
    make_seminar("other", organisers=[organiser])
    assert signed_in.post(f"/manage/seminars/other/mail/{message_id}/retry").status_code == 404
    assert signed_in.post(f"/manage/seminars/other/mail/{message_id}/cancel").status_code == 404


def test_the_log_is_for_the_seminars_organisers(client, auth, make_organiser, signed_in):
    auth.logout()
    make_organiser("bat@example.org")
    auth.login("bat@example.org")
    assert client.get("/manage/seminars/leaders/mail/").status_code == 403
