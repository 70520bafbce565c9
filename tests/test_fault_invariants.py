"""Faults and races (issue 9): what must always hold while the mail server is down and while
many people register, cancel and import at the same moment.

1. The mail server is down during a burst of 200 registrations (and goes down again between
   two delivery batches): every registration is stored and, once the server is back, every
   email arrives exactly once (counted by Message-ID at the SMTP server) and the outbox is all
   'sent'. On SQLite and on PostgreSQL.
2. Races on PostgreSQL, each repeated ROUNDS times on a new seminar, threads released together
   by a barrier, each with its own app context and session; the invariants are read with SQL:
   a) registrations at capacity: confirmed == capacity, the rest waitlisted in arrival order,
      one person and one registration per email, even with a double-clicked submit; the places
      taken as kept (PlacesTaken) equal them counted;
   b) cancellations while others wait and newcomers register: never over capacity, each freed
      place promotes exactly one, in waiting-list order; the places kept equal them counted;
   c) the same attendance report imported twice at once: the result equals one import;
   d) registrations where no place is limited, which take no exclusive lock: one registration
      per person, a double click and two forms of one person at once included, and a capacity
      of the seminar or of a session set in the middle of the rush holds;
   e) a session deleted while people who chose it submit: each is registered before the
      deletion or told to choose sessions of this seminar only, never an error page.
"""

import functools
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, fields, replace
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from seminar_reg.attendance.models import Attendance, AttendanceImport, ImportedPerson
from seminar_reg.attendance.services import import_report
from seminar_reg.errors import DomainError
from seminar_reg.extensions import db, utcnow
from seminar_reg.institutions.models import Institution, InstitutionType
from seminar_reg.locks import pass_seminar_gate
from seminar_reg.mail.delivery import deliver_due
from seminar_reg.mail.models import MessageStatus, OutboxMessage
from seminar_reg.registration import services as registrations
from seminar_reg.registration.models import (
    EventKind,
    Participant,
    PlacesTaken,
    RegisteredBy,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
)
from seminar_reg.seminars import services as seminars
from seminar_reg.seminars.models import Seminar, SeminarSession, SeminarStatus
from tests.conftest import local

ROUNDS = 20
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "attendance"
on_postgresql = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def request_for(email: str, sessions, *, submission_id: str | None = None):
    return registrations.RegistrationRequest(
        person=registrations.PersonDetails("Оюунчимэг", "Батбаяр", email),
        country="MN",
        institution=registrations.InstitutionChoice(
            "Darkhan Polytechnic College", InstitutionType.TVET_INSTITUTE
        ),
        session_ids=tuple(sessions),
        submission_id=submission_id,
    )


def register(app, seminar_id: int, email: str, **options) -> int:
    """Register one person, one after another; the registration's id."""
    with app.app_context():
        seminar = db.session.get(Seminar, seminar_id)
        sessions = [s.id for s in seminar.sessions]
        return registrations.register(
            seminar, request_for(email, sessions), **options
        ).registration.id


def scalar(app, query):
    with app.app_context():
        return db.session.scalar(query)


def status_counts(app, seminar_id: int) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Registration.status, sa.func.count())
            .where(Registration.seminar_id == seminar_id)
            .group_by(Registration.status)
        ).all()
        return {status.value: number for status, number in rows}


def places_kept(app, seminar_id: int) -> dict[str, int]:
    """The seminar's places taken as kept (not counted), in the shape of ``status_counts``."""
    with app.app_context():
        kept = db.session.execute(
            sa.select(PlacesTaken.confirmed, PlacesTaken.waiting).where(
                PlacesTaken.seminar_id == seminar_id
            )
        ).one()
    return {"confirmed": kept.confirmed, "waitlisted": kept.waiting}


def emails_by_status(app, seminar_id: int, status: RegistrationStatus) -> list[str]:
    """The emails of a status, the waiting list in its order (waitlisted_at, id)."""
    with app.app_context():
        return list(
            db.session.execute(
                sa.select(Participant.email)
                .join(Registration, Registration.participant_id == Participant.id)
                .where(Registration.seminar_id == seminar_id, Registration.status == status)
                .order_by(Registration.waitlisted_at, Registration.id)
            ).scalars()
        )


@dataclass(frozen=True)
class Made:
    """A registration's result, read inside the thread that made it."""

    id: int
    created: bool
    waitlist_position: int | None


def made(result: registrations.Registered) -> Made:
    return Made(result.registration.id, result.created, result.waitlist_position)


@dataclass
class Outcome:
    value: object = None
    error: BaseException | None = None


def run_together(app, jobs) -> list[Outcome]:
    """Run each job (a callable taking no argument) in its own thread and app context, all
    released at once by a barrier; what each returned or raised, in the jobs' order."""
    start = threading.Barrier(len(jobs))
    outcomes = [Outcome() for _ in jobs]

    def work(number: int, job) -> None:
        with app.app_context():
            try:
                prepared = job()  # reads done before the start: returns the call to race
                start.wait(timeout=30)
                outcomes[number].value = prepared()
            except BaseException as error:  # reported by the test
                outcomes[number].error = error
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=work, args=(number, job), daemon=True)
        for number, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a racing thread hung"
    return outcomes


# --- 1. the mail server down for a burst ----------------------------------------------------------

BURST = 200


def deliver(app, now=None, limit=None):
    with app.app_context():
        return deliver_due(limit=limit, now=now)


def test_mail_server_down_for_a_burst_of_200_then_back_delivers_every_email_exactly_once(
    mail_app, smtp_server, make_seminar
):
    seminar = make_seminar("burst", title="Digital and Green Transitions", sessions=2)
    smtp_server.stop()  # fault 1: the server is down for the whole burst
    with mail_app.app_context():
        stored = db.session.get(Seminar, seminar.id)
        sessions = [s.id for s in stored.sessions]
        for number in range(BURST):
            result = registrations.register(stored, request_for(f"p{number}@example.org", sessions))
            assert result.created
    assert scalar(mail_app, sa.select(sa.func.count()).select_from(Registration)) == BURST
    assert scalar(mail_app, sa.select(sa.func.count()).select_from(OutboxMessage)) == BURST

    # Deliverers try while the server is down: every message is retried later, none is lost.
    now = utcnow()
    retried = 0
    while True:
        report = deliver(mail_app, now=now)
        assert report.sent == 0 and report.failed == 0
        if not report.retried:
            break
        retried += report.retried
    assert retried == BURST
    with mail_app.app_context():
        assert registrations_status_of_outbox() == {MessageStatus.PENDING: BURST}
    assert smtp_server.messages == []

    # Back, but it breaks down again in the middle of the first batch (fault 2): it takes 70
    # messages, then answers 421 to every message until it is mended.
    smtp_server.start()
    accept = smtp_server.handle_DATA
    budget = {"left": 70}

    async def crashing(server, session, envelope):
        if budget["left"] <= 0:
            return "421 4.3.0 Service shutting down"
        budget["left"] -= 1
        return await accept(server, session, envelope)

    smtp_server.handle_DATA = crashing
    later = now + timedelta(minutes=5)
    first = deliver(mail_app, now=later)
    assert (first.sent, first.retried, first.failed) == (70, 30, 0)
    second = deliver(mail_app, now=later)  # the next batch meets the broken server at once
    assert (second.sent, second.retried, second.failed) == (0, BURST - 100, 0)
    assert len(smtp_server.messages) == 70

    del smtp_server.handle_DATA  # mended
    much_later = later + timedelta(hours=1)
    third = deliver(mail_app, now=much_later)
    assert (third.sent, third.failed) == (BURST - 70, 0)
    assert deliver(mail_app, now=much_later + timedelta(hours=7)).handled == 0

    with mail_app.app_context():
        outbox = db.session.execute(sa.select(OutboxMessage)).scalars().all()
        assert {m.status for m in outbox} == {MessageStatus.SENT}
        stored_ids = {m.message_id for m in outbox}
    received = Counter(m["Message-ID"] for m in smtp_server.messages)
    assert [mid for mid, n in received.items() if n > 1] == []  # nothing twice
    assert set(received) == stored_ids  # nothing missing, nothing made up
    assert len(received) == BURST
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(
        f"p{number}@example.org" for number in range(BURST)
    )


def registrations_status_of_outbox() -> dict[MessageStatus, int]:
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    ).all()
    return dict(rows)


# --- 2a. concurrent registrations at capacity ---------------------------------------------------

CAPACITY = 5
RUSH = 12  # threads: 11 people, one of them submitting twice (a double click)


@dataclass
class Rush:
    seminar_id: int
    people: list[str]
    outcomes: list[Outcome]


def rush(app, make_seminar, round_: int, kept: bool) -> Rush:
    """RUSH registrations at once for CAPACITY places, one person submitting twice. With
    ``kept``, the seminar's places taken are kept before the rush (none taken yet), as on a
    seminar that had registrations before; else the rush's first registration counts them,
    under the seminar's lock, while the others queue for it."""
    seminar = make_seminar(f"rush-{round_}", capacity=CAPACITY, sessions=1)
    if kept:
        with app.app_context():
            db.session.add(PlacesTaken(seminar_id=seminar.id, confirmed=0, waiting=0))
            db.session.commit()
    people = [f"r{round_}p{number}@example.org" for number in range(RUSH - 1)]
    double_click = f"submit-{uuid.uuid4().hex}"

    def job(email: str, submission_id: str | None = None):
        def prepare():
            stored = db.session.get(Seminar, seminar.id)
            request = request_for(
                email, [s.id for s in stored.sessions], submission_id=submission_id
            )
            return lambda: made(registrations.register(stored, request))

        return prepare

    jobs = [job(email) for email in people[1:]]
    jobs += [job(people[0], double_click), job(people[0], double_click)]
    return Rush(seminar.id, people, run_together(app, jobs))


def places_in_lock_order(app, created: list[Made]):
    """The registrations made, in the order they took the seminar's lock: the time each took
    under it (not their ids, which PostgreSQL hands out before the lock)."""
    with app.app_context():
        return db.session.execute(
            sa.select(Registration.id, Registration.status, Registration.waitlisted_at)
            .where(Registration.id.in_([r.id for r in created]))
            .order_by(Registration.created_at, Registration.id)
        ).all()


kept_before_the_rush = pytest.mark.parametrize(
    "kept", [False, True], ids=["counted-in-the-rush", "kept-before"]
)


@on_postgresql
@kept_before_the_rush
def test_concurrent_registrations_fill_the_places_and_store_each_person_once(
    app, make_seminar, kept
):
    for round_ in range(ROUNDS):
        result = rush(app, make_seminar, round_, kept)
        errors = [o.error for o in result.outcomes if o.error is not None]
        assert errors == [], f"round {round_}: {errors!r}"
        created = [o.value for o in result.outcomes if o.value.created]
        assert len(created) == RUSH - 1, f"round {round_}: the double click made two"
        assert status_counts(app, result.seminar_id) == {
            "confirmed": CAPACITY,
            "waitlisted": RUSH - 1 - CAPACITY,
        }, f"round {round_}"
        assert places_kept(app, result.seminar_id) == {
            "confirmed": CAPACITY,
            "waitlisted": RUSH - 1 - CAPACITY,
        }, f"round {round_}: the places kept are not the places taken"
        with app.app_context():
            per_email = db.session.execute(
                sa.select(Participant.email, sa.func.count())
                .join(Registration, Registration.participant_id == Participant.id)
                .where(Registration.seminar_id == result.seminar_id)
                .group_by(Participant.email)
            ).all()
            assert sorted(per_email) == sorted((e, 1) for e in result.people), f"round {round_}"
            people = db.session.scalar(sa.select(sa.func.count()).select_from(Participant))
            emails = db.session.scalar(sa.select(sa.func.count(sa.distinct(Participant.email))))
            assert people == emails == (round_ + 1) * (RUSH - 1), f"round {round_}"
            institutions = db.session.scalar(sa.select(sa.func.count()).select_from(Institution))
            assert institutions == 1, f"round {round_}: the new institution was made twice"
            outbox = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.seminar_id == result.seminar_id)
            )
            assert outbox == RUSH - 1, f"round {round_}: one email per registration"
            # Each told what it got, and its event says the same.
            told = db.session.execute(
                sa.select(Registration.status, OutboxMessage.kind, RegistrationEvent.kind)
                .join(OutboxMessage, OutboxMessage.registration_id == Registration.id)
                .join(RegistrationEvent, RegistrationEvent.registration_id == Registration.id)
                .where(Registration.seminar_id == result.seminar_id)
            ).all()
            assert Counter(told) == {
                (RegistrationStatus.CONFIRMED, "confirmation", EventKind.REGISTERED): CAPACITY,
                (RegistrationStatus.WAITLISTED, "waitlisted", EventKind.WAITLISTED): RUSH
                - 1
                - CAPACITY,
            }, f"round {round_}"
        rows = places_in_lock_order(app, created)
        # The places go to the first CAPACITY to take the seminar's lock.
        assert [r.status for r in rows] == [RegistrationStatus.CONFIRMED] * CAPACITY + [
            RegistrationStatus.WAITLISTED
        ] * (RUSH - 1 - CAPACITY), f"round {round_}"


@on_postgresql
@kept_before_the_rush
def test_concurrent_registrations_queue_in_arrival_order_and_are_told_their_true_place(
    app, make_seminar, kept
):
    for round_ in range(ROUNDS):
        result = rush(app, make_seminar, round_, kept)
        created = [o.value for o in result.outcomes if o.error is None and o.value.created]
        waiting = [
            r
            for r in places_in_lock_order(app, created)
            if r.status == RegistrationStatus.WAITLISTED
        ]
        in_line = sorted(waiting, key=lambda r: (r.waitlisted_at, r.id))
        told = {r.id: r.waitlist_position for r in created}
        assert [r.id for r in in_line] == [r.id for r in waiting], (
            f"round {round_}: the waiting list is not in the order places were given"
        )
        assert [told[r.id] for r in in_line] == list(range(1, len(in_line) + 1)), (
            f"round {round_}: positions told {[told[r.id] for r in in_line]}"
        )


# --- 2b. concurrent cancellations and promotions ------------------------------------------------

CANCELS = 3
NEWCOMERS = 2


def cancel_job(registration_id: int):
    def prepare():
        registration = db.session.get(Registration, registration_id)
        return lambda: registrations.cancel(registration)

    return prepare


def register_job(seminar_id: int, email: str):
    def prepare():
        stored = db.session.get(Seminar, seminar_id)
        request = request_for(email, [s.id for s in stored.sessions])
        return lambda: made(registrations.register(stored, request))

    return prepare


class ConfirmedWatcher:
    """Reads the seminar's confirmed count in SQL, again and again, while the race runs."""

    def __init__(self, app, seminar_id: int) -> None:
        self.app, self.seminar_id = app, seminar_id
        self.seen: list[int] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        with self.app.app_context():
            while not self.done.is_set():
                self.seen.append(registrations.confirmed_count(self.seminar_id))
                db.session.rollback()
                time.sleep(0.001)
            db.session.remove()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.thread.join(timeout=10)


@on_postgresql
def test_concurrent_cancellations_promote_one_each_in_waiting_list_order(app, make_seminar):
    for round_ in range(ROUNDS):
        seminar = make_seminar(f"cancel-{round_}", capacity=CAPACITY, sessions=1)
        first = [f"c{round_}p{number}@example.org" for number in range(2 * CAPACITY)]
        ids = {}
        for email in first:  # one after another: five confirmed, then five waiting, in order
            ids[email] = register(app, seminar.id, email, send_email=False)
        confirmed, waiting = first[:CAPACITY], first[CAPACITY:]
        assert emails_by_status(app, seminar.id, RegistrationStatus.WAITLISTED) == waiting
        newcomers = [f"c{round_}new{number}@example.org" for number in range(NEWCOMERS)]

        jobs = [cancel_job(ids[email]) for email in confirmed[:CANCELS]]
        jobs += [register_job(seminar.id, email) for email in newcomers]
        with ConfirmedWatcher(app, seminar.id) as watcher:
            outcomes = run_together(app, jobs)
        seen = watcher.seen

        errors = [o.error for o in outcomes if o.error is not None]
        assert errors == [], f"round {round_}: {errors!r}"
        assert seen and max(seen) <= CAPACITY, f"round {round_}: over capacity {max(seen)}"
        assert status_counts(app, seminar.id) == {
            "confirmed": CAPACITY,
            "cancelled": CANCELS,
            "waitlisted": len(waiting) - CANCELS + NEWCOMERS,
        }, f"round {round_}"
        assert places_kept(app, seminar.id) == {
            "confirmed": CAPACITY,
            "waitlisted": len(waiting) - CANCELS + NEWCOMERS,
        }, f"round {round_}: the places kept are not the places taken"
        assert sorted(emails_by_status(app, seminar.id, RegistrationStatus.CONFIRMED)) == sorted(
            confirmed[CANCELS:] + waiting[:CANCELS]
        ), f"round {round_}: not promoted in waiting-list order"
        still_waiting = emails_by_status(app, seminar.id, RegistrationStatus.WAITLISTED)
        assert still_waiting[: len(waiting) - CANCELS] == waiting[CANCELS:], f"round {round_}"
        assert sorted(still_waiting[len(waiting) - CANCELS :]) == sorted(newcomers)
        with app.app_context():
            promoted = Counter(
                db.session.execute(
                    sa.select(OutboxMessage.to_address).where(
                        OutboxMessage.seminar_id == seminar.id, OutboxMessage.kind == "promoted"
                    )
                ).scalars()
            )
            cancelled = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.seminar_id == seminar.id, OutboxMessage.kind == "cancelled")
            )
        # Each freed place promotes exactly one person, told once.
        assert promoted == Counter(waiting[:CANCELS]), f"round {round_}: {promoted}"
        assert cancelled == CANCELS


# --- 2d. registrations without limited places, which queue for no lock ------------------------


def registration_job(seminar_id: int, email: str, submission_id: str | None = None):
    """A job for run_together: one registration for the seminar's every session."""

    def prepare():
        stored = db.session.get(Seminar, seminar_id)
        request = request_for(email, [s.id for s in stored.sessions], submission_id=submission_id)
        return lambda: made(registrations.register(stored, request))

    return prepare


def outcome_of(job):
    """A job's result as a word, or the error it met."""

    def prepare():
        call = job()

        def run():
            try:
                return call()
            except registrations.AlreadyRegistered:
                return "already registered"

        return run

    return prepare


@on_postgresql
def test_unlimited_places_store_each_person_once_with_double_clicks_and_two_forms(
    app, make_seminar
):
    for round_ in range(ROUNDS):
        seminar = make_seminar(f"open-{round_}", sessions=2)
        people = [f"o{round_}p{number}@example.org" for number in range(8)]
        # Known people, as from an earlier seminar: only the registration's keys stop doubles.
        earlier = make_seminar(f"earlier-{round_}", sessions=1)
        for email in people[:2]:
            register(app, earlier.id, email)
        double_click = f"submit-{uuid.uuid4().hex}"
        job = functools.partial(registration_job, seminar.id)
        jobs = [job(email) for email in people[2:]]
        jobs += [job(people[0], double_click), job(people[0], double_click)]
        jobs += [job(people[1], f"form-a-{round_}"), job(people[1], f"form-b-{round_}")]
        outcomes = run_together(app, [outcome_of(j) for j in jobs])
        errors = [o.error for o in outcomes if o.error is not None]
        assert errors == [], f"round {round_}: {errors!r}"
        clicks, forms = [o.value for o in outcomes[-4:-2]], [o.value for o in outcomes[-2:]]
        assert clicks[0].id == clicks[1].id, f"round {round_}: the double click made two"
        assert sorted(c.created for c in clicks) == [False, True], f"round {round_}"
        assert "already registered" in forms, f"round {round_}: one person registered twice"
        assert status_counts(app, seminar.id) == {"confirmed": len(people)}, f"round {round_}"
        outbox = scalar(
            app,
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.seminar_id == seminar.id),
        )
        assert outbox == len(people), f"round {round_}: one email per registration"


def save_job(seminar_id: int, **changes):
    """A job for run_together: the organiser saves the seminar with these changes."""

    def prepare():
        stored = db.session.get(Seminar, seminar_id)
        details = seminars.SeminarDetails(
            **{f.name: getattr(stored, f.name) for f in fields(seminars.SeminarDetails)}
        )
        return lambda: seminars.update_seminar(stored, replace(details, **changes))

    return prepare


@on_postgresql
def test_a_capacity_set_during_a_rush_of_unlimited_places_holds(app, make_seminar):
    capacity, rush_size = 4, 10
    for round_ in range(ROUNDS):
        seminar = make_seminar(f"closing-{round_}", sessions=1)
        people = [f"c{round_}p{number}@example.org" for number in range(rush_size)]
        jobs = [registration_job(seminar.id, email) for email in people]
        outcomes = run_together(app, [save_job(seminar.id, capacity=capacity), *jobs])
        assert [o.error for o in outcomes[1:] if o.error] == [], f"round {round_}"
        counts = status_counts(app, seminar.id)
        assert sum(counts.values()) == rush_size, f"round {round_}"
        stored_capacity = scalar(app, sa.select(Seminar.capacity).where(Seminar.id == seminar.id))
        if isinstance(outcomes[0].error, DomainError):
            # More than the capacity had registered when the organiser saved: nothing changed.
            assert stored_capacity is None, f"round {round_}"
        else:
            assert outcomes[0].error is None, f"round {round_}: {outcomes[0].error!r}"
            assert stored_capacity == capacity, f"round {round_}"
            assert counts.get("confirmed", 0) <= capacity, f"round {round_}: over capacity"
            # Counted by the first registration under the new capacity, if one came after it.
            with app.app_context():
                counted = db.session.get(PlacesTaken, seminar.id) is not None
            if counted:
                assert places_kept(app, seminar.id) == {
                    "confirmed": counts.get("confirmed", 0),
                    "waitlisted": counts.get("waitlisted", 0),
                }, f"round {round_}: the places kept are not the places taken"


def start_job(app, job, name: str, finished: list[str]) -> threading.Thread:
    """Run a job for run_together in a thread of its own, which adds ``name`` to ``finished``
    (or the error it met)."""

    def work() -> None:
        with app.app_context():
            try:
                job()()
                finished.append(name)
            except Exception as error:  # reported by the test
                finished.append(f"{name}: {error!r}")
            finally:
                db.session.remove()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def wait_for_gate_waiters(app, number: int) -> None:
    """Until ``number`` transactions on the test's database wait for a seminar's gate (up to
    10 s); pg_locks shows every database's."""
    waiting = sa.text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    deadline = time.monotonic() + 10
    while scalar(app, waiting) < number:
        assert time.monotonic() < deadline, (
            f"expected {number} transactions waiting for the seminar's gate"
        )
        time.sleep(0.01)


@on_postgresql
def test_registrations_that_keep_coming_do_not_keep_an_organiser_from_saving(app, make_seminar):
    """Registrations for unlimited places do not queue for the seminar's lock; but one that
    comes while an organiser waits to save waits for the save, so that a rush cannot keep the
    organiser waiting for as long as it lasts."""
    seminar = make_seminar("busy", sessions=1)
    finished: list[str] = []
    with app.app_context():
        pass_seminar_gate(seminar.id, shared=True)  # a registration under way
        save = start_job(app, save_job(seminar.id, title="Renamed"), "save", finished)
        wait_for_gate_waiters(app, 1)
        late = start_job(app, registration_job(seminar.id, "late@example.org"), "late", finished)
        wait_for_gate_waiters(app, 2)
        assert finished == []
        db.session.rollback()  # the registration under way ends
    save.join(timeout=30)
    late.join(timeout=30)
    assert finished == ["save", "late"]
    assert status_counts(app, seminar.id) == {"confirmed": 1}
    assert scalar(app, sa.select(Seminar.title).where(Seminar.id == seminar.id)) == "Renamed"


def session_capacity_job(session_id: int, capacity: int):
    """A job for run_together: the organiser saves the session with this capacity."""

    def prepare():
        stored = db.session.get(SeminarSession, session_id)
        details = seminars.SessionDetails(
            **{f.name: getattr(stored, f.name) for f in fields(seminars.SessionDetails)}
        )
        return lambda: seminars.update_session(stored, replace(details, capacity=capacity))

    return prepare


@on_postgresql
@pytest.mark.parametrize("before", [None, 10], ids=["set", "lowered"])
def test_a_session_capacity_saved_during_a_rush_holds(app, make_seminar, before):
    """Set on a session without a limit (its seminar's registrations take no lock), or
    lowered on a limited one (they read the old capacity before they wait for the lock)."""
    capacity, rush_size = 4, 10
    saved = 0
    for round_ in range(ROUNDS):
        seminar = make_seminar(f"workshop-{round_}", sessions=1)
        session_id = scalar(
            app, sa.select(SeminarSession.id).where(SeminarSession.seminar_id == seminar.id)
        )
        with app.app_context():
            db.session.get(SeminarSession, session_id).capacity = before
            db.session.commit()
        people = [f"w{round_}p{number}@example.org" for number in range(rush_size)]
        jobs = [registration_job(seminar.id, email) for email in people]
        outcomes = run_together(app, [session_capacity_job(session_id, capacity), *jobs])
        assert [o.error for o in outcomes[1:] if o.error] == [], f"round {round_}"
        stored_capacity = scalar(
            app, sa.select(SeminarSession.capacity).where(SeminarSession.id == session_id)
        )
        with app.app_context():
            taken = registrations.session_places_taken([session_id]).get(session_id, 0)
        if isinstance(outcomes[0].error, DomainError):
            assert stored_capacity == before, f"round {round_}"
        else:
            assert outcomes[0].error is None, f"round {round_}: {outcomes[0].error!r}"
            assert stored_capacity == capacity, f"round {round_}"
            assert taken <= capacity, f"round {round_}: {taken} places in the session"
            saved += 1
    assert saved, "the organiser's save never came before the rush had filled the session"


@on_postgresql
def test_a_capacity_lowered_during_a_rush_holds(app, make_seminar):
    """Registrations that read the seminar before the organiser's save and waited for its lock
    place people by the capacity saved, not the one they read."""
    capacity, rush_size = 4, 10
    saved = 0
    for round_ in range(ROUNDS):
        seminar = make_seminar(f"lowered-{round_}", sessions=1, capacity=rush_size)
        people = [f"l{round_}p{number}@example.org" for number in range(rush_size)]
        jobs = [registration_job(seminar.id, email) for email in people]
        outcomes = run_together(app, [save_job(seminar.id, capacity=capacity), *jobs])
        assert [o.error for o in outcomes[1:] if o.error] == [], f"round {round_}"
        counts = status_counts(app, seminar.id)
        if isinstance(outcomes[0].error, DomainError):
            continue  # more than the new capacity had registered when the organiser saved
        assert outcomes[0].error is None, f"round {round_}: {outcomes[0].error!r}"
        assert counts.get("confirmed", 0) <= capacity, f"round {round_}: {counts} over capacity"
        assert places_kept(app, seminar.id) == {
            "confirmed": counts.get("confirmed", 0),
            "waitlisted": counts.get("waitlisted", 0),
        }, f"round {round_}: the places kept are not the places taken"
        saved += 1
    assert saved, "the organiser's save never came before the rush had filled the seminar"


def delete_session_job(session_id: int, delay: float):
    """A job for run_together: the organiser deletes the session ``delay`` seconds in."""

    def prepare():
        stored = db.session.get(SeminarSession, session_id)
        stored.seminar.sessions  # noqa: B018 -- read before the start, as the page had

        def delete():
            time.sleep(delay)
            seminars.delete_session(stored)

        return delete

    return prepare


@on_postgresql
@pytest.mark.parametrize("capacity", [None, 4], ids=["unlimited", "limited"])
def test_a_session_deleted_during_a_rush_refuses_its_choice_with_a_message(
    app, make_seminar, capacity
):
    """People who chose a session that the organiser deletes while they submit are either
    registered before the deletion (their choice goes with the session) or told to choose
    sessions of this seminar only; nobody meets an error without a message."""
    rush_size = 10
    refused = stored_before = 0
    for round_ in range(ROUNDS):
        seminar = make_seminar(f"deleted-{round_}", sessions=2, capacity=capacity)
        with app.app_context():
            doomed = db.session.get(Seminar, seminar.id).sessions[1].id
        people = [f"d{round_}p{number}@example.org" for number in range(rush_size)]
        jobs = [registration_job(seminar.id, email) for email in people]
        # From at once to after the first registrations, so that some meet the deletion midway.
        delay = (round_ % 5) * 0.02
        outcomes = run_together(app, [delete_session_job(doomed, delay), *jobs])
        assert outcomes[0].error is None, f"round {round_}: {outcomes[0].error!r}"
        for outcome in outcomes[1:]:
            if outcome.error is not None:
                assert isinstance(outcome.error, DomainError), f"round {round_}: {outcome.error!r}"
                assert outcome.error.message == "Choose sessions of this seminar only."
                refused += 1
        counts = status_counts(app, seminar.id)
        stored = sum(1 for outcome in outcomes[1:] if outcome.error is None)
        assert sum(counts.values()) == stored, f"round {round_}: {counts}"
        stored_before += stored
        assert (
            scalar(
                app,
                sa.select(sa.func.count())
                .select_from(SeminarSession)
                .where(SeminarSession.id == doomed),
            )
            == 0
        )
        if capacity is not None and stored:  # places are kept from the first registration on
            assert counts.get("confirmed", 0) <= capacity, f"round {round_}: {counts}"
            assert places_kept(app, seminar.id) == {
                "confirmed": counts.get("confirmed", 0),
                "waitlisted": counts.get("waitlisted", 0),
            }, f"round {round_}: the places kept are not the places taken"
    assert refused, "no registration ever came after the deletion"
    assert stored_before, "no registration ever came before the deletion"


# --- 2c. the same attendance report imported twice at once --------------------------------------

REPORT = "zoom_meeting_participants_1.csv"
HEROES = [
    ("Loki", "Laufeyson", "loki_asgardian@example.com"),
    ("Clea", "", "clea_unknown@example.com"),
    ("Power", "Girl", "power-girl_kryptonian@example.org"),
    ("Dazzler", "", "dazzler_mutant@example.com"),
    ("Donna", "Troy", "donna.troy@another.example"),
    ("Alain", "Scotte", "alain@another.example"),
    ("Absent", "Hero", "absent@example.org"),
]


def meeting_session(app, make_seminar, slug: str) -> int:
    """A closed seminar of one session on the report's day, with the heroes registered."""
    zone = "America/New_York"
    seminar = make_seminar(
        slug, sessions=0, timezone=zone, status=SeminarStatus.REGISTRATION_CLOSED
    )
    with app.app_context():
        stored = db.session.get(Seminar, seminar.id)
        stored.sessions.append(
            SeminarSession(
                position=1,
                title="Meeting",
                starts_at=local("2021-11-19 10:00", zone),
                ends_at=local("2021-11-19 12:00", zone),
            )
        )
        db.session.commit()
        session_id = stored.sessions[0].id
        for given, family, email in HEROES:
            request = registrations.RegistrationRequest(
                person=registrations.PersonDetails(given, family, email),
                country="DE",
                institution=registrations.InstitutionChoice("Heroes Academy", "other"),
                session_ids=(session_id,),
            )
            registrations.register(stored, request, by=RegisteredBy.ORGANISER, send_email=False)
        return session_id


def imported_state(app, session_id: int) -> dict:
    """What an import leaves for a session, counted in SQL."""
    with app.app_context():
        attendance = db.session.execute(
            sa.select(Participant.email, Attendance.present, Attendance.minutes)
            .join(Registration, Registration.id == Attendance.registration_id)
            .join(Participant, Participant.id == Registration.participant_id)
            .where(Attendance.session_id == session_id)
            .order_by(Participant.email)
        ).all()
        imports = db.session.execute(
            sa.select(AttendanceImport.figures).where(AttendanceImport.session_id == session_id)
        ).scalars()
        people = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ImportedPerson)
            .join(AttendanceImport)
            .where(AttendanceImport.session_id == session_id)
        )
        return {
            "attendance": [tuple(row) for row in attendance],
            "imports": [dict(f) for f in imports],
            "imported_people": people,
        }


def import_twice_at_once(app, session_id: int) -> list[Outcome]:
    data = (FIXTURES / REPORT).read_bytes()

    def job():
        session = db.session.get(SeminarSession, session_id)
        session.seminar  # noqa: B018 - loaded before the race
        return lambda: import_report(session, data, REPORT, organiser_id=None)

    return run_together(app, [job, job])


@on_postgresql
def test_the_same_report_imported_twice_at_once_equals_one_import(app, make_seminar):
    single = meeting_session(app, make_seminar, "import-single")
    with app.app_context():
        session = db.session.get(SeminarSession, single)
        import_report(session, (FIXTURES / REPORT).read_bytes(), REPORT, organiser_id=None)
    expected = imported_state(app, single)
    assert len(expected["imports"]) == 1 and expected["attendance"]
    for round_ in range(ROUNDS):
        session_id = meeting_session(app, make_seminar, f"import-{round_}")
        import_twice_at_once(app, session_id)
        got = imported_state(app, session_id)
        with app.app_context():
            duplicates = db.session.execute(
                sa.select(Attendance.registration_id, sa.func.count())
                .where(Attendance.session_id == session_id)
                .group_by(Attendance.registration_id)
                .having(sa.func.count() > 1)
            ).all()
        assert duplicates == [], f"round {round_}"
        assert got == expected, f"round {round_}"


@on_postgresql
def test_the_same_report_imported_twice_at_once_fails_neither_upload(app, make_seminar):
    for round_ in range(ROUNDS):
        session_id = meeting_session(app, make_seminar, f"import-{round_}")
        outcomes = import_twice_at_once(app, session_id)
        errors = [repr(o.error) for o in outcomes if o.error is not None]
        assert errors == [], f"round {round_}: {errors}"
