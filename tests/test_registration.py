"""Registering alone: the form, one registration per person, capacity, the waiting list, emails."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from seminar_reg.institutions.models import Institution
from seminar_reg.mail.messages import attachment_data
from seminar_reg.registration.models import (
    ChoiceStatus,
    Participant,
    Registration,
    RegistrationStatus,
)
from seminar_reg.seminars.models import SeminarStatus
from tests.registration_helpers import (
    count,
    outbox,
    register,
    session_ids,
    stored_registrations,
    token_of,
)


@pytest.fixture
def seminar(make_seminar, make_partner):
    seminar = make_seminar("leaders", title="TVET Leaders 2030", sessions=3)
    make_partner(seminar.id, "Vocational Education Training Partnership")
    return seminar


@pytest.fixture
def sessions(app, seminar):
    return session_ids(app, seminar.id)


def test_form_offers_every_session_ticked_and_names_who_sees_the_data(client, seminar, sessions):
    page = client.get("/seminars/leaders/register").text
    ticked = re.findall(
        r'<input checked id="sessions-\d+" name="sessions" type="checkbox" value="(\d+)"', page
    )
    assert ticked == [str(session_id) for session_id in sessions]
    assert "Vocational Education Training Partnership" in page
    assert "kept for 24 months after the seminar ends" in page
    assert 'name="submission_id"' in page


def test_registration_is_stored_and_the_confirmation_written_in_the_same_commit(
    app, client, seminar, sessions
):
    response = register(
        client,
        "leaders",
        sessions,
        email="  Oyunchimeg@Example.ORG ",
        given_name="Оюунчимэг ",
        family_name="Батбаяр",
    )
    assert response.status_code == 302
    (registration,) = stored_registrations(app)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.participant.email == "oyunchimeg@example.org"
    assert (registration.given_name, registration.family_name) == ("Оюунчимэг", "Батбаяр")
    assert registration.country == "MN"
    assert registration.institution.name == "Darkhan Polytechnic College"
    assert sorted(c.session_id for c in registration.choices) == sessions
    assert registration.consented_at is not None
    assert registration.manage_token_hash and len(registration.manage_token_hash) == 64
    (confirmation,) = outbox(app, "confirmation")
    assert confirmation.to_address == "oyunchimeg@example.org"
    assert confirmation.reply_to == "contact@example.org"
    assert confirmation.registration_id == registration.id


def test_names_are_stored_in_nfc(app, client, seminar, sessions):
    register(
        client, "leaders", sessions, given_name="Оюунчиме\u0433", family_name="Mu\u0301n\u0303oz"
    )
    (registration,) = stored_registrations(app)
    assert registration.family_name == "Múñoz"


def test_welcome_page_says_what_happens_next_in_the_participants_zone(client, seminar, sessions):
    response = register(client, "leaders", sessions, timezone="Europe/Berlin")
    page = client.get(response.headers["Location"]).text
    assert "You are registered" in page
    assert "A confirmation is on its way to oyunchimeg@example.org" in page
    assert "Ulaanbaatar (GMT+08:00)" in page and "Berlin (CET, GMT+01:00)" in page
    assert f"/r/{token_of(response)}/calendar.ics" in page


def test_a_known_institution_is_found_by_its_acronym(
    app, client, seminar, sessions, make_institution
):
    make_institution("Polytechnic College of Engineering and Technology", acronym="PCET")
    register(client, "leaders", sessions, institution_name="pcet", institution_type="")
    (registration,) = stored_registrations(app)
    assert registration.institution.name == "Polytechnic College of Engineering and Technology"
    assert count(app, Institution) == 1


def test_a_new_institution_needs_its_type(app, client, seminar, sessions):
    response = register(
        client, "leaders", sessions, institution_name="Khovd Vocational Centre", institution_type=""
    )
    assert "This institution is new to us: choose its type." in response.text
    assert count(app, Registration) == 0
    register(
        client,
        "leaders",
        sessions,
        institution_name="Khovd Vocational Centre",
        institution_type="tvet_institute",
    )
    assert count(app, Institution) == 1


def test_one_registration_per_person_whatever_the_case_of_the_email(app, client, seminar, sessions):
    register(client, "leaders", sessions)
    response = register(
        client, "leaders", sessions, email="OYUNCHIMEG@example.org", given_name="Someone else"
    )
    assert response.status_code == 200
    assert "This email address is already registered" in response.text
    assert "Email me a new link" in response.text
    assert "Оюунчимэг" not in response.text  # nothing about the registration is revealed
    assert count(app, Registration) == 1


def test_a_double_clicked_submit_makes_one_registration(app, client, seminar, sessions):
    first = register(client, "leaders", sessions, submission_id="one-form")
    second = register(client, "leaders", sessions, submission_id="one-form")
    assert second.headers["Location"] == first.headers["Location"]
    assert count(app, Registration) == 1
    assert len(outbox(app, "confirmation")) == 1


def test_the_same_person_registers_for_two_seminars(app, client, seminar, sessions, make_seminar):
    other = make_seminar("greening", sessions=1)
    register(client, "leaders", sessions)
    register(client, "greening", session_ids(app, other.id), given_name="Oyunaa")
    assert count(app, Participant) == 1
    leaders, greening = stored_registrations(app)
    assert (leaders.given_name, greening.given_name) == ("Оюунчимэг", "Oyunaa")


def test_over_capacity_goes_to_the_waiting_list_in_order(app, client, make_seminar):
    seminar = make_seminar("small", capacity=2, sessions=1)
    sessions = session_ids(app, seminar.id)
    for number in range(4):
        response = register(client, "small", sessions, email=f"p{number}@example.org")
    page = client.get(response.headers["Location"]).text
    assert "You are on the waiting list" in page
    assert "You are number 2 in line" in page
    statuses = [r.status for r in stored_registrations(app)]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert len(outbox(app, "confirmation")) == 2
    waitlisted = outbox(app, "waitlisted")
    assert "in place 1" in waitlisted[0].text_body and "in place 2" in waitlisted[1].text_body
    assert waitlisted[0].attachments == []


def test_cancelling_promotes_the_first_in_line_and_tells_both(app, client, make_seminar):
    seminar = make_seminar("small", capacity=1, sessions=1)
    sessions = session_ids(app, seminar.id)
    first = register(client, "small", sessions, email="first@example.org")
    register(client, "small", sessions, email="second@example.org")
    register(client, "small", sessions, email="third@example.org")
    response = client.post(f"/r/{token_of(first)}/cancel")
    assert response.status_code == 302
    statuses = {r.participant.email: r.status for r in stored_registrations(app)}
    assert statuses == {
        "first@example.org": "cancelled",
        "second@example.org": "confirmed",
        "third@example.org": "waitlisted",
    }
    (cancelled,) = outbox(app, "cancelled")
    assert cancelled.to_address == "first@example.org"
    (promoted,) = outbox(app, "promoted")
    assert promoted.to_address == "second@example.org"
    assert "/r/" in promoted.text_body  # the promoted person's own link, without storing it
    promoted_link = promoted.text_body.split("/r/")[1].split()[0]
    assert client.get(f"/r/{promoted_link}").status_code == 200


def test_a_full_session_says_so_and_waits_for_a_place(app, client, make_seminar):
    seminar = make_seminar("workshop", sessions=2)
    with app.app_context():
        from seminar_reg.extensions import db
        from seminar_reg.seminars.models import SeminarSession

        db.session.execute(
            db.update(SeminarSession)
            .where(SeminarSession.seminar_id == seminar.id, SeminarSession.position == 2)
            .values(capacity=1)
        )
        db.session.commit()
    plenary, workshop = session_ids(app, seminar.id)
    first = register(client, "workshop", [plenary, workshop], email="first@example.org")
    assert "(full: waiting list)" in client.get("/seminars/workshop/register").text
    register(client, "workshop", [plenary, workshop], email="second@example.org")
    second = stored_registrations(app)[1]
    assert second.status == RegistrationStatus.CONFIRMED
    assert {c.session_id: c.status for c in second.choices} == {
        plenary: ChoiceStatus.CONFIRMED,
        workshop: ChoiceStatus.WAITLISTED,
    }
    client.post(f"/r/{token_of(first)}/sessions", data={"sessions": [str(plenary)]})
    second = stored_registrations(app)[1]
    assert {c.session_id: c.status for c in second.choices}[workshop] == ChoiceStatus.CONFIRMED
    changed = [m for m in outbox(app, "changed") if m.to_address == "second@example.org"]
    assert len(changed) == 1 and "A place became free for you in" in changed[0].text_body


def test_confirmation_carries_a_calendar_with_utc_instants_and_stable_uids(
    app, client, seminar, sessions
):
    register(client, "leaders", sessions)
    (confirmation,) = outbox(app, "confirmation")
    (attachment,) = confirmation.attachments
    assert attachment["content_type"].startswith("text/calendar")
    with app.app_context():
        calendar = Calendar.from_ical(attachment_data(attachment))
    assert str(calendar["method"]) == "REQUEST"
    assert str(calendar["x-wr-timezone"]) == "Asia/Ulaanbaatar"
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 3
    (registration,) = stored_registrations(app)
    for event in events:
        start = event.decoded("dtstart")
        assert start.tzinfo is not None and start.utcoffset() == timedelta(0)
        assert str(event["uid"]).startswith(f"registration-{registration.id}-session-")
        assert "https://meet.example.org/leaders/" in str(event["description"])


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"given_name": ""}, "Enter a given name."),
        ({"given_name": "x" * 101}, "Field cannot be longer than 100 characters."),
        ({"email": "not an email"}, "Enter a valid email address"),
        ({"email": ""}, "Enter an email address."),
        ({"country": "XX"}, "Not a valid choice"),
        ({"country": ""}, "Choose a country."),
        ({"institution_name": ""}, "Enter your institution."),
        ({"role_category": "wizard"}, "“wizard” is not one of"),
        ({"gender": "robot"}, "“robot” is not one of"),
        ({"consent": ""}, "Registration needs your agreement"),
        ({"given_name": "Null\x00byte"}, "Remove the invisible control characters"),
        ({"family_name": "Evil\u202egnirts"}, "Remove the invisible control characters"),
        ({"sessions": []}, "Choose at least one session."),
        ({"sessions": ["999999"]}, "is not a valid choice"),
        ({"timezone": "Moon/Base"}, "Not a valid choice"),
        ({"language": "xx"}, "Not a valid choice"),
    ],
    ids=[
        "no-given-name",
        "long-name",
        "bad-email",
        "no-email",
        "unknown-country",
        "no-country",
        "no-institution",
        "bad-role",
        "bad-gender",
        "no-consent",
        "nul",
        "bidi-override",
        "no-session",
        "foreign-session",
        "bad-zone",
        "bad-language",
    ],
)
def test_bad_input_gets_a_clear_message_and_stores_nothing(
    app, client, seminar, sessions, overrides, message
):
    response = register(client, "leaders", sessions, **overrides)
    assert response.status_code == 200
    assert message in response.text
    assert count(app, Registration) == 0
    assert count(app, Participant) == 0
    assert outbox(app) == []


def test_a_session_of_another_seminar_is_refused(app, client, seminar, sessions, make_seminar):
    other = make_seminar("other", sessions=1)
    response = register(client, "leaders", sessions + session_ids(app, other.id))
    assert "is not a valid choice" in response.text
    assert count(app, Registration) == 0


def test_names_with_markup_are_stored_as_typed_and_shown_escaped(app, client, seminar, sessions):
    response = register(client, "leaders", sessions, given_name="<script>alert(1)</script>")
    page = client.get(response.headers["Location"]).text
    assert "<script>alert(1)</script>" not in page
    assert stored_registrations(app)[0].given_name == "<script>alert(1)</script>"
    manage = client.get(f"/r/{token_of(response)}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in manage


@pytest.mark.parametrize(
    ("status", "opens", "closes", "message"),
    [
        (SeminarStatus.PUBLISHED, 2, 10, "Registration for this seminar has not opened yet."),
        (SeminarStatus.PUBLISHED, -10, -1, "Registration for this seminar is closed."),
        (SeminarStatus.REGISTRATION_CLOSED, -10, 5, "Registration for this seminar is closed."),
        (SeminarStatus.ARCHIVED, -10, 5, "Registration for this seminar is closed."),
    ],
    ids=["not-yet", "after-closing", "closed", "archived"],
)
def test_registration_outside_its_window_is_refused(
    app, client, make_seminar, status, opens, closes, message
):
    now = datetime.now(UTC)
    seminar = make_seminar(
        "leaders",
        status=status,
        registration_opens_at=now + timedelta(days=opens),
        registration_closes_at=now + timedelta(days=closes),
    )
    sessions = session_ids(app, seminar.id)
    assert message in client.get("/seminars/leaders/register").text
    response = register(client, "leaders", sessions)
    assert message in response.text
    assert count(app, Registration) == 0


def test_a_draft_seminar_has_no_registration_form(client, make_seminar):
    make_seminar("draft", status=SeminarStatus.DRAFT)
    assert client.get("/seminars/draft/register").status_code == 404


def test_registration_requires_the_csrf_token(make_app, make_seminar):
    app = make_app(WTF_CSRF_ENABLED=True)
    seminar = make_seminar("leaders")
    sessions = session_ids(app, seminar.id)
    response = register(app.test_client(), "leaders", sessions)
    assert response.status_code == 400
    assert count(app, Registration) == 0


def test_registrations_are_rate_limited(make_app, make_seminar):
    app = make_app(RATELIMIT_ENABLED=True, REGISTRATION_RATE_LIMIT="2 per minute")
    seminar = make_seminar("leaders")
    sessions = session_ids(app, seminar.id)
    client = app.test_client()
    codes = [
        register(client, "leaders", sessions, email=f"p{i}@example.org").status_code
        for i in range(3)
    ]
    assert codes == [302, 302, 429]


def test_institution_suggestions_are_the_countrys_known_institutions(client, make_institution):
    make_institution("Darkhan Polytechnic College", acronym="DPC")
    make_institution("Darkhan Vocational Centre")
    make_institution("Institut Darkhan", country="FR")
    names = [i["name"] for i in client.get("/institutions/search?country=MN&q=darkh").json]
    assert names == ["Darkhan Polytechnic College", "Darkhan Vocational Centre"]
    assert client.get("/institutions/search?country=MN&q=dpc").json[0]["acronym"] == "DPC"
    assert client.get("/institutions/search?country=MN&q=d").json == []
    assert client.get("/institutions/search?q=darkhan").json == []


def test_public_list_shows_only_those_who_agreed(app, client, make_seminar):
    seminar = make_seminar("listed")
    with app.app_context():
        from seminar_reg.extensions import db
        from seminar_reg.seminars.models import Seminar

        db.session.get(Seminar, seminar.id).public_participant_list = True
        db.session.commit()
    sessions = session_ids(app, seminar.id)
    register(
        client, "listed", sessions, email="a@example.org", given_name="Ариунаа", listed_publicly="y"
    )
    register(client, "listed", sessions, email="b@example.org", given_name="Hidden")
    page = client.get("/seminars/listed/").text
    assert "Ариунаа Батбаяр, Darkhan Polytechnic College (Mongolia)" in page
    assert "Hidden" not in page
