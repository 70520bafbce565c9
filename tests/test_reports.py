"""Reports: figures per country, institution, session, role and gender; their exports; the
partners' read-only view of their scope; the partners' final summary."""

import csv
import io
import json
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from seminar_reg.attendance.models import Attendance, AttendanceSource
from seminar_reg.extensions import db
from seminar_reg.institutions.models import InstitutionType
from seminar_reg.partners.models import Partner
from seminar_reg.partners.notifications import final_summary
from seminar_reg.partners.services import issue_report_link, report_token
from seminar_reg.registration import services as registrations
from seminar_reg.registration.models import Gender, RegisteredBy, RoleCategory
from seminar_reg.reports import services
from seminar_reg.reports.exports import country_label
from seminar_reg.reports.models import ExportRecord
from seminar_reg.seminars.models import CertificateThreshold, Seminar, SeminarStatus
from tests.conftest import service_unavailable
from tests.registration_helpers import outbox, register, session_ids

FORMULA = '=HYPERLINK("http://evil.example","click")'

# given, family, email, country, institution, role, gender, minutes per session (None: absent)
PEOPLE = [
    ("Оюунчимэг", "Батбаяр", "oyun@example.mn", "MN", "Darkhan Polytechnic College",
     RoleCategory.LEADER, Gender.FEMALE, (60, 50, None)),
    ("Бат", "Дорж", "bat@example.mn", "MN", "Darkhan Polytechnic College",
     RoleCategory.TEACHER, Gender.MALE, (30, None, None)),
    ("Сараа", "Гантулга", "saraa@example.mn", "MN", "Erdenet Technical College",
     RoleCategory.TEACHER, None, (None, None, None)),
    ("Anna", "Schmidt", "anna@example.de", "DE", "Berufskolleg Köln",
     RoleCategory.EXPERT, Gender.FEMALE, (40, 40, 40)),
    ("芳", "王", "wang.fang@example.cn", "CN", "Shenzhen Polytechnic University",
     RoleCategory.LEADER, Gender.FEMALE, (None, None, 45)),
    ("Wei", "Li", "li.wei@example.cn", "CN", "Shenzhen Polytechnic University",
     RoleCategory.TEACHER, Gender.MALE, (None, None, None)),
]  # fmt: skip


@dataclass
class Mixed:
    slug: str
    seminar_id: int
    organiser: str
    #: partner organisation -> private report token
    tokens: dict[str, str]

    def organiser_url(self, path: str = "") -> str:
        return f"/manage/seminars/{self.slug}/reports/{path}"

    def partner_url(self, organisation: str, path: str = "") -> str:
        return f"/p/{self.tokens[organisation]}/{path}"


@pytest.fixture
def mixed(app, make_seminar, make_organiser, make_partner) -> Mixed:
    """A finished seminar of three sessions: three people from Mongolia, one from Germany, two
    from China (one with a formula for a position), attendance recorded in minutes; partners
    for Mongolia, for Germany and for the whole seminar."""
    seminar = make_seminar(
        "mixed",
        sessions=3,
        starts_in=timedelta(days=-10),
        registration_opens_at=datetime.now(UTC) - timedelta(days=40),
        status=SeminarStatus.ARCHIVED,
    )
    organiser = make_organiser("ann@example.org", seminars=[seminar])
    for organisation, countries in [("VETP", ["MN"]), ("GIZ", ["DE"]), ("Shenzhen", [])]:
        make_partner(seminar.id, organisation, countries=countries)
    with app.app_context():
        stored = db.session.get(Seminar, seminar.id)
        stored.certificate_threshold_type = CertificateThreshold.SHARE_OF_SESSIONS
        stored.certificate_threshold_value = 60  # two sessions of three
        sessions = stored.sessions
        for given, family, email, country, institution, role, gender, minutes in PEOPLE:
            request = registrations.RegistrationRequest(
                person=registrations.PersonDetails(
                    given,
                    family,
                    email,
                    position=FORMULA if given == "Wei" else "Teacher",
                    role_category=role,
                    gender=gender,
                ),
                country=country,
                institution=registrations.InstitutionChoice(
                    institution, InstitutionType.TVET_INSTITUTE
                ),
                session_ids=tuple(s.id for s in sessions),
            )
            registration = registrations.register(
                stored, request, by=RegisteredBy.ORGANISER, send_email=False
            ).registration
            for session, spent in zip(sessions, minutes, strict=True):
                db.session.add(
                    Attendance(
                        registration_id=registration.id,
                        session_id=session.id,
                        present=spent is not None,
                        minutes=spent or 0,
                        source=AttendanceSource.IMPORT,
                    )
                )
        tokens = {partner.organisation: issue_report_link(partner) for partner in stored.partners}
        db.session.commit()
    return Mixed("mixed", seminar.id, organiser.email, tokens)


@pytest.fixture
def organiser_client(client, auth, mixed):
    auth.login(mixed.organiser)
    return client


class _Tables(HTMLParser):
    """The text of every table cell of a page: tables, rows, cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page_tables(response) -> list[list[list[str]]]:
    assert response.status_code == 200, response.status_code
    parser = _Tables()
    parser.feed(response.text)
    return parser.tables


def figures(cells: list[str]) -> list[str]:
    """Table cells as the CSV writes them: "66.7 %" is "66.7"."""
    return [cell.replace("\xa0%", "").replace(" %", "") for cell in cells]


def csv_table(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM, so that Excel reads UTF-8
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


def xlsx_table(response) -> list[list[str]]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert sheet.freeze_panes == "A2"
    return [
        ["" if v is None else ("yes" if v is True else str(v)) for v in row]
        for row in sheet.iter_rows(values_only=True)
    ]


def same_values(table: list[list[str]]) -> list[list[object]]:
    """Cells compared as numbers where they are numbers: XLSX stores 50.0 as 50."""

    def value(cell: str) -> object:
        try:
            return float(cell)
        except ValueError:
            return cell

    return [[value(cell) for cell in row] for row in table]


# The figures


def test_per_country_figures_are_counted_per_country_with_totals(app, mixed):
    with app.app_context():
        report = services.by_country(
            services.Scope(db.session.get(Seminar, mixed.seminar_id)), country_label
        )
    rows = {row.key: row for row in report.rows}
    assert [row.key for row in report.rows] == ["MN", "CN", "DE"]  # by attendees, then name
    mongolia = rows["MN"]
    assert (mongolia.institutions, mongolia.institutions_attending) == (2, 1)
    assert (mongolia.registered, mongolia.attended, mongolia.per_session) == (3, 2, [2, 1, 0])
    assert (mongolia.minutes, mongolia.women, mongolia.men, mongolia.undisclosed) == (140, 1, 1, 0)
    assert mongolia.eligible == 1  # two sessions of three: Оюунчимэг; not Бат with one
    assert (rows["CN"].registered, rows["CN"].attended, rows["CN"].eligible) == (2, 1, 0)
    total = report.total
    assert (total.institutions, total.institutions_attending) == (4, 3)
    assert (total.registered, total.attended, total.per_session) == (6, 4, [3, 2, 2])
    assert (total.minutes, total.women, total.men, total.eligible) == (305, 3, 1, 2)


def test_headline_counts_registrations_attendance_countries_and_gender(app, mixed):
    with app.app_context():
        scope = services.Scope(db.session.get(Seminar, mixed.seminar_id))
        headline = services.headline(scope, services.by_country(scope, country_label))
    assert (headline.registered, headline.confirmed, headline.attended) == (6, 6, 4)
    assert (headline.countries, headline.institutions, headline.sessions) == (3, 4, 3)
    assert headline.average_sessions == pytest.approx(7 / 4)
    assert (headline.women, headline.men, headline.other, headline.undisclosed) == (3, 1, 0, 0)
    assert (headline.eligible, headline.certificates) == (2, 0)


def test_by_session_counts_places_and_attendees_per_country(app, mixed):
    with app.app_context():
        report = services.by_session(services.Scope(db.session.get(Seminar, mixed.seminar_id)))
        first, _second, third = report
        assert (first.registered, first.attended) == (6, 3)
        assert first.by_country == {"CN": (2, 0), "DE": (1, 1), "MN": (3, 2)}
        assert (first.average_minutes, first.longest_minutes) == (pytest.approx(130 / 3), 60)
        assert (third.attended, third.by_country["CN"]) == (2, (2, 1))


# Pages and exports agree


def test_on_the_demo_the_reports_say_what_the_attendance_lists_show(runner, client):
    seeded = runner.invoke(args=["seed-demo"])
    email = seeded.output.split("email:")[1].split()[0]
    password = seeded.output.split("password:")[1].split()[0]
    client.post("/login", data={"email": email, "password": password})
    base = "/manage/seminars/tvet-leadership-digital-green-2023/reports/"
    page = page_tables(client.get(base))[0]
    header, (mongolia, total) = page[0], page[1:]
    assert mongolia[0] == "Mongolia" and total[0] == "Total"
    listing = csv_table(client.get(base + "attendance.csv"))
    columns = {name: index for index, name in enumerate(listing[0])}
    confirmed = [row for row in listing[1:] if row[columns["Status"]] == "Confirmed"]
    came = [row for row in confirmed if row[columns["Sessions attended"]] != "0"]
    institutions = {row[columns["Institution"]] for row in confirmed}
    assert mongolia[header.index("Registered")] == str(len(confirmed)) == "200"
    assert mongolia[header.index("Attended")] == str(len(came))
    assert mongolia[header.index("Institutions registered")] == str(len(institutions))
    assert len(institutions) > 70
    attending = {row[columns["Institution"]] for row in came}
    assert mongolia[header.index("Institutions attending")] == str(len(attending))
    eligible = [row for row in confirmed if row[columns["Eligible for a certificate"]] == "yes"]
    assert mongolia[header.index("Eligible for a certificate")] == str(len(eligible))

    pages_agree_with_exports(client, base)

    coaction = "/manage/seminars/unevoc-coaction-digital-transformation-2023/reports/"
    countries = pages_agree_with_exports(client, coaction)["countries"]
    names = {row[1] for row in countries[1:-1]}
    assert names == {"China", "Cambodia", "Singapore", "Malaysia", "Pakistan"}
    listing = csv_table(client.get(coaction + "attendance.csv"))
    assert {row[5] for row in listing[1:]} == names


def pages_agree_with_exports(client, base: str) -> dict[str, list[list[str]]]:
    """Each report page's table against its CSV and XLSX; the CSV tables, by report."""
    exported = {
        report: csv_table(client.get(f"{base}{report}.csv"))
        for report in ("countries", "institutions", "groups", "sessions")
    }
    for report, table in exported.items():
        workbook = xlsx_table(client.get(f"{base}{report}.xlsx"))
        if report != "sessions":  # its start times are text in CSV, dates in XLSX
            assert same_values(workbook) == same_values(table), report

    page = page_tables(client.get(base))[0]
    assert [row[1:] for row in exported["countries"][1:]] == [figures(row) for row in page[1:]]

    page = page_tables(client.get(base + "institutions"))[0]
    table = exported["institutions"]
    assert [[row[0], *row[2:]] for row in table[1:-1]] == [figures(row) for row in page[1:-1]]
    assert table[-1][3:] == figures(page[-1][2:])

    page = page_tables(client.get(base + "groups"))[0]
    header = exported["groups"][0]
    names = ("Registered", "Attended", "Attendance rate (%)", "Minutes attended")
    columns = [header.index(name) for name in (*names, "Eligible for a certificate")]
    from_export = [
        [f"{row[0]} · {row[1]}", *(row[i] for i in columns)] for row in exported["groups"][1:-1]
    ]
    assert from_export == [figures(row) for row in page[1:-1]]

    page = page_tables(client.get(base + "sessions"))[0]
    totals = [row for row in exported["sessions"][1:] if row[4] == "All countries"]
    assert [[row[0], row[5], row[6], row[7]] for row in totals] == [
        [row[0], *figures(row[2:5])] for row in page[1:]
    ]
    return exported


def test_the_report_pages_and_their_csv_and_xlsx_show_the_same_figures(organiser_client, mixed):
    exported = pages_agree_with_exports(organiser_client, mixed.organiser_url())
    assert exported["countries"][-1][:3] == ["", "Total", "4"]
    assert exported["institutions"][1][:3] == ["Darkhan Polytechnic College", "MN", "Mongolia"]
    assert [row[0] for row in exported["groups"][1:3]] == [
        "Leader or manager",
        "Teacher or trainer",
    ]
    assert exported["sessions"][1][8:] == ["43.3", "60"]  # average and longest minutes


def test_the_institution_report_filters_by_country(organiser_client, mixed):
    mongolian = page_tables(organiser_client.get(mixed.organiser_url("institutions?country=MN")))
    assert [row[0] for row in mongolian[0][1:-1]] == [
        "Darkhan Polytechnic College",
        "Erdenet Technical College",
    ]
    response = organiser_client.get(mixed.organiser_url("institutions.xlsx?country=mn"))
    assert 'filename="mixed-institutions-MN.xlsx"' in response.headers["Content-Disposition"]
    assert [row[2] for row in xlsx_table(response)[1:-1]] == ["Mongolia", "Mongolia"]


def test_the_attendance_list_has_a_row_per_registration_that_agrees_with_the_report(
    organiser_client, mixed
):
    response = organiser_client.get(mixed.organiser_url("attendance.csv"))
    assert response.is_streamed
    rows = csv_table(response)
    header, people = rows[0], rows[1:]
    assert header[:6] == [
        "Given name",
        "Family name",
        "Email",
        "Institution",
        "Country code",
        "Country",
    ]
    assert len(people) == len(PEOPLE)
    attended = header.index("Sessions attended")
    came = [
        row for row in people if row[header.index("Status")] == "Confirmed" and row[attended] != "0"
    ]
    assert len(came) == 4
    assert len({row[3] for row in came}) == 3  # institutions attending, as on the report
    oyun = next(row for row in people if row[0] == "Оюунчимэг")
    assert oyun[header.index("Session 1") : header.index("Session 3") + 1] == ["yes", "yes", "no"]
    assert oyun[header.index("Eligible for a certificate")] == "yes"
    assert oyun[header.index("Minutes attended")] == "110"
    page = page_tables(organiser_client.get(mixed.organiser_url("attendance")))[0]
    assert len(page) - 1 == len(people)


def test_text_that_looks_like_a_formula_stays_text_in_csv_and_xlsx(organiser_client, mixed):
    rows = csv_table(organiser_client.get(mixed.organiser_url("attendance.csv")))
    position = rows[0].index("Position")
    assert "'" + FORMULA in [row[position] for row in rows]
    response = organiser_client.get(mixed.organiser_url("attendance.xlsx"))
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    cells = [row[position] for row in sheet.iter_rows(min_row=2)]
    formula = next(cell for cell in cells if cell.value == FORMULA)
    assert formula.data_type == "s" and formula.quotePrefix


def test_libreoffice_opens_the_csv_with_every_script_and_evaluates_nothing(
    organiser_client, mixed, tmp_path
):
    soffice = shutil.which("soffice")
    if soffice is None:
        service_unavailable("LibreOffice", "soffice is not installed (Debian: libreoffice-calc)")
    (tmp_path / "attendance.csv").write_bytes(
        organiser_client.get(mixed.organiser_url("attendance.csv")).data
    )
    # Headless, LibreOffice has no import dialog: these options are the dialog's defaults
    # (comma, double quote, the character set found from the file, which has a BOM).
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--infilter=CSV:44,34,0",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "attendance.csv"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    sheet = load_workbook(tmp_path / "attendance.xlsx").worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    values = {cell.value for cell in cells}
    assert {"Оюунчимэг", "Батбаяр", "芳", "王", "Berufskolleg Köln"} <= values
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert "'" + FORMULA in values


# Partners see their scope, and nothing else


def _everything(client, base: str) -> dict[str, bytes]:
    paths = ["", "institutions", "sessions", "groups", "attendance", "countries.pdf"]
    reports = ("countries", "institutions", "sessions", "groups", "attendance")
    paths += [f"{report}.{kind}" for report in reports for kind in ("csv", "xlsx")]
    pages = {}
    for path in paths:
        response = client.get(base + path)
        assert response.status_code == 200, (path, response.status_code)
        if path.endswith(".xlsx"):
            sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
            text = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row)
            pages[path] = text.encode()
        elif path.endswith(".pdf"):
            pages[path] = "".join(
                p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages
            ).encode()
        else:
            pages[path] = response.data
    return pages


def test_a_partner_scoped_to_mongolia_sees_only_mongolians_in_every_page_and_export(client, mixed):
    pages = _everything(client, mixed.partner_url("VETP"))
    for path, body in pages.items():
        text = body.decode("utf-8-sig")
        for foreign in (
            "Germany",
            "China",
            "Anna",
            "Schmidt",
            "王",
            "Wei",
            "Shenzhen",
            "example.de",
        ):
            assert foreign not in text, (path, foreign)
    assert "Оюунчимэг" in pages["attendance"].decode()
    assert "Mongolia" in pages["countries.pdf"].decode()
    rows = list(csv.reader(io.StringIO(pages["countries.csv"].decode("utf-8-sig"))))
    assert [row[:6] for row in rows[1:]] == [
        ["MN", "Mongolia", "2", "1", "3", "2"],
        ["", "Total", "2", "1", "3", "2"],
    ]


def test_a_whole_seminar_partner_sees_every_country(client, mixed):
    rows = csv_table(client.get(mixed.partner_url("Shenzhen", "countries.csv")))
    assert [row[0] for row in rows[1:-1]] == ["MN", "CN", "DE"]


def test_partner_pages_are_private_and_name_the_scope(client, mixed):
    response = client.get(mixed.partner_url("GIZ"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Reports for GIZ" in response.text and "Germany" in response.text
    assert "/manage/" not in response.text.split("<main", 1)[1]


@pytest.mark.parametrize(
    "token",
    ["not-a-token", "x" * 101, "A" * 43],
)
def test_an_unknown_partner_token_is_not_found(client, mixed, token):
    assert client.get(f"/p/{token}/").status_code == 404
    assert client.get(f"/p/{token}/countries.csv").status_code == 404


def test_a_new_link_replaces_the_old_one(app, client, auth, mixed):
    old = mixed.partner_url("VETP")
    auth.login(mixed.organiser)
    with app.app_context():
        partner = db.session.execute(sa.select(Partner).filter_by(organisation="VETP")).scalar_one()
        partner_id = partner.id
    edit = client.get(f"/manage/seminars/mixed/partners/{partner_id}")
    assert mixed.tokens["VETP"] in edit.text
    client.post(f"/manage/seminars/mixed/partners/{partner_id}/report-link")
    assert client.get(old).status_code == 404
    with app.app_context():
        token = report_token(db.session.get(Partner, partner_id))
    assert token != mixed.tokens["VETP"]
    assert client.get(f"/p/{token}/").status_code == 200


def test_a_participant_link_opens_no_report(app, client, mixed):
    with app.app_context():
        seminar = db.session.get(Seminar, mixed.seminar_id)
        request = registrations.RegistrationRequest(
            person=registrations.PersonDetails("Tuya", "Bold", "tuya@example.mn"),
            country="MN",
            institution=registrations.InstitutionChoice("Darkhan Polytechnic College"),
            session_ids=(seminar.sessions[0].id,),
        )
        token = registrations.register(
            seminar, request, by=RegisteredBy.ORGANISER, send_email=False
        ).token
        db.session.commit()
    assert client.get(f"/p/{token}/").status_code == 404


def test_reports_are_for_the_seminars_organisers(client, auth, mixed, make_organiser, make_seminar):
    assert client.get(mixed.organiser_url()).status_code == 302  # to the sign-in page
    other = make_seminar("other-seminar")
    make_organiser("bob@example.org", seminars=[other])
    auth.login("bob@example.org")
    for path in (
        "",
        "institutions",
        "attendance",
        "countries.csv",
        "attendance.xlsx",
        "countries.pdf",
    ):
        assert client.get(mixed.organiser_url(path)).status_code in (403, 404), path
    assert client.get("/manage/seminars/no-such-seminar/reports/").status_code == 404


# Bad input


@pytest.mark.parametrize("value", ["ZZ", "<script>alert(1)</script>", "Mongolia", "M"])
def test_a_nonsense_country_filter_is_ignored_with_a_message(organiser_client, mixed, value):
    response = organiser_client.get(
        mixed.organiser_url("institutions"), query_string={"country": value}
    )
    assert response.status_code == 200
    assert "is not a country code; every country is shown" in response.text
    assert "<script>alert" not in response.text
    assert len(page_tables(response)[0]) == 1 + 4 + 1  # all four institutions and the total
    exported = organiser_client.get(
        mixed.organiser_url("attendance.csv"), query_string={"country": value}
    )
    assert len(csv_table(exported)) == 1 + len(PEOPLE)


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "1e9"])
def test_a_nonsense_page_number_shows_a_page(organiser_client, mixed, page):
    response = organiser_client.get(mixed.organiser_url("attendance"), query_string={"page": page})
    assert response.status_code == 200 and "Оюунчимэг" in response.text


def test_an_unknown_report_is_not_found(organiser_client, mixed):
    for path in ("nothing.csv", "countries.exe", "attendance.pdf", "../institutions.csv"):
        assert organiser_client.get(mixed.organiser_url(path)).status_code == 404, path


# For scripts, and for partners after the event


def test_the_report_command_writes_csv_json_and_xlsx(app, runner, mixed, tmp_path):
    as_csv = runner.invoke(args=["report", "countries", "mixed"])
    assert as_csv.exit_code == 0, as_csv.output
    assert as_csv.output.lstrip("\ufeff").startswith("Country code,Country,")
    as_json = runner.invoke(args=["report", "countries", "mixed", "--format", "json"])
    document = json.loads(as_json.output)
    assert [c["code"] for c in document["countries"]] == ["MN", "CN", "DE"]
    assert document["total"]["attended"] == 4
    assert document["countries"][0]["attended_per_session"] == {"1": 2, "2": 1, "3": 0}
    target = tmp_path / "countries.xlsx"
    written = runner.invoke(
        args=["report", "countries", "mixed", "--format", "xlsx", "--output", str(target)]
    )
    assert written.exit_code == 0
    assert load_workbook(target).worksheets[0]["B2"].value == "Mongolia"
    missing = runner.invoke(args=["report", "countries", "no-such-seminar"])
    assert missing.exit_code != 0 and "No seminar has the slug" in missing.output


def test_the_final_summary_carries_the_scope_s_figures_and_the_report_files(app, client, mixed):
    with app.app_context():
        seminar = db.session.get(Seminar, mixed.seminar_id)
        assert final_summary(seminar) == 3
        db.session.commit()
    summaries = outbox(app, "final_summary")
    vetp = next(m for m in summaries if "VETP" in m.text_body)
    assert "2 of 3 registered participants attended at least one session" in vetp.text_body
    assert "Germany" not in vetp.text_body and "Germany" not in vetp.html_body
    assert [a["filename"] for a in vetp.attachments] == [
        "mixed-countries.pdf",
        "mixed-countries.xlsx",
    ]
    link = next(line for line in vetp.text_body.splitlines() if "/p/" in line).strip()
    assert client.get("/p/" + link.split("/p/", 1)[1]).status_code == 200


def test_a_seminar_without_sessions_or_registrations_has_empty_reports(
    client, auth, make_seminar, make_organiser
):
    seminar = make_seminar("empty", sessions=0)
    make_organiser("ann@example.org", seminars=[seminar])
    auth.login("ann@example.org")
    base = "/manage/seminars/empty/reports/"
    for path in ("", "institutions", "sessions", "groups", "attendance"):
        assert client.get(base + path).status_code == 200, path
    for path in ("countries.csv", "attendance.xlsx", "countries.pdf"):
        assert client.get(base + path).status_code == 200, path
    assert "No confirmed registration yet." in client.get(base).text


def test_attendance_at_the_thirty_second_session_is_counted(app, make_seminar):
    """Sessions past the thirtieth are kept in a second set of bits."""
    seminar = make_seminar(
        "long",
        sessions=32,
        starts_in=timedelta(days=-40),
        registration_opens_at=datetime.now(UTC) - timedelta(days=60),
    )
    with app.app_context():
        stored = db.session.get(Seminar, seminar.id)
        request = registrations.RegistrationRequest(
            person=registrations.PersonDetails("Bat", "Dorj", "bat@example.mn"),
            country="MN",
            institution=registrations.InstitutionChoice("Darkhan Polytechnic College", "other"),
            session_ids=tuple(s.id for s in stored.sessions),
        )
        registration = registrations.register(
            stored, request, by=RegisteredBy.ORGANISER, send_email=False
        ).registration
        for position in (1, 30, 31, 32):
            session = stored.sessions[position - 1]
            db.session.add(
                Attendance(
                    registration_id=registration.id,
                    session_id=session.id,
                    present=True,
                    minutes=10,
                    source=AttendanceSource.ROSTER,
                )
            )
        db.session.commit()
        scope = services.Scope(stored)
        report = services.by_country(scope, country_label)
        expected = [1 if position in (1, 30, 31, 32) else 0 for position in range(1, 33)]
        assert report.rows[0].per_session == expected == report.total.per_session
        row = db.session.execute(services.attendance_list(scope)).one()
        assert services.attended_sessions(services.list_bits(row), 32) == [
            bool(n) for n in expected
        ]


def test_every_export_of_a_list_of_people_is_logged(
    app, client, auth, make_organiser, make_seminar
):
    """Who took personal data out, when, in what file and how many rows; aggregates are not."""
    organiser = make_organiser("ann@example.org", name="Ann")
    seminar = make_seminar("logged", sessions=1, organisers=[organiser])
    register(client, "logged", session_ids(app, seminar.id))
    auth.login("ann@example.org")
    assert client.get("/manage/seminars/logged/reports/attendance.csv").status_code == 200
    assert (
        client.get("/manage/seminars/logged/reports/attendance.xlsx?country=MN").status_code == 200
    )
    assert client.get("/manage/seminars/logged/reports/countries.csv").status_code == 200
    with app.app_context():
        logged = (
            db.session.execute(sa.select(ExportRecord).order_by(ExportRecord.id)).scalars().all()
        )
        assert [(r.organiser_id, r.report, r.format, r.country, r.rows) for r in logged] == [
            (organiser.id, "attendance", "csv", "", 1),
            (organiser.id, "attendance", "xlsx", "MN", 1),
        ]
    page = client.get("/manage/seminars/logged/reports/attendance").text
    assert "Exports of this list" in page and "Ann" in page and "XLSX" in page
