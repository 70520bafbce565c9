"""Outbox delivery by Celery workers on Redis: 5,000 messages to a local SMTP server.

Run: .venv/bin/python -m bench.outbox_delivery [--messages 5000]
Needs the local PostgreSQL (127.0.0.1:5432, trust) and Redis (127.0.0.1:6379); creates and drops
its own database. Each message carries a calendar of three sessions, as a confirmation does:
stored with the message (its bytes written when the message was), or built by the worker as it
delivers (from the recipe the registration's request writes, as the app does). Prints messages
per second with 1 and 2 workers for each, and checks that none was lost or sent twice.
"""

import argparse
import itertools
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from email.utils import make_msgid
from pathlib import Path

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from bench.databases import scratch_postgres
from bench.registration_rush import open_seminar
from seminar_reg import create_app
from seminar_reg.extensions import db, utcnow
from seminar_reg.mail.messages import Attachment, DeferredAttachment
from seminar_reg.mail.models import MessageStatus, OutboxMessage
from seminar_reg.registration.calendar import CalendarEvent, CalendarRequest, render_calendar
from seminar_reg.registration.emails import CALENDAR_MAKER, CALENDAR_TYPE
from seminar_reg.seminars.models import Seminar

REDIS = os.environ.get("SEMINAR_REG_BENCH_REDIS", "redis://127.0.0.1:6379/0")
CELERY = Path(sys.executable).with_name("celery")


class CountingSMTP:
    def __init__(self) -> None:
        self.message_ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                self.message_ids.append(line.split(b":", 1)[1].strip().decode())
                break
        return "250 OK"


def calendar_of(number: int, seminar: Seminar, now, stored: bool) -> dict:
    """The calendar attachment of participant ``number``'s confirmation, as stored in the row."""
    request = CalendarRequest(
        registration_id=number,
        sequence=0,
        email=f"p{number}@example.org",
        full_name=f"Participant {number}",
        language="en",
        method="REQUEST",
        seminar_title=seminar.title,
        seminar_timezone=seminar.timezone,
        seminar_venue=seminar.venue,
        seminar_url=f"https://seminars.example.org/seminars/{seminar.slug}/",
        contact_email=seminar.contact_email,
        events=[
            CalendarEvent(
                session.id,
                session.title,
                session.starts_at.isoformat(),
                session.ends_at.isoformat(),
                session.join_url,
                tentative=False,
            )
            for session in seminar.sessions
        ],
        manage_url=f"https://seminars.example.org/r/token-{number}",
        dtstamp=now.isoformat(),
    )
    if stored:
        return Attachment("seminar.ics", CALENDAR_TYPE, render_calendar(request)).as_json()
    recipe = request.as_json()
    return DeferredAttachment("seminar.ics", CALENDAR_TYPE, CALENDAR_MAKER, recipe).as_json()


def run(
    workers: int, messages: int, database: str, smtp_port: int, log_dir: Path, stored: bool
) -> dict:
    config = {
        "SQLALCHEMY_DATABASE_URI": database,
        "CELERY_BROKER_URL": REDIS,
        "CELERY_QUEUE": f"seminar-reg-bench-{uuid.uuid4().hex[:8]}",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_DEFAULT_SENDER": "Seminars <seminars@example.org>",
        "SECRET_KEY": "bench",
        "OUTBOX_DISPATCH": "none",
    }
    app = create_app({**config, "TESTING": True})
    with app.app_context():
        db.drop_all()
        db.create_all()
    seminar_id = open_seminar(app, "delivery", None)
    with app.app_context():
        seminar = db.session.get(Seminar, seminar_id)
        now = utcnow()
        rows = [
            {
                "kind": "bench",
                "message_id": make_msgid(domain="example.org"),
                "to_address": f"p{n}@example.org",
                "reply_to": "",
                "subject": f"Message {n}",
                "text_body": "Hello " * 40,
                "html_body": "",
                "attachments": [calendar_of(n, seminar, now, stored)],
                "status": MessageStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "last_error": "",
                "created_at": now,
            }
            for n in range(messages)
        ]
        db.session.execute(sa.insert(OutboxMessage), rows)
        db.session.commit()
        expected = set(db.session.execute(sa.select(OutboxMessage.message_id)).scalars())
    env = {**os.environ, **{f"SEMINAR_REG_{key}": str(value) for key, value in config.items()}}
    processes = []
    for number in range(workers):
        log = (log_dir / f"worker{workers}-{number}.log").open("w")
        processes.append(
            subprocess.Popen(
                [
                    str(CELERY),
                    "-A",
                    "seminar_reg.tasks",
                    "worker",
                    "--pool=solo",
                    "-n",
                    f"bench{number}@%h",
                    "-Q",
                    config["CELERY_QUEUE"],
                    "--without-gossip",
                    "--without-mingle",
                    "-l",
                    "WARNING",
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    time.sleep(6)  # let the workers connect before the clock starts
    celery = app.extensions["celery"]
    started = time.perf_counter()
    for _ in range(workers * 2):
        celery.send_task("seminar_reg.deliver_outbox")
    with app.app_context():
        while True:
            sent = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == MessageStatus.SENT)
            )
            db.session.commit()
            if sent >= messages:
                break
            time.sleep(0.05)
    elapsed = time.perf_counter() - started
    for process in processes:
        process.terminate()
        process.wait(timeout=30)
    with app.app_context():
        db.engine.dispose()
    return {"elapsed": elapsed, "expected": expected}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    args = parser.parse_args()
    inbox = CountingSMTP()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    print(
        f"Outbox delivery: {args.messages} messages, Celery workers on Redis, PostgreSQL, aiosmtpd"
    )
    print(
        f"{'calendar':<20} {'workers':>8} {'seconds':>9} {'msg/s':>9} {'received':>9}"
        f" {'lost':>6} {'twice':>6}"
    )
    try:
        with tempfile.TemporaryDirectory() as logs, scratch_postgres() as database:
            for stored, workers in itertools.product((True, False), (1, 2)):
                inbox.message_ids.clear()
                result = run(workers, args.messages, database, port, Path(logs), stored)
                received = inbox.message_ids
                lost = len(result["expected"] - set(received))
                twice = len(received) - len(set(received))
                rate = args.messages / result["elapsed"]
                form = "stored in the row" if stored else "built at delivery"
                print(
                    f"{form:<20} {workers:>8} {result['elapsed']:>9.2f} {rate:>9.0f}"
                    f" {len(received):>9} {lost:>6} {twice:>6}"
                )
    finally:
        smtp.stop()


if __name__ == "__main__":
    main()
