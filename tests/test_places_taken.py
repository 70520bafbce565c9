"""A seminar's places taken are kept, not counted under its lock: they must equal the count.

A registration on a seminar with a capacity reads how many are confirmed and how many wait from
one kept row (PlacesTaken) instead of counting them, since the count would grow with the
seminar while every registration queues for the lock. Each change of a status keeps the row;
these tests walk through every such change, in random order, and count after each step.
"""

import random
from contextlib import suppress
from dataclasses import fields, replace
from datetime import timedelta

import pytest
import sqlalchemy as sa

from seminar_reg.errors import DomainError
from seminar_reg.extensions import db, utcnow
from seminar_reg.institutions.models import InstitutionType
from seminar_reg.registration import retention
from seminar_reg.registration import services as registrations
from seminar_reg.registration.models import PlacesTaken, Registration, RegistrationStatus
from seminar_reg.seminars import services as seminars
from seminar_reg.seminars.models import Seminar
from tests.conftest import NOW

STEPS = 80


def request_for(email: str, session_ids, *, submission_id: str | None = None):
    return registrations.RegistrationRequest(
        person=registrations.PersonDetails("Bat-Erdene", "Dorj", email),
        country="MN",
        institution=registrations.InstitutionChoice(
            "Darkhan Polytechnic College", InstitutionType.TVET_INSTITUTE
        ),
        session_ids=tuple(session_ids),
        submission_id=submission_id,
    )


def counted(seminar_id: int) -> tuple[int, int]:
    confirmed, waiting = db.session.execute(
        sa.select(
            sa.func.count().filter(Registration.status == RegistrationStatus.CONFIRMED),
            sa.func.count().filter(Registration.status == RegistrationStatus.WAITLISTED),
        ).where(Registration.seminar_id == seminar_id)
    ).one()
    return confirmed, waiting


def kept(seminar_id: int) -> tuple[int, int] | None:
    row = db.session.execute(
        sa.select(PlacesTaken.confirmed, PlacesTaken.waiting).where(
            PlacesTaken.seminar_id == seminar_id
        )
    ).one_or_none()
    return None if row is None else (row.confirmed, row.waiting)


def save_capacity(seminar: Seminar, capacity: int | None) -> None:
    """As the organiser's form saves it."""
    details = seminars.SeminarDetails(
        **{f.name: getattr(seminar, f.name) for f in fields(seminars.SeminarDetails)}
    )
    seminars.update_seminar(seminar, replace(details, capacity=capacity))


def set_capacity_directly(seminar_id: int, capacity: int | None) -> None:
    """Past the form, as a database console would."""
    db.session.execute(sa.update(Seminar).where(Seminar.id == seminar_id).values(capacity=capacity))
    db.session.commit()


def register(seminar_id: int, email: str, **options) -> registrations.Registered:
    """One person registers for every session of the seminar."""
    seminar = db.session.get(Seminar, seminar_id)
    return registrations.register(
        seminar, request_for(email, [s.id for s in seminar.sessions]), **options
    )


def of_status(seminar_id: int, *statuses: RegistrationStatus) -> list[Registration]:
    return list(
        db.session.execute(
            sa.select(Registration)
            .where(Registration.seminar_id == seminar_id, Registration.status.in_(statuses))
            .order_by(Registration.id)
        ).scalars()
    )


class Walk:
    """Every way a registration's status changes, each chosen at random."""

    def __init__(self, seminar_id: int, chooser: random.Random) -> None:
        self.seminar_id, self.chooser, self.people = seminar_id, chooser, 0
        self.deck: list[str] = []

    @property
    def seminar(self) -> Seminar:
        return db.session.get(Seminar, self.seminar_id)

    def sessions(self) -> list[int]:
        return [s.id for s in self.seminar.sessions]

    def email(self) -> str:
        self.people += 1
        return f"person{self.people}@example.org"

    def register(self) -> None:
        result = register(self.seminar_id, self.email())
        told = result.waitlist_position
        assert told == registrations.waitlist_position(result.registration), "told a wrong place"

    def register_again(self) -> None:
        cancelled = of_status(self.seminar_id, RegistrationStatus.CANCELLED)
        if cancelled:
            email = self.chooser.choice(cancelled).email
            if not email.endswith(retention.ERASED_DOMAIN):
                register(self.seminar_id, email)

    def register_group(self) -> None:
        registrations.register_group(
            self.seminar,
            registrations.FocalPoint("Focal point", "focal@example.org"),
            "MN",
            registrations.InstitutionChoice(
                "Darkhan Polytechnic College", InstitutionType.TVET_INSTITUTE
            ),
            [registrations.PersonDetails("Colleague", "Dorj", self.email()) for _ in range(2)],
            tuple(self.sessions()),
        )

    def import_rows(self) -> None:
        rows = [(line, request_for(self.email(), self.sessions())) for line in (2, 3)]
        registrations.import_registrations(self.seminar, rows, send_email=False)

    def cancel(self) -> None:
        active = of_status(self.seminar_id, *registrations.ACTIVE)
        if active:
            registrations.cancel(self.chooser.choice(active))

    def erase(self) -> None:
        active = of_status(self.seminar_id, *registrations.ACTIVE)
        if active:
            retention.erase_registration(self.chooser.choice(active), utcnow())

    def promote(self) -> None:
        waiting = of_status(self.seminar_id, RegistrationStatus.WAITLISTED)
        if waiting:
            with suppress(DomainError):  # full: the organiser must raise the capacity first
                registrations.promote(self.chooser.choice(waiting))

    def change_sessions(self) -> None:
        active = of_status(self.seminar_id, *registrations.ACTIVE)
        if active:
            sessions = self.sessions()
            chosen = self.chooser.sample(sessions, self.chooser.randint(1, len(sessions)))
            registrations.change_sessions(self.chooser.choice(active), chosen)

    def save_capacity(self) -> None:
        with suppress(DomainError):  # lower than the confirmed: refused, nothing saved
            save_capacity(self.seminar, self.chooser.choice([None, 2, 4, 6, 9, 14]))

    def set_capacity_directly(self) -> None:
        confirmed, _waiting = counted(self.seminar_id)
        set_capacity_directly(self.seminar_id, self.chooser.choice([None, confirmed + 1]))

    def step(self) -> str:
        """One change; each kind comes as often as its weight in every round of them."""
        if not self.deck:
            self.deck = [name for name, weight in STEP_WEIGHTS.items() for _ in range(weight)]
            self.chooser.shuffle(self.deck)
        name = self.deck.pop()
        getattr(self, name)()
        db.session.expire_all()
        return name


STEP_WEIGHTS = {
    "register": 6,
    "register_again": 1,
    "register_group": 1,
    "import_rows": 1,
    "cancel": 3,
    "erase": 1,
    "promote": 1,
    "change_sessions": 1,
    "save_capacity": 1,
    "set_capacity_directly": 1,
}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_places_kept_equal_places_counted_after_every_kind_of_change(app, make_seminar, seed):
    seminar = make_seminar(f"walk-{seed}", capacity=3, sessions=2)
    with app.app_context():
        walk = Walk(seminar.id, random.Random(seed))
        steps, seen = [], set()
        for _ in range(STEPS):
            steps.append(walk.step())
            found = kept(seminar.id)
            if found is not None:
                assert found == counted(seminar.id), f"after {steps}"
                seen.add("kept with people waiting" if found[1] else "kept")
            elif "kept" in seen:
                seen.add("forgotten")
            if walk.seminar.capacity is not None:
                assert counted(seminar.id)[0] <= walk.seminar.capacity, f"after {steps}"
        assert seen == {"kept", "kept with people waiting", "forgotten"}, "a state never came"


def test_someone_waitlisted_at_an_earlier_time_is_told_their_true_place(app, make_seminar):
    seminar = make_seminar("small", capacity=1, sessions=1)
    with app.app_context():
        register(seminar.id, "first@example.org", now=NOW)
        later = register(seminar.id, "later@example.org", now=NOW + timedelta(minutes=10))
        earlier = register(seminar.id, "earlier@example.org", now=NOW + timedelta(minutes=5))
        assert (later.waitlist_position, earlier.waitlist_position) == (1, 1)
        assert registrations.waitlist_position(earlier.registration) == 1
        assert registrations.waitlist_position(later.registration) == 2
        assert kept(seminar.id) == (1, 2)


def test_a_capacity_removed_past_the_form_keeps_the_places_kept_true(app, make_seminar):
    seminar = make_seminar("small", capacity=2, sessions=1)
    with app.app_context():
        for number in range(3):
            register(seminar.id, f"before{number}@example.org")
        assert kept(seminar.id) == (2, 1)
        set_capacity_directly(seminar.id, None)
        # No place limited, but the places are kept: these must still keep them.
        register(seminar.id, "unlimited0@example.org")
        register(seminar.id, "unlimited1@example.org")
        assert kept(seminar.id) == counted(seminar.id) == (4, 1)
        set_capacity_directly(seminar.id, 5)
        assert register(seminar.id, "last@example.org").waitlist_position is None
        assert register(seminar.id, "over@example.org").waitlist_position == 2
        assert kept(seminar.id) == counted(seminar.id) == (5, 2)


def test_a_capacity_removed_in_the_form_forgets_the_places_and_counts_them_anew(app, make_seminar):
    seminar = make_seminar("small", capacity=2, sessions=1)
    with app.app_context():
        for number in range(3):
            register(seminar.id, f"before{number}@example.org")
        save_capacity(db.session.get(Seminar, seminar.id), None)  # the waiting one moves up
        assert kept(seminar.id) is None
        register(seminar.id, "unlimited@example.org")
        save_capacity(db.session.get(Seminar, seminar.id), 5)
        assert register(seminar.id, "last@example.org").waitlist_position is None
        assert register(seminar.id, "over@example.org").waitlist_position == 1
        assert kept(seminar.id) == counted(seminar.id) == (5, 1)
