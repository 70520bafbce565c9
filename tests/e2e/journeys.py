"""What the browser journeys share: the demo served over HTTP, its emails, its languages.

A journey runs the app on a free loopback port with the demo data of ``seed-demo``, CSRF on, and
the outbox delivered by its thread, after each commit, to the test's real SMTP server.
"""

import time
from collections.abc import Callable
from email.message import EmailMessage

import flask_babel
import sqlalchemy as sa
from icalendar import Calendar
from playwright.sync_api import Page
from sqlalchemy.orm import selectinload

from seminar_reg.extensions import db
from seminar_reg.registration.models import Participant, Registration
from seminar_reg.seminars.models import Seminar
from tests.e2e.conftest import PHONE

#: the demo's upcoming seminar, open for registration from the day it is seeded
SLUG = "demo-tvet-leadership-ai"
PHONE_WIDTH = PHONE["viewport"]["width"]
#: how long the outbox thread may take to deliver after a commit
MAIL_WAIT = 15.0


def serve_the_demo(make_app, serve, smtp_server):
    """The app with the demo data, served over HTTP; its emails go to ``smtp_server``."""
    app = make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        OUTBOX_DISPATCH="thread",
        WTF_CSRF_ENABLED=True,
    )
    base = serve(app)
    # Links in emails start with the public address, known only once the server listens.
    app.config["PUBLIC_URL"] = base
    seeded = app.test_cli_runner().invoke(args=["seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    return app, base


def stored_seminar(app, slug: str = SLUG) -> Seminar:
    """A seminar (the upcoming demo one by default) with its sessions, detached from the
    database session."""
    with app.app_context():
        seminar = db.session.execute(
            sa.select(Seminar).where(Seminar.slug == slug).options(selectinload(Seminar.sessions))
        ).scalar_one()
        db.session.expunge_all()
        return seminar


def registration_of(app, email: str) -> Registration:
    """The person's registration with its participant, institution and choices, detached."""
    with app.app_context():
        registration = db.session.execute(
            sa.select(Registration)
            .join(Participant)
            .where(Participant.email == email)
            .options(
                selectinload(Registration.participant),
                selectinload(Registration.institution),
                selectinload(Registration.choices),
            )
        ).scalar_one()
        db.session.expunge_all()
        return registration


def in_language(app, locale: str) -> Callable[..., str]:
    """``gettext`` in ``locale``, from the catalog the app itself reads (English until compiled)."""

    def translate(msgid: str, **variables) -> str:
        with app.test_request_context(), flask_babel.force_locale(locale):
            return flask_babel.gettext(msgid, **variables)

    return translate


def assert_fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, (
        f"{page.url} scrolls sideways: {width}px wide on a {PHONE_WIDTH}px phone"
    )


def wait_for_email(smtp_server, to: str, subject: str) -> EmailMessage:
    """The message once the outbox thread has delivered it (it sends after the commit)."""
    deadline = time.monotonic() + MAIL_WAIT
    while time.monotonic() < deadline:
        found = [m for m in smtp_server.to(to) if m["Subject"] == subject]
        if found:
            assert len(found) == 1, f"{len(found)} emails “{subject}” to {to}"
            return found[0]
        time.sleep(0.05)
    received = [(m["To"], m["Subject"]) for m in smtp_server.messages]
    raise AssertionError(f"no email “{subject}” to {to} in {MAIL_WAIT}s; received {received}")


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def calendars(message: EmailMessage) -> dict[str, Calendar]:
    """The message's calendar attachments by file name, parsed."""
    return {
        part.get_filename(): Calendar.from_ical(part.get_payload(decode=True))
        for part in message.iter_attachments()
        if part.get_content_type() == "text/calendar"
    }
