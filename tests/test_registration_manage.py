"""The organiser's registrations: counts and filters, by-hand changes, imports, capacity."""

import io
from datetime import UTC, datetime, timedelta

import pytest

from seminar_reg.registration.models import RegisteredBy, Registration, RegistrationStatus
from seminar_reg.seminars.models import SeminarStatus
from tests.registration_helpers import (
    count,
    outbox,
    register,
    registration_form,
    session_ids,
    stored_registrations,
)
from tests.test_seminars import seminar_form


@pytest.fixture
def organiser(make_organiser):
    return make_organiser("ann@example.org")


@pytest.fixture
def seminar(organiser, make_seminar):
    return make_seminar(
        "leaders", title="TVET Leaders 2030", sessions=2, capacity=3, organisers=[organiser]
    )


@pytest.fixture
def sessions(app, seminar):
    return session_ids(app, seminar.id)


@pytest.fixture
def registered(client, seminar, sessions, make_institution):
    """Five registrations: three confirmed (two from Mongolia, one from Cambodia), two waiting."""
    make_institution("National Polytechnic Institute of Cambodia", country="KH", acronym="NPIC")
    people = [
        ("Батбаяр", "batbayar@example.org", "MN", "Darkhan Polytechnic College"),
        ("Sokha", "sokha@example.org", "KH", "NPIC"),
        ("Оюунаа", "oyunaa@example.org", "MN", "Erdenet Polytechnic College"),
        ("Dara", "dara@example.org", "KH", "NPIC"),
        ("Tsetseg", "tsetseg@example.org", "MN", "Darkhan Polytechnic College"),
    ]
    for given, email, country, institution in people:
        register(
            client,
            "leaders",
            sessions,
            given_name=given,
            family_name="",
            email=email,
            country=country,
            institution_name=institution,
        )


@pytest.fixture
def signed_in(client, auth, organiser, registered):
    auth.login("ann@example.org")
    return client


def test_list_counts_in_sql_and_shows_everyone(signed_in):
    page = signed_in.get("/manage/seminars/leaders/registrations/").text
    assert "<strong>3</strong><span>registered / 3</span>" in page
    assert "<strong>2</strong><span>on the waiting list</span>" in page
    assert "<strong>3</strong><span>institutions</span>" in page
    assert "<strong>2</strong><span>countries</span>" in page
    for name in ("Батбаяр", "Sokha", "Оюунаа", "Dara", "Tsetseg"):
        assert name in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"country": "KH"}, ["Sokha", "Dara"], ["Батбаяр"]),
        ({"status": "waitlisted"}, ["Dara", "Tsetseg"], ["Sokha"]),
        ({"q": "батбаяр"}, ["Батбаяр"], ["Оюунаа"]),
        ({"q": "npic"}, ["Sokha", "Dara"], ["Tsetseg"]),
        ({"q": "OYUNAA@"}, ["Оюунаа"], ["Sokha"]),
    ],
    ids=["country", "status", "cyrillic-name-any-case", "institution-acronym", "email"],
)
def test_list_filters(signed_in, query, shown, hidden):
    page = signed_in.get("/manage/seminars/leaders/registrations/", query_string=query).text
    for name in shown:
        assert name in page
    for name in hidden:
        assert f">{name} " not in page


def test_list_filters_by_session(app, signed_in, sessions):
    registration = stored_registrations(app)[0]
    signed_in.post(
        f"/manage/seminars/leaders/registrations/{registration.id}",
        data={"part": "sessions", "sessions-sessions": [str(sessions[1])]},
    )
    page = signed_in.get(
        "/manage/seminars/leaders/registrations/", query_string={"session": sessions[0]}
    ).text
    assert "Sokha" in page and ">Батбаяр " not in page


def test_nonsense_filters_are_ignored_with_a_message(signed_in):
    response = signed_in.get(
        "/manage/seminars/leaders/registrations/",
        query_string={
            "country": "Atlantis",
            "status": "maybe",
            "session": "x",
            "institution": "'; drop",
            "page": "-1",
        },
    )
    assert response.status_code == 200
    assert "Ignored filters that match nothing here" in response.text
    assert "Sokha" in response.text


def test_the_list_is_for_the_seminars_organisers(client, auth, make_organiser, registered):
    make_organiser("bat@example.org")
    auth.login("bat@example.org")
    assert client.get("/manage/seminars/leaders/registrations/").status_code == 403
    assert client.get("/manage/seminars/leaders/registrations/new").status_code == 403


def test_organiser_adds_a_person_after_registration_closed(
    app, client, auth, organiser, make_seminar
):
    now = datetime.now(UTC)
    make_seminar(
        "closed",
        status=SeminarStatus.REGISTRATION_CLOSED,
        registration_opens_at=now - timedelta(days=10),
        registration_closes_at=now - timedelta(days=1),
        organisers=[organiser],
    )
    auth.login("ann@example.org")
    sessions = session_ids(app, 1)
    data = registration_form(sessions, email="late@example.org", send_email="")
    response = client.post("/manage/seminars/closed/registrations/new", data=data)
    assert response.status_code == 302
    (registration,) = stored_registrations(app)
    assert registration.registered_by == RegisteredBy.ORGANISER
    assert outbox(app) == []


def test_adding_someone_registered_already_says_so(app, signed_in, sessions):
    response = signed_in.post(
        "/manage/seminars/leaders/registrations/new",
        data=registration_form(sessions, email="sokha@example.org"),
    )
    assert "already registered" in response.text
    assert count(app, Registration) == 5


def test_organiser_cancels_and_the_first_in_line_moves_up(app, signed_in):
    batbayar = stored_registrations(app)[0]
    response = signed_in.post(
        f"/manage/seminars/leaders/registrations/{batbayar.id}/cancel", follow_redirects=True
    )
    assert "The registration is cancelled" in response.text
    statuses = {r.given_name: r.status for r in stored_registrations(app)}
    assert statuses["Батбаяр"] == RegistrationStatus.CANCELLED
    assert statuses["Dara"] == RegistrationStatus.CONFIRMED
    (cancelled,) = outbox(app, "cancelled")
    assert "the organisers have cancelled your registration" in cancelled.text_body


def test_moving_someone_up_by_hand_needs_a_free_place(app, signed_in):
    dara = next(r for r in stored_registrations(app) if r.given_name == "Dara")
    response = signed_in.post(
        f"/manage/seminars/leaders/registrations/{dara.id}/promote", follow_redirects=True
    )
    assert "The seminar is full: raise its capacity first." in response.text
    assert (
        next(r for r in stored_registrations(app) if r.given_name == "Dara").status
        == RegistrationStatus.WAITLISTED
    )


def test_raising_the_capacity_lets_the_waiting_list_in(app, signed_in):
    response = signed_in.post(
        "/manage/seminars/leaders/edit",
        data=seminar_form(title="TVET Leaders 2030", slug="leaders", capacity="4"),
    )
    assert response.status_code == 302
    statuses = {r.given_name: r.status for r in stored_registrations(app)}
    assert statuses["Dara"] == RegistrationStatus.CONFIRMED
    assert statuses["Tsetseg"] == RegistrationStatus.WAITLISTED
    assert [m.to_address for m in outbox(app, "promoted")] == ["dara@example.org"]


def test_capacity_cannot_go_below_the_registered(app, signed_in):
    response = signed_in.post(
        "/manage/seminars/leaders/edit",
        data=seminar_form(title="TVET Leaders 2030", slug="leaders", capacity="2"),
    )
    assert "3 people are registered; the capacity cannot be lower." in response.text
    assert count(app, Registration) == 5


def test_organiser_sends_a_new_link(app, signed_in):
    sokha = stored_registrations(app)[1]
    old_hash = sokha.manage_token_hash
    signed_in.post(f"/manage/seminars/leaders/registrations/{sokha.id}/send-link")
    assert stored_registrations(app)[1].manage_token_hash != old_hash
    assert [m.to_address for m in outbox(app, "link")] == ["sokha@example.org"]


def test_organiser_edits_details(app, signed_in):
    sokha = stored_registrations(app)[1]
    data = {
        "part": "details",
        "given_name": "Sokha",
        "family_name": "Chan",
        "position": "Dean",
        "role_category": "leader",
        "gender": "female",
        "country": "KH",
        "institution_name": "NPIC",
        "institution_type": "",
        "language": "en",
        "timezone": "Asia/Phnom_Penh",
    }
    response = signed_in.post(f"/manage/seminars/leaders/registrations/{sokha.id}", data=data)
    assert response.status_code == 302
    assert stored_registrations(app)[1].family_name == "Chan"


def test_registration_of_another_seminar_is_404(app, signed_in, make_seminar, organiser):
    make_seminar("other", organisers=[organiser])
    sokha = stored_registrations(app)[1]
    assert signed_in.get(f"/manage/seminars/other/registrations/{sokha.id}").status_code == 404


def test_import_registers_the_good_rows_and_explains_the_rest(app, signed_in):
    csv = (
        "Given name,Family name,Email,Role,Gender,Country,Institution,Institution type\n"
        "Энхтуяа,Болд,enkhtuya@example.org,teacher,female,MN,Darkhan Polytechnic College,\n"
        "Broken,Row,not-an-email,teacher,male,MN,Darkhan Polytechnic College,\n"
        "Nowhere,Man,nowhere@example.org,expert,,XX,Somewhere,\n"
        "Sokha,Again,sokha@example.org,leader,,KH,NPIC,\n"
        "New,Place,new@example.org,official,,MN,Ministry of Education MN,ministry_or_agency\n"
    )
    response = signed_in.post(
        "/manage/seminars/leaders/registrations/import",
        data={"upload": (io.BytesIO(csv.encode("utf-8-sig")), "people.csv"), "send_email": "y"},
        content_type="multipart/form-data",
    )
    page = response.text
    assert "2 people imported" in page
    assert "3 rows not imported" in page
    assert "Enter a valid email address" in page
    assert "Not a valid choice" in page
    assert "already registered" in page
    imported = [r for r in stored_registrations(app) if r.registered_by == RegisteredBy.IMPORT]
    assert sorted(r.given_name for r in imported) == ["New", "Энхтуяа"]
    assert {m.to_address for m in outbox(app, "waitlisted")} >= {
        "enkhtuya@example.org",
        "new@example.org",
    }


def test_import_of_a_file_that_is_not_a_table_says_why(app, signed_in):
    response = signed_in.post(
        "/manage/seminars/leaders/registrations/import",
        data={"upload": (io.BytesIO(b"\x00\x01\x02binary"), "people.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert count(app, Registration) == 5
    assert "flash-error" in response.text
