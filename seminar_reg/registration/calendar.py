"""Calendar files (RFC 5545/5546): one event per chosen session, stable UIDs, UTC instants."""

from datetime import datetime

from icalendar import Calendar, Event, vCalAddress, vText

from seminar_reg.i18n import format_in_zone, site_name
from seminar_reg.registration.models import Registration
from seminar_reg.seminars.models import SeminarSession
from seminar_reg.urls import external_url, public_host


def session_uid(registration: Registration, session: SeminarSession) -> str:
    """The same for every version of the event, so that updates and cancellations replace it."""
    return f"registration-{registration.id}-session-{session.id}@{public_host()}"


def _event(
    registration: Registration,
    session: SeminarSession,
    token: str | None,
    now: datetime,
    cancelled: bool,
    tentative: bool,
) -> Event:
    seminar = registration.seminar
    event = Event()
    event.add("uid", session_uid(registration, session))
    event.add("sequence", registration.sequence)
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
    if token:
        lines.append(external_url("registration.manage", token=token))
    event.add("description", "\n".join(lines))
    event.add("url", external_url("public.seminar", slug=seminar.slug))
    event.add("status", "CANCELLED" if cancelled else "TENTATIVE" if tentative else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{seminar.contact_email}")
    organizer.params["cn"] = vText(site_name())
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{registration.email}")
    attendee.params["cn"] = vText(registration.full_name)
    attendee.params["partstat"] = vText("DECLINED" if cancelled else "ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    return event


def registration_calendar(
    registration: Registration,
    *,
    now: datetime,
    token: str | None = None,
    method: str = "REQUEST",
    sessions: list[SeminarSession] | None = None,
) -> bytes:
    """The participant's sessions as a calendar; ``METHOD:CANCEL`` withdraws ``sessions``."""
    seminar = registration.seminar
    calendar = Calendar()
    calendar.add("prodid", "-//seminar_reg//registration//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add("x-wr-calname", seminar.title)
    calendar.add("x-wr-timezone", seminar.timezone)
    cancelled = method == "CANCEL"
    waiting = registration.waiting_session_ids
    for session in sessions if sessions is not None else registration.chosen_sessions:
        tentative = session.id in waiting
        calendar.add_component(_event(registration, session, token, now, cancelled, tentative))
    return calendar.to_ical()
