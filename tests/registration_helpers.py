"""What registration tests share: the form as a browser sends it, and reading what is stored."""

import re

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from seminar_reg.extensions import db
from seminar_reg.mail.messages import render
from seminar_reg.mail.models import OutboxMessage
from seminar_reg.registration.models import Participant, Registration
from seminar_reg.seminars.models import SeminarSession


def session_ids(app, seminar_id: int) -> list[int]:
    with app.app_context():
        return list(
            db.session.execute(
                sa.select(SeminarSession.id)
                .where(SeminarSession.seminar_id == seminar_id)
                .order_by(SeminarSession.position)
            ).scalars()
        )


def registration_form(chosen: list[int], **overrides) -> dict:
    return {
        "given_name": "Оюунчимэг",
        "family_name": "Батбаяр",
        "email": "oyunchimeg@example.org",
        "position": "Vice director",
        "role_category": "leader",
        "gender": "female",
        "country": "MN",
        "institution_name": "Darkhan Polytechnic College",
        "institution_type": "tvet_institute",
        "sessions": [str(i) for i in chosen],
        "language": "en",  # the emails tests read are in English; tests of languages say so
        "timezone": "Asia/Ulaanbaatar",
        "consent": "y",
        **overrides,
    }


def register(client, slug: str, chosen: list[int], **overrides):
    return client.post(f"/seminars/{slug}/register", data=registration_form(chosen, **overrides))


def token_of(response) -> str:
    """The private token from the redirect to the welcome page."""
    return re.fullmatch(r"/r/([^/]+)/welcome", response.headers["Location"]).group(1)


def stored_registrations(app, seminar_id: int | None = None) -> list[Registration]:
    with app.app_context():
        query = (
            sa.select(Registration)
            .options(
                selectinload(Registration.participant),
                selectinload(Registration.institution),
                selectinload(Registration.choices),
            )
            .order_by(Registration.id)
        )
        if seminar_id is not None:
            query = query.where(Registration.seminar_id == seminar_id)
        registrations = db.session.execute(query).scalars().all()
        db.session.expunge_all()
        return registrations


def outbox(app, kind: str | None = None) -> list[OutboxMessage]:
    with app.app_context():
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        messages = db.session.execute(query).scalars().all()
        for message in messages:  # the bodies as delivery writes them; not committed
            render(message)
        db.session.expunge_all()
        return messages


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


__all__ = [
    "Participant",
    "count",
    "outbox",
    "register",
    "registration_form",
    "session_ids",
    "stored_registrations",
    "token_of",
]
