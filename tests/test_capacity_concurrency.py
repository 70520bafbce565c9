"""Capacity under a rush: real HTTP clients register at once; no seminar is ever over capacity."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import sqlalchemy as sa

from seminar_reg.extensions import db
from seminar_reg.mail.models import OutboxMessage
from seminar_reg.registration.models import Registration, RegistrationStatus
from tests.registration_helpers import registration_form, session_ids

CLIENTS = 100
CAPACITY = 30


def status_counts(app, seminar_id) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Registration.status, sa.func.count())
            .where(Registration.seminar_id == seminar_id)
            .group_by(Registration.status)
        ).all()
        return {status.value: number for status, number in rows}


@pytest.mark.slow
def test_a_hundred_concurrent_registrations_fill_thirty_places_and_queue_the_rest(
    make_app, make_seminar, serve
):
    app = make_app(WTF_CSRF_ENABLED=True)
    seminar = make_seminar("rush", capacity=CAPACITY, sessions=1)
    sessions = session_ids(app, seminar.id)
    base = serve(app)
    everyone_ready = threading.Barrier(CLIENTS)

    def participant(number: int) -> int:
        with httpx.Client(base_url=base, timeout=120) as client:
            form = client.get("/seminars/rush/register").text
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
            submission = re.search(
                r'name="submission_id" type="hidden" value="([^"]+)"', form
            ).group(1)
            data = registration_form(
                sessions,
                email=f"person{number}@example.org",
                csrf_token=token,
                submission_id=submission,
            )
            everyone_ready.wait()
            return client.post("/seminars/rush/register", data=data).status_code

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        codes = list(pool.map(participant, range(CLIENTS)))

    assert codes == [302] * CLIENTS
    assert status_counts(app, seminar.id) == {
        "confirmed": CAPACITY,
        "waitlisted": CLIENTS - CAPACITY,
    }
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == CLIENTS
        # The waiting list is in arrival order: positions 1..70 without gaps or ties.
        arrivals = (
            db.session.execute(
                sa.select(Registration.waitlisted_at)
                .where(Registration.status == RegistrationStatus.WAITLISTED)
                .order_by(Registration.waitlisted_at, Registration.id)
            )
            .scalars()
            .all()
        )
        assert len(arrivals) == CLIENTS - CAPACITY and arrivals == sorted(arrivals)


@pytest.mark.slow
def test_concurrent_cancellations_promote_exactly_as_many_from_the_waiting_list(
    make_app, make_seminar, serve
):
    app = make_app()
    seminar = make_seminar("rush", capacity=10, sessions=1)
    sessions = session_ids(app, seminar.id)
    base = serve(app)
    tokens = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for number in range(20):
            response = client.post(
                "/seminars/rush/register",
                data=registration_form(sessions, email=f"p{number}@example.org"),
            )
            tokens.append(response.headers["Location"].split("/")[2])
    start = threading.Barrier(5)

    def cancel(token: str) -> int:
        with httpx.Client(base_url=base, timeout=60) as client:
            start.wait()
            return client.post(f"/r/{token}/cancel").status_code

    with ThreadPoolExecutor(max_workers=5) as pool:
        assert list(pool.map(cancel, tokens[:5])) == [302] * 5
    assert status_counts(app, seminar.id) == {"confirmed": 10, "waitlisted": 5, "cancelled": 5}
    with app.app_context():
        promoted = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == "promoted")
        )
    assert promoted == 5
