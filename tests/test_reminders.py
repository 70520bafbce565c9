"""Reminders before each session: in the participant's language and zone, once, whoever runs."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from seminar_reg.extensions import db
from seminar_reg.messaging.models import SentReminder
from seminar_reg.messaging.services import send_due_reminders
from seminar_reg.seminars.models import Seminar, SeminarSession
from tests.registration_helpers import outbox, register, session_ids, token_of
from tests.test_seminars import seminar_form


@pytest.fixture
def seminar(make_seminar):
    # Two sessions, the first starting in 20 days at the seminar's default reminders (24 h, 1 h).
    return make_seminar("leaders", sessions=2, capacity=2)


@pytest.fixture
def sessions(app, seminar):
    return session_ids(app, seminar.id)


def session_start(app, session_id) -> datetime:
    with app.app_context():
        return db.session.get(SeminarSession, session_id).starts_at


def remind(app, now):
    with app.app_context():
        return send_due_reminders(now)


def test_a_reminder_goes_a_day_before_with_the_join_link_in_the_participants_zone(
    app, client, seminar, sessions
):
    register(client, "leaders", sessions, timezone="Europe/Berlin", language="en")
    start = session_start(app, sessions[0])
    assert remind(app, start - timedelta(hours=25)) == 0
    assert remind(app, start - timedelta(hours=23)) == 1
    (reminder,) = outbox(app, "reminder")
    assert reminder.subject == "Reminder: Session 1"
    assert "starts in 1 day(s)" in reminder.text_body
    assert "https://meet.example.org/leaders/1" in reminder.text_body
    assert "Ulaanbaatar (GMT+08:00)" in reminder.text_body and "Berlin" in reminder.text_body
    assert "/r/" in reminder.text_body


def test_each_reminder_goes_once_even_when_the_scheduler_runs_twice(app, client, seminar, sessions):
    register(client, "leaders", sessions)
    start = session_start(app, sessions[0])
    assert remind(app, start - timedelta(hours=23)) == 1
    assert remind(app, start - timedelta(hours=22)) == 0
    assert remind(app, start - timedelta(minutes=50)) == 1  # the hour-before reminder
    assert remind(app, start - timedelta(minutes=40)) == 0
    assert len(outbox(app, "reminder")) == 2


def test_two_schedulers_at_once_send_each_reminder_once(make_app, make_seminar):
    app = make_app()
    seminar = make_seminar("leaders", sessions=1)
    sessions = session_ids(app, seminar.id)
    client = app.test_client()
    for number in range(20):
        register(client, "leaders", sessions, email=f"p{number}@example.org")
    now = session_start(app, sessions[0]) - timedelta(hours=23)
    start = threading.Barrier(2)
    counts = []

    def scheduler():
        start.wait()
        counts.append(remind(app, now))

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 20
    assert len(outbox(app, "reminder")) == 20


def test_after_a_pause_only_the_latest_reminder_goes(app, client, seminar, sessions):
    register(client, "leaders", sessions)
    start = session_start(app, sessions[0])
    assert remind(app, start - timedelta(minutes=30)) == 1
    (reminder,) = outbox(app, "reminder")
    assert "starts in 1 hour(s)" in reminder.text_body
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SentReminder)) == 2


def test_nobody_gets_a_reminder_whose_time_was_before_they_registered(app, client, make_seminar):
    seminar = make_seminar("soon", sessions=1, starts_in=timedelta(hours=3))
    sessions = session_ids(app, seminar.id)
    register(client, "soon", sessions)
    start = session_start(app, sessions[0])
    # The day-before reminder's time is past: the confirmation was this person's reminder.
    assert remind(app, datetime.now(UTC)) == 0
    assert remind(app, start - timedelta(minutes=50)) == 1
    assert "starts in 1 hour(s)" in outbox(app, "reminder")[0].text_body


def test_the_waiting_list_and_cancelled_people_are_not_reminded(app, client, seminar, sessions):
    first = register(client, "leaders", sessions, email="a@example.org")
    register(client, "leaders", sessions, email="b@example.org")
    register(client, "leaders", sessions, email="waiting@example.org")
    client.post(f"/r/{token_of(first)}/cancel")  # b stays, waiting@ moves up
    start = session_start(app, sessions[0])
    assert remind(app, start - timedelta(hours=23)) == 2
    assert sorted(m.to_address for m in outbox(app, "reminder")) == [
        "b@example.org",
        "waiting@example.org",
    ]


def test_organisers_set_the_reminder_times(app, client, auth, make_organiser, make_seminar):
    organiser = make_organiser("ann@example.org")
    make_seminar("custom", organisers=[organiser])
    auth.login("ann@example.org")
    response = client.post(
        "/manage/seminars/custom/edit",
        data=seminar_form(title="Custom", slug="custom", reminders="48, 0.5"),
    )
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.execute(sa.select(Seminar).where(Seminar.slug == "custom")).scalar_one()
        assert stored.reminder_offsets == [2880, 30]
    assert 'value="48, 0.5"' in client.get("/manage/seminars/custom/edit").text


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-1", "between a few minutes and 14 days"),
        ("400", "between a few minutes and 14 days"),
        ("tomorrow", "is not a number of hours"),
    ],
)
def test_nonsense_reminder_times_are_refused(
    client, auth, make_organiser, make_seminar, typed, message
):
    organiser = make_organiser("ann@example.org")
    make_seminar("custom", organisers=[organiser])
    auth.login("ann@example.org")
    response = client.post(
        "/manage/seminars/custom/edit",
        data=seminar_form(title="Custom", slug="custom", reminders=typed),
    )
    assert response.status_code == 200
    assert message in response.text


def test_an_empty_reminder_list_sends_none(app, client, seminar, sessions):
    with app.app_context():
        db.session.get(Seminar, seminar.id).reminder_offsets = []
        db.session.commit()
    register(client, "leaders", sessions)
    assert remind(app, session_start(app, sessions[0]) - timedelta(minutes=5)) == 0
