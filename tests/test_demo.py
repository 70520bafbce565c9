"""seed-demo: the 2023 seminars, an upcoming one, Mongolian institutions, a login; idempotent."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from seminar_reg.accounts.models import Organiser
from seminar_reg.attendance.models import Attendance, AttendanceImport
from seminar_reg.certificates.models import Certificate
from seminar_reg.extensions import db
from seminar_reg.institutions.models import Institution
from seminar_reg.partners.models import Partner
from seminar_reg.registration.models import Registration, RegistrationStatus
from seminar_reg.seminars.models import Seminar, SeminarSession, SeminarStatus, Speaker


def table_counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (
                Organiser,
                Institution,
                Seminar,
                SeminarSession,
                Speaker,
                Partner,
                Registration,
                Attendance,
                AttendanceImport,
                Certificate,
            )
        }


@pytest.fixture
def seeded(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result


def seminar_by_slug(app, slug) -> Seminar:
    with app.app_context():
        seminar = db.session.execute(
            db.select(Seminar)
            .where(Seminar.slug == slug)
            .options(
                selectinload(Seminar.sessions).selectinload(SeminarSession.speakers),
                selectinload(Seminar.partners),
            )
        ).scalar_one()
        db.session.expunge_all()
        return seminar


def test_seed_prints_a_login_that_works(app, seeded, client):
    assert "Seminars: 3 created, 0 already there." in seeded.output
    email = seeded.output.split("email:")[1].split()[0]
    password = seeded.output.split("password:")[1].split()[0]
    response = client.post("/login", data={"email": email, "password": password})
    assert response.headers["Location"] == "/manage/"
    login_file = Path(app.instance_path) / "demo-login.txt"
    assert login_file.read_text() == f"{email}\n{password}\n"


def test_seeding_twice_changes_nothing(app, seeded, runner):
    before = table_counts(app)
    again = runner.invoke(args=["seed-demo"])
    assert "Seminars: 0 created, 3 already there." in again.output
    assert "Institutions: 0 created, 76 already there." in again.output
    assert "Registrations: 0 created." in again.output
    assert "Attendance: 0 sessions recorded." in again.output
    assert again.output.split("password:")[1] == seeded.output.split("password:")[1]
    assert table_counts(app) == before


def test_april_2023_seminar_is_as_the_event_was(app, seeded):
    seminar = seminar_by_slug(app, "tvet-leadership-digital-green-2023")
    assert seminar.status == SeminarStatus.ARCHIVED and seminar.timezone == "Asia/Ulaanbaatar"
    opening, digital, green, closing = seminar.sessions
    # 14:00 in Ulaanbaatar on 18 April 2023 is 06:00 UTC.
    assert opening.starts_at == datetime(2023, 4, 18, 6, 0, tzinfo=UTC)
    assert closing.ends_at == datetime(2023, 4, 19, 9, 0, tzinfo=UTC)
    assert opening.speakers[0].organisation == "Shenzhen Polytechnic"
    assert "Vice President" in opening.speakers[0].name
    assert len(digital.speakers) == 7 and len(green.speakers) == 5
    assert "UNESCO Multisectoral Regional Office in Beijing" in closing.speakers[0].organisation
    assert len(seminar.partners) == 4
    vetp = next(p for p in seminar.partners if "VETP" in p.organisation)
    assert vetp.scope_countries == ["MN"]


def test_coaction_initiative_has_four_sessions_and_five_partner_countries(app, seeded):
    seminar = seminar_by_slug(app, "unevoc-coaction-digital-transformation-2023")
    assert len(seminar.sessions) == 4
    assert (
        seminar.sessions[-1].starts_at.astimezone(seminar.zone).date().isoformat() == "2023-11-09"
    )
    assert {p.country for p in seminar.partners} == {"PK", "KH", "SG", "MY", "CN"}


def test_upcoming_demo_seminar_is_open_for_registration(app, seeded):
    seminar = seminar_by_slug(app, "demo-tvet-leadership-ai")
    now = datetime.now(UTC)
    assert seminar.is_demo and seminar.capacity == 250 and len(seminar.sessions) == 3
    assert seminar.registration_is_open(now)
    assert timedelta(days=19) < seminar.sessions[0].starts_at - now < timedelta(days=22)
    assert len(seminar.partners) == 4


def test_about_seventy_mongolian_institutions_marked_as_demo(app, seeded):
    with app.app_context():
        mongolian = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Institution)
            .where(Institution.country == "MN", Institution.is_demo)
        )
        countries = set(db.session.execute(sa.select(Institution.country).distinct()).scalars())
    assert 65 <= mongolian <= 75
    assert countries == {"MN", "CN", "PK", "KH", "SG", "MY"}


def test_demo_seminars_appear_on_the_home_page(seeded, client):
    page = client.get("/").text
    assert page.index("Upcoming") < page.index("(demo)") < page.index("Past")
    assert "China-Germany-Mongolia-UNESCO Joint TVET Leadership Seminar" in page
    assert "Coaction Initiative 2023" in page


def registration_figures(app, slug) -> dict:
    with app.app_context():
        seminar_id = db.session.execute(
            sa.select(Seminar.id).where(Seminar.slug == slug)
        ).scalar_one()
        by_status = dict(
            db.session.execute(
                sa.select(Registration.status, sa.func.count())
                .where(Registration.seminar_id == seminar_id)
                .group_by(Registration.status)
            ).all()
        )
        countries, institutions = db.session.execute(
            sa.select(
                sa.func.count(sa.distinct(Registration.country)),
                sa.func.count(sa.distinct(Registration.institution_id)),
            ).where(
                Registration.seminar_id == seminar_id,
                Registration.status != RegistrationStatus.CANCELLED,
            )
        ).one()
    return {**by_status, "countries": countries, "institutions": institutions}


def test_april_seminar_has_200_participants_from_more_than_70_mongolian_institutions(app, seeded):
    figures = registration_figures(app, "tvet-leadership-digital-green-2023")
    assert figures[RegistrationStatus.CONFIRMED] == 200  # its capacity
    assert figures[RegistrationStatus.WAITLISTED] > 0 and figures[RegistrationStatus.CANCELLED] > 0
    assert figures["countries"] == 1
    assert 70 < figures["institutions"] <= 71


def test_coaction_initiative_has_about_60_participants_from_five_countries(app, seeded):
    figures = registration_figures(app, "unevoc-coaction-digital-transformation-2023")
    assert 55 <= figures[RegistrationStatus.CONFIRMED] <= 65
    assert (figures["countries"], figures["institutions"]) == (5, 5)


def test_some_demo_registrations_came_from_focal_points_with_non_latin_names(app, seeded):
    with app.app_context():
        grouped = db.session.scalar(
            sa.select(sa.func.count()).where(Registration.group_id.is_not(None))
        )
        names = set(db.session.execute(sa.select(Registration.family_name)).scalars())
    assert grouped >= 9
    assert {"王", "Дорж"} & names and any("\u0600" <= c <= "\u06ff" for n in names for c in n)


def test_upcoming_demo_seminar_stays_open_with_a_few_dozen_registered(app, seeded, client):
    figures = registration_figures(app, "demo-tvet-leadership-ai")
    assert 20 <= figures[RegistrationStatus.CONFIRMED] <= 40
    assert "Register" in client.get("/seminars/demo-tvet-leadership-ai/").text


def test_past_demo_seminars_have_attendance_from_reports_and_rosters(app, seeded):
    assert "Attendance: 8 sessions recorded." in seeded.output
    with app.app_context():
        sources = set(db.session.execute(sa.select(Attendance.source).distinct()).scalars())
        imports = db.session.execute(sa.select(AttendanceImport)).scalars().all()
        certificates = db.session.scalar(sa.select(sa.func.count()).select_from(Certificate))
    assert {source.value for source in sources} == {"import", "roster"}
    assert len(imports) == 4
    assert all(i.figures["email"] and i.figures["name"] and i.figures["proposed"] for i in imports)
    assert 150 <= certificates <= 200


def test_on_the_demo_a_corrected_zoom_report_changes_attendance_and_eligibility(
    app, seeded, client
):
    import random

    from seminar_reg.attendance.services import import_report
    from seminar_reg.certificates.services import certificate_counts
    from seminar_reg.demo.attendance import _with_places, _zoom_report

    with app.app_context():
        seminar = db.session.execute(
            sa.select(Seminar).where(Seminar.slug == "unevoc-coaction-digital-transformation-2023")
        ).scalar_one()
        first = seminar.sessions[0]
        seminar.certificate_threshold_value = 100  # every session, so that the first one counts
        db.session.commit()
        before = certificate_counts(seminar)["eligible"]
        present_before = db.session.scalar(
            sa.select(sa.func.count()).where(Attendance.session_id == first.id, Attendance.present)
        )
        # The corrected report: only the first ten with a place came to the first session.
        came = _with_places(first)[:10]
        import_report(
            first,
            _zoom_report(first, came, random.Random(5)),
            "corrected.csv",
            organiser_id=None,
            confirm_date=True,
        )
        present_after = db.session.scalar(
            sa.select(sa.func.count()).where(Attendance.session_id == first.id, Attendance.present)
        )
        after = certificate_counts(seminar)["eligible"]
    assert present_before > 30
    assert present_after <= 10
    assert after < before


def test_on_the_demo_a_certificate_shows_its_cyrillic_name(app, seeded, client):
    import io

    from pypdf import PdfReader

    from seminar_reg.registration.tokens import manage_token

    with app.app_context():
        certificate = (
            db.session.execute(
                sa.select(Certificate).join(Registration).where(Registration.language == "mn")
            )
            .scalars()
            .first()
        )
        name, token = certificate.registration.full_name, manage_token(certificate.registration)
    assert any("\u0400" <= c <= "\u04ff" for c in name)
    response = client.get(f"/r/{token}/certificate.pdf")
    assert response.status_code == 200
    assert name in PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
