"""Registration by institution: a focal point registers colleagues in one go, all or none."""

import io

import pytest
from openpyxl import Workbook

from seminar_reg.registration.models import RegisteredBy, Registration, RegistrationGroup
from tests.registration_helpers import count, outbox, session_ids, stored_registrations

MONGOLIAN_NAMES = [
    ("Батбаяр", "Дорж"),
    ("Оюунчимэг", "Ганбаатар"),
    ("Энхтуяа", "Болд"),
    ("Сарангэрэл", "Мөнх"),
    ("Ганбаатар", "Төмөр"),
    ("Нарантуяа", "Алтан"),
    ("Төмөрбаатар", "Баяр"),
    ("Алтанцэцэг", "Эрдэнэ"),
]


@pytest.fixture
def seminar(make_seminar):
    return make_seminar("leaders", title="TVET Leaders 2030", sessions=2, capacity=200)


@pytest.fixture
def sessions(app, seminar):
    return session_ids(app, seminar.id)


def colleague(number: int) -> dict:
    given, family = MONGOLIAN_NAMES[number % len(MONGOLIAN_NAMES)]
    return {
        "given_name": given,
        "family_name": family,
        "email": f"colleague{number}@darkhan.example.org",
        "position": "Teacher",
        "role_category": "teacher",
        "gender": "female" if number % 2 else "male",
    }


def group_form(sessions, colleagues, **overrides) -> dict:
    data = {
        "focal_point_name": "Narantsetseg Bold",
        "focal_point_email": "focal@darkhan.example.org",
        "language": "mn",
        "country": "MN",
        "institution_name": "Darkhan Polytechnic College",
        "institution_type": "tvet_institute",
        "sessions": [str(s) for s in sessions],
        "consent": "y",
        "submission_id": "group-form-1",
        **overrides,
    }
    for number, person in enumerate(colleagues):
        for name, value in person.items():
            data[f"people-{number}-{name}"] = value
    return data


def test_group_form_offers_rows_paste_and_upload(client, seminar):
    page = client.get("/seminars/leaders/register/group").text
    assert page.count('name="people-') >= 5 * 6
    assert 'name="pasted"' in page and 'type="file"' in page


def test_twenty_five_colleagues_register_in_one_submission(app, client, seminar, sessions):
    response = client.post(
        "/seminars/leaders/register/group",
        data=group_form(sessions, [colleague(n) for n in range(25)]),
    )
    assert response.status_code == 302
    registrations = stored_registrations(app)
    assert len(registrations) == 25
    assert {r.registered_by for r in registrations} == {RegisteredBy.FOCAL_POINT}
    assert {r.institution.name for r in registrations} == {"Darkhan Polytechnic College"}
    assert len({r.manage_token_hash for r in registrations}) == 25
    # in the focal point's language and, knowing no zone of their own, the seminar's
    assert {(r.language, r.timezone) for r in registrations} == {("mn", "Asia/Ulaanbaatar")}
    assert len(outbox(app, "confirmation")) == 25
    (summary,) = outbox(app, "group_summary")
    assert summary.to_address == "focal@darkhan.example.org"
    assert summary.text_body.count("@darkhan.example.org>") == 25
    page = client.get(response.headers["Location"]).text
    assert "25 colleagues are registered" in page


def test_one_bad_row_stores_nothing_and_is_marked(app, client, seminar, sessions):
    people = [colleague(n) for n in range(5)]
    people[3]["email"] = "not-an-email"
    response = client.post("/seminars/leaders/register/group", data=group_form(sessions, people))
    assert response.status_code == 200
    assert "Nothing is registered yet" in response.text
    row = response.text.split('id="row-4"')[1].split("</tr>")[0]
    assert "Enter a valid email address" in row
    assert 'value="colleague0@darkhan.example.org"' in response.text  # the other rows stay filled
    assert count(app, Registration) == 0
    assert count(app, RegistrationGroup) == 0
    assert outbox(app) == []


def test_the_corrected_group_is_then_registered(app, client, seminar, sessions):
    people = [colleague(n) for n in range(5)]
    people[1]["given_name"] = ""
    client.post("/seminars/leaders/register/group", data=group_form(sessions, people))
    people[1]["given_name"] = "Мөнхбат"
    response = client.post("/seminars/leaders/register/group", data=group_form(sessions, people))
    assert response.status_code == 302
    assert count(app, Registration) == 5


def test_empty_rows_are_ignored(app, client, seminar, sessions):
    people = [colleague(0), dict.fromkeys(colleague(1), ""), colleague(2)]
    people[1]["role_category"] = ""
    response = client.post("/seminars/leaders/register/group", data=group_form(sessions, people))
    assert response.status_code == 302, response.text
    assert count(app, Registration) == 2


def test_a_colleague_twice_or_already_registered_is_refused(app, client, seminar, sessions):
    client.post(
        "/seminars/leaders/register/group",
        data=group_form(sessions, [colleague(0)], submission_id="first"),
    )
    people = [colleague(1), colleague(1), colleague(0)]
    response = client.post(
        "/seminars/leaders/register/group",
        data=group_form(sessions, people, submission_id="second"),
    )
    assert "This address is in the list twice." in response.text
    assert "Already registered for this seminar." in response.text
    assert count(app, Registration) == 1


def test_a_group_over_the_limit_is_refused(make_app, make_seminar):
    app = make_app(GROUP_SIZE_LIMIT=3)
    seminar = make_seminar("leaders")
    sessions = session_ids(app, seminar.id)
    response = app.test_client().post(
        "/seminars/leaders/register/group",
        data=group_form(sessions, [colleague(n) for n in range(4)]),
    )
    assert "A group has at most 3 people" in response.text
    assert count(app, Registration) == 0


def test_a_double_clicked_group_submit_registers_once(app, client, seminar, sessions):
    data = group_form(sessions, [colleague(n) for n in range(3)])
    first = client.post("/seminars/leaders/register/group", data=data)
    second = client.post("/seminars/leaders/register/group", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert count(app, Registration) == 3


def test_add_rows_keeps_what_is_typed(client, seminar, sessions):
    data = group_form(sessions, [colleague(0)], add_rows="1")
    page = client.post("/seminars/leaders/register/group", data=data).text
    assert 'value="colleague0@darkhan.example.org"' in page
    assert 'name="people-5-email"' in page
    assert "Nothing is registered yet" not in page


def test_focal_point_and_consent_are_required(app, client, seminar, sessions):
    response = client.post(
        "/seminars/leaders/register/group",
        data=group_form(sessions, [colleague(0)], focal_point_email="", consent=""),
    )
    assert "Enter an email address." in response.text
    assert "Confirm that your colleagues agreed." in response.text
    assert count(app, Registration) == 0


def test_pasted_lines_become_colleagues(app, client, seminar, sessions):
    pasted = (
        "Батбаяр\tДорж\tbatbayar@darkhan.example.org\tDirector\tleader\tmale\n"
        "\n"
        "王\t芳\twang.fang@darkhan.example.org\tTeacher\tteacher\tfemale\n"
    )
    response = client.post(
        "/seminars/leaders/register/group", data=group_form(sessions, [], pasted=pasted)
    )
    assert response.status_code == 302, response.text
    names = sorted(r.full_name for r in stored_registrations(app))
    assert names == ["Батбаяр Дорж", "王 芳"]


def test_an_uploaded_spreadsheet_becomes_colleagues(app, client, seminar, sessions):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Given name", "Family name", "Email", "Position", "Role", "Gender"])
    for number in range(3):
        person = colleague(number)
        sheet.append(
            [
                person["given_name"],
                person["family_name"],
                person["email"],
                "Teacher",
                "Teacher",
                "F",
            ]
        )
    upload = io.BytesIO()
    workbook.save(upload)
    data = group_form(sessions, [])
    data["upload"] = (io.BytesIO(upload.getvalue()), "colleagues.xlsx")
    response = client.post(
        "/seminars/leaders/register/group", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302, response.text
    assert [r.gender for r in stored_registrations(app)] == ["female"] * 3


def test_an_upload_that_is_not_a_spreadsheet_is_refused_with_a_message(
    app, client, seminar, sessions
):
    data = group_form(sessions, [colleague(0)])
    data["upload"] = (io.BytesIO(b"%PDF-1.7 binary"), "colleagues.pdf")
    response = client.post(
        "/seminars/leaders/register/group", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    assert "PDF" in response.text
    assert count(app, Registration) == 0


def test_a_csv_in_windows_encoding_with_a_bad_row_marks_that_row(app, client, seminar, sessions):
    csv = (
        "Given name;Family name;Email;Role\r\n"
        "José;Núñez;jose@example.org;expert\r\n"
        "Ana;Pérez;broken;teacher\r\n"
    )
    data = group_form(sessions, [])
    data["upload"] = (io.BytesIO(csv.encode("cp1252")), "colleagues.csv")
    response = client.post(
        "/seminars/leaders/register/group", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    assert 'value="José"' in response.text
    assert "Enter a valid email address" in response.text.split('id="row-2"')[1].split("</tr>")[0]
    assert count(app, Registration) == 0
