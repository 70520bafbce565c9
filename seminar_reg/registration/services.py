"""Registering, changing, cancelling; capacity and the waiting list. The logic owns the commits.

Capacity holds under concurrent submissions because every change that takes or frees a place
locks the seminar first (a row lock on PostgreSQL, the database's write lock on SQLite) and
counts places after the lock, in SQL. On PostgreSQL a registration for a seminar where no place
is limited (no capacity on it or its sessions) does not queue for that lock: it holds the row in
key-share mode, which a capacity change waits for, and leaves double submits to unique keys.
It passes the seminar's gate shared, which the lock takes alone: an organiser's save waits for
the registrations under way, not for every one that keeps coming.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from seminar_reg.errors import DomainError
from seminar_reg.extensions import db, insert_once, utcnow
from seminar_reg.institutions.models import Institution, InstitutionType
from seminar_reg.institutions.services import find_match
from seminar_reg.locks import lock_row, pass_seminar_gate
from seminar_reg.partners import notifications as partners
from seminar_reg.partners.models import Partner
from seminar_reg.registration import emails
from seminar_reg.registration.models import (
    ChoiceStatus,
    EventKind,
    Gender,
    Participant,
    PlacesTaken,
    RegisteredBy,
    Registration,
    RegistrationEvent,
    RegistrationGroup,
    RegistrationStatus,
    RoleCategory,
    SessionChoice,
)
from seminar_reg.registration.tokens import issue_manage_token, manage_token
from seminar_reg.seminars.models import Seminar, SeminarSession
from seminar_reg.text import fold, normalise_email

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


class AlreadyRegistered(DomainError):
    def __init__(self) -> None:
        super().__init__(_("This email address is already registered for this seminar."))


class InstitutionTypeNeeded(DomainError):
    def __init__(self) -> None:
        super().__init__(_("This institution is new to us: choose its type."))


@dataclass(frozen=True)
class PersonDetails:
    given_name: str
    family_name: str
    email: str
    position: str = ""
    role_category: RoleCategory = RoleCategory.OTHER
    gender: Gender | None = None
    language: str = "en"
    timezone: str = "UTC"


@dataclass(frozen=True)
class InstitutionChoice:
    """An institution as typed or picked; ``type`` is needed only when it is new."""

    name: str
    type: InstitutionType | None = None


@dataclass(frozen=True)
class RegistrationRequest:
    person: PersonDetails
    country: str
    institution: InstitutionChoice
    session_ids: tuple[int, ...]
    listed_publicly: bool = False
    submission_id: str | None = None


@dataclass
class Registered:
    registration: Registration
    token: str
    #: False when a repeated submit found the registration the first one made
    created: bool = True
    waitlist_position: int | None = None


@dataclass
class Rebalanced:
    """Who moved up after places were freed or added."""

    promoted: list[Registration] = field(default_factory=list)
    session_places: dict[Registration, list[SeminarSession]] = field(
        default_factory=lambda: defaultdict(list)
    )


# --- places -------------------------------------------------------------------------------------


def lock_seminar(seminar: Seminar) -> None:
    """Serialise every change of a seminar's places until the transaction ends, and read its
    limits again when an organiser saved the seminar or a session since they were read (the
    lock may have waited for that save): what holds from here is the saved capacity. Every save
    of a capacity changes the seminar's row (``updated_at``), which the lock reads anew.

    On PostgreSQL the seminar's gate is taken first, alone: registrations made without the
    lock take it shared (see ``_places_unlimited_now``), and new ones wait behind this one."""
    pass_seminar_gate(seminar.id, shared=False)
    saved_at = lock_row(Seminar, seminar.id, Seminar.updated_at)
    if saved_at != seminar.updated_at:
        for session in seminar.sessions:
            db.session.expire(session)
        db.session.expire(seminar)


def confirmed_count(seminar_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(
            Registration.seminar_id == seminar_id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )


def session_places_taken(session_ids) -> dict[int, int]:
    """Confirmed places per session, counted in SQL."""
    rows = db.session.execute(
        sa.select(SessionChoice.session_id, sa.func.count())
        .join(Registration)
        .where(
            SessionChoice.session_id.in_(list(session_ids)),
            SessionChoice.status == ChoiceStatus.CONFIRMED,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .group_by(SessionChoice.session_id)
    ).all()
    return dict(rows)


def limited_places_taken(sessions) -> dict[int, int]:
    """Confirmed places of those ``sessions`` that have a capacity: only they can be full, and a
    seminar without session capacities (the common case) asks the database nothing."""
    limited = [session.id for session in sessions if session.capacity is not None]
    return session_places_taken(limited) if limited else {}


def full_session_ids(sessions, places_taken: dict[int, int]) -> set[int]:
    """The sessions among these whose every place is taken."""
    return {
        session.id
        for session in sessions
        if session.capacity is not None and places_taken.get(session.id, 0) >= session.capacity
    }


def _waiting_before(waitlisted_at: datetime, registration_id: int | None):
    """The waiting registrations ahead of one waitlisted at that time with that id (arrival
    order); without an id, one made after every other."""
    if registration_id is None:
        ahead = Registration.waitlisted_at <= waitlisted_at
    else:
        ahead = sa.tuple_(Registration.waitlisted_at, Registration.id) < sa.tuple_(
            waitlisted_at, registration_id
        )
    return sa.and_(Registration.status == RegistrationStatus.WAITLISTED, ahead)


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(
            Registration.seminar_id == registration.seminar_id,
            _waiting_before(registration.waitlisted_at, registration.id),
        )
    )
    return ahead + 1


def _waiting_behind(waitlisted_at: datetime, registration_id: int | None):
    """The waiting registrations behind one waitlisted at that time with that id: the others
    of ``_waiting_before``, put so that an index finds them from the end of the list."""
    behind = Registration.waitlisted_at > waitlisted_at
    if registration_id is not None:
        behind = sa.and_(
            Registration.waitlisted_at >= waitlisted_at,
            sa.or_(behind, Registration.id >= registration_id),
        )
    return sa.and_(Registration.status == RegistrationStatus.WAITLISTED, behind)


#: Core statements on the kept places: cheaper than the ORM's, and under the lock
_PLACES = PlacesTaken.__table__


def _places_taken(seminar_id: int) -> tuple[int, int]:
    """Under the seminar's lock: its confirmed and waiting registrations, counted the first
    time and from then on kept by ``_count_move``."""
    kept = db.session.execute(
        sa.select(_PLACES.c.confirmed, _PLACES.c.waiting).where(_PLACES.c.seminar_id == seminar_id)
    ).one_or_none()
    if kept is not None:
        return kept.confirmed, kept.waiting
    confirmed, waiting = db.session.execute(
        sa.select(
            sa.func.count().filter(Registration.status == RegistrationStatus.CONFIRMED),
            sa.func.count().filter(Registration.status == RegistrationStatus.WAITLISTED),
        ).where(Registration.seminar_id == seminar_id)
    ).one()
    db.session.execute(
        sa.insert(_PLACES).values(seminar_id=seminar_id, confirmed=confirmed, waiting=waiting)
    )
    return confirmed, waiting


def _count_move(
    seminar_id: int,
    before: RegistrationStatus | None,
    after: RegistrationStatus,
    number: int = 1,
) -> None:
    """Under the seminar's lock: keep its places taken, once counted, in step with ``number``
    registrations that went from ``before`` (None: new) to ``after``."""
    change = dict.fromkeys(ACTIVE, 0)
    if before in change:
        change[before] -= number
    if after in change:
        change[after] += number
    if any(change.values()):
        db.session.execute(
            sa.update(_PLACES)
            .where(_PLACES.c.seminar_id == seminar_id)
            .values(
                confirmed=_PLACES.c.confirmed + change[RegistrationStatus.CONFIRMED],
                waiting=_PLACES.c.waiting + change[RegistrationStatus.WAITLISTED],
            )
        )


def forget_places_taken(seminar_id: int) -> None:
    """Under the seminar's lock, when its capacity is removed: forgotten, so that its
    registrations need not queue for the lock to keep them (see ``_places_unlimited_now``)."""
    db.session.execute(sa.delete(_PLACES).where(_PLACES.c.seminar_id == seminar_id))


def _places_limited(seminar: Seminar) -> bool:
    """Whether the seminar or any of its sessions has a capacity, as loaded."""
    return seminar.capacity is not None or any(s.capacity is not None for s in seminar.sessions)


def _places_unlimited_now(seminar_id: int) -> bool:
    """Whether no place of the seminar is limited, read afresh while holding its row in
    key-share mode: capacities change only under the row's exclusive lock, which waits for this
    transaction, as this one waits for a change under way. A seminar whose places taken are
    kept (its capacity was removed past ``update_seminar``) counts as limited: a registration
    made without the lock does not keep them.

    Read in a statement of its own after the lock's: a statement that waited for a lock reads
    the locked row anew, but other rows (the sessions') as they were before it waited.

    The seminar's gate is passed first, shared: an organiser saving waits for the registrations
    under way, and those that come after wait for the save (see ``pass_seminar_gate``).
    """
    pass_seminar_gate(seminar_id, shared=True)
    db.session.execute(
        sa.select(Seminar.id)
        .where(Seminar.id == seminar_id)
        .with_for_update(read=True, key_share=True)
    )
    limited_sessions = (
        sa.select(sa.func.count())
        .where(SeminarSession.seminar_id == Seminar.id, SeminarSession.capacity.is_not(None))
        .scalar_subquery()
    )
    kept = sa.exists().where(_PLACES.c.seminar_id == Seminar.id)
    capacity, sessions_with_capacity, places_kept = db.session.execute(
        sa.select(Seminar.capacity, limited_sessions, kept).where(Seminar.id == seminar_id)
    ).one()
    return capacity is None and not sessions_with_capacity and not places_kept


class _NeedsLock(Exception):
    """This registration must be made under the seminar's exclusive lock after all."""


class _SubmittedBefore(Exception):
    """This form was submitted before, and made this registration (found by its person)."""

    def __init__(self, registration: Registration) -> None:
        self.registration = registration


def _seminar_has_room(seminar: Seminar) -> bool:
    return seminar.capacity is None or confirmed_count(seminar.id) < seminar.capacity


def _place_in_line(seminar: Seminar, now: datetime, registration_id: int | None) -> int | None:
    """Under the seminar's lock: None when it has a place for one more, else the place on its
    waiting list of a registration waitlisted ``now`` (with this id; a new one's comes after
    every other). The places taken are kept, not counted: the lock is a queue, and a count
    under it would grow with the seminar. (Not read in the lock's statement: on PostgreSQL
    that statement reads other tables as they were before it waited for the lock.)
    """
    if seminar.capacity is None:
        return None
    confirmed, waiting = _places_taken(seminar.id)
    if confirmed < seminar.capacity:
        return None
    # Usually nobody: the lock's order is the order of arrival.
    behind = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(Registration.seminar_id == seminar.id, _waiting_behind(now, registration_id))
    )
    return waiting - behind + 1


def _place_choices(registration: Registration, sessions: list[SeminarSession]) -> None:
    """Add choices of ``sessions``: with a place when the registration and session have room."""
    taken = limited_places_taken(sessions)
    for session in sessions:
        has_room = session.capacity is None or taken.get(session.id, 0) < session.capacity
        status = (
            ChoiceStatus.CONFIRMED
            if registration.status == RegistrationStatus.CONFIRMED and has_room
            else ChoiceStatus.WAITLISTED
        )
        registration.choices.append(SessionChoice(session=session, status=status))
        taken[session.id] = taken.get(session.id, 0) + (status == ChoiceStatus.CONFIRMED)


def rebalance(seminar: Seminar, now: datetime) -> Rebalanced:
    """Fill free places from the waiting lists in arrival order: the seminar's, then sessions'.

    The caller holds the seminar's lock.
    """
    result = Rebalanced()
    free = None if seminar.capacity is None else seminar.capacity - confirmed_count(seminar.id)
    if free is None or free > 0:
        waiting = db.session.execute(
            sa.select(Registration)
            .where(
                Registration.seminar_id == seminar.id,
                Registration.status == RegistrationStatus.WAITLISTED,
            )
            .order_by(Registration.waitlisted_at, Registration.id)
            .limit(free)
        ).scalars()
        for registration in waiting:
            registration.status = RegistrationStatus.CONFIRMED
            registration.waitlisted_at = None
            registration.sequence += 1
            result.promoted.append(registration)
        db.session.flush()
        _count_move(
            seminar.id,
            RegistrationStatus.WAITLISTED,
            RegistrationStatus.CONFIRMED,
            len(result.promoted),
        )
    taken = limited_places_taken(seminar.sessions)
    for session in seminar.sessions:
        free_places = (
            None if session.capacity is None else session.capacity - taken.get(session.id, 0)
        )
        if free_places is not None and free_places <= 0:
            continue
        waiting_choices = db.session.execute(
            sa.select(SessionChoice)
            .join(Registration)
            .where(
                SessionChoice.session_id == session.id,
                SessionChoice.status == ChoiceStatus.WAITLISTED,
                Registration.status == RegistrationStatus.CONFIRMED,
            )
            .order_by(Registration.created_at, Registration.id)
            .limit(free_places)
        ).scalars()
        for choice in waiting_choices:
            choice.status = ChoiceStatus.CONFIRMED
            if choice.registration not in result.promoted:
                choice.registration.sequence += 1
                result.session_places[choice.registration].append(session)
    db.session.flush()
    return result


def record(
    registration: Registration,
    kind: EventKind,
    now: datetime,
    told: list[Partner] | None = None,
) -> None:
    """Note what happened, for the partners' digests, and tell partners who want every change
    (``told``: those of them whose scope it is in, when already known)."""
    db.session.add(
        RegistrationEvent(
            seminar_id=registration.seminar_id, registration=registration, kind=kind, at=now
        )
    )
    partners.registration_event(registration, kind, told)


def announce(result: Rebalanced, now: datetime) -> None:
    """Tell everyone who moved up, and their partners."""
    for registration in result.promoted:
        emails.promoted(registration)
        record(registration, EventKind.PROMOTED, now)
    for registration, sessions in result.session_places.items():
        emails.changed(registration, removed=[], session_places=sessions)
        record(registration, EventKind.CHANGED, now)


# --- who ----------------------------------------------------------------------------------------


def _participant(email: str) -> tuple[Participant, bool]:
    """The participant with this email address, created when new; and whether it was new.

    Inserted first: in a rush most people are new, and one statement makes them."""
    email = normalise_email(email)
    participant = insert_once(Participant, email=email)
    if participant is not None:
        return participant, True
    participant = db.session.execute(
        sa.select(Participant).where(Participant.email == email)
    ).scalar_one()
    return participant, False


PERSON_FIELDS = (
    "given_name",
    "family_name",
    "position",
    "role_category",
    "gender",
    "language",
    "timezone",
)


def _set_person(registration: Registration, person: PersonDetails) -> None:
    for name in PERSON_FIELDS:
        setattr(registration, name, getattr(person, name))
    # Folding can lengthen a name (ﬃ is three letters): the key keeps what its column holds.
    registration.search_key = fold(f"{person.given_name} {person.family_name}")[:200]


def resolve_institution(country: str, choice: InstitutionChoice) -> Institution:
    """The known institution this name or acronym means in ``country``, or a new one."""
    existing = find_match(country, choice.name)
    if existing is not None:
        return existing
    if choice.type is None:
        raise InstitutionTypeNeeded()
    institution = insert_once(
        Institution,
        name=choice.name,
        acronym="",
        country=country,
        type=choice.type,
        normalised_name=fold(choice.name),
        normalised_acronym="",
    )
    return institution or find_match(country, choice.name)


# --- registering --------------------------------------------------------------------------------


def _chosen_sessions(seminar: Seminar, session_ids) -> list[SeminarSession]:
    by_id = {session.id: session for session in seminar.sessions}
    unknown = [i for i in session_ids if i not in by_id]
    if unknown:
        raise DomainError(_("Choose sessions of this seminar only."))
    if seminar.sessions and not session_ids:
        raise DomainError(_("Choose at least one session."))
    return [by_id[i] for i in dict.fromkeys(session_ids)]


def check_open(seminar: Seminar, now: datetime) -> None:
    if not seminar.registration_is_open(now):
        if now < seminar.registration_opens_at:
            raise DomainError(_("Registration for this seminar has not opened yet."))
        raise DomainError(_("Registration for this seminar is closed."))


@dataclass(frozen=True)
class _Who:
    """The person and the institution of a registration, found or made before the seminar's
    lock is taken, and the partners to tell of it: none of them depends on the seminar's
    places, and the lock is a queue."""

    participant: Participant
    new: bool  # the participant was made now: it has no registration to find
    institution: Institution
    #: the partners who hear of each registration in their scope, and of this one
    told: list[Partner]
    #: PostgreSQL: the id a new registration will have, so that its manage link (which carries
    #: the id) is written with its row instead of in an UPDATE under the lock
    registration_id: int | None = None


def _who(seminar: Seminar, request: RegistrationRequest) -> _Who:
    participant, new = _participant(request.person.email)
    institution = resolve_institution(request.country, request.institution)
    told = partners.told_of_each(seminar, request.country, institution.id)
    registration_id = None
    if db.engine.dialect.name == "postgresql":
        registration_id = db.session.scalar(
            sa.select(
                sa.func.nextval(sa.func.pg_get_serial_sequence(Registration.__tablename__, "id"))
            )
        )
    return _Who(participant, new, institution, told, registration_id)


def _add_registration(
    seminar: Seminar,
    request: RegistrationRequest,
    *,
    by: RegisteredBy,
    now: datetime,
    group: RegistrationGroup | None = None,
    who: _Who | None = None,
    exclusive: bool = True,
) -> Registered:
    """Create (or re-open a cancelled) registration under the seminar's lock; no commit.

    Without the ``exclusive`` lock only a new registration is made: a unique key stops a second
    one, where re-opening a cancelled one would overwrite another request's.
    """
    sessions = _chosen_sessions(seminar, request.session_ids)
    if who is None:
        participant, new = _participant(request.person.email)
    else:
        participant, new = who.participant, who.new
    registration = None
    if not new:  # a new person has no registration to find
        registration = db.session.execute(
            sa.select(Registration).where(
                Registration.seminar_id == seminar.id,
                Registration.participant_id == participant.id,
            )
        ).scalar_one_or_none()
    if registration is not None and registration.status in ACTIVE:
        if request.submission_id and registration.submission_id == request.submission_id:
            raise _SubmittedBefore(registration)  # committed since its submission id was looked for
        raise AlreadyRegistered()
    if registration is not None and not exclusive:
        raise _NeedsLock()
    institution = (
        who.institution
        if who is not None
        else resolve_institution(request.country, request.institution)
    )
    new_id = who.registration_id if who is not None else None
    place_in_line = _place_in_line(seminar, now, registration.id if registration else new_id)
    has_room = place_in_line is None
    before = registration.status if registration is not None else None
    with db.session.no_autoflush:
        if registration is None:
            # choices=[]: a new registration has none, and need not ask the database so
            registration = Registration(
                id=new_id, seminar=seminar, participant=participant, created_at=now, choices=[]
            )
        else:
            # A cancelled registration comes back, at the end of any waiting list.
            registration.choices.clear()
            registration.cancelled_at = None
            registration.sequence += 1
        _set_person(registration, request.person)
        registration.institution = institution
        registration.country = request.country
        registration.registered_by = by
        registration.group = group
        registration.submission_id = request.submission_id
        registration.consented_at = now
        registration.listed_publicly = request.listed_publicly
        registration.status = (
            RegistrationStatus.CONFIRMED if has_room else RegistrationStatus.WAITLISTED
        )
        registration.waitlisted_at = None if has_room else now
    db.session.add(registration)
    _place_choices(registration, sessions)
    token = issue_manage_token(registration)  # flushes first when the id is not known yet
    db.session.flush()  # the ids that the emails and the partners' scopes read
    if exclusive:  # else no place is limited, and none is kept (see _places_unlimited_now)
        _count_move(seminar.id, before, registration.status)
    kind = EventKind.REGISTERED if has_room else EventKind.WAITLISTED
    record(registration, kind, now, told=who.told if who is not None else None)
    return Registered(registration, token, waitlist_position=place_in_line)


def _earlier_submission(submission_id: str | None) -> Registration | None:
    if not submission_id:
        return None
    return db.session.execute(
        sa.select(Registration).where(Registration.submission_id == submission_id)
    ).scalar_one_or_none()


def register(
    seminar: Seminar,
    request: RegistrationRequest,
    *,
    by: RegisteredBy = RegisteredBy.SELF,
    now: datetime | None = None,
    send_email: bool = True,
) -> Registered:
    """Register one person; over capacity they go on the waiting list. Commits with the email.

    The person and the institution are written before the seminar's lock is taken, so that the
    queue for the lock is short (where no place is limited, there is no queue: see the module);
    a registration that meets another writing the same new person or institution in the other
    order (PostgreSQL reports a deadlock, and undoes one of the two)
    is simply made again. So is one that meets a unique key (the same form or person at the
    same moment): the other has committed by then, and the next try finds it.
    """
    sqlite = db.engine.dialect.name == "sqlite"
    exclusive = sqlite or _places_limited(seminar)
    met_unique_key = False
    attempts_left = _ATTEMPTS
    while True:
        attempts_left -= 1
        try:
            return _register_once(
                seminar, request, by=by, now=now, send_email=send_email, exclusive=exclusive
            )
        except _NeedsLock:
            exclusive = True
        except sa.exc.IntegrityError:
            if sqlite or met_unique_key:
                raise  # SQLite looks under its write lock: nobody else was writing
            met_unique_key = exclusive = True
        except sa.exc.OperationalError as error:
            if not attempts_left or getattr(error.orig, "sqlstate", None) != _DEADLOCK:
                raise


_ATTEMPTS = 3
_DEADLOCK = "40P01"  # PostgreSQL's deadlock_detected


def _register_once(
    seminar: Seminar,
    request: RegistrationRequest,
    *,
    by: RegisteredBy,
    now: datetime | None,
    send_email: bool,
    exclusive: bool,
) -> Registered:
    sqlite = db.engine.dialect.name == "sqlite"
    try:
        if by == RegisteredBy.SELF:
            check_open(seminar, now or utcnow())
        if sqlite:
            # One writer at a time anyway: the write lock first, then the person's writes.
            lock_seminar(seminar)
        who = _who(seminar, request)
        # Unlocked, a person new to us has no earlier submission to find: the form's unique
        # submission id stops a second one, and the locked way then finds the first. On
        # PostgreSQL it is looked for before the lock, which is a queue: a second submit that
        # meets the first under way meets its unique key, and register() tries again.
        earlier = None if who.new and not exclusive else _earlier_submission(request.submission_id)
        if earlier is None and not sqlite:
            if exclusive:
                lock_seminar(seminar)
            elif not _places_unlimited_now(seminar.id):
                raise _NeedsLock()  # a capacity was set since the seminar was read
        # Taken under the lock: arrival order (the waiting list's) is the order of the lock.
        now = now or utcnow()
        if earlier is None:
            try:
                result = _add_registration(
                    seminar, request, by=by, now=now, who=who, exclusive=exclusive
                )
            except _SubmittedBefore as submitted:
                earlier = submitted.registration
        if earlier is not None:
            db.session.rollback()
            return Registered(
                earlier,
                manage_token(earlier),
                created=False,
                waitlist_position=waitlist_position(earlier),
            )
        if send_email:
            emails.registered(result.registration, result.waitlist_position)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


@dataclass(frozen=True)
class FocalPoint:
    name: str
    email: str
    language: str = "en"


class GroupRowError(DomainError):
    """A colleague of a group could not be registered; nothing of the group is stored."""

    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row = row


def register_group(
    seminar: Seminar,
    focal_point: FocalPoint,
    country: str,
    institution: InstitutionChoice,
    people: list[PersonDetails],
    session_ids: tuple[int, ...],
    *,
    submission_id: str | None = None,
    now: datetime | None = None,
) -> RegistrationGroup:
    """Register colleagues of one institution at once: all of them, or none."""
    try:
        check_open(seminar, now or utcnow())
        lock_seminar(seminar)
        now = now or utcnow()  # under the lock: the group's place in the order of arrival
        if submission_id:
            earlier = db.session.execute(
                sa.select(RegistrationGroup).where(RegistrationGroup.submission_id == submission_id)
            ).scalar_one_or_none()
            if earlier is not None:
                db.session.rollback()
                return earlier
        group = RegistrationGroup(
            seminar_id=seminar.id,
            focal_point_name=focal_point.name,
            focal_point_email=normalise_email(focal_point.email),
            institution=resolve_institution(country, institution),
            submission_id=submission_id,
            created_at=now,
        )
        db.session.add(group)
        for row, person in enumerate(people):
            request = RegistrationRequest(person, country, institution, session_ids)
            try:
                result = _add_registration(
                    seminar, request, by=RegisteredBy.FOCAL_POINT, now=now, group=group
                )
            except DomainError as error:
                raise GroupRowError(row, error.message) from error
            emails.registered(result.registration, result.waitlist_position)
        db.session.flush()
        emails.group_summary(group, focal_point.language)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return group


@dataclass
class ImportReport:
    imported: list[Registration] = field(default_factory=list)
    #: (line, reason) of each row not imported
    refused: list[tuple[int, str]] = field(default_factory=list)


def import_registrations(
    seminar: Seminar,
    rows: list[tuple[int, RegistrationRequest]],
    *,
    send_email: bool,
    now: datetime | None = None,
) -> ImportReport:
    """An organiser's import: each valid row is registered, each refused row says why."""
    now = now or utcnow()
    report = ImportReport()
    try:
        lock_seminar(seminar)
        for line, request in rows:
            try:
                with db.session.begin_nested():
                    result = _add_registration(seminar, request, by=RegisteredBy.IMPORT, now=now)
            except DomainError as error:
                report.refused.append((line, error.message))
                continue
            if send_email:
                emails.registered(result.registration, result.waitlist_position)
            report.imported.append(result.registration)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


# --- changing -----------------------------------------------------------------------------------


def update_details(
    registration: Registration,
    person: PersonDetails,
    country: str,
    institution: InstitutionChoice,
    listed_publicly: bool,
) -> None:
    """A participant's own details; the email address is the key and does not change here."""
    try:
        _set_person(registration, person)
        registration.country = country
        registration.institution = resolve_institution(country, institution)
        registration.listed_publicly = listed_publicly
        record(registration, EventKind.CHANGED, utcnow())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def change_sessions(registration: Registration, session_ids, now: datetime | None = None) -> None:
    """Choose other sessions: places freed go to whoever waits; one email says what changed."""
    now = now or utcnow()
    seminar = registration.seminar
    try:
        if registration.status == RegistrationStatus.CANCELLED:
            raise DomainError(_("This registration is cancelled."))
        sessions = _chosen_sessions(seminar, tuple(session_ids or ()))
        lock_seminar(seminar)
        kept = {c.session_id for c in registration.choices}
        wanted = {s.id for s in sessions}
        if kept == wanted:
            db.session.rollback()
            return
        removed = [c.session for c in registration.choices if c.session_id not in wanted]
        for choice in [c for c in registration.choices if c.session_id not in wanted]:
            registration.choices.remove(choice)
        db.session.flush()
        _place_choices(registration, [s for s in sessions if s.id not in kept])
        registration.sequence += 1
        db.session.flush()
        result = rebalance(seminar, now)
        emails.changed(registration, removed=sorted(removed, key=lambda s: s.starts_at))
        record(registration, EventKind.CHANGED, now)
        announce(result, now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def cancel(
    registration: Registration, *, by_organiser: bool = False, now: datetime | None = None
) -> None:
    """Cancel; the first in line takes the place and is told so."""
    now = now or utcnow()
    if registration.status == RegistrationStatus.CANCELLED:
        return
    try:
        cancel_uncommitted(registration, by_organiser=by_organiser, now=now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def cancel_uncommitted(registration: Registration, *, by_organiser: bool, now: datetime) -> None:
    """``cancel`` in the caller's transaction, which commits it."""
    lock_seminar(registration.seminar)
    before = registration.status
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.waitlisted_at = None
    registration.sequence += 1
    db.session.flush()
    _count_move(registration.seminar_id, before, registration.status)
    emails.cancelled(registration, by_organiser=by_organiser)
    record(registration, EventKind.CANCELLED, now)
    announce(rebalance(registration.seminar, now), now)


def promote(registration: Registration, now: datetime | None = None) -> None:
    """An organiser moves someone off the waiting list, when there is a place."""
    now = now or utcnow()
    try:
        lock_seminar(registration.seminar)
        if registration.status != RegistrationStatus.WAITLISTED:
            raise DomainError(_("Only someone on the waiting list can be moved up."))
        if not _seminar_has_room(registration.seminar):
            raise DomainError(_("The seminar is full: raise its capacity first."))
        registration.status = RegistrationStatus.CONFIRMED
        registration.waitlisted_at = None
        registration.sequence += 1
        db.session.flush()
        _count_move(registration.seminar_id, RegistrationStatus.WAITLISTED, registration.status)
        result = rebalance(registration.seminar, now)
        if registration not in result.promoted:
            emails.promoted(registration)
            record(registration, EventKind.PROMOTED, now)
        announce(result, now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def capacity_changed(seminar: Seminar, now: datetime | None = None) -> Rebalanced:
    """After a seminar's or session's capacity was raised: fill the new places. Commits."""
    try:
        lock_seminar(seminar)
        result = rebalance(seminar, now or utcnow())
        announce(result, now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def registration_counts(seminar_id: int) -> dict[str, int]:
    """The figures at the top of the list, counted in SQL."""
    by_status = dict(
        db.session.execute(
            sa.select(Registration.status, sa.func.count())
            .where(Registration.seminar_id == seminar_id)
            .group_by(Registration.status)
        ).all()
    )
    institutions, countries = db.session.execute(
        sa.select(
            sa.func.count(sa.distinct(Registration.institution_id)),
            sa.func.count(sa.distinct(Registration.country)),
        ).where(Registration.seminar_id == seminar_id, Registration.status.in_(ACTIVE))
    ).one()
    return {
        "confirmed": by_status.get(RegistrationStatus.CONFIRMED, 0),
        "waitlisted": by_status.get(RegistrationStatus.WAITLISTED, 0),
        "cancelled": by_status.get(RegistrationStatus.CANCELLED, 0),
        "institutions": institutions,
        "countries": countries,
    }


def listed_participants(seminar: Seminar) -> list[tuple[str, str, str]]:
    """(name, institution, country) of the confirmed participants who agreed to be listed."""
    rows = db.session.execute(
        sa.select(
            Registration.given_name,
            Registration.family_name,
            Institution.name,
            Registration.country,
        )
        .outerjoin(Institution, Registration.institution_id == Institution.id)
        .where(
            Registration.seminar_id == seminar.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.listed_publicly,
        )
        .order_by(Registration.country, Registration.family_name, Registration.given_name)
    )
    return [
        (f"{given} {family}".strip(), institution or "", country)
        for given, family, institution, country in rows
    ]


def registered_emails(seminar_id: int, emails_: list[str]) -> set[str]:
    """Which of these addresses hold an active registration for the seminar."""
    return set(
        db.session.execute(
            sa.select(Participant.email)
            .join(Registration)
            .where(
                Registration.seminar_id == seminar_id,
                Registration.status.in_(ACTIVE),
                Participant.email.in_([normalise_email(e) for e in emails_]),
            )
        ).scalars()
    )


def group_by_submission(seminar_id: int, submission_id: str) -> RegistrationGroup | None:
    return db.session.execute(
        sa.select(RegistrationGroup).where(
            RegistrationGroup.seminar_id == seminar_id,
            RegistrationGroup.submission_id == submission_id,
        )
    ).scalar_one_or_none()


def send_new_link(registration: Registration) -> None:
    """A new private link by email; the old one stops working."""
    issue_manage_token(registration)
    emails.new_link(registration)
    db.session.commit()


def send_link_if_registered(seminar: Seminar, email: str) -> None:
    """For 'I lost my link': a new one by email if the address is registered; silent either way."""
    registration = db.session.execute(
        sa.select(Registration)
        .join(Participant)
        .where(
            Registration.seminar_id == seminar.id,
            Participant.email == normalise_email(email),
            Registration.status.in_(ACTIVE),
        )
    ).scalar_one_or_none()
    if registration is not None:
        send_new_link(registration)
