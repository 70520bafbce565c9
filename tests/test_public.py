"""Public pages: the list of seminars and a seminar's page with its programme."""

import re
from datetime import UTC, datetime, timedelta

from seminar_reg.extensions import db
from seminar_reg.partners.models import PartnerRole
from seminar_reg.seminars.models import Seminar, SeminarSession, SeminarStatus


def test_home_lists_upcoming_seminars_soonest_first_then_past_ones(client, make_seminar):
    now = datetime.now(UTC)
    make_seminar("later", title="Later seminar", starts_in=timedelta(days=60))
    make_seminar("sooner", title="Sooner seminar", starts_in=timedelta(days=10))
    make_seminar(
        "old",
        title="Old seminar",
        status=SeminarStatus.ARCHIVED,
        starts_in=timedelta(days=-300),
        registration_opens_at=now - timedelta(days=400),
        registration_closes_at=now - timedelta(days=301),
    )
    page = client.get("/").text
    assert page.index("Sooner seminar") < page.index("Later seminar") < page.index("Old seminar")
    assert page.index("Upcoming") < page.index("Sooner seminar")
    assert page.index("Past") < page.index("Old seminar")


def test_drafts_are_not_public(client, make_seminar):
    make_seminar("secret", title="Secret draft", status=SeminarStatus.DRAFT)
    assert "Secret draft" not in client.get("/").text
    assert client.get("/seminars/secret/").status_code == 404


def test_seminar_page_shows_the_programme_day_by_day_in_the_seminar_zone(app, client, make_seminar):
    seminar = make_seminar("leaders", sessions=0, timezone="Asia/Ulaanbaatar")
    with app.app_context():
        stored = db.session.get(Seminar, seminar.id)
        # 14:00-14:30 and 14:30-17:30 on 18 April, 14:00-16:30 on 19 April in Ulaanbaatar (UTC+8).
        for number, (start, end) in enumerate(
            [
                ("2031-04-18 06:00", "2031-04-18 06:30"),
                ("2031-04-18 06:30", "2031-04-18 09:30"),
                ("2031-04-19 06:00", "2031-04-19 08:30"),
            ],
            start=1,
        ):
            stored.sessions.append(
                SeminarSession(
                    position=number,
                    title=f"Part {number}",
                    starts_at=datetime.fromisoformat(start).replace(tzinfo=UTC),
                    ends_at=datetime.fromisoformat(end).replace(tzinfo=UTC),
                    join_url=f"https://meet.example.org/secret-{number}",
                )
            )
        stored.registration_closes_at = datetime(2031, 4, 17, tzinfo=UTC)
        db.session.commit()
    page = client.get("/seminars/leaders/").text
    assert "Friday, April 18, 2031" in page and "Saturday, April 19, 2031" in page
    assert (
        page.index("Friday, April 18, 2031")
        < page.index("Part 2")
        < page.index("Saturday, April 19, 2031")
    )
    assert "14:00–14:30" in page and "14:30–17:30" in page and "14:00–16:30" in page
    assert "Ulaanbaatar (GMT+08:00)" in page
    assert 'datetime="2031-04-18T06:00:00+00:00"' in page
    assert 'data-zone="Asia/Ulaanbaatar"' in page


def test_join_links_are_never_on_the_public_page(client, make_seminar):
    make_seminar("leaders")
    page = client.get("/seminars/leaders/").text
    assert "meet.example.org" not in page


def test_summer_time_is_labelled_with_its_own_offset(client, make_seminar):
    make_seminar("bonn", timezone="Europe/Berlin", starts_in=timedelta(days=20))
    page = client.get("/seminars/bonn/").text
    assert "Berlin (CET, GMT+01:00)" in page or "Berlin (CEST, GMT+02:00)" in page


def test_seminar_page_shows_registration_state_speakers_and_partners(
    app, client, make_seminar, make_speaker, make_partner
):
    seminar = make_seminar("leaders", title="Leaders seminar")
    with app.app_context():
        first_session = db.session.get(Seminar, seminar.id).sessions[0].id
    make_speaker(
        first_session, "Батбаяр Должин", title="Director", organisation="VETP", country="MN"
    )
    make_partner(seminar.id, "Vocational Education Training Partnership")
    page = client.get("/seminars/leaders/").text
    assert "Registration is open until" in page
    assert "Батбаяр Должин" in page and "Mongolia" in page
    assert "Vocational Education Training Partnership" in page
    assert "Co-organiser" in page


def test_registration_not_yet_open_says_when_it_opens(client, make_seminar):
    now = datetime.now(UTC)
    make_seminar(
        "soon",
        registration_opens_at=now + timedelta(days=2),
        registration_closes_at=now + timedelta(days=10),
    )
    page = client.get("/seminars/soon/").text
    assert "Registration opens on" in page
    assert "Registration opens soon" in page


def test_description_and_names_are_shown_escaped(app, client, make_seminar):
    seminar = make_seminar("leaders", title="<script>alert('title')</script>")
    with app.app_context():
        db.session.get(
            Seminar, seminar.id
        ).description = "<img src=x onerror=alert(1)>\n\nSecond paragraph"
        db.session.commit()
    page = client.get("/seminars/leaders/").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<p>Second paragraph</p>" in page


def test_pages_carry_no_inline_script_and_no_external_assets(client, make_seminar):
    make_seminar("leaders")
    for url in ("/", "/seminars/leaders/", "/login"):
        page = client.get(url).text
        assert "<script>" not in page
        assets = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', page)
        assert assets and all(asset.startswith("/static/") for asset in assets), assets


def test_the_privacy_notice_names_who_sees_the_data(client, make_seminar, make_partner):
    seminar = make_seminar("leaders")
    make_partner(seminar.id, "UNESCO-UNEVOC")
    giz = "Deutsche Gesellschaft für Internationale Zusammenarbeit"
    make_partner(seminar.id, giz, role=PartnerRole.FUNDER)
    page = client.get("/seminars/leaders/register").text
    assert "It is seen by the organisers: UNESCO-UNEVOC." in page
    assert f"{giz}." in page
