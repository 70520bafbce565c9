"""Organiser accounts: creating them, checking passwords, keeping at least one admin."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import generate_password_hash

from seminar_reg.accounts.models import Organiser
from seminar_reg.errors import DomainError
from seminar_reg.extensions import db, utcnow
from seminar_reg.text import clean_line, normalise_email

# Checked against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not a password of anyone")

_COMMON_PASSWORDS = frozenset(
    {
        "password", "password1", "password123", "1234567890", "123456789", "12345678",
        "qwertyuiop", "qwerty1234", "iloveyou12", "admin12345", "letmein123", "welcome123",
        "abcdefghij", "0987654321", "1111111111", "seminar2023", "seminar2024", "unesco2023",
    }
)  # fmt: skip


def password_problem(password: str, email: str = "") -> str | None:
    """Why a password is too weak for an organiser account, or ``None``."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _("Use at least %(minimum)d characters.", minimum=minimum)
    lowered = password.lower()
    if lowered in _COMMON_PASSWORDS or len(set(lowered)) < 4:
        return _("This password is too easy to guess.")
    if email and normalise_email(email).split("@")[0] in lowered:
        return _("The password must not contain your email address.")
    return None


def find_organiser(email: str) -> Organiser | None:
    return db.session.execute(
        db.select(Organiser).where(Organiser.email == normalise_email(email))
    ).scalar_one_or_none()


def authenticate(email: str, password: str) -> Organiser | None:
    """The active organiser with these credentials; the same answer time for every failure."""
    organiser = find_organiser(email)
    if organiser is None:
        Organiser(password_hash=_DUMMY_HASH).check_password(password)
        return None
    if not organiser.check_password(password) or not organiser.is_active:
        return None
    organiser.last_login_at = utcnow()
    db.session.commit()
    return organiser


def create_organiser(email: str, name: str, password: str, is_admin: bool = False) -> Organiser:
    email = normalise_email(email)
    if find_organiser(email) is not None:
        raise DomainError(_("An organiser with this email address already exists."))
    problem = password_problem(password, email)
    if problem:
        raise DomainError(problem)
    organiser = Organiser(email=email, name=clean_line(name) or email, is_admin=is_admin)
    organiser.set_password(password)
    db.session.add(organiser)
    db.session.commit()
    return organiser


def set_password(organiser: Organiser, password: str) -> None:
    problem = password_problem(password, organiser.email)
    if problem:
        raise DomainError(problem)
    organiser.set_password(password)
    db.session.commit()


def update_organiser(organiser: Organiser, *, name: str, is_admin: bool, is_active: bool) -> None:
    """Change an account; the last active admin cannot be demoted or deactivated."""
    if organiser.is_admin and organiser.is_active and not (is_admin and is_active):
        other_admins = db.session.scalar(
            db.select(sa.func.count())
            .select_from(Organiser)
            .where(Organiser.is_admin, Organiser.is_active, Organiser.id != organiser.id)
        )
        if not other_admins:
            raise DomainError(_("This is the last active admin; make someone else admin first."))
    organiser.name = clean_line(name) or organiser.email
    organiser.is_admin = is_admin
    organiser.is_active = is_active
    db.session.commit()
