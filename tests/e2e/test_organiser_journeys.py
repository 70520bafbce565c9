"""Organisers and partners at a desktop browser, the whole way round (issue 7, journeys 4 and 5).

A real Chromium (1280 × 900, in Paris's time zone, reading English) on the app served over HTTP,
with CSRF on. The organiser builds a seminar in the pages, imports a Zoom report written here in
Zoom's own format, settles the one name the importer is unsure of and reads the figures per
country on the page and in the XLSX download. A partner opens its private link to the demo's
Coaction seminar and sees its own country only, and no organiser page.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from seminar_reg.extensions import db, utcnow
from seminar_reg.institutions.models import InstitutionType
from seminar_reg.partners.models import Partner
from seminar_reg.partners.services import report_token
from seminar_reg.registration import services as registrations
from seminar_reg.registration.models import RegisteredBy, Registration, RegistrationStatus
from seminar_reg.seminars.models import Seminar, SeminarStatus
from tests.conftest import PASSWORD
from tests.e2e.journeys import stored_seminar

#: a desktop browser window in Paris, reading English (``open_page``'s context options)
DESKTOP = {
    "viewport": {"width": 1280, "height": 900},
    "locale": "en-GB",
    "timezone_id": "Europe/Paris",
}


def serve_with_csrf(make_app, serve):
    """The app over HTTP with CSRF protection on, as in production; the app and its address."""
    app = make_app(WTF_CSRF_ENABLED=True)
    base = serve(app)
    app.config["PUBLIC_URL"] = base
    return app, base


def table_rows(page: Page, table) -> dict[str, dict[str, str]]:
    """A report table as {first cell: {column heading: cell text}}, footer included."""
    expect(table).to_be_visible()
    headings = [" ".join(t.split()) for t in table.locator("thead th").all_inner_texts()]
    rows = {}
    for row in table.locator("tbody tr, tfoot tr").all():
        cells = [" ".join(t.split()) for t in row.locator("th, td").all_inner_texts()]
        rows[cells[0]] = dict(zip(headings, cells, strict=True))
    return rows


# --- journey 4: an organiser, from sign-in to the XLSX --------------------------------------------

SLUG = "coaction-digital-skills"
TITLE = "Coaction 2025: Digital Skills for TVET Teachers"
KARACHI = ZoneInfo("Asia/Karachi")  # UTC+05:00 all year, unlike the browser's Paris
ORGANISER = "farah.organiser@example.org"
HOST = "unevoc.host@example.org"


@dataclass(frozen=True)
class Person:
    given: str
    family: str
    email: str
    country: str
    institution: str


DARKHAN = "Darkhan Polytechnic College"
LAHORE = "Government College of Technology, Lahore"
NPIC = "National Polytechnic Institute of Cambodia"
OYUNCHIMEG = Person("Оюунчимэг", "Батбаяр", "oyunchimeg@example.mn", "MN", DARKHAN)
BATBAYAR = Person("Батбаяр", "Дорж", "batbayar.dorj@example.mn", "MN", DARKHAN)
SARAA = Person("Сараа", "Гантулга", "saraa@example.mn", "MN", "Erdenet Technical College")
ASIF = Person("Muhammad", "Asif", "m.asif@example.pk", "PK", LAHORE)
AYESHA = Person("Ayesha", "Khan", "ayesha.khan@example.pk", "PK", LAHORE)
SOPHEA = Person("Sophea", "Chan", "sophea.chan@example.kh", "KH", NPIC)
PEOPLE = [OYUNCHIMEG, BATBAYAR, SARAA, ASIF, AYESHA, SOPHEA]

# What the report of session 1 says, and so what each country's figures must be:
# - Оюунчимэг comes by email, leaves and rejoins (38 + 45 minutes): present;
# - Батбаяр Дорж is "Batbayar D." without an email: the importer proposes him, the organiser
#   confirms (75 minutes): present;
# - Muhammad Asif comes by email under another display name: present;
# - Ayesha Khan comes by email for 10 minutes, less than half the session: absent;
# - Sophea Chan has no email but her exact name (and her institution in brackets): present;
# - Сараа Гантулга is not in the report: absent; the host is ignored.
# Session 2 is still ahead, with nobody present yet.
EXPECTED_BY_COUNTRY = {
    # country: institutions registered, attending; registered, attended; S1, S2
    "Mongolia": ("2", "1", "3", "2", "2", "0"),
    "Cambodia": ("1", "1", "1", "1", "1", "0"),
    "Pakistan": ("1", "1", "2", "1", "1", "0"),
    "Total": ("4", "3", "6", "4", "4", "0"),
}
FIGURE_COLUMNS = ("Institutions registered", "Institutions attending", "Registered", "Attended")


def day_in_karachi(days_from_today: int) -> date:
    return (datetime.now(KARACHI) + timedelta(days=days_from_today)).date()


def zoom_participants_report(day: date) -> bytes:
    """A Zoom meeting participants report, "export with meeting data", as Zoom writes it:
    month-first 12-hour times in the downloading account's zone (here the seminar's)."""

    def at(clock: str) -> str:
        return f"{day:%m/%d/%Y} {clock}"

    lines = [
        "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants",
        f"84512347706,{TITLE} – Session 1,{at('01:52:10 PM')},{at('03:34:02 PM')},{HOST},102,7",
        "",
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,"
        "Recording Consent",
        f"UNEVOC Host,{HOST},{at('01:52:10 PM')},{at('03:34:02 PM')},102,No,",
        f"Oyunchimeg B.,{OYUNCHIMEG.email},{at('02:02:00 PM')},{at('02:40:00 PM')},38,Yes,Y",
        f"Oyunchimeg B.,{OYUNCHIMEG.email},{at('02:45:00 PM')},{at('03:31:30 PM')},47,Yes,Y",
        f"Batbayar D.,,{at('02:05:00 PM')},{at('03:20:00 PM')},75,Yes,Y",
        f"Asif (NAVTTC Lahore),{ASIF.email},{at('01:56:40 PM')},{at('03:33:00 PM')},97,Yes,Y",
        f"Ayesha Khan,{AYESHA.email},{at('02:10:00 PM')},{at('02:20:00 PM')},10,Yes,Y",
        f"Sophea Chan (NPIC),,{at('02:00:30 PM')},{at('03:30:00 PM')},90,Yes,Y",
    ]
    return "\n".join(lines).encode()


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your seminars")).to_be_visible()


def create_seminar(page: Page) -> None:
    """A new draft through the form; times in the seminar's zone, Karachi."""
    page.get_by_role("link", name="New seminar").click()
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Short address").fill(SLUG)
    page.get_by_label("Description").fill("Four online sessions for the partner institutions.")
    page.get_by_label("Time zone of the programme").select_option("Asia/Karachi")
    page.get_by_label("Registration opens").fill(f"{day_in_karachi(-30)}T09:00")
    page.get_by_label("Registration closes").fill(f"{day_in_karachi(9)}T18:00")
    page.get_by_label("Contact address").fill("coaction@example.org")
    page.get_by_role("button", name="Create the seminar").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("The seminar is created as a draft.")


def add_session(page: Page, title: str, day: date) -> None:
    page.get_by_role("link", name="Add a session").click()
    expect(page.get_by_text("Times are in the seminar's time zone, Asia/Karachi.")).to_be_visible()
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Starts").fill(f"{day}T14:00")
    page.get_by_label("Ends").fill(f"{day}T15:30")
    page.get_by_label("Join link").fill(f"https://zoom.example.org/j/{day:%Y%m%d}")
    page.get_by_role("button", name="Add the session").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()


def register_everyone(app, seminar_id: int) -> None:
    """The participants, registered by the organiser for both sessions (the public form is the
    other journeys' subject)."""
    with app.app_context():
        seminar = db.session.get(Seminar, seminar_id)
        for person in PEOPLE:
            request = registrations.RegistrationRequest(
                person=registrations.PersonDetails(person.given, person.family, person.email),
                country=person.country,
                institution=registrations.InstitutionChoice(
                    person.institution, InstitutionType.TVET_INSTITUTE
                ),
                session_ids=tuple(s.id for s in seminar.sessions),
            )
            registrations.register(seminar, request, by=RegisteredBy.ORGANISER, send_email=False)


def counts_shown(page: Page) -> dict[str, float]:
    """The figures in boxes at the top of a page: {"matched by email": 3, ...}."""
    counts = {}
    for count in page.locator(".counts .count").all():
        counts[count.locator("span").inner_text()] = float(count.locator("strong").inner_text())
    return counts


def test_an_organiser_builds_a_seminar_imports_a_zoom_report_and_downloads_the_country_report(
    make_app, serve, make_organiser, open_page, screenshot, tmp_path
):
    app, base = serve_with_csrf(make_app, serve)
    make_organiser(ORGANISER, name="Farah")
    page = open_page(**DESKTOP)

    sign_in(page, base, ORGANISER)
    create_seminar(page)
    # Session 1 took place two days ago, session 2 is ahead: the form takes past times, and a
    # seminar with a session ahead can be published with registration still open.
    held, ahead = day_in_karachi(-2), day_in_karachi(10)
    add_session(page, "Session 1: Digital transformation strategies", held)
    add_session(page, "Session 2: Digital teaching and learning", ahead)
    sessions = page.get_by_role("region", name="Sessions").locator("tbody tr")
    expect(sessions).to_have_count(2)
    for row in sessions.all():
        expect(row).to_contain_text("14:00–15:30")
        expect(row).to_contain_text("Karachi (GMT+05:00)")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("The seminar is now published.")
    expect(page.get_by_role("heading", name="Status: published")).to_be_visible()

    seminar = stored_seminar(app, SLUG)
    assert seminar.status == SeminarStatus.PUBLISHED
    assert [(s.starts_at.hour, s.ends_at.hour, s.ends_at.minute) for s in seminar.sessions] == [
        (9, 10, 30),  # 14:00–15:30 in Karachi is 09:00–10:30 UTC
        (9, 10, 30),
    ]
    assert seminar.sessions[0].starts_at < utcnow() < seminar.sessions[1].starts_at
    register_everyone(app, seminar.id)

    # The Zoom report of session 1, uploaded on its session's import page.
    page.get_by_role("link", name="Attendance", exact=True).click()
    page.locator("tbody tr").first.get_by_role("link", name="Import a report").click()
    expect(
        page.get_by_role("heading", name="Import the attendance report of session 1")
    ).to_be_visible()
    expect(page.get_by_label("The report's times are in")).to_have_value("Asia/Karachi")
    filename = f"participants_84512347706_{held:%Y_%m_%d}.csv"
    page.get_by_label("Attendance report").set_input_files(
        {"name": filename, "mimeType": "text/csv", "buffer": zoom_participants_report(held)}
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name=filename)).to_be_visible()
    expect(page.get_by_text("Zoom meeting participants report")).to_be_visible()
    counts = counts_shown(page)
    assert (counts["rows read"], counts["people found"]) == (7, 6)  # Оюунчимэг came twice
    assert (counts["matched by email"], counts["matched by name"]) == (3, 1)
    assert (counts["to confirm"], counts["ignored"], counts["not matched"]) == (1, 1, 0)
    assert (counts["present"], counts["absent"]) == (3, 2)

    # The importer is unsure of "Batbayar D.": Батбаяр Дорж is proposed; the organiser agrees.
    proposed = page.locator("tbody tr", has_text="Batbayar D.")
    expect(proposed.get_by_text("proposed", exact=True)).to_be_visible()
    choice = proposed.get_by_label("Who is it?")
    # Offered once, though the importer keeps him as the match and as its best candidate.
    expect(choice.locator("option")).to_have_text([re.compile(r"^Батбаяр Дорж \(\d+%\)$")])
    proposed.get_by_role("button", name="This is them").click()
    confirmed = page.locator("tbody tr", has_text="Batbayar D.")
    expect(confirmed).to_contain_text("Батбаяр Дорж")
    expect(confirmed.get_by_text("confirmed", exact=True)).to_be_visible()
    expect(confirmed.get_by_role("button")).to_have_count(0)
    counts = counts_shown(page)
    assert (counts["to confirm"], counts["confirmed by you"]) == (0, 1)
    assert (counts["present"], counts["absent"]) == (4, 2)

    # The report per country, from the seminar's page.
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("heading", name="Attendance by country")).to_be_visible()
    by_country = table_rows(page, page.locator("table.report"))
    assert set(by_country) == set(EXPECTED_BY_COUNTRY)
    for country, expected in EXPECTED_BY_COUNTRY.items():
        shown = by_country[country]
        assert tuple(shown[c] for c in (*FIGURE_COLUMNS, "S1", "S2")) == expected, country
    headline = counts_shown(page)
    assert (headline["registered"], headline["attended at least one session"]) == (6, 4)
    assert (headline["countries"], headline["institutions"], headline["sessions"]) == (3, 4, 2)
    assert headline["sessions attended on average"] == 1.0  # nobody has had session 2 yet
    screenshot(page, "organiser-journey-country-report")

    # The same figures in the spreadsheet the organiser downloads.
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Excel").click()
    download = downloading.value
    assert download.suggested_filename == f"{SLUG}-countries.xlsx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    sheet = load_workbook(target).worksheets[0]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    in_workbook = {
        row[header.index("Country")]: dict(zip(header, row, strict=True)) for row in rows
    }
    assert set(in_workbook) == set(EXPECTED_BY_COUNTRY)
    for country, expected in EXPECTED_BY_COUNTRY.items():
        values = in_workbook[country]
        columns = (*FIGURE_COLUMNS, "Session 1", "Session 2")
        assert tuple(str(values[c]) for c in columns) == expected, country
    assert in_workbook["Pakistan"]["Country code"] == "PK"


# --- journey 5: a partner's read-only view --------------------------------------------------------

COACTION = "unevoc-coaction-digital-transformation-2023"
#: every country of the demo's two seminars
DEMO_COUNTRIES = {"China", "Pakistan", "Cambodia", "Singapore", "Malaysia", "Mongolia", "Germany"}
REPORT_TABS = ("Countries", "Institutions", "Sessions", "Roles and gender", "Attendance list")


def navttc_link(app) -> tuple[str, int]:
    """NAVTTC's private report token for the Coaction seminar, and how many of the seminar's
    registrations (confirmed or waiting) are from Pakistan."""
    with app.app_context():
        partner = db.session.execute(
            sa.select(Partner)
            .join(Seminar)
            .where(Seminar.slug == COACTION, Partner.organisation.contains("NAVTTC"))
        ).scalar_one()
        assert partner.scope_countries == ["PK"]
        pakistanis = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Registration)
            .where(
                Registration.seminar_id == partner.seminar_id,
                Registration.country == "PK",
                Registration.status != RegistrationStatus.CANCELLED,
            )
        )
        return report_token(partner), pakistanis


def assert_no_other_country(page: Page) -> None:
    """No demo country but Pakistan anywhere in the page, hidden text and options included."""
    html = page.content()
    assert "Pakistan" in html
    shown = {country for country in DEMO_COUNTRIES - {"Pakistan"} if country in html}
    assert not shown, f"{page.url} names {shown}"


def assert_read_only(page: Page) -> None:
    """No form but the language switcher and GET filters, and no way into organiser pages."""
    for form in page.locator("form").all():
        kind = form.get_attribute("class") or ""
        method = (form.get_attribute("method") or "get").lower()
        assert "language-switch" in kind or method == "get", form.evaluate("f => f.outerHTML")
    outside_forms = page.locator("button:not(form button), input:not(form input)")
    expect(outside_forms).to_have_count(0)
    expect(page.locator("a[href*='/manage']")).to_have_count(0)


def test_a_partner_sees_only_its_own_country_read_only_and_no_organiser_page(
    make_app, serve, open_page, screenshot
):
    app, base = serve_with_csrf(make_app, serve)
    seeded = app.test_cli_runner().invoke(args=["seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    token, pakistanis = navttc_link(app)
    assert pakistanis > 0
    page = open_page(**DESKTOP)

    page.goto(f"{base}/p/{token}/")
    expect(page.get_by_role("heading", name="Attendance by country")).to_be_visible()
    expect(
        page.get_by_text("Reports for National Vocational and Technical Training")
    ).to_be_visible()
    expect(page.get_by_text("Your scope: Pakistan")).to_be_visible()
    by_country = table_rows(page, page.locator("table.report"))
    assert list(by_country) == ["Pakistan", "Total"]
    assert by_country["Pakistan"]["Registered"] == by_country["Total"]["Registered"]
    screenshot(page, "partner-view-countries")

    tabs = page.get_by_role("navigation", name="Reports")
    for tab in REPORT_TABS:
        tabs.get_by_role("link", name=tab).click()
        expect(tabs.get_by_role("link", name=tab)).to_have_attribute("aria-current", "page")
        assert_no_other_country(page)
        assert_read_only(page)

    # The attendance list: the partner's registrations, every one of them from Pakistan.
    expect(page.get_by_role("heading", name="Attendance list")).to_be_visible()
    listed = page.locator("table.report tbody tr")
    expect(listed).to_have_count(pakistanis)
    countries = {text.strip() for text in listed.locator("td:nth-child(3)").all_inner_texts()}
    assert countries == {"Pakistan"}
    filter_options = page.get_by_label("Country").locator("option").all_inner_texts()
    assert filter_options == ["All countries", "Pakistan"]
    screenshot(page, "partner-view-attendance")

    # The same browser is no organiser: every organiser page sends it to the sign-in page.
    for path in (
        "/manage/",
        f"/manage/seminars/{COACTION}/",
        f"/manage/seminars/{COACTION}/reports/",
        f"/manage/seminars/{COACTION}/attendance/",
        f"/manage/seminars/{COACTION}/reports/attendance.xlsx",
    ):
        response = page.goto(f"{base}{path}")
        assert response.request.redirected_from is not None, path
        assert re.match(rf"{re.escape(base)}/login\?next=", page.url), page.url
        expect(page.get_by_role("heading", name="Organiser sign-in")).to_be_visible()
        expect(page.locator("table")).to_have_count(0)
