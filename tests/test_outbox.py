"""The outbox: emails written with the change, delivered later over SMTP, never lost nor doubled."""

import json
import logging
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from seminar_reg.extensions import db, utcnow
from seminar_reg.mail.delivery import deliver_due
from seminar_reg.mail.models import MessageStatus, OutboxMessage
from seminar_reg.mail.snapshot import freeze, thaw
from seminar_reg.registration.models import Registration
from seminar_reg.seminars.models import Seminar
from tests.registration_helpers import count, outbox, register, session_ids, token_of


@pytest.fixture
def seminar(mail_app, make_seminar):
    return make_seminar("leaders", title="TVET Leaders 2030", sessions=2)


def register_people(app, seminar, emails):
    client = app.test_client()
    sessions = session_ids(app, seminar.id)
    for email in emails:
        assert register(client, "leaders", sessions, email=email).status_code == 302


def deliver(app, now=None):
    with app.app_context():
        return deliver_due(now=now)


def test_confirmation_arrives_with_text_html_calendar_and_the_right_headers(
    mail_app, smtp_server, seminar
):
    register_people(mail_app, seminar, ["oyunaa@example.org"])
    report = deliver(mail_app)
    assert (report.sent, report.failed) == (1, 0)
    (message,) = smtp_server.messages
    (stored,) = outbox(mail_app)
    assert message["To"] == "oyunaa@example.org"
    assert message["From"] == "Seminar registration <no-reply@localhost>"
    assert message["Reply-To"] == "contact@example.org"
    assert message["Message-ID"] == stored.message_id
    assert "TVET Leaders 2030" in message["Subject"]
    assert "Оюунчимэг" in message.get_body(("plain",)).get_content()
    assert "<html" in message.get_body(("html",)).get_content()
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    calendar = Calendar.from_ical(attachment.get_payload(decode=True))
    assert len(list(calendar.walk("VEVENT"))) == 2
    assert stored.status == MessageStatus.SENT and stored.sent_at is not None


def calendars(message) -> dict[str, Calendar]:
    return {
        part.get_filename(): Calendar.from_ical(part.get_payload(decode=True))
        for part in message.iter_attachments()
    }


def test_a_calendar_made_at_delivery_shows_the_registration_as_its_email_was_written(
    mail_app, smtp_server, seminar
):
    client = mail_app.test_client()
    first, second = session_ids(mail_app, seminar.id)
    token = token_of(register(client, "leaders", [first, second], email="oyunaa@example.org"))
    assert client.post(f"/r/{token}/sessions", data={"sessions": [str(first)]}).status_code == 302
    assert deliver(mail_app).sent == 2
    confirmation, changed = (calendars(message) for message in smtp_server.messages)

    (booked,) = confirmation.values()
    assert [int(event["sequence"]) for event in booked.walk("VEVENT")] == [0, 0]
    assert [str(event["status"]) for event in booked.walk("VEVENT")] == ["CONFIRMED"] * 2
    assert f"/r/{token}" in str(booked.walk("VEVENT")[0]["description"])
    updated, withdrawn = changed["seminar.ics"], changed["cancelled-sessions.ics"]
    assert [int(event["sequence"]) for event in updated.walk("VEVENT")] == [1]
    assert str(withdrawn["method"]) == "CANCEL"
    assert [str(event["uid"]).split("@")[0] for event in withdrawn.walk("VEVENT")] == [
        str(booked.walk("VEVENT")[1]["uid"]).split("@")[0]
    ]


def test_registering_stores_what_the_calendar_shows_and_builds_no_file(mail_app, seminar):
    register_people(mail_app, seminar, ["oyunaa@example.org"])
    (confirmation,) = outbox(mail_app, "confirmation")
    (attachment,) = confirmation.attachments
    assert "data" not in attachment  # the file is the deliverer's work, off the request path
    recipe = attachment["recipe"]
    assert recipe["seminar_title"] == "TVET Leaders 2030"
    assert [event["tentative"] for event in recipe["events"]] == [False, False]


def test_a_seminar_renamed_before_delivery_keeps_text_and_calendar_alike(
    mail_app, smtp_server, seminar
):
    register_people(mail_app, seminar, ["oyunaa@example.org"])
    with mail_app.app_context():
        db.session.get(Seminar, seminar.id).title = "Renamed since"
        db.session.commit()
    assert deliver(mail_app).sent == 1
    (message,) = smtp_server.messages
    (calendar,) = calendars(message).values()
    assert "TVET Leaders 2030" in message.get_body(("plain",)).get_content()
    assert str(calendar["x-wr-calname"]) == "TVET Leaders 2030"


def stored_rows(app) -> list[OutboxMessage]:
    """The outbox as the database holds it (``outbox()`` renders the bodies, as delivery does)."""
    with app.app_context():
        rows = db.session.execute(sa.select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
        rows = rows.all()
        db.session.expunge_all()
        return rows


def test_registering_keeps_the_context_and_delivery_writes_the_text_it_sent(
    mail_app, smtp_server, seminar
):
    register_people(mail_app, seminar, ["oyunaa@example.org"])
    (queued,) = stored_rows(mail_app)
    assert (queued.text_body, queued.html_body) == (None, None)  # not rendered on the request
    assert queued.template == "registration_confirmation" and queued.language == "en"
    assert queued.context["registration"]["full_name"].startswith("Оюунчимэг")
    assert deliver(mail_app).sent == 1
    (message,) = smtp_server.messages
    (sent,) = stored_rows(mail_app)
    assert sent.text_body == message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Оюунчимэг" in sent.text_body and "<html" in sent.html_body
    assert sent.context is None  # the bodies are the record now


def test_a_kept_context_that_does_not_fit_its_template_fails_alone(mail_app, smtp_server, seminar):
    register_people(mail_app, seminar, ["oyunaa@example.org", "bat@example.org"])
    with mail_app.app_context():
        broken = db.session.execute(
            sa.select(OutboxMessage).where(OutboxMessage.to_address == "oyunaa@example.org")
        ).scalar_one()
        broken.context = {key: value for key, value in broken.context.items() if key != "seminar"}
        db.session.commit()
    report = deliver(mail_app)
    assert (report.sent, report.failed) == (1, 1)
    assert [message["To"] for message in smtp_server.messages] == ["bat@example.org"]
    failed = next(row for row in stored_rows(mail_app) if row.to_address == "oyunaa@example.org")
    assert failed.status == MessageStatus.FAILED and failed.text_body is None
    assert "cannot render the email" in failed.last_error and "seminar" in failed.last_error
    assert deliver(mail_app).handled == 0  # given up, not tried again


def test_a_kept_context_comes_back_as_it_went_in():
    ulaanbaatar = ZoneInfo("Asia/Ulaanbaatar")
    context = {
        "starts_at": datetime(2026, 3, 10, 1, 0, tzinfo=UTC),
        "zone": ulaanbaatar,
        "status": MessageStatus.SENT,
        "sessions": ({"id": 1, "title": "Opening", "join_url": None}, {"id": 2, "title": ""}),
        "flag": True,
    }
    thawed = thaw(json.loads(json.dumps(freeze(context))))
    assert thawed == {**context, "status": "sent", "sessions": list(context["sessions"])}
    assert thawed["zone"] is ulaanbaatar or thawed["zone"].key == "Asia/Ulaanbaatar"


def test_a_kept_context_refuses_a_database_object(app, make_seminar):
    seminar = make_seminar("leaders")
    with pytest.raises(TypeError, match="plain data, not Seminar"):
        freeze({"seminar": seminar})


def test_many_messages_share_one_smtp_connection(mail_app, smtp_server, seminar):
    register_people(mail_app, seminar, [f"p{i}@example.org" for i in range(12)])
    assert deliver(mail_app).sent == 12
    assert len(smtp_server.messages) == 12
    assert smtp_server.connections == 1


def test_mail_server_down_then_back_delivers_every_message_once(mail_app, smtp_server, seminar):
    smtp_server.stop()
    register_people(mail_app, seminar, [f"p{i}@example.org" for i in range(20)])
    assert count(mail_app, Registration) == 20
    report = deliver(mail_app)
    assert (report.sent, report.retried) == (0, 20)
    pending = outbox(mail_app)
    assert {m.status for m in pending} == {MessageStatus.PENDING}
    assert all("Connection" in m.last_error or "refused" in m.last_error.lower() for m in pending)
    assert all(m.next_attempt_at > utcnow() for m in pending)
    assert deliver(mail_app).handled == 0  # nothing is due before the backoff ends

    smtp_server.start()
    later = utcnow() + timedelta(minutes=5)
    assert deliver(mail_app, now=later).sent == 20
    assert deliver(mail_app, now=later).handled == 0
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(
        f"p{i}@example.org" for i in range(20)
    )
    assert len({m["Message-ID"] for m in smtp_server.messages}) == 20


def test_a_refused_recipient_fails_alone_with_the_servers_reply(mail_app, smtp_server, seminar):
    smtp_server.refused.add("nobody@example.org")
    register_people(
        mail_app, seminar, ["first@example.org", "nobody@example.org", "last@example.org"]
    )
    report = deliver(mail_app)
    assert (report.sent, report.failed) == (2, 1)
    failed = [m for m in outbox(mail_app) if m.status == MessageStatus.FAILED]
    assert [m.to_address for m in failed] == ["nobody@example.org"]
    assert "550" in failed[0].last_error and "No such mailbox" in failed[0].last_error
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "first@example.org",
        "last@example.org",
    ]


def test_a_message_whose_deliverer_died_is_sent_again_with_the_same_message_id(
    mail_app, smtp_server, seminar
):
    register_people(mail_app, seminar, ["oyunaa@example.org"])
    with mail_app.app_context():
        message = db.session.execute(db.select(OutboxMessage)).scalar_one()
        message.status = MessageStatus.SENDING
        message.claimed_until = utcnow() + timedelta(minutes=5)
        db.session.commit()
        message_id = message.message_id
    assert deliver(mail_app).handled == 0  # still claimed
    assert deliver(mail_app, now=utcnow() + timedelta(minutes=6)).sent == 1
    assert smtp_server.messages[0]["Message-ID"] == message_id


def test_a_message_that_keeps_failing_is_given_up(make_app, smtp_server, make_seminar):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, OUTBOX_MAX_ATTEMPTS=3)
    seminar = make_seminar("leaders")
    smtp_server.stop()
    register_people(app, seminar, ["oyunaa@example.org"])
    now = utcnow()
    for attempt in range(3):
        deliver(app, now=now + timedelta(hours=attempt * 7))
    (message,) = outbox(app)
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 3)


def test_cli_delivers_and_reports_the_state(mail_app, smtp_server, seminar):
    register_people(mail_app, seminar, ["a@example.org", "b@example.org"])
    runner = mail_app.test_cli_runner()
    status = runner.invoke(args=["outbox", "status"])
    assert "pending\t2" in status.output
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output
    assert "Sent 2, failed 0, to retry 0." in result.output
    assert "sent\t2" in runner.invoke(args=["outbox", "status"]).output
    assert len(smtp_server.messages) == 2


def test_without_a_mail_server_messages_are_written_to_the_log(app, make_seminar, caplog):
    seminar = make_seminar("leaders")
    register_people(app, seminar, ["oyunaa@example.org"])
    with caplog.at_level(logging.INFO, logger="seminar_reg.mail.delivery"):
        assert deliver(app).sent == 1
    assert "To: oyunaa@example.org" in caplog.text
    assert outbox(app)[0].status == MessageStatus.SENT


def test_delivery_runs_in_the_background_after_the_commit(make_app, smtp_server, make_seminar):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, OUTBOX_DISPATCH="thread")
    seminar = make_seminar("leaders")
    register_people(app, seminar, ["oyunaa@example.org"])
    deadline = time.monotonic() + 10
    while not smtp_server.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [m["To"] for m in smtp_server.messages] == ["oyunaa@example.org"]


def test_stopping_the_background_delivery_lets_the_one_under_way_finish(
    make_app, smtp_server, make_seminar
):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, OUTBOX_DISPATCH="thread")
    seminar = make_seminar("leaders")
    register_people(app, seminar, ["oyunaa@example.org"])
    deliverer = app.extensions["outbox_deliverer"]
    deliverer.stop()
    assert not deliverer.thread.is_alive()
    assert [m.status for m in outbox(app)] == [MessageStatus.SENT]
    register_people(app, seminar, ["bat@example.org"])  # kept for the next delivery
    assert not deliverer.thread.is_alive()
    assert sorted(m.status for m in outbox(app)) == [MessageStatus.PENDING, MessageStatus.SENT]


def test_a_failed_registration_writes_no_email(app, make_seminar):
    seminar = make_seminar("leaders")
    client = app.test_client()
    sessions = session_ids(app, seminar.id)
    register(client, "leaders", sessions, email="oyunaa@example.org")
    register(client, "leaders", sessions, email="oyunaa@example.org", submission_id="another")
    assert len(outbox(app)) == 1
