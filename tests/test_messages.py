"""Organisers write to a chosen audience: a count and a preview first, then one email each."""

import pytest

from seminar_reg.messaging.models import OrganiserMessage
from seminar_reg.partners.models import NotificationMode
from tests.registration_helpers import count, outbox, register, session_ids


@pytest.fixture
def organiser(make_organiser):
    return make_organiser("ann@example.org")


@pytest.fixture
def seminar(organiser, make_seminar, make_partner):
    seminar = make_seminar(
        "leaders", title="TVET Leaders 2030", sessions=2, capacity=3, organisers=[organiser]
    )
    make_partner(seminar.id, "VETP", contacts=["vetp@example.org"], mode=NotificationMode.NONE)
    return seminar


@pytest.fixture
def signed_in(app, client, auth, seminar):
    sessions = session_ids(app, seminar.id)
    register(
        client,
        "leaders",
        sessions,
        email="a@example.org",
        given_name="Ariunaa",
        family_name="",
        language="en",
    )
    register(
        client,
        "leaders",
        [sessions[0]],
        email="b@example.org",
        given_name="Bold",
        family_name="",
        country="KH",
        institution_name="NPIC",
    )
    register(
        client, "leaders", sessions, email="c@example.org", given_name="Chimgee", family_name=""
    )
    register(
        client, "leaders", sessions, email="d@example.org", given_name="Dulmaa", family_name=""
    )
    auth.login("ann@example.org")
    return client


def compose(client, action="preview", **fields):
    data = {
        "audience": "confirmed",
        "subject": "Slides for {name}",
        "body": "Dear {name},\n\nyour link: {manage_link}\n\n{sessions}",
        "action": action,
        **fields,
    }
    return client.post("/manage/seminars/leaders/messages/", data=data)


def test_preview_counts_and_shows_the_first_recipients_email(signed_in):
    page = compose(signed_in).text
    assert "3 recipients" in page
    assert "As a@example.org will read it" in page
    assert "Slides for Ariunaa" in page
    assert "/r/" in page and "Session 1" in page
    assert 'value="send"' in page
    assert "Send to 3 people" in page


def test_sending_writes_one_email_per_recipient_with_its_own_placeholders(app, signed_in):
    response = compose(signed_in, action="send")
    assert response.status_code == 302
    messages = outbox(app, "message")
    assert sorted(m.to_address for m in messages) == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
    ]
    bold = next(m for m in messages if m.to_address == "b@example.org")
    assert bold.subject == "Slides for Bold"
    link = bold.text_body.split("/r/")[1].split()[0]
    assert signed_in.get(f"/r/{link}").status_code == 200
    assert "Session 2" not in bold.text_body  # Bold chose the first session only
    assert count(app, OrganiserMessage) == 1


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"audience": "waiting_list"}, ["d@example.org"]),
        ({"audience": "country", "country": "KH"}, ["b@example.org"]),
        (
            {"audience": "partners", "subject": "Update", "body": "Dear {name}, thank you."},
            ["vetp@example.org"],
        ),
    ],
    ids=["waiting-list", "country", "partners"],
)
def test_audiences(app, signed_in, fields, expected):
    compose(signed_in, action="send", **fields)
    assert sorted(m.to_address for m in outbox(app, "message")) == expected


def test_a_sessions_audience_is_those_with_a_place_in_it(app, signed_in, seminar):
    second = session_ids(app, seminar.id)[1]
    compose(signed_in, action="send", audience="session", session=str(second))
    assert sorted(m.to_address for m in outbox(app, "message")) == [
        "a@example.org",
        "c@example.org",
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": "Hello {nmae}"}, "Unknown placeholder: {nmae}"),
        ({"body": ""}, "Write the message."),
        ({"subject": ""}, "Enter a subject."),
        (
            {"audience": "partners", "body": "Your link: {manage_link}"},
            "Unknown placeholder: {manage_link}",
        ),
        ({"audience": "country", "country": "FR"}, "Choose one from the list."),
        ({"audience": "everyone"}, "Invalid Choice"),
    ],
    ids=[
        "typo",
        "empty-body",
        "empty-subject",
        "partner-placeholder",
        "country-not-here",
        "bad-audience",
    ],
)
def test_a_wrong_message_is_refused_and_nothing_sent(app, signed_in, fields, message):
    response = compose(signed_in, action="send", **fields)
    assert response.status_code == 200
    assert message in response.text
    assert outbox(app, "message") == []


def test_literal_braces_are_written_doubled(app, signed_in):
    compose(signed_in, action="send", audience="waiting_list", body="Use {{braces}} for {name}")
    (message,) = outbox(app, "message")
    assert "Use {braces} for Dulmaa" in message.text_body


def test_messages_are_for_the_seminars_organisers(client, auth, make_organiser, seminar):
    make_organiser("bat@example.org")
    auth.login("bat@example.org")
    assert client.get("/manage/seminars/leaders/messages/").status_code == 403
