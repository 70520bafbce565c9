"""Demo registrations: who signed up for the demo seminars, written as history, without emails.

A seminar gets them once, when it has none yet, so loading the demo again changes nothing.
"""

import random
from datetime import datetime, timedelta

import sqlalchemy as sa

from seminar_reg.demo import data
from seminar_reg.demo.people import DemoPerson, coaction_people, mongolian_people
from seminar_reg.extensions import db
from seminar_reg.institutions.models import Institution
from seminar_reg.registration.models import (
    ChoiceStatus,
    Participant,
    RegisteredBy,
    Registration,
    RegistrationGroup,
    RegistrationStatus,
    SessionChoice,
)
from seminar_reg.registration.tokens import issue_manage_token
from seminar_reg.seminars.models import Seminar
from seminar_reg.text import fold, slugify


def seed_registrations(now: datetime) -> int:
    """Registrations for each demo seminar that has none; how many were made."""
    made = 0
    plans = {
        data.LEADERSHIP_2023["slug"]: (_mongolian, 212, 8),
        data.COACTION_2023["slug"]: (_coaction, None, 3),
        "demo-tvet-leadership-ai": (_mongolian, 30, 2),
    }
    for slug, (people, size, cancelled) in plans.items():
        seminar = db.session.execute(sa.select(Seminar).where(Seminar.slug == slug)).scalar_one()
        if db.session.scalar(
            sa.select(sa.func.count()).where(Registration.seminar_id == seminar.id)
        ):
            continue
        rng = random.Random(slug)
        made += _register_all(seminar, list(people(rng, size)), cancelled, rng, now)
    db.session.commit()
    return made


def _domain(institution: Institution) -> str:
    return f"{slugify(institution.acronym or institution.name)[:30]}.demo.example"


def _mongolian(rng: random.Random, size: int):
    institutions = list(
        db.session.execute(
            sa.select(Institution)
            .where(Institution.country == "MN", Institution.is_demo)
            .order_by(Institution.name)
        ).scalars()
    )
    taken: set[str] = set()
    for person, pick in mongolian_people(
        rng, size, lambda pick: _domain(institutions[pick % len(institutions)]), taken
    ):
        yield person, institutions[pick % len(institutions)], "MN"


def _coaction(rng: random.Random, size: None):
    taken: set[str] = set()
    zones = {
        "CN": "Asia/Shanghai",
        "PK": "Asia/Karachi",
        "KH": "Asia/Phnom_Penh",
        "SG": "Asia/Singapore",
        "MY": "Asia/Kuala_Lumpur",
    }
    for name, _acronym, country, _kind in data.COACTION_INSTITUTIONS:
        institution = db.session.execute(
            sa.select(Institution).where(
                Institution.country == country, Institution.normalised_name == fold(name)
            )
        ).scalar_one()
        for person in coaction_people(rng, country, _domain(institution), zones[country], taken):
            yield person, institution, country


def _participant(email: str) -> Participant:
    participant = db.session.execute(
        sa.select(Participant).where(Participant.email == email)
    ).scalar_one_or_none()
    if participant is None:
        participant = Participant(email=email)
        db.session.add(participant)
    return participant


def _register_all(
    seminar: Seminar,
    people: list[tuple[DemoPerson, Institution, str]],
    cancelled: int,
    rng: random.Random,
    now: datetime,
) -> int:
    """Register in arrival order: places first, then the waiting list; some cancel on the way."""
    sessions = seminar.sessions
    window_end = min(seminar.registration_closes_at, now)
    span = (window_end - seminar.registration_opens_at).total_seconds()
    moments = sorted(
        seminar.registration_opens_at + timedelta(seconds=rng.uniform(0, span)) for _ in people
    )
    cancelling = set(rng.sample(range(len(people)), cancelled))
    groups = _groups(seminar, people, moments)
    confirmed = 0
    for number, ((person, own_institution, country), moment) in enumerate(
        zip(people, moments, strict=True)
    ):
        status = (
            RegistrationStatus.CANCELLED
            if number in cancelling
            else (
                RegistrationStatus.CONFIRMED
                if seminar.capacity is None or confirmed < seminar.capacity
                else RegistrationStatus.WAITLISTED
            )
        )
        confirmed += status == RegistrationStatus.CONFIRMED
        group = groups.get(number)
        institution = group.institution if group else own_institution
        country = institution.country
        chosen = (
            sessions if rng.random() < 0.85 else rng.sample(sessions, max(1, len(sessions) - 1))
        )
        registration = Registration(
            seminar=seminar,
            participant=_participant(person.email),
            given_name=person.given_name,
            family_name=person.family_name,
            position=person.position,
            role_category=person.role_category,
            gender=person.gender,
            language=person.language,
            timezone=person.timezone,
            search_key=fold(f"{person.given_name} {person.family_name}"),
            institution=institution,
            country=country,
            status=status,
            registered_by=RegisteredBy.FOCAL_POINT if number in groups else RegisteredBy.SELF,
            group=group,
            consented_at=moment,
            listed_publicly=rng.random() < 0.3,
            created_at=moment,
            updated_at=moment,
            waitlisted_at=moment if status == RegistrationStatus.WAITLISTED else None,
            cancelled_at=moment + timedelta(days=2)
            if status == RegistrationStatus.CANCELLED
            else None,
            choices=[
                SessionChoice(session=session, status=ChoiceStatus.CONFIRMED) for session in chosen
            ],
        )
        db.session.add(registration)
        db.session.flush()
        issue_manage_token(registration)
    return len(people)


def _groups(seminar: Seminar, people, moments) -> dict[int, RegistrationGroup]:
    """About one registration in ten came from a focal point, for three colleagues at a time."""
    groups: dict[int, RegistrationGroup] = {}
    starts = range(0, len(people) - 3, max(len(people) // 3, 4))
    for start in list(starts)[1:4]:
        _person, institution, _country = people[start]
        members = range(start, start + 3)
        group = RegistrationGroup(
            seminar_id=seminar.id,
            focal_point_name="Focal point of " + institution.name,
            focal_point_email=f"focal.point@{_domain(institution)}",
            institution=institution,
            created_at=moments[start],
        )
        db.session.add(group)
        for member in members:
            groups[member] = group
    return groups
