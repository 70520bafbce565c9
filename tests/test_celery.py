"""Celery workers on Redis deliver the outbox: real worker processes, a real SMTP server.

Two workers share 2,000 messages while one of them is killed with SIGKILL halfway: nothing is
lost, and a message the dead worker was sending at that instant may arrive twice, with the same
Message-ID, so that a reader can recognise it.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from email.utils import make_msgid
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from seminar_reg.extensions import db, utcnow
from seminar_reg.mail.models import MessageStatus, OutboxMessage
from tests.conftest import service_unavailable
from tests.registration_helpers import register, session_ids

REDIS_URL = os.environ.get("SEMINAR_REG_TEST_REDIS", "redis://127.0.0.1:6379/0")
CELERY = Path(sys.executable).with_name("celery")


@pytest.fixture(scope="session")
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as error:
        service_unavailable("Redis on 127.0.0.1:6379", str(error))
    return REDIS_URL


@pytest.fixture
def celery_config(redis_url, smtp_server, database_url):
    return {
        "CELERY_BROKER_URL": redis_url,
        "CELERY_QUEUE": f"seminar-reg-test-{uuid.uuid4().hex[:8]}",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_server.port,
        "MAIL_DEFAULT_SENDER": "UNEVOC seminars <seminars@example.org>",
        "OUTBOX_CLAIM_SECONDS": 3,
        "OUTBOX_BATCH_SIZE": 25,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test secret key",
    }


class Worker:
    def __init__(self, name: str, config: dict, log_dir: Path) -> None:
        env = {**os.environ, **{f"SEMINAR_REG_{key}": str(value) for key, value in config.items()}}
        env["SEMINAR_REG_OUTBOX_DISPATCH"] = "none"
        self.log = log_dir / f"{name}.log"
        with self.log.open("w") as output:
            self.process = subprocess.Popen(
                [
                    str(CELERY),
                    "-A",
                    "seminar_reg.tasks",
                    "worker",
                    "--pool=solo",
                    "-n",
                    f"{name}@%h",
                    "-Q",
                    config["CELERY_QUEUE"],
                    "--without-gossip",
                    "--without-mingle",
                    "-l",
                    "INFO",
                ],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log.read_text():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        pytest.fail(f"the Celery worker did not start:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def workers(celery_config, tmp_path):
    started: list[Worker] = []

    def start(count: int) -> list[Worker]:
        new = [Worker(f"w{len(started) + n}", celery_config, tmp_path) for n in range(count)]
        for worker in new:
            worker.wait_ready()
        started.extend(new)
        return new

    yield start
    for worker in started:
        worker.stop()


def wait_for(condition, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(message)
        time.sleep(0.05)


@pytest.fixture
def dispatching_app(make_app, celery_config):
    """An app whose commits ask the Celery workers to deliver."""
    return make_app(OUTBOX_DISPATCH="celery", **celery_config)


@pytest.mark.slow
def test_a_registration_is_delivered_by_a_worker_after_the_commit(
    dispatching_app, workers, smtp_server, make_seminar
):
    app = dispatching_app
    workers(1)
    seminar = make_seminar("leaders")
    register(app.test_client(), "leaders", session_ids(app, seminar.id), email="oyunaa@example.org")
    wait_for(lambda: smtp_server.messages, 30, "the worker delivered nothing")
    assert smtp_server.messages[0]["To"] == "oyunaa@example.org"
    assert smtp_server.messages[0]["From"] == "UNEVOC seminars <seminars@example.org>"


@pytest.mark.slow
def test_registrations_while_a_delivery_waits_queue_no_more_tasks_and_all_arrive(
    dispatching_app, celery_config, workers, smtp_server, make_seminar, redis_url
):
    app = dispatching_app
    seminar = make_seminar("leaders")
    client, sessions = app.test_client(), session_ids(app, seminar.id)
    for number in range(5):
        register(client, "leaders", sessions, email=f"p{number}@example.org")
    queued = redis.Redis.from_url(redis_url).llen(celery_config["CELERY_QUEUE"])
    assert queued == 1
    workers(1)
    wait_for(lambda: len(smtp_server.messages) == 5, 30, "not every confirmation arrived")
    assert sorted(m["To"] for m in smtp_server.messages) == [
        f"p{number}@example.org" for number in range(5)
    ]


@pytest.mark.slow
def test_a_registration_after_a_delivery_gets_a_delivery_of_its_own(
    dispatching_app, workers, smtp_server, make_seminar
):
    app = dispatching_app
    workers(1)
    seminar = make_seminar("leaders")
    client, sessions = app.test_client(), session_ids(app, seminar.id)
    register(client, "leaders", sessions, email="first@example.org")
    wait_for(lambda: smtp_server.messages, 30, "the first confirmation never arrived")
    register(client, "leaders", sessions, email="second@example.org")
    wait_for(lambda: len(smtp_server.messages) == 2, 30, "the second confirmation never arrived")
    assert smtp_server.messages[1]["To"] == "second@example.org"


def sent_count(app) -> int:
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == MessageStatus.SENT)
        )
        db.session.remove()
        return count


@pytest.mark.slow
def test_two_workers_deliver_2000_messages_losing_none_while_one_is_killed(
    make_app, celery_config, workers, smtp_server
):
    app = make_app(**celery_config)
    total = 2000
    with app.app_context():
        now = utcnow()
        db.session.execute(
            sa.insert(OutboxMessage),
            [
                {
                    "kind": "test",
                    "message_id": make_msgid(domain="example.org"),
                    "to_address": f"p{n}@example.org",
                    "reply_to": "",
                    "subject": f"Message {n}",
                    "text_body": "Hello",
                    "html_body": "",
                    "attachments": [],
                    "status": MessageStatus.PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "last_error": "",
                    "created_at": now,
                }
                for n in range(total)
            ],
        )
        db.session.commit()
        expected_ids = set(db.session.execute(sa.select(OutboxMessage.message_id)).scalars())
    victim, survivor = workers(2)
    celery = app.extensions["celery"]
    for _ in range(4):
        celery.send_task("seminar_reg.deliver_outbox")
    wait_for(
        lambda: len(smtp_server.messages) >= total // 2, 120, "half of the messages never arrived"
    )
    victim.kill()
    # Beat would ask again every half minute; the test asks every half second.
    deadline = time.monotonic() + 120
    while sent_count(app) < total and time.monotonic() < deadline:
        celery.send_task("seminar_reg.deliver_outbox")
        time.sleep(0.5)
    assert sent_count(app) == total
    received = [message["Message-ID"] for message in smtp_server.messages]
    assert set(received) == expected_ids  # nothing lost
    duplicates = len(received) - len(set(received))
    assert duplicates <= 1, f"{duplicates} messages arrived twice"
    assert survivor.process.poll() is None
