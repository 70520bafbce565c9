"""Delivering the outbox: claim due messages, send them on one SMTP connection, record the outcome.

Several deliverers (web processes, ``flask outbox deliver``, workers) may run at once: a message is
claimed by one of them with a compare-and-set on its status before it is sent, and a claim that
is not completed in time (the deliverer died) expires, so the message is sent again with the same
Message-ID.
"""

import logging
import smtplib
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app
from flask_mail import Message
from jinja2 import TemplateError

from seminar_reg.extensions import db, mail, utcnow
from seminar_reg.mail.messages import attachment_data, render
from seminar_reg.mail.models import MessageStatus, OutboxMessage

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.retried


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes after each failed attempt, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def claim_due(limit: int, now: datetime) -> list[OutboxMessage]:
    """Take up to ``limit`` due messages for this deliverer, and commit the claim."""
    claim_until = now + timedelta(seconds=current_app.config["OUTBOX_CLAIM_SECONDS"])
    due = sa.or_(
        sa.and_(
            OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.next_attempt_at <= now
        ),
        sa.and_(OutboxMessage.status == MessageStatus.SENDING, OutboxMessage.claimed_until < now),
    )
    candidates = db.select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(limit)
    if db.engine.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(db.session.execute(candidates).scalars())
    if not ids:
        db.session.commit()
        return []
    # The status check again in the UPDATE: on SQLite a concurrent deliverer may have won.
    claimed = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), due)
        .values(status=MessageStatus.SENDING, claimed_until=claim_until)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).scalars()
    claimed_ids = list(claimed)
    db.session.commit()
    return list(
        db.session.execute(
            db.select(OutboxMessage)
            .where(OutboxMessage.id.in_(claimed_ids))
            .order_by(OutboxMessage.id)
        ).scalars()
    )


def _as_mail(message: OutboxMessage) -> Message:
    mail_message = Message(
        subject=message.subject,
        recipients=[message.to_address],
        body=message.text_body,
        html=message.html_body or None,
        reply_to=message.reply_to or None,
    )
    mail_message.msgId = message.message_id
    for attachment in message.attachments:
        data = attachment_data(attachment)
        mail_message.attach(attachment["filename"], attachment["content_type"], data)
    return mail_message


def _record_failure(message: OutboxMessage, error: str, *, final: bool, now: datetime) -> None:
    message.attempts += 1
    message.last_error = error[:2000]
    message.claimed_until = None
    if final or message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        message.status = MessageStatus.FAILED
    else:
        message.status = MessageStatus.PENDING
        message.next_attempt_at = now + backoff(message.attempts)


def _record_sent(message: OutboxMessage, now: datetime) -> None:
    message.status = MessageStatus.SENT
    message.attempts += 1
    message.sent_at = now
    message.claimed_until = None
    message.last_error = ""


def _rendered(messages: list[OutboxMessage], report: DeliveryReport, now) -> list[OutboxMessage]:
    """The messages whose bodies are written, rendering those queued for later; one whose kept
    context does not fit its template fails for good (sending it again would fail again)."""
    ready = []
    for message in messages:
        try:
            render(message)
        except TemplateError as error:
            log.exception("Outbox message %s does not render", message.id)
            _record_failure(message, f"cannot render the email: {error}", final=True, now=now)
            report.failed += 1
        else:
            ready.append(message)
    if len(ready) < len(messages):
        db.session.commit()
    return ready


def _send_over_smtp(messages: list[OutboxMessage], report: DeliveryReport, now: datetime) -> None:
    try:
        with mail.connect() as connection:
            for message in messages:
                try:
                    connection.send(_as_mail(message))
                except smtplib.SMTPRecipientsRefused as error:
                    # The server refused this address: retrying will not help, the others go on.
                    replies = "; ".join(
                        f"{code} {text.decode(errors='replace')}"
                        for code, text in error.recipients.values()
                    )
                    _record_failure(message, replies, final=True, now=now)
                    report.failed += 1
                else:
                    _record_sent(message, now)
                    report.sent += 1
                db.session.commit()
    except (OSError, smtplib.SMTPException) as error:
        # The server is down or dropped us: what is not sent yet is retried later.
        for message in messages:
            if message.status == MessageStatus.SENDING:
                _record_failure(message, f"{type(error).__name__}: {error}", final=False, now=now)
                report.retried += 1
        report.errors.append(str(error))
        db.session.commit()


def _write_to_log(messages: list[OutboxMessage], report: DeliveryReport, now: datetime) -> None:
    for message in messages:
        log.info(
            "Email (no MAIL_SERVER configured, so not sent)\nTo: %s\nSubject: %s\n\n%s",
            message.to_address,
            message.subject,
            message.text_body,
        )
        _record_sent(message, now)
        report.sent += 1
    db.session.commit()


def deliver_due(limit: int | None = None, now: datetime | None = None) -> DeliveryReport:
    """Send what is due now, in batches on one connection each, until nothing is due."""
    limit = limit or current_app.config["OUTBOX_BATCH_SIZE"]
    report = DeliveryReport()
    while True:
        now_or_later = now or utcnow()
        batch = claim_due(limit, now_or_later)
        if not batch:
            return report
        batch = _rendered(batch, report, now_or_later)
        if not batch:
            continue
        if current_app.config["MAIL_SERVER"]:
            _send_over_smtp(batch, report, now_or_later)
        else:
            _write_to_log(batch, report, now_or_later)
        if report.errors:
            return report


def status_counts(seminar_id: int | None = None) -> dict[MessageStatus, int]:
    query = db.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    if seminar_id is not None:
        query = query.where(OutboxMessage.seminar_id == seminar_id)
    counts = dict(db.session.execute(query).all())
    return {status: counts.get(status, 0) for status in MessageStatus}


class BackgroundDeliverer:
    """One thread per process that delivers after each commit that wrote emails."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        self.stopping = False

    def nudge(self) -> None:
        with self.lock:
            if self.stopping:
                return  # the messages stay in the outbox for the next delivery
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="outbox", daemon=True)
                self.thread.start()
        self.wake.set()

    def stop(self, timeout: float = 30) -> None:
        """Finish the delivery under way or asked for, and end the thread: before the app's
        database connections are closed, which would leave this thread's connection open."""
        with self.lock:
            self.stopping = True
            thread = self.thread
        self.wake.set()
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            self.wake.wait()
            self.wake.clear()
            with self.app.app_context():
                try:
                    deliver_due()
                except Exception:
                    log.exception("Outbox delivery failed; the messages stay in the outbox")
                finally:
                    db.session.remove()
            if self.stopping:
                return


class CeleryNudge:
    """Asks a Celery worker to deliver, with at most one such task waiting in the queue.

    A flag in Redis says a delivery task is queued. A commit that finds the flag set sends no
    task: the queued one has not started (a task clears the flag as it starts, before it claims
    anything), so it will find this commit's messages. The task starts a moment after it is
    asked for, so that in a rush it is one task per second's emails instead of one per
    registration. The flag expires, in case its task is lost.
    """

    def __init__(self, app: Flask) -> None:
        from redis import Redis

        self.app = app
        self.redis = Redis.from_url(app.config["CELERY_BROKER_URL"])
        self.flag = f"{app.config['CELERY_QUEUE']}:delivery-queued"
        self.expires = app.config["CELERY_DELIVERY_SECONDS"]
        self.gather = app.config["CELERY_DELIVERY_GATHER_SECONDS"]

    def nudge(self) -> None:
        if self.redis.set(self.flag, 1, nx=True, ex=self.expires):
            self.app.extensions["celery"].send_task(
                "seminar_reg.deliver_outbox", countdown=self.gather or None
            )

    def starting(self) -> None:
        """A delivery task begins: the next commit's messages need a task of their own."""
        self.redis.delete(self.flag)


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _deliver_after_commit(session: sa.orm.Session) -> None:
    if not session.info.pop("outbox_written", False):
        return
    dispatch = current_app.config["OUTBOX_DISPATCH"]
    if dispatch == "thread":
        current_app.extensions["outbox_deliverer"].nudge()
    elif dispatch == "celery":
        current_app.extensions["celery_nudge"].nudge()


def init_app(app: Flask) -> None:
    app.extensions["outbox_deliverer"] = BackgroundDeliverer(app)
