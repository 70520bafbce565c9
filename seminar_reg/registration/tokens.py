"""Private manage links.

A link's token is an HMAC of the registration's id and a random nonce under the secret key: it
cannot be guessed without both the database and the key, it can be written into any later email
(a reminder, a promotion) without storing it, and a new nonce revokes it. Only its SHA-256 is
stored, to find the registration a link belongs to.
"""

import base64
import hashlib
import hmac
import secrets

from flask import current_app

from seminar_reg.extensions import db
from seminar_reg.registration.models import Registration


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def manage_token(registration: Registration) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"manage-link:{registration.id}:{registration.manage_token_nonce}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue_manage_token(registration: Registration) -> str:
    """Give the registration a new link (the old one stops working); it needs an id first."""
    if registration.id is None:
        db.session.flush()
    registration.manage_token_nonce = secrets.token_hex(16)
    token = manage_token(registration)
    registration.manage_token_hash = token_hash(token)
    return token


def registration_for_token(token: str) -> Registration | None:
    if not token or len(token) > 100:
        return None
    return db.session.execute(
        db.select(Registration).where(Registration.manage_token_hash == token_hash(token))
    ).scalar_one_or_none()


def new_submission_id() -> str:
    """The one-time id a registration form carries, so that a second submit finds the first."""
    return secrets.token_urlsafe(24)
