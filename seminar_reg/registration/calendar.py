"""Calendar files (RFC 5545/5546): one event per chosen session, stable UIDs, UTC instants.

An email's calendar is written when the email is delivered, not when the registration is made:
the outbox row keeps a ``CalendarRequest`` (who, which sessions, which version) and the worker
builds the file from it, so a registration rush does not pay for it on the request path.
"""

from dataclasses import asdict, dataclass
from datetime import datetime

from flask_babel import force_locale
from icalendar import Calendar, Event, vCalAddress, vText

from seminar_reg.extensions import db
from seminar_reg.i18n import format_in_zone, site_name
from seminar_reg.registration.models import Registration
from seminar_reg.seminars.models import Seminar, SeminarSession
from seminar_reg.urls import external_url, public_host


@dataclass(frozen=True)
class CalendarRequest:
    """What a participant's calendar shows, as it stood when the email about it was written."""

    registration_id: int
    seminar_id: int
    #: the registration's version: a calendar application keeps the event of the highest one
    sequence: int
    email: str
    full_name: str
    language: str
    #: REQUEST (add or update), CANCEL (withdraw these sessions) or PUBLISH (a download)
    method: str
    session_ids: list[int]
    #: sessions of the list the participant only waits for a place in
    tentative_session_ids: list[int]
    #: the private manage link shown in each event, or none
    manage_url: str | None
    dtstamp: str

    @classmethod
    def of(
        cls,
        registration: Registration,
        *,
        now: datetime,
        token: str | None,
        method: str = "REQUEST",
        sessions: list[SeminarSession] | None = None,
    ) -> "CalendarRequest":
        """The calendar of ``sessions`` (the chosen ones unless given) of ``registration``."""
        sessions = sessions if sessions is not None else registration.chosen_sessions
        waiting = registration.waiting_session_ids
        return cls(
            registration_id=registration.id,
            seminar_id=registration.seminar_id,
            sequence=registration.sequence,
            email=registration.email,
            full_name=registration.full_name,
            language=registration.language,
            method=method,
            session_ids=[session.id for session in sessions],
            tentative_session_ids=[session.id for session in sessions if session.id in waiting],
            manage_url=external_url("registration.manage", token=token) if token else None,
            dtstamp=now.isoformat(),
        )

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, recipe: dict) -> "CalendarRequest":
        return cls(**recipe)


def session_uid(registration_id: int, session: SeminarSession) -> str:
    """The same for every version of the event, so that updates and cancellations replace it."""
    return f"registration-{registration_id}-session-{session.id}@{public_host()}"


def _event(
    request: CalendarRequest, seminar: Seminar, session: SeminarSession, now: datetime
) -> Event:
    cancelled = request.method == "CANCEL"
    tentative = session.id in request.tentative_session_ids
    event = Event()
    event.add("uid", session_uid(request.registration_id, session))
    event.add("sequence", request.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", f"{session.title} — {seminar.title}")
    local = (
        f"{format_in_zone(session.starts_at, seminar.zone, 'HH:mm')}–"
        f"{format_in_zone(session.ends_at, seminar.zone, 'HH:mm')} {seminar.timezone}"
    )
    lines = [seminar.title, f"{session.title} ({local})"]
    show_link = session.join_url and not cancelled and not tentative
    if show_link:
        lines.append(session.join_url)
        event.add("location", session.join_url)
    elif seminar.venue:
        event.add("location", seminar.venue)
    if request.manage_url:
        lines.append(request.manage_url)
    event.add("description", "\n".join(lines))
    event.add("url", external_url("public.seminar", slug=seminar.slug))
    event.add("status", "CANCELLED" if cancelled else "TENTATIVE" if tentative else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{seminar.contact_email}")
    organizer.params["cn"] = vText(site_name())
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{request.email}")
    attendee.params["cn"] = vText(request.full_name)
    attendee.params["partstat"] = vText("DECLINED" if cancelled else "ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    return event


def render_calendar(
    request: CalendarRequest, seminar: Seminar, sessions: list[SeminarSession]
) -> bytes:
    """The calendar file, in the participant's language."""
    now = datetime.fromisoformat(request.dtstamp)
    with force_locale(request.language):
        calendar = Calendar()
        calendar.add("prodid", "-//seminar_reg//registration//EN")
        calendar.add("version", "2.0")
        calendar.add("method", request.method)
        calendar.add("x-wr-calname", seminar.title)
        calendar.add("x-wr-timezone", seminar.timezone)
        for session in sessions:
            calendar.add_component(_event(request, seminar, session, now))
        return calendar.to_ical()


def registration_calendar(
    registration: Registration, *, now: datetime, token: str | None = None, method: str = "PUBLISH"
) -> bytes:
    """The participant's chosen sessions as a calendar, made now (the download)."""
    request = CalendarRequest.of(registration, now=now, token=token, method=method)
    return render_calendar(request, registration.seminar, registration.chosen_sessions)


def calendar_from_request(recipe: dict) -> bytes | None:
    """An email's calendar at delivery; none when its seminar or all its sessions are gone."""
    request = CalendarRequest.from_json(recipe)
    seminar = db.session.get(Seminar, request.seminar_id)
    found = db.session.execute(
        db.select(SeminarSession).where(SeminarSession.id.in_(request.session_ids))
    ).scalars()
    by_id = {session.id: session for session in found}
    sessions = [by_id[id_] for id_ in request.session_ids if id_ in by_id]
    if seminar is None or not sessions:
        return None
    return render_calendar(request, seminar, sessions)
