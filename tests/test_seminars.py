"""Seminar management: the forms, sessions and speakers, status changes, who may manage what."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import selectinload

from seminar_reg.accounts.models import Organiser
from seminar_reg.extensions import db
from seminar_reg.seminars.models import Seminar, SeminarSession, SeminarStatus, Speaker


def seminar_form(**overrides) -> dict:
    return {
        "title": "Digital and Green Transitions",
        "slug": "",
        "description": "For TVET leaders.\n\nTwo days online.",
        "format": "online",
        "venue": "",
        "timezone": "Asia/Ulaanbaatar",
        "registration_opens_at": "2030-03-01T09:00",
        "registration_closes_at": "2030-04-17T18:00",
        "capacity": "250",
        "contact_email": "Unevoc@Example.org",
        "certificate_threshold_type": "share_of_sessions",
        "certificate_threshold_value": "75",
        "presence_share": "50",
        "reminders": "24, 1",
        **overrides,
    }


def session_form(**overrides) -> dict:
    return {
        "title": "Opening session",
        "theme": "Opening",
        "description": "",
        "starts_at": "2030-04-18T14:00",
        "ends_at": "2030-04-18T14:30",
        "join_url": "https://meet.example.org/j/1",
        "capacity": "",
        **overrides,
    }


def stored_seminar(app, slug) -> Seminar | None:
    """The seminar as stored, with its sessions, speakers, partners and organisers loaded."""
    with app.app_context():
        seminar = db.session.execute(
            db.select(Seminar)
            .where(Seminar.slug == slug)
            .options(
                selectinload(Seminar.sessions).selectinload(SeminarSession.speakers),
                selectinload(Seminar.partners),
                selectinload(Seminar.organisers),
            )
        ).scalar_one_or_none()
        db.session.expunge_all()
        return seminar


@pytest.fixture
def organiser(make_organiser, auth):
    organiser = make_organiser("ann@example.org")
    auth.login("ann@example.org")
    return organiser


def test_organiser_creates_a_draft_seminar_they_manage(app, client, organiser):
    response = client.post("/manage/seminars/new", data=seminar_form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/seminars/digital-and-green-transitions/"
    seminar = stored_seminar(app, "digital-and-green-transitions")
    assert seminar.status == SeminarStatus.DRAFT
    assert seminar.contact_email == "unevoc@example.org"
    assert seminar.description == "For TVET leaders.\n\nTwo days online."
    assert [o.email for o in seminar.organisers] == ["ann@example.org"]
    # 09:00 in Ulaanbaatar (UTC+8) is 01:00 UTC.
    assert seminar.registration_opens_at == datetime(2030, 3, 1, 1, 0, tzinfo=UTC)


def test_seminar_title_is_stored_in_nfc_and_trimmed(app, client, organiser):
    decomposed = "Су\u0308мбэр  seminar "  # combining diaeresis, double space, trailing space
    client.post("/manage/seminars/new", data=seminar_form(title=decomposed, slug="sumber"))
    assert stored_seminar(app, "sumber").title == "Сӱмбэр seminar"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Enter a title."),
        ({"title": "x" * 301}, "Field cannot be longer than 300 characters."),
        ({"title": "Bad\x00title"}, "Remove the invisible control characters"),
        ({"timezone": "Mars/Olympus_Mons"}, "Not a valid choice"),
        ({"registration_closes_at": "2030-02-01T09:00"}, "Registration must close after it opens."),
        ({"registration_opens_at": "not a date"}, "Not a valid datetime value."),
        ({"contact_email": "unevoc at example"}, "Enter a valid email address"),
        ({"capacity": "0"}, "Number must be between 1 and 1000000."),
        ({"capacity": "many"}, "Not a valid integer value."),
        ({"certificate_threshold_value": "120"}, "at most 100 percent"),
        ({"title": "中文研讨会"}, "Enter a short address in Latin letters"),
        ({"slug": "Has Spaces!"}, "Use only letters a–z, digits and single hyphens."),
        ({"format": "telepathy"}, "Invalid Choice"),
        # 02:30 on 30 March 2031 does not happen in Berlin: the clocks jump from 02:00 to 03:00.
        (
            {"timezone": "Europe/Berlin", "registration_opens_at": "2031-03-30T02:30"},
            "This time does not exist in Europe/Berlin",
        ),
    ],
    ids=[
        "empty-title",
        "long-title",
        "nul",
        "unknown-zone",
        "closes-before-opens",
        "bad-date",
        "bad-email",
        "zero-capacity",
        "text-capacity",
        "threshold-over-100",
        "no-latin-slug",
        "bad-slug",
        "bad-format",
        "dst-gap",
    ],
)
def test_seminar_form_refuses_bad_input_and_stores_nothing(
    app, client, organiser, overrides, message
):
    response = client.post("/manage/seminars/new", data=seminar_form(**overrides))
    assert response.status_code == 200
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Seminar)) == 0


def test_minutes_threshold_may_exceed_100(app, client, organiser):
    client.post(
        "/manage/seminars/new",
        data=seminar_form(certificate_threshold_type="minutes", certificate_threshold_value="240"),
    )
    assert stored_seminar(app, "digital-and-green-transitions").certificate_threshold_value == 240


def test_duplicate_slug_is_refused(client, organiser, make_seminar):
    make_seminar("digital-and-green-transitions")
    response = client.post("/manage/seminars/new", data=seminar_form())
    assert "Another seminar has this address already." in response.text


def test_edit_keeps_its_own_slug_and_shows_local_times(app, client, organiser, make_seminar):
    seminar = make_seminar("leaders-2030", organisers=[organiser])
    page = client.get("/manage/seminars/leaders-2030/edit")
    opens_local = seminar.registration_opens_at.astimezone(seminar.zone).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{opens_local}"' in page.text
    response = client.post(
        "/manage/seminars/leaders-2030/edit",
        data=seminar_form(title="Leaders 2030", slug="leaders-2030"),
    )
    assert response.status_code == 302
    assert stored_seminar(app, "leaders-2030").title == "Leaders 2030"


def test_session_times_are_entered_in_the_seminar_zone_and_stored_in_utc(
    app, client, organiser, make_seminar
):
    make_seminar("leaders", sessions=0, timezone="Asia/Ulaanbaatar", organisers=[organiser])
    response = client.post("/manage/seminars/leaders/sessions/new", data=session_form())
    assert response.status_code == 302
    (session,) = stored_seminar(app, "leaders").sessions
    assert session.position == 1
    assert session.starts_at == datetime(2030, 4, 18, 6, 0, tzinfo=UTC)
    assert session.ends_at == datetime(2030, 4, 18, 6, 30, tzinfo=UTC)


def test_session_across_a_dst_change_keeps_its_real_length(app, client, organiser, make_seminar):
    make_seminar("berlin", sessions=0, timezone="Europe/Berlin", organisers=[organiser])
    # The night of 26 October 2031, Berlin's clocks go back from 03:00 to 02:00.
    client.post(
        "/manage/seminars/berlin/sessions/new",
        data=session_form(starts_at="2031-10-25T23:00", ends_at="2031-10-26T04:00"),
    )
    (session,) = stored_seminar(app, "berlin").sessions
    assert session.ends_at - session.starts_at == timedelta(hours=6)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_at": "2030-04-18T13:00"}, "A session must end after it starts."),
        ({"ends_at": "2030-04-18T14:00"}, "A session must end after it starts."),
        ({"title": ""}, "Enter a title."),
        ({"join_url": "meet.example.org/j/1"}, "Enter a full link starting with https://"),
        ({"join_url": "javascript:alert(1)"}, "Enter a full link starting with https://"),
        ({"capacity": "-5"}, "Number must be between 1 and 1000000."),
        ({"starts_at": ""}, "Enter a date and time."),
    ],
    ids=[
        "ends-before",
        "zero-length",
        "no-title",
        "relative-link",
        "script-link",
        "negative",
        "no-start",
    ],
)
def test_session_form_refuses_bad_input(app, client, organiser, make_seminar, overrides, message):
    make_seminar("leaders", sessions=0, organisers=[organiser])
    response = client.post("/manage/seminars/leaders/sessions/new", data=session_form(**overrides))
    assert response.status_code == 200
    assert message in response.text
    assert stored_seminar(app, "leaders").sessions == []


def test_sessions_are_reordered_and_renumbered_after_delete(app, client, organiser, make_seminar):
    seminar = make_seminar("leaders", sessions=3, organisers=[organiser])
    ids = [s.id for s in stored_seminar(app, "leaders").sessions]
    client.post(f"/manage/seminars/leaders/sessions/{ids[2]}/move", data={"direction": "up"})
    assert [s.id for s in stored_seminar(app, "leaders").sessions] == [ids[0], ids[2], ids[1]]
    client.post(f"/manage/seminars/leaders/sessions/{ids[0]}/delete")
    sessions = stored_seminar(app, "leaders").sessions
    assert [(s.id, s.position) for s in sessions] == [(ids[2], 1), (ids[1], 2)]
    assert seminar.id


def test_published_seminar_keeps_its_last_session(app, client, organiser, make_seminar):
    make_seminar("leaders", sessions=1, organisers=[organiser])
    (session,) = stored_seminar(app, "leaders").sessions
    response = client.post(
        f"/manage/seminars/leaders/sessions/{session.id}/delete", follow_redirects=True
    )
    assert "A published seminar keeps at least one session." in response.text
    assert len(stored_seminar(app, "leaders").sessions) == 1


def test_session_of_another_seminar_is_404(client, organiser, make_seminar):
    make_seminar("leaders", organisers=[organiser])
    other = make_seminar("other", organisers=[organiser])
    other_session_id = other.id  # any id that is not one of leaders' sessions
    with client.application.app_context():
        other_session_id = (
            db.session.execute(
                db.select(SeminarSession.id).where(SeminarSession.seminar_id == other.id)
            )
            .scalars()
            .first()
        )
    assert client.get(f"/manage/seminars/leaders/sessions/{other_session_id}").status_code == 404


def test_speakers_are_added_edited_moved_and_removed(app, client, organiser, make_seminar):
    make_seminar("leaders", sessions=1, organisers=[organiser])
    (session,) = stored_seminar(app, "leaders").sessions
    base = f"/manage/seminars/leaders/sessions/{session.id}/speakers"
    for name in ("Батбаяр Должин", "王芳"):
        response = client.post(
            f"{base}/new",
            data={
                "name": name,
                "title": "Director",
                "organisation": "VETP",
                "country": "MN",
                "presentation_title": "Greening TVET",
            },
        )
        assert response.status_code == 302
    first, second = stored_seminar(app, "leaders").sessions[0].speakers
    assert (first.name, first.country) == ("Батбаяр Должин", "MN")
    client.post(f"{base}/{second.id}/move", data={"direction": "up"})
    assert [s.name for s in stored_seminar(app, "leaders").sessions[0].speakers] == [
        "王芳",
        "Батбаяр Должин",
    ]
    client.post(f"{base}/{first.id}", data={"name": "Dr. Batbayar", "country": ""})
    client.post(f"{base}/{second.id}/delete")
    (speaker,) = stored_seminar(app, "leaders").sessions[0].speakers
    assert (speaker.name, speaker.country, speaker.position) == ("Dr. Batbayar", None, 1)


def test_speaker_with_unknown_country_is_refused(app, client, organiser, make_seminar):
    make_seminar("leaders", sessions=1, organisers=[organiser])
    (session,) = stored_seminar(app, "leaders").sessions
    response = client.post(
        f"/manage/seminars/leaders/sessions/{session.id}/speakers/new",
        data={"name": "X", "country": "XX"},
    )
    assert "Not a valid choice" in response.text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Speaker)) == 0


def change_status(client, slug, target):
    return client.post(
        f"/manage/seminars/{slug}/status", data={"target": target}, follow_redirects=True
    )


def test_publishing_needs_a_session(app, client, organiser, make_seminar):
    make_seminar("leaders", status=SeminarStatus.DRAFT, sessions=0, organisers=[organiser])
    response = change_status(client, "leaders", "published")
    assert "Add at least one session before publishing." in response.text
    assert stored_seminar(app, "leaders").status == SeminarStatus.DRAFT


def test_publishing_refuses_a_registration_closing_after_the_seminar(
    app, client, organiser, make_seminar
):
    make_seminar(
        "leaders",
        status=SeminarStatus.DRAFT,
        registration_closes_at=datetime.now(UTC) + timedelta(days=400),
        organisers=[organiser],
    )
    response = change_status(client, "leaders", "published")
    assert "Registration closes after the last session ends" in response.text


def test_publishing_refuses_a_registration_that_already_closed(
    app, client, organiser, make_seminar
):
    now = datetime.now(UTC)
    make_seminar(
        "leaders",
        status=SeminarStatus.DRAFT,
        registration_opens_at=now - timedelta(days=10),
        registration_closes_at=now - timedelta(days=1),
        organisers=[organiser],
    )
    assert (
        "Registration would already be closed" in change_status(client, "leaders", "published").text
    )


def test_status_goes_from_draft_to_archived(app, client, organiser, make_seminar):
    make_seminar("leaders", status=SeminarStatus.DRAFT, organisers=[organiser])
    assert "The seminar is now published." in change_status(client, "leaders", "published").text
    assert stored_seminar(app, "leaders").published_at is not None
    assert "now registration closed" in change_status(client, "leaders", "registration_closed").text
    assert "now published" in change_status(client, "leaders", "published").text  # reopened
    change_status(client, "leaders", "registration_closed")
    response = change_status(client, "leaders", "archived")
    assert "The seminar has sessions still ahead; close registration instead." in response.text
    assert stored_seminar(app, "leaders").status == SeminarStatus.REGISTRATION_CLOSED


def test_past_seminar_is_archived(app, client, organiser, make_seminar):
    now = datetime.now(UTC)
    make_seminar(
        "past",
        status=SeminarStatus.REGISTRATION_CLOSED,
        starts_in=timedelta(days=-30),
        registration_opens_at=now - timedelta(days=60),
        registration_closes_at=now - timedelta(days=31),
        organisers=[organiser],
    )
    assert "The seminar is now archived." in change_status(client, "past", "archived").text
    assert "cannot become" in change_status(client, "past", "published").text


@pytest.mark.parametrize("target", ["draft", "nonsense", ""])
def test_status_change_to_an_impossible_status_is_refused(
    app, client, organiser, make_seminar, target
):
    make_seminar("leaders", organisers=[organiser])
    response = change_status(client, "leaders", target)
    assert response.status_code == 200
    assert stored_seminar(app, "leaders").status == SeminarStatus.PUBLISHED


def test_overview_explains_why_a_status_change_is_not_possible(client, organiser, make_seminar):
    make_seminar("leaders", status=SeminarStatus.DRAFT, sessions=0, organisers=[organiser])
    page = client.get("/manage/seminars/leaders/")
    assert "Add at least one session before publishing." in page.text
    assert "disabled" in page.text


MANAGEMENT_PAGES = [
    "/manage/seminars/{slug}/",
    "/manage/seminars/{slug}/edit",
    "/manage/seminars/{slug}/sessions/new",
    "/manage/seminars/{slug}/sessions/{session_id}",
    "/manage/seminars/{slug}/sessions/{session_id}/speakers/new",
    "/manage/seminars/{slug}/team",
    "/manage/seminars/{slug}/partners/new",
]
MANAGEMENT_ACTIONS = [
    "/manage/seminars/{slug}/status",
    "/manage/seminars/{slug}/sessions/{session_id}/delete",
    "/manage/seminars/{slug}/sessions/{session_id}/move",
]


@pytest.fixture
def someone_elses_seminar(app, make_organiser, make_seminar):
    owner = make_organiser("owner@example.org")
    seminar = make_seminar("theirs", organisers=[owner])
    with app.app_context():
        session_id = (
            db.session.execute(
                db.select(SeminarSession.id).where(SeminarSession.seminar_id == seminar.id)
            )
            .scalars()
            .first()
        )
    return {"slug": seminar.slug, "session_id": session_id}


def test_organiser_cannot_open_a_seminar_not_assigned_to_them(
    client, organiser, someone_elses_seminar
):
    for page in MANAGEMENT_PAGES:
        assert client.get(page.format(**someone_elses_seminar)).status_code == 403, page
    for action in MANAGEMENT_ACTIONS:
        assert client.post(action.format(**someone_elses_seminar)).status_code == 403, action


def test_organiser_dashboard_lists_only_their_seminars(
    client, organiser, make_seminar, someone_elses_seminar
):
    make_seminar("mine", title="My own seminar", organisers=[organiser])
    page = client.get("/manage/").text
    assert "My own seminar" in page
    assert "/manage/seminars/theirs/" not in page


def test_admin_manages_every_seminar(client, auth, make_organiser, someone_elses_seminar):
    make_organiser("admin@example.org", admin=True)
    auth.login("admin@example.org")
    for page in MANAGEMENT_PAGES:
        assert client.get(page.format(**someone_elses_seminar)).status_code == 200, page
    assert "/manage/seminars/theirs/" in client.get("/manage/").text


def test_unknown_seminar_is_404_for_everyone(client, auth, make_organiser):
    make_organiser("admin@example.org", admin=True)
    auth.login("admin@example.org")
    assert client.get("/manage/seminars/no-such-seminar/").status_code == 404
    assert client.get("/seminars/no-such-seminar/").status_code == 404


def test_team_members_are_added_and_removed(app, client, organiser, make_organiser, make_seminar):
    make_seminar("leaders", organisers=[organiser])
    colleague = make_organiser("bat@example.org", name="Batbayar")
    response = client.post("/manage/seminars/leaders/team", data={"organiser_id": colleague.id})
    assert response.status_code == 302
    assert {o.email for o in stored_seminar(app, "leaders").organisers} == {
        "ann@example.org",
        "bat@example.org",
    }
    assert (
        client.post("/manage/seminars/leaders/team", data={"organiser_id": 999}).status_code == 200
    )
    client.post(f"/manage/seminars/leaders/team/{colleague.id}/remove")
    assert [o.email for o in stored_seminar(app, "leaders").organisers] == ["ann@example.org"]
    with app.app_context():
        assert db.session.get(Organiser, colleague.id) is not None
