"""Private manage links, made as ``seminar_reg.tokens`` says: a reminder or a promotion email
can carry the link without it being stored, and a new nonce revokes it."""

import re
import secrets

from seminar_reg.extensions import db
from seminar_reg.registration.models import Registration
from seminar_reg.tokens import new_nonce, plausible, signed_token, token_hash


def manage_token(registration: Registration) -> str:
    return signed_token("manage-link", registration.id, registration.manage_token_nonce)


def issue_manage_token(registration: Registration) -> str:
    """Give the registration a new link (the old one stops working); it needs an id first."""
    if registration.id is None:
        db.session.flush()
    registration.manage_token_nonce = new_nonce()
    token = manage_token(registration)
    registration.manage_token_hash = token_hash(token)
    return token


def registration_for_token(token: str) -> Registration | None:
    if not plausible(token):
        return None
    return db.session.execute(
        db.select(Registration).where(Registration.manage_token_hash == token_hash(token))
    ).scalar_one_or_none()


_SUBMISSION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def submission_id_or_none(value: str | None) -> str | None:
    """A submission id as we make them, else None: a forged one only loses its idempotence."""
    return value if value and _SUBMISSION_ID.fullmatch(value) else None


def new_submission_id() -> str:
    """The one-time id a registration form carries, so that a second submit finds the first."""
    return secrets.token_urlsafe(24)
