"""Participants' journeys in a real browser: in Mongolian on a phone, and a focal point's group.

Each runs the demo (``seed-demo``) over HTTP with CSRF on, and reads the emails at a real SMTP
server on loopback. Expected words are looked up in the app's own catalogs, so the tests hold
whether or not the Mongolian translation is compiled yet (until it is, it equals the English).
"""

import re
from zoneinfo import ZoneInfo

import flask_babel
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from sqlalchemy.orm import selectinload

from seminar_reg.extensions import db
from seminar_reg.i18n import LANGUAGE_NAMES, session_when
from seminar_reg.institutions.models import Institution
from seminar_reg.mail.models import OutboxMessage
from seminar_reg.registration.models import (
    RegisteredBy,
    Registration,
    RegistrationGroup,
    RegistrationStatus,
)
from tests.e2e.journeys import (
    SLUG,
    assert_fits_the_phone,
    calendars,
    in_language,
    registration_of,
    serve_the_demo,
    stored_seminar,
    text_of,
    wait_for_email,
)

ULAANBAATAR = ZoneInfo("Asia/Ulaanbaatar")


def institution_named(app, name: str) -> Institution:
    with app.app_context():
        institution = db.session.execute(
            sa.select(Institution).where(Institution.name == name, Institution.country == "MN")
        ).scalar_one()
        db.session.expunge_all()
        return institution


def stored_counts(app) -> dict[str, int]:
    """How many registrations, groups and emails the database holds."""
    with app.app_context():
        return {
            model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Registration, RegistrationGroup, OutboxMessage)
        }


def sessions_in_mongolian(app, seminar) -> list[str]:
    """Each session's day and hours as a Mongolian reader in Ulaanbaatar sees them."""
    with app.test_request_context(), flask_babel.force_locale("mn"):
        return [
            session_when(s.starts_at, s.ends_at, seminar.zone, ULAANBAATAR)
            for s in seminar.sessions
        ]


# --- 1. In Mongolian, on a phone ------------------------------------------------------------------

PARTICIPANT = "oyunchimeg.batbold@example.org"
KHOVSGOL_CENTRE = "Khövsgöl Vocational Training and Production Centre"


def assert_the_language_switcher(page: Page, app, mn) -> None:
    """The header's buttons post the language to /language; Mongolian is the one chosen."""
    switcher = page.get_by_role("form", name=mn("Language"), exact=True)
    expect(switcher).to_have_attribute("method", "post")
    expect(switcher).to_have_attribute("action", "/language")
    languages = [LANGUAGE_NAMES[code] for code in app.config["LANGUAGES"]]
    expect(switcher.get_by_role("button")).to_have_text(languages)
    chosen = switcher.get_by_role("button", name=LANGUAGE_NAMES["mn"], exact=True)
    expect(chosen).to_have_attribute("aria-current", "true")
    expect(chosen).to_be_disabled()


def test_a_participant_registers_in_mongolian_on_a_phone_picking_the_institution_from_the_list(
    make_app, serve, smtp_server, mongolian_phone_page, screenshot
):
    """The form, the success page and the confirmation are in Mongolian, the institution tapped
    from the suggestions is the one stored, and no page is wider than the phone."""
    app, base = serve_the_demo(make_app, serve, smtp_server)
    seminar = stored_seminar(app)
    mn = in_language(app, "mn")
    khovsgol = institution_named(app, KHOVSGOL_CENTRE)
    page = mongolian_phone_page

    page.goto(f"{base}/seminars/{SLUG}/register")
    expect(page.locator("html")).to_have_attribute("lang", "mn")
    expect(page.get_by_role("heading", level=1)).to_have_text(mn("Register"))
    expect(page.get_by_role("heading", level=2).first).to_have_text(mn("About you"))
    expect(page.get_by_role("heading", name=mn("Your institution"), exact=True)).to_be_visible()
    assert_the_language_switcher(page, app, mn)

    page.get_by_label(mn("Given name"), exact=True).fill("Оюунчимэг")
    page.get_by_label(mn("Family name"), exact=True).fill("Батболд")
    page.get_by_label(mn("Email"), exact=True).fill(PARTICIPANT)
    page.get_by_label(mn("Position"), exact=True).fill("Сургалтын менежер")
    page.get_by_label(mn("Role"), exact=True).select_option("leader")
    page.get_by_label(mn("Country"), exact=True).select_option("MN")

    # Typed without the umlauts, as on a phone keyboard; the suggestions have them.
    institution = page.get_by_role("combobox", name=mn("Institution"), exact=True)
    institution.press_sequentially("khovsgol")
    suggestions = page.get_by_role("listbox").get_by_role("option")
    expect(suggestions).to_have_text(
        ["Khövsgöl Polytechnic College", "Khövsgöl Vocational Training and Production Centre"]
    )
    assert_fits_the_phone(page)
    screenshot(page, "participant-mongolian-phone-1-suggestions")
    suggestions.filter(has_text=KHOVSGOL_CENTRE).tap()
    expect(institution).to_have_value(KHOVSGOL_CENTRE)
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(page.get_by_label(mn("Type of institution"), exact=True)).to_be_hidden()

    ticked = page.get_by_role("group", name=mn("Sessions"), exact=True).get_by_role("checkbox")
    expect(ticked).to_have_count(len(seminar.sessions))
    for number in range(len(seminar.sessions)):
        expect(ticked.nth(number)).to_be_checked()
    expect(page.get_by_label(mn("Language of our emails"), exact=True)).to_have_value("mn")
    expect(page.get_by_label(mn("Your time zone"), exact=True)).to_have_value("Asia/Ulaanbaatar")
    consent = mn("I agree that my data is processed for this seminar as described above.")
    page.get_by_label(consent, exact=True).check()
    assert_fits_the_phone(page)
    page.get_by_role("button", name=mn("Register"), exact=True).click()

    # The success page.
    expect(page).to_have_url(re.compile(r"/r/[^/]+/welcome$"))
    expect(page.locator("html")).to_have_attribute("lang", "mn")
    expect(page.get_by_role("heading", level=1)).to_have_text(mn("You are registered"))
    expect(page.get_by_text(mn("for %(title)s.", title=seminar.title), exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=2)).to_have_text(
        [mn("What happens next"), mn("Your sessions")]
    )
    on_its_way = mn(
        "A confirmation is on its way to %(email)s, with a calendar file and your personal link. "
        "Check your spam folder if it does not arrive within a few minutes.",
        email=PARTICIPANT,
    )
    expect(page.get_by_text(on_its_way, exact=True)).to_be_visible()
    listed = page.locator(".session-list li")
    for number, when in enumerate(sessions_in_mongolian(app, seminar)):
        expect(listed.nth(number)).to_contain_text(seminar.sessions[number].title)
        expect(listed.nth(number)).to_contain_text(when)
    assert_the_language_switcher(page, app, mn)
    assert_fits_the_phone(page)
    screenshot(page, "participant-mongolian-phone-2-registered")

    stored = registration_of(app, PARTICIPANT)
    assert stored.status == RegistrationStatus.CONFIRMED
    assert stored.institution_id == khovsgol.id and stored.country == "MN"
    assert (stored.given_name, stored.family_name) == ("Оюунчимэг", "Батболд")
    assert (stored.language, stored.timezone) == ("mn", "Asia/Ulaanbaatar")
    assert len(stored.choices) == len(seminar.sessions)

    # The confirmation, in Mongolian, with the sessions at Ulaanbaatar's hours.
    confirmation = wait_for_email(
        smtp_server, PARTICIPANT, mn("Registration confirmed: %(title)s", title=seminar.title)
    )
    lines = text_of(confirmation).splitlines()
    assert lines[0] == mn("Dear %(name)s,", name="Оюунчимэг Батболд")
    assert mn("Your sessions:") in lines
    for session, when in zip(seminar.sessions, sessions_in_mongolian(app, seminar), strict=True):
        # "- AI in TVET…" and under it the day and hours, as the seminar's zone gives them.
        assert lines[lines.index(f"- {session.title}") + 1].strip() == when
        start, end = (
            instant.astimezone(ULAANBAATAR) for instant in (session.starts_at, session.ends_at)
        )
        assert f"{start:%H:%M}–{end:%H:%M}" in when
    assert list(calendars(confirmation)) == ["seminar.ics"]


# --- 2. A focal point's group, on a desktop -------------------------------------------------------

FOCAL_POINT = "narantsetseg.bold@ttcu.example.org"
FOCAL_POINT_NAME = "Наранцэцэг Болд"
TTCU = "Technical and Technology College of Ulaanbaatar"
TYPED_COLLEAGUES = [
    ("Батбаяр", "Дорж", "batbayar.dorj@ttcu.example.org", "Director", "leader"),
    ("Оюунчимэг", "Ганбаатар", "oyunchimeg.g@ttcu.example.org", "Teacher", "teacher"),
    ("Төмөрбаатар", "Баяр", "tumurbaatar.b@ttcu.example.org", "Welding trainer", "teacher"),
]
#: two lines as copied from a spreadsheet; the first address lacks its @
PASTED_COLLEAGUES = (
    "Энхтуяа\tБолд\tenkhtuya.bold.ttcu.example.org\tMethodologist\texpert\tfemale\n"
    "Сарангэрэл\tМөнх\tsarangerel.munkh@ttcu.example.org\tHead of department\tleader\tfemale\n"
)
CORRECTED_EMAIL = "enkhtuya.bold@ttcu.example.org"
COLLEAGUE_EMAILS = [row[2] for row in TYPED_COLLEAGUES] + [
    CORRECTED_EMAIL,
    "sarangerel.munkh@ttcu.example.org",
]


def fill_the_group_form(page: Page) -> None:
    """The focal point, the institution picked with the keyboard, three colleagues typed into
    the rows and two pasted; emails to the colleagues in Mongolian."""
    page.get_by_label("Your name", exact=True).fill(FOCAL_POINT_NAME)
    page.get_by_label("Your email", exact=True).fill(FOCAL_POINT)
    page.get_by_label("Language of our emails", exact=True).select_option("mn")
    page.get_by_label("Country", exact=True).select_option("MN")
    institution = page.get_by_role("combobox", name="Institution", exact=True)
    institution.press_sequentially("Ulaanb")
    expect(page.get_by_role("listbox").get_by_role("option")).to_have_text([f"{TTCU} (TTCU)"])
    institution.press("ArrowDown")
    expect(institution).to_have_attribute("aria-activedescendant", re.compile(r".+"))
    institution.press("Enter")
    expect(institution).to_have_value(TTCU)
    for row, (given, family, email, position, role) in enumerate(TYPED_COLLEAGUES, start=1):
        page.get_by_label(f"Given name ({row})", exact=True).fill(given)
        page.get_by_label(f"Family name ({row})", exact=True).fill(family)
        page.get_by_label(f"Email ({row})", exact=True).fill(email)
        page.get_by_label(f"Position ({row})", exact=True).fill(position)
        page.get_by_label(f"Role ({row})", exact=True).select_option(role)
    page.get_by_label("Or paste a list", exact=True).fill(PASTED_COLLEAGUES)
    checkboxes = page.get_by_role("group", name="Sessions", exact=True).get_by_role("checkbox")
    expect(checkboxes.first).to_be_checked()
    page.get_by_label(
        "My colleagues agreed that their data is processed for this seminar.", exact=True
    ).check()


def test_a_focal_point_registers_five_colleagues_correcting_a_wrong_row_first(
    make_app, serve, smtp_server, desktop_page, screenshot
):
    """A wrong address among five colleagues stores nothing and is shown, focused, on its row;
    once corrected, all five are registered in one group, each emailed, the focal point too."""
    app, base = serve_the_demo(make_app, serve, smtp_server)
    seminar = stored_seminar(app)
    mn = in_language(app, "mn")
    before = stored_counts(app)
    page = desktop_page

    page.goto(f"{base}/seminars/{SLUG}/register/group")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Register colleagues of one institution"
    )
    expect(page.locator(".group-rows tbody tr")).to_have_count(5)
    fill_the_group_form(page)
    page.get_by_role("button", name="Register the colleagues", exact=True).click()

    # Refused as a whole: the pasted lines are now rows 4 and 5, and row 4 says what is wrong.
    expect(page.get_by_role("alert")).to_have_text(
        "Nothing is registered yet: please correct the rows marked below."
    )
    rows = page.locator(".group-rows tbody tr")
    expect(rows).to_have_count(5)
    expect(page.get_by_label("Given name (4)", exact=True)).to_have_value("Энхтуяа")
    expect(page.get_by_label("Email (5)", exact=True)).to_have_value(COLLEAGUE_EMAILS[4])
    expect(page.get_by_label("Or paste a list", exact=True)).to_have_value("")
    wrong = page.get_by_label("Email (4)", exact=True)
    expect(wrong).to_have_value("enkhtuya.bold.ttcu.example.org")
    expect(wrong).to_have_attribute("aria-invalid", "true")
    expect(wrong).to_be_focused()
    error_id = wrong.get_attribute("aria-describedby")
    expect(rows.nth(3).locator(f"#{error_id}")).to_have_text(
        "Enter a valid email address, like name@example.org."
    )
    expect(rows.nth(3)).to_have_class(re.compile(r"\brow-error\b"))
    expect(page.locator("[aria-invalid=true]")).to_have_count(1)
    expect(page.get_by_role("combobox", name="Institution", exact=True)).to_have_value(TTCU)
    assert stored_counts(app) == before
    screenshot(page, "participant-group-1-wrong-row")

    wrong.fill(CORRECTED_EMAIL)
    page.get_by_role("button", name="Register the colleagues", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/seminars/{SLUG}/groups/[^/]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("5 colleagues are registered")
    expect(page.locator("table tbody tr")).to_have_count(5)
    for email in COLLEAGUE_EMAILS:
        expect(page.get_by_role("row").filter(has_text=email)).to_contain_text("registered")
    screenshot(page, "participant-group-2-registered")

    after = stored_counts(app)
    assert after["Registration"] == before["Registration"] + 5
    assert after["RegistrationGroup"] == before["RegistrationGroup"] + 1
    with app.app_context():
        group = db.session.execute(
            sa.select(RegistrationGroup)
            .where(RegistrationGroup.focal_point_email == FOCAL_POINT)
            .options(
                selectinload(RegistrationGroup.registrations).selectinload(
                    Registration.participant
                ),
                selectinload(RegistrationGroup.institution),
            )
        ).scalar_one()
        assert (group.focal_point_name, group.institution.name) == (FOCAL_POINT_NAME, TTCU)
        colleagues = group.registrations
        assert sorted(r.email for r in colleagues) == sorted(COLLEAGUE_EMAILS)
        assert {r.status for r in colleagues} == {RegistrationStatus.CONFIRMED}
        assert {r.registered_by for r in colleagues} == {RegisteredBy.FOCAL_POINT}
        assert {r.institution_id for r in colleagues} == {group.institution_id}
        assert {r.language for r in colleagues} == {"mn"}
        assert {len(r.choices) for r in colleagues} == {len(seminar.sessions)}

    # Each colleague's own confirmation, and one summary for the focal point, in Mongolian.
    confirmed = mn("Registration confirmed: %(title)s", title=seminar.title)
    for email in COLLEAGUE_EMAILS:
        assert list(calendars(wait_for_email(smtp_server, email, confirmed))) == ["seminar.ics"]
    summary = wait_for_email(
        smtp_server,
        FOCAL_POINT,
        mn("%(count)d colleagues registered: %(title)s", count=5, title=seminar.title),
    )
    lines = text_of(summary).splitlines()
    assert lines[0] == mn("Dear %(name)s,", name=FOCAL_POINT_NAME)
    assert all(any(f"<{email}>" in line for line in lines) for email in COLLEAGUE_EMAILS)
