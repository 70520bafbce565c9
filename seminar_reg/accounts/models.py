from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from seminar_reg.extensions import db, utcnow

if TYPE_CHECKING:
    from seminar_reg.seminars.models import Seminar


class Organiser(UserMixin, db.Model):
    """An account that manages seminars; an admin manages every seminar and the accounts."""

    __tablename__ = "organisers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: login, stored trimmed and lower-cased
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    #: the name shown to colleagues
    name: Mapped[str] = mapped_column(sa.String(200))
    #: Werkzeug password hash (scrypt)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    #: admins see every seminar and manage organiser accounts
    is_admin: Mapped[bool] = mapped_column(default=False)
    #: a deactivated organiser can no longer log in; their history stays
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    seminars: Mapped[list["Seminar"]] = relationship(
        secondary="seminar_organisers", back_populates="organisers", order_by="Seminar.title"
    )

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"] if current_app else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<Organiser {self.email}{' (admin)' if self.is_admin else ''}>"
