"""Every email about a registration, built in one place and written to the outbox."""

from flask_babel import gettext as _

from seminar_reg.extensions import utcnow
from seminar_reg.mail.messages import ATTACHMENT_MAKERS, DeferredAttachment, queue_email
from seminar_reg.registration.calendar import CalendarRequest, calendar_from_request
from seminar_reg.registration.models import Registration, RegistrationGroup, RegistrationStatus
from seminar_reg.registration.tokens import manage_token
from seminar_reg.seminars.models import Seminar, SeminarSession
from seminar_reg.timezones import zone
from seminar_reg.urls import external_url

CALENDAR_TYPE = "text/calendar; charset=utf-8"
CALENDAR_MAKER = "registration-calendar"

ATTACHMENT_MAKERS[CALENDAR_MAKER] = calendar_from_request


def seminar_view(seminar: Seminar) -> dict:
    """What an email rendered later reads of the seminar (``mail.snapshot``)."""
    return {"title": seminar.title, "contact_email": seminar.contact_email, "zone": seminar.zone}


def session_views(sessions: list[SeminarSession]) -> list[dict]:
    return [
        {
            "id": session.id,
            "title": session.title,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "join_url": session.join_url,
        }
        for session in sessions
    ]


def person_view(registration: Registration) -> dict:
    """What an email rendered later reads of the registration, as it is now."""
    institution = registration.institution
    return {
        "full_name": registration.full_name,
        "status": registration.status,
        "position": registration.position,
        "country": registration.country,
        "institution": {"display_name": institution.display_name} if institution else None,
    }


def _context(registration: Registration, **extra) -> dict:
    token = manage_token(registration)
    return {
        "registration": person_view(registration),
        "seminar": seminar_view(registration.seminar),
        "sessions": session_views(registration.chosen_sessions),
        "waiting_session_ids": sorted(registration.waiting_session_ids),
        "reader_zone": zone(registration.timezone),
        "manage_url": external_url("registration.manage", token=token),
        "seminar_url": external_url("public.seminar", slug=registration.seminar.slug),
        "waitlist_position": extra.pop("waitlist_position", None),
        **extra,
    }


def _calendar(
    registration: Registration, method: str = "REQUEST", sessions=None
) -> DeferredAttachment:
    """The calendar as it stands now, built when the email is delivered."""
    request = CalendarRequest.of(
        registration,
        now=utcnow(),
        token=manage_token(registration),
        method=method,
        sessions=sessions,
    )
    name = "cancelled-sessions.ics" if method == "CANCEL" else "seminar.ics"
    return DeferredAttachment(name, CALENDAR_TYPE, CALENDAR_MAKER, request.as_json())


def _queue(registration: Registration, kind: str, subject, attachments=(), **extra) -> None:
    seminar = registration.seminar
    queue_email(
        kind=kind,
        to=registration.email,
        language=registration.language,
        subject=subject,
        template=f"registration_{kind}",
        context=_context(registration, **extra),
        seminar_id=seminar.id,
        registration_id=registration.id,
        reply_to=seminar.contact_email,
        attachments=tuple(attachments),
        later=True,
    )


def registered(registration: Registration, waitlist_position: int | None = None) -> None:
    """The first email after registering: a confirmation, or the waiting-list notice."""
    title = registration.seminar.title
    if registration.status == RegistrationStatus.CONFIRMED:
        _queue(
            registration,
            "confirmation",
            lambda: _("Registration confirmed: %(title)s", title=title),
            attachments=[_calendar(registration)],
        )
    else:
        _queue(
            registration,
            "waitlisted",
            lambda: _("On the waiting list: %(title)s", title=title),
            waitlist_position=waitlist_position,
        )


def promoted(registration: Registration) -> None:
    title = registration.seminar.title
    _queue(
        registration,
        "promoted",
        lambda: _("A place is free for you: %(title)s", title=title),
        attachments=[_calendar(registration)],
    )


def changed(
    registration: Registration,
    removed: list[SeminarSession],
    session_places: list[SeminarSession] | None = None,
) -> None:
    """Sessions added, removed, or a place freed in a session the participant waited for."""
    title = registration.seminar.title
    attachments = [_calendar(registration)] if registration.choices else []
    if removed:
        attachments.append(_calendar(registration, "CANCEL", removed))
    _queue(
        registration,
        "changed",
        lambda: _("Your registration has changed: %(title)s", title=title),
        attachments=attachments,
        removed_sessions=session_views(removed),
        session_places=session_views(session_places or []),
    )


def cancelled(registration: Registration, by_organiser: bool) -> None:
    title = registration.seminar.title
    attachments = [_calendar(registration, "CANCEL", registration.chosen_sessions)]
    _queue(
        registration,
        "cancelled",
        lambda: _("Registration cancelled: %(title)s", title=title),
        attachments=attachments if registration.choices else [],
        by_organiser=by_organiser,
    )


def new_link(registration: Registration) -> None:
    title = registration.seminar.title
    _queue(registration, "link", lambda: _("Your registration link: %(title)s", title=title))


def group_summary(group: RegistrationGroup, language: str) -> None:
    """One email to the focal point listing the colleagues they registered."""
    seminar = group.registrations[0].seminar
    queue_email(
        kind="group_summary",
        to=group.focal_point_email,
        language=language,
        subject=lambda: _(
            "%(count)d colleagues registered: %(title)s",
            count=len(group.registrations),
            title=seminar.title,
        ),
        template="registration_group_summary",
        context={
            "group": group,
            "seminar": seminar,
            "seminar_url": external_url("public.seminar", slug=seminar.slug),
        },
        seminar_id=seminar.id,
        reply_to=seminar.contact_email,
    )
