"""A participant on a phone registers for the demo seminar, changes a session and cancels.

The whole way round: a real browser (360 px wide, in Berlin's time zone) on the app served over
HTTP, the demo data from ``seed-demo``, and the emails at a real SMTP server on loopback. The
seminar is cut down to one free place, so that the participant takes the last one, the next
person waits, and the participant's cancellation hands the place on.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import sqlalchemy as sa
from icalendar import Calendar
from playwright.sync_api import Page, expect

from seminar_reg.extensions import db
from seminar_reg.registration.models import Registration, RegistrationStatus
from seminar_reg.seminars.models import Seminar
from tests.e2e.journeys import (
    SLUG,
    assert_fits_the_phone,
    calendars,
    registration_of,
    serve_the_demo,
    stored_seminar,
    text_of,
    wait_for_email,
)
from tests.registration_helpers import registration_form

PARTICIPANT = "bolormaa.gantulga@example.org"
NEXT_IN_LINE = "tsetsegmaa@example.org"
BERLIN = ZoneInfo("Europe/Berlin")
ULAANBAATAR = ZoneInfo("Asia/Ulaanbaatar")


# --- the demo seminar, as stored ------------------------------------------------------------------


def leave_one_place(app, seminar_id: int) -> int:
    """Lower the capacity to the confirmed registrations plus one; the capacity it now has."""
    with app.app_context():
        counts = dict(
            db.session.execute(
                sa.select(Registration.status, sa.func.count())
                .where(Registration.seminar_id == seminar_id)
                .group_by(Registration.status)
            ).all()
        )
        assert counts.get(RegistrationStatus.WAITLISTED, 0) == 0, "the demo has people waiting"
        capacity = counts.get(RegistrationStatus.CONFIRMED, 0) + 1
        db.session.get(Seminar, seminar_id).capacity = capacity
        db.session.commit()
        return capacity


# --- what the participant sees and receives -------------------------------------------------------


def gmt_offset(instant: datetime, tz: ZoneInfo) -> str:
    minutes = int(instant.astimezone(tz).utcoffset() / timedelta(minutes=1))
    sign = "+" if minutes >= 0 else "-"
    return f"GMT{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


#: the short names English readers know, by zone and offset in minutes; other zones have none
SHORT_NAMES = {("Europe/Berlin", 60): "CET", ("Europe/Berlin", 120): "CEST"}


def hours_in(session, tz: ZoneInfo) -> str:
    """E.g. "07:00–09:00 Berlin (CET, GMT+01:00)", as the pages print a session's time in a zone."""
    city = tz.key.split("/")[-1]
    start, end = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
    short = SHORT_NAMES.get((tz.key, int(start.utcoffset() / timedelta(minutes=1))))
    zone = f"{short}, {gmt_offset(session.starts_at, tz)}" if short else gmt_offset(start, tz)
    return f"{start:%H:%M}–{end:%H:%M} {city} ({zone})"


def assert_events_for(calendar: Calendar, method: str, sessions) -> None:
    """One event per session, at its instant in UTC."""
    assert str(calendar["METHOD"]) == method
    events = calendar.walk("VEVENT")
    assert [e["DTSTART"].to_ical().decode() for e in events] == [
        f"{s.starts_at.astimezone(ZoneInfo('UTC')):%Y%m%dT%H%M%SZ}" for s in sessions
    ]
    assert [e["DTEND"].to_ical().decode() for e in events] == [
        f"{s.ends_at.astimezone(ZoneInfo('UTC')):%Y%m%dT%H%M%SZ}" for s in sessions
    ]
    assert all(str(e["SUMMARY"]).startswith(s.title) for e, s in zip(events, sessions, strict=True))


# --- the journey ----------------------------------------------------------------------------------


def register_on_the_phone(page: Page, base: str) -> None:
    page.goto(f"{base}/seminars/{SLUG}/register")
    expect(page.get_by_role("heading", name="Register", exact=True)).to_be_visible()
    page.get_by_label("Given name").fill("Болормаа")
    page.get_by_label("Family name").fill("Гантулга")
    page.get_by_label("Email", exact=True).fill(PARTICIPANT)
    page.get_by_label("Position").fill("Head of the training department")
    page.get_by_label("Role").select_option(label="Leader or manager")
    page.get_by_label("Country").select_option(value="MN")
    institution = page.get_by_label("Institution", exact=True)
    institution.press_sequentially("PCET")
    # The type-ahead knows the acronym, so the page stops asking for the type of institution.
    expect(page.get_by_label("Type of institution")).to_be_hidden()
    institution.blur()
    sessions = page.get_by_role("group", name="Sessions").get_by_role("checkbox")
    expect(sessions).to_have_count(3)
    for number in range(3):
        expect(sessions.nth(number)).to_be_checked()
    # The page replaces the seminar's zone by the phone's own.
    expect(page.get_by_label("Your time zone")).to_have_value("Europe/Berlin")
    page.get_by_label("I agree that my data is processed").check()
    assert_fits_the_phone(page)
    page.get_by_role("button", name="Register", exact=True).click()


def register_next_in_line(base: str) -> None:
    """Someone else registers a moment later, from an ordinary HTTP client, and has to wait."""
    with httpx.Client(base_url=base, timeout=10) as client:
        form = client.get(f"/seminars/{SLUG}/register").text
        hidden = dict(
            re.findall(r'name="(csrf_token|submission_id)" type="hidden" value="([^"]+)"', form)
        )
        sessions = re.findall(r'name="sessions" type="checkbox" value="(\d+)"', form)
        response = client.post(
            f"/seminars/{SLUG}/register",
            data=registration_form(
                [int(s) for s in sessions],
                given_name="Цэцэгмаа",
                family_name="Дорж",
                email=NEXT_IN_LINE,
                language="en",
                **hidden,
            ),
            follow_redirects=True,
        )
    assert "You are on the waiting list" in response.text
    assert "You are number 1 in line" in response.text


def test_a_participant_on_a_phone_registers_changes_a_session_and_cancels_for_the_next_in_line(
    make_app, serve, smtp_server, phone_page, screenshot
):
    app, base = serve_the_demo(make_app, serve, smtp_server)
    seminar = stored_seminar(app)
    sessions = seminar.sessions
    leave_one_place(app, seminar.id)
    page = phone_page

    # The participant takes the last place.
    register_on_the_phone(page, base)
    expect(page.get_by_role("heading", name="You are registered")).to_be_visible()
    assert_fits_the_phone(page)
    listed = page.locator(".session-list li")
    expect(listed).to_have_count(3)
    for number, session in enumerate(sessions):
        expect(listed.nth(number)).to_contain_text(session.title)
        expect(listed.nth(number)).to_contain_text(hours_in(session, ULAANBAATAR))
        expect(listed.nth(number)).to_contain_text(hours_in(session, BERLIN))
    screenshot(page, "phone-registration-1-welcome")
    stored = registration_of(app, PARTICIPANT)
    assert stored.status == RegistrationStatus.CONFIRMED
    assert (stored.given_name, stored.family_name) == ("Болормаа", "Гантулга")
    assert stored.institution.acronym == "PCET" and stored.country == "MN"
    assert stored.timezone == "Europe/Berlin"

    register_next_in_line(base)
    assert registration_of(app, NEXT_IN_LINE).status == RegistrationStatus.WAITLISTED

    # The confirmation, with the calendar and the personal link.
    confirmation = wait_for_email(
        smtp_server, PARTICIPANT, f"Registration confirmed: {seminar.title}"
    )
    attached = calendars(confirmation)
    assert list(attached) == ["seminar.ics"]
    assert_events_for(attached["seminar.ics"], "REQUEST", sessions)
    body = text_of(confirmation)
    assert "Dear Болормаа Гантулга," in body
    assert hours_in(sessions[0], BERLIN) in body
    manage_url = re.search(rf"{re.escape(base)}/r/\S+", body).group(0)

    # One session fewer.
    page.goto(manage_url)
    expect(page.get_by_role("heading", name="Your registration")).to_be_visible()
    dropped, kept = sessions[-1], sessions[:-1]
    page.get_by_role("checkbox", name=dropped.title).uncheck()
    page.get_by_role("button", name="Save my sessions").click()
    expect(page.get_by_role("status")).to_contain_text("Your sessions are saved.")
    expect(page.get_by_role("checkbox", name=dropped.title)).not_to_be_checked()
    expect(page.locator(".session-list li")).to_have_count(2)
    assert_fits_the_phone(page)
    screenshot(page, "phone-registration-2-sessions-changed")
    changed = wait_for_email(
        smtp_server, PARTICIPANT, f"Your registration has changed: {seminar.title}"
    )
    attached = calendars(changed)
    assert_events_for(attached["seminar.ics"], "REQUEST", kept)
    assert_events_for(attached["cancelled-sessions.ics"], "CANCEL", [dropped])

    # Cancelled: the place is free.
    page.get_by_role("link", name="Cancel my registration").click()
    expect(page.get_by_role("heading", name="Cancel your registration?")).to_be_visible()
    assert_fits_the_phone(page)
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.get_by_role("status")).to_contain_text("Your registration is cancelled.")
    expect(page.get_by_text("This registration is cancelled.")).to_be_visible()
    expect(page.get_by_role("button", name="Save my sessions")).to_have_count(0)
    assert_fits_the_phone(page)
    screenshot(page, "phone-registration-3-cancelled")
    cancelled = wait_for_email(smtp_server, PARTICIPANT, f"Registration cancelled: {seminar.title}")
    assert_events_for(calendars(cancelled)["cancelled-sessions.ics"], "CANCEL", kept)
    assert registration_of(app, PARTICIPANT).status == RegistrationStatus.CANCELLED

    # The next in line has the place, and is told so with a calendar of their own.
    promoted = wait_for_email(
        smtp_server, NEXT_IN_LINE, f"A place is free for you: {seminar.title}"
    )
    assert_events_for(calendars(promoted)["seminar.ics"], "REQUEST", sessions)
    assert registration_of(app, NEXT_IN_LINE).status == RegistrationStatus.CONFIRMED
