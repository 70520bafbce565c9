"""Calendar files (RFC 5545/5546): one event per chosen session, stable UIDs, UTC instants.

An email's calendar is written when the email is delivered, not when the registration is made:
the outbox row keeps a ``CalendarRequest`` (everything the file shows, as the email's transaction
saw it) and the deliverer builds the file from it without a query, so a registration rush does
not pay for it on the request path.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale
from icalendar import Calendar, Event, vCalAddress, vText

from seminar_reg.i18n import format_in_zone, site_name
from seminar_reg.registration.models import Registration
from seminar_reg.seminars.models import SeminarSession
from seminar_reg.timezones import zone
from seminar_reg.urls import external_url, public_host


@dataclass(frozen=True)
class CalendarEvent:
    """One session in the calendar; instants as ISO 8601 in UTC."""

    session_id: int
    title: str
    starts_at: str
    ends_at: str
    join_url: str
    #: the participant only waits for a place in it
    tentative: bool


@dataclass(frozen=True)
class CalendarRequest:
    """What a participant's calendar shows, as it stood when the email about it was written."""

    registration_id: int
    #: the registration's version: a calendar application keeps the event of the highest one
    sequence: int
    email: str
    full_name: str
    language: str
    #: REQUEST (add or update), CANCEL (withdraw these sessions) or PUBLISH (a download)
    method: str
    seminar_title: str
    seminar_timezone: str
    seminar_venue: str
    seminar_url: str
    contact_email: str
    events: list[CalendarEvent]
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
        seminar = registration.seminar
        waiting = registration.waiting_session_ids
        return cls(
            registration_id=registration.id,
            sequence=registration.sequence,
            email=registration.email,
            full_name=registration.full_name,
            language=registration.language,
            method=method,
            seminar_title=seminar.title,
            seminar_timezone=seminar.timezone,
            seminar_venue=seminar.venue,
            seminar_url=external_url("public.seminar", slug=seminar.slug),
            contact_email=seminar.contact_email,
            events=[
                CalendarEvent(
                    session_id=session.id,
                    title=session.title,
                    starts_at=session.starts_at.isoformat(),
                    ends_at=session.ends_at.isoformat(),
                    join_url=session.join_url,
                    tentative=session.id in waiting,
                )
                for session in (sessions if sessions is not None else registration.chosen_sessions)
            ],
            manage_url=external_url("registration.manage", token=token) if token else None,
            dtstamp=now.isoformat(),
        )

    def as_json(self) -> dict:
        # Shallow: the events are the only values that are not str, int, bool or None.
        # asdict copies every value deeply, 40 times slower, on every registration.
        return {**vars(self), "events": [dict(vars(event)) for event in self.events]}

    @classmethod
    def from_json(cls, recipe: dict) -> "CalendarRequest":
        events = [CalendarEvent(**event) for event in recipe["events"]]
        return cls(**{**recipe, "events": events})


def _event(request: CalendarRequest, session: CalendarEvent, now: datetime) -> Event:
    cancelled = request.method == "CANCEL"
    seminar_zone = zone(request.seminar_timezone)
    starts_at, ends_at = (
        datetime.fromisoformat(session.starts_at),
        datetime.fromisoformat(session.ends_at),
    )
    event = Event()
    # The same for every version of the event, so that updates and cancellations replace it.
    event.add(
        "uid",
        f"registration-{request.registration_id}-session-{session.session_id}@{public_host()}",
    )
    event.add("sequence", request.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("summary", f"{session.title} — {request.seminar_title}")
    local = (
        f"{format_in_zone(starts_at, seminar_zone, 'HH:mm')}–"
        f"{format_in_zone(ends_at, seminar_zone, 'HH:mm')} {request.seminar_timezone}"
    )
    lines = [request.seminar_title, f"{session.title} ({local})"]
    if session.join_url and not cancelled and not session.tentative:
        lines.append(session.join_url)
        event.add("location", session.join_url)
    elif request.seminar_venue:
        event.add("location", request.seminar_venue)
    if request.manage_url:
        lines.append(request.manage_url)
    event.add("description", "\n".join(lines))
    event.add("url", request.seminar_url)
    status = "CANCELLED" if cancelled else "TENTATIVE" if session.tentative else "CONFIRMED"
    event.add("status", status)
    organizer = vCalAddress(f"mailto:{request.contact_email}")
    organizer.params["cn"] = vText(site_name())
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{request.email}")
    attendee.params["cn"] = vText(request.full_name)
    attendee.params["partstat"] = vText("DECLINED" if cancelled else "ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    return event


def render_calendar(request: CalendarRequest) -> bytes:
    """The calendar file, in the participant's language."""
    now = datetime.fromisoformat(request.dtstamp)
    with force_locale(request.language):
        calendar = Calendar()
        calendar.add("prodid", "-//seminar_reg//registration//EN")
        calendar.add("version", "2.0")
        calendar.add("method", request.method)
        calendar.add("x-wr-calname", request.seminar_title)
        calendar.add("x-wr-timezone", request.seminar_timezone)
        for session in request.events:
            calendar.add_component(_event(request, session, now))
        return calendar.to_ical()


def registration_calendar(
    registration: Registration, *, now: datetime, token: str | None = None, method: str = "PUBLISH"
) -> bytes:
    """The participant's chosen sessions as a calendar, made now (the download)."""
    return render_calendar(CalendarRequest.of(registration, now=now, token=token, method=method))


def calendar_from_request(recipe: dict) -> bytes:
    """An email's calendar, built at delivery from the request its transaction stored."""
    return render_calendar(CalendarRequest.from_json(recipe))
