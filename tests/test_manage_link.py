"""The private manage link: see, change, download the calendar, cancel; lost links."""

import pytest
from icalendar import Calendar

from seminar_reg.mail.messages import attachment_data
from seminar_reg.registration.models import Registration, RegistrationStatus
from tests.registration_helpers import (
    count,
    outbox,
    register,
    session_ids,
    stored_registrations,
    token_of,
)


@pytest.fixture
def seminar(make_seminar):
    return make_seminar("leaders", title="TVET Leaders 2030", sessions=3)


@pytest.fixture
def sessions(app, seminar):
    return session_ids(app, seminar.id)


@pytest.fixture
def token(client, seminar, sessions):
    return token_of(register(client, "leaders", sessions))


def test_manage_page_shows_the_registration_and_its_join_links(client, token):
    page = client.get(f"/r/{token}").text
    assert "Your registration" in page and "Registered" in page
    assert "Оюунчимэг Батбаяр" in page and "oyunchimeg@example.org" in page
    assert "https://meet.example.org/leaders/1" in page


@pytest.mark.parametrize("bad", ["x", "A" * 43, "A" * 500, "../../etc/passwd"])
def test_a_wrong_or_tampered_token_is_404(client, token, bad):
    assert client.get(f"/r/{bad}").status_code == 404
    assert client.get(f"/r/{token[:-1]}x/calendar.ics").status_code == 404
    assert client.post(f"/r/{bad}/cancel").status_code == 404


def test_each_link_shows_only_its_own_registration(client, seminar, sessions, token):
    other = token_of(
        register(client, "leaders", sessions, email="other@example.org", given_name="Tsetseg")
    )
    page = client.get(f"/r/{other}").text
    assert "Tsetseg" in page and "oyunchimeg@example.org" not in page


def test_sessions_are_changed_and_an_email_updates_the_calendar(app, client, sessions, token):
    response = client.post(f"/r/{token}/sessions", data={"sessions": [str(sessions[0])]})
    assert response.status_code == 302
    (registration,) = stored_registrations(app)
    assert [c.session_id for c in registration.choices] == [sessions[0]]
    assert registration.sequence == 1
    (changed,) = outbox(app, "changed")
    assert "No longer in your registration" in changed.text_body
    _calendar, cancel = changed.attachments
    with app.app_context():
        withdrawn = Calendar.from_ical(attachment_data(cancel))
    assert str(withdrawn["method"]) == "CANCEL"
    assert len(list(withdrawn.walk("VEVENT"))) == 2
    assert all(int(event["sequence"]) == 1 for event in withdrawn.walk("VEVENT"))


def test_choosing_no_session_is_refused(app, client, token):
    response = client.post(f"/r/{token}/sessions", data={"sessions": []})
    assert "Choose at least one session." in response.text
    assert len(stored_registrations(app)[0].choices) == 3


def test_details_are_changed_but_not_the_email(app, client, token):
    response = client.post(
        f"/r/{token}/details",
        data={
            "given_name": "Oyunchimeg",
            "family_name": "Bat",
            "email": "attacker@example.org",
            "position": "Director",
            "role_category": "leader",
            "gender": "",
            "country": "MN",
            "institution_name": "Erdenet Polytechnic College",
            "institution_type": "tvet_institute",
            "language": "en",
            "timezone": "Europe/Berlin",
        },
    )
    assert response.status_code == 302
    (registration,) = stored_registrations(app)
    assert (registration.given_name, registration.gender, registration.timezone) == (
        "Oyunchimeg",
        None,
        "Europe/Berlin",
    )
    assert registration.institution.name == "Erdenet Polytechnic College"
    assert registration.participant.email == "oyunchimeg@example.org"


def test_calendar_download_is_a_valid_calendar_of_the_chosen_sessions(client, token):
    response = client.get(f"/r/{token}/calendar.ics")
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    assert len(list(calendar.walk("VEVENT"))) == 3


def test_cancelling_asks_first_then_cancels(app, client, token):
    assert "Cancel your registration?" in client.get(f"/r/{token}/cancel").text
    assert stored_registrations(app)[0].status == RegistrationStatus.CONFIRMED
    client.post(f"/r/{token}/cancel")
    (registration,) = stored_registrations(app)
    assert registration.status == RegistrationStatus.CANCELLED
    assert registration.cancelled_at is not None
    page = client.get(f"/r/{token}").text
    assert "This registration is cancelled." in page
    assert client.get(f"/r/{token}/calendar.ics").status_code == 404
    client.post(f"/r/{token}/cancel")
    assert len(outbox(app, "cancelled")) == 1


def test_a_cancelled_person_registers_again(app, client, sessions, token):
    client.post(f"/r/{token}/cancel")
    response = register(client, "leaders", sessions, submission_id="second-form")
    assert response.status_code == 302
    assert count(app, Registration) == 1
    assert stored_registrations(app)[0].status == RegistrationStatus.CONFIRMED


def test_a_lost_link_is_sent_again_and_the_old_one_stops_working(app, client, token):
    response = client.post("/seminars/leaders/link", data={"email": "OYUNCHIMEG@example.org"})
    assert response.status_code == 302
    (link_email,) = outbox(app, "link")
    new_token = link_email.text_body.split("/r/")[1].split()[0]
    assert new_token != token
    assert client.get(f"/r/{token}").status_code == 404
    assert client.get(f"/r/{new_token}").status_code == 200


def test_asking_for_the_link_of_an_unknown_address_says_the_same_and_sends_nothing(
    app, client, token
):
    known = client.post(
        "/seminars/leaders/link", data={"email": "oyunchimeg@example.org"}, follow_redirects=True
    )
    unknown = client.post(
        "/seminars/leaders/link", data={"email": "stranger@example.org"}, follow_redirects=True
    )
    assert "If oyunchimeg@example.org is registered" in known.text
    assert "If stranger@example.org is registered" in unknown.text
    assert [m.to_address for m in outbox(app, "link")] == ["oyunchimeg@example.org"]


def test_link_requests_are_rate_limited(make_app, make_seminar):
    app = make_app(RATELIMIT_ENABLED=True, MANAGE_LINK_RATE_LIMIT="2 per minute")
    make_seminar("leaders")
    client = app.test_client()
    codes = [
        client.post("/seminars/leaders/link", data={"email": "x@example.org"}).status_code
        for _ in range(3)
    ]
    assert codes == [302, 302, 429]
