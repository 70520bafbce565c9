import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar_reg.extensions import db, utcnow

if TYPE_CHECKING:
    from seminar_reg.registration.models import Registration
    from seminar_reg.seminars.models import SeminarSession


class AttendanceSource(enum.StrEnum):
    #: an organiser ticked it on the session's roster
    ROSTER = "roster"
    #: the participant checked in with the session's code
    CHECK_IN = "check_in"
    #: read from the meeting platform's report
    IMPORT = "import"


class Attendance(db.Model):
    """Whether a registration attended a session, how long, and who says so."""

    __tablename__ = "attendance"

    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("seminar_sessions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    present: Mapped[bool]
    #: minutes within the session's time (the union of rejoins, not their sum)
    minutes: Mapped[int] = mapped_column(default=0)
    first_join: Mapped[datetime | None]
    last_leave: Mapped[datetime | None]
    source: Mapped[AttendanceSource]
    #: the report an imported value came from
    import_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("attendance_imports.id", ondelete="SET NULL"), index=True
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the organiser who ticked it or imported the report; none for a check-in
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisers.id", ondelete="SET NULL")
    )

    registration: Mapped["Registration"] = relationship()


class AttendanceImport(db.Model):
    """A meeting platform's report imported for one session, with what it found."""

    __tablename__ = "attendance_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("seminar_sessions.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    #: SHA-256 of the file, to recognise the same file imported again
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: e.g. "zoom_meeting", "teams"
    platform: Mapped[str] = mapped_column(sa.String(40))
    #: the zone the report's wall-clock times were read in
    timezone: Mapped[str] = mapped_column(sa.String(64))
    #: "dmy" or "mdy"
    date_order: Mapped[str] = mapped_column(sa.String(3))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisers.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: figures of the import report: rows_read, people, email, name, proposed, unmatched,
    #: ignored, kept_by_hand, present, absent
    figures: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: [{"line", "reason", "text"}] of the lines that could not be read
    problems: Mapped[list[dict]] = mapped_column(sa.JSON, default=list)

    session: Mapped["SeminarSession"] = relationship()
    people: Mapped[list["ImportedPerson"]] = relationship(
        back_populates="import_", cascade="all, delete-orphan", order_by="ImportedPerson.id"
    )


class Outcome(enum.StrEnum):
    """What became of a person found in a report."""

    EMAIL = "email"
    NAME = "name"
    #: a name match below certainty, waiting for the organiser
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    UNMATCHED = "unmatched"
    #: hosts and panelists who are nobody's registration, people who never came, or set aside
    IGNORED = "ignored"
    #: an unmatched person the organiser registered from the report
    ADDED = "added"


class ImportedPerson(db.Model):
    """One person of an imported report (their rows merged) and whom they turned out to be."""

    __tablename__ = "imported_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attendance_imports.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(300))
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    role: Mapped[str] = mapped_column(sa.String(40), default="attendee")
    minutes: Mapped[int] = mapped_column(default=0)
    first_join: Mapped[datetime | None]
    last_leave: Mapped[datetime | None]
    outcome: Mapped[Outcome]
    #: the registration matched, or proposed
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL")
    )
    score: Mapped[float] = mapped_column(default=0)
    #: other registrations it could be: [[registration id, score], ...]
    candidates: Mapped[list] = mapped_column(sa.JSON, default=list)

    import_: Mapped[AttendanceImport] = relationship(back_populates="people")
    registration: Mapped["Registration | None"] = relationship()
