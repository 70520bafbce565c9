"""Certificates of attendance: who qualifies (counted in SQL), issuing, downloading, verifying."""

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from seminar_reg.attendance.models import Attendance, AttendanceSource
from seminar_reg.certificates.models import Certificate
from seminar_reg.extensions import db
from seminar_reg.registration.models import Registration
from seminar_reg.seminars.models import CertificateThreshold, Seminar
from tests.registration_helpers import outbox, register, session_ids, token_of


@pytest.fixture
def seminar(app, make_organiser, make_seminar):
    organiser = make_organiser("ann@example.org")
    return make_seminar("leaders", title="TVET Leaders 2030", sessions=4, organisers=[organiser])


@pytest.fixture
def people(app, client, seminar):
    """Four registrations and their tokens, by given name."""
    sessions = session_ids(app, seminar.id)
    names = ["Батбаяр", "Оюунаа", "Tsetseg", "Bold"]
    tokens = {}
    for number, name in enumerate(names):
        response = register(
            client,
            "leaders",
            sessions,
            email=f"p{number}@example.org",
            given_name=name,
            family_name="Дорж",
            language="en",
        )
        tokens[name] = token_of(response)
    return tokens


def attend(app, seminar_id: int, given_name: str, sessions: int, minutes: int = 60) -> None:
    """Mark the first ``sessions`` sessions present for the person with this given name."""
    with app.app_context():
        registration = db.session.execute(
            sa.select(Registration).where(Registration.given_name == given_name)
        ).scalar_one()
        stored = db.session.get(Seminar, seminar_id)
        for session in stored.sessions[:sessions]:
            db.session.add(
                Attendance(
                    registration_id=registration.id,
                    session_id=session.id,
                    present=True,
                    minutes=minutes,
                    source=AttendanceSource.ROSTER,
                )
            )
        db.session.commit()


def test_those_over_the_threshold_qualify_and_are_issued_once(app, client, auth, seminar, people):
    # The threshold is 75% of the sessions: three of four.
    attend(app, seminar.id, "Батбаяр", 4)
    attend(app, seminar.id, "Оюунаа", 3)
    attend(app, seminar.id, "Tsetseg", 2)
    auth.login("ann@example.org")
    page = client.get("/manage/seminars/leaders/attendance/").text
    assert "2 participants qualify; 0 certificates are issued." in page
    client.post("/manage/seminars/leaders/attendance/certificates")
    client.post("/manage/seminars/leaders/attendance/certificates")
    with app.app_context():
        holders = set(
            db.session.execute(sa.select(Registration.given_name).join(Certificate)).scalars()
        )
    assert holders == {"Батбаяр", "Оюунаа"}
    emails = outbox(app, "certificate")
    assert sorted(m.to_address for m in emails) == ["p0@example.org", "p1@example.org"]
    assert "/certificate.pdf" in emails[0].text_body and "/verify/" in emails[0].text_body


def test_a_minutes_threshold_counts_minutes(app, client, auth, seminar, people):
    with app.app_context():
        stored = db.session.get(Seminar, seminar.id)
        stored.certificate_threshold_type = CertificateThreshold.MINUTES
        stored.certificate_threshold_value = 100
        db.session.commit()
    attend(app, seminar.id, "Tsetseg", 2, minutes=50)
    attend(app, seminar.id, "Bold", 1, minutes=99)
    auth.login("ann@example.org")
    client.post("/manage/seminars/leaders/attendance/certificates")
    assert [m.to_address for m in outbox(app, "certificate")] == ["p2@example.org"]


def test_cancelled_and_waiting_registrations_never_qualify(app, client, auth, seminar, people):
    attend(app, seminar.id, "Bold", 4)
    client.post(f"/r/{people['Bold']}/cancel")
    auth.login("ann@example.org")
    client.post("/manage/seminars/leaders/attendance/certificates")
    assert outbox(app, "certificate") == []


def test_the_participant_downloads_a_pdf_with_their_name_in_cyrillic(
    app, client, auth, seminar, people
):
    attend(app, seminar.id, "Батбаяр", 4)
    auth.login("ann@example.org")
    client.post("/manage/seminars/leaders/attendance/certificates")
    token = people["Батбаяр"]
    assert "Download the certificate (PDF)" in client.get(f"/r/{token}").text
    response = client.get(f"/r/{token}/certificate.pdf")
    assert response.mimetype == "application/pdf"
    import io

    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Батбаяр Дорж" in text
    assert "TVET Leaders 2030" in text
    with app.app_context():
        code = db.session.execute(sa.select(Certificate.code)).scalar_one()
    assert code in text


def test_without_a_certificate_there_is_nothing_to_download(client, people):
    assert client.get(f"/r/{people['Bold']}/certificate.pdf").status_code == 404
    assert client.get("/r/not-a-token/certificate.pdf").status_code == 404


def test_a_certificate_is_verified_by_its_code(app, client, auth, seminar, people):
    attend(app, seminar.id, "Оюунаа", 4)
    auth.login("ann@example.org")
    client.post("/manage/seminars/leaders/attendance/certificates")
    with app.app_context():
        code = db.session.execute(sa.select(Certificate.code)).scalar_one()
    page = client.get(f"/verify/{code.lower()}")
    assert page.status_code == 200
    assert "This certificate is genuine" in page.text and "Оюунаа Дорж" in page.text
    missing = client.get("/verify/AAAA-BBBB-CCCC")
    assert missing.status_code == 404 and "No certificate has this code" in missing.text
