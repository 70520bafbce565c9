"""What partners hear: registrations in their scope only, digests, and the seminar's milestones."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from seminar_reg.extensions import db
from seminar_reg.partners.models import NotificationMode
from seminar_reg.partners.notifications import send_digests, send_milestones
from seminar_reg.registration.models import RegistrationEvent
from seminar_reg.scheduler import run_due_jobs
from seminar_reg.seminars.models import Seminar, SeminarStatus
from tests.registration_helpers import outbox, register, session_ids, token_of


@pytest.fixture
def seminar(app, make_seminar, make_partner, make_institution):
    seminar = make_seminar("leaders", title="TVET Leaders 2030", sessions=2)
    npic = make_institution(
        "National Polytechnic Institute of Cambodia", country="KH", acronym="NPIC"
    )
    make_partner(
        seminar.id,
        "VETP",
        countries=["MN"],
        contacts=["vetp@example.org", "director@vetp.example.org"],
    )
    make_partner(seminar.id, "GIZ", countries=["DE"], contacts=["giz@example.org"])
    make_partner(seminar.id, "NPIC", institutions=[npic], contacts=["npic@example.org"])
    make_partner(
        seminar.id, "UNEVOC", contacts=["unevoc@example.org"], mode=NotificationMode.DAILY_DIGEST
    )
    make_partner(seminar.id, "Silent", contacts=["silent@example.org"], mode=NotificationMode.NONE)
    return seminar


@pytest.fixture
def sessions(app, seminar):
    return session_ids(app, seminar.id)


def partner_mail(app, address):
    return [m for m in outbox(app) if m.to_address == address and m.kind.startswith("partner")]


def test_a_registration_from_mongolia_reaches_the_partner_scoped_to_mongolia_only(
    app, client, seminar, sessions
):
    register(client, "leaders", sessions, given_name="Батбаяр", family_name="Дорж", country="MN")
    (to_vetp,) = partner_mail(app, "vetp@example.org")
    assert len(partner_mail(app, "director@vetp.example.org")) == 1
    text = to_vetp.text_body
    assert "A new registration in your scope" in text
    assert "Батбаяр Дорж" in text and "Darkhan Polytechnic College" in text and "Mongolia" in text
    assert "Session 1" in text and "Session 2" in text and "registered" in text
    assert to_vetp.reply_to == "contact@example.org"
    for address in (
        "giz@example.org",
        "npic@example.org",
        "unevoc@example.org",
        "silent@example.org",
    ):
        assert partner_mail(app, address) == [], address


def test_an_institution_in_scope_is_heard_of_whatever_the_country(app, client, seminar, sessions):
    register(
        client, "leaders", sessions, country="KH", institution_name="NPIC", institution_type=""
    )
    assert len(partner_mail(app, "npic@example.org")) == 1
    assert partner_mail(app, "vetp@example.org") == []


def test_a_partner_without_scope_hears_of_everyone_and_one_with_both_scopes_of_either(
    app, client, make_seminar, make_partner, make_institution
):
    seminar = make_seminar("open", sessions=1)
    npic = make_institution(
        "National Polytechnic Institute of Cambodia", country="KH", acronym="NPIC"
    )
    make_partner(seminar.id, "UNEVOC", contacts=["unevoc@example.org"])
    make_partner(
        seminar.id, "VETP", countries=["MN"], institutions=[npic], contacts=["vetp@example.org"]
    )
    sessions = session_ids(app, seminar.id)
    register(client, "open", sessions, email="mn@example.org", country="MN")
    register(
        client,
        "open",
        sessions,
        email="kh@example.org",
        country="KH",
        institution_name="NPIC",
        institution_type="",
    )
    register(
        client,
        "open",
        sessions,
        email="de@example.org",
        country="DE",
        institution_name="Berufsschule Hamburg",
        institution_type="tvet_institute",
    )
    assert len(partner_mail(app, "unevoc@example.org")) == 3
    heard = [m.subject for m in partner_mail(app, "vetp@example.org")]
    assert len(heard) == 2, heard


def test_changes_and_cancellations_in_scope_are_told_too(app, client, seminar, sessions):
    token = token_of(register(client, "leaders", sessions))
    client.post(f"/r/{token}/sessions", data={"sessions": [str(sessions[0])]})
    client.post(f"/r/{token}/cancel")
    bodies = [m.text_body for m in partner_mail(app, "vetp@example.org")]
    assert len(bodies) == 3
    assert "has changed" in bodies[1]
    assert "is cancelled" in bodies[2]


def test_publishing_tells_each_partner_its_scope_and_mode_once(
    app, client, auth, make_organiser, make_seminar, make_partner
):
    organiser = make_organiser("ann@example.org")
    draft = make_seminar("draft", status=SeminarStatus.DRAFT, organisers=[organiser])
    make_partner(draft.id, "VETP", countries=["MN"], contacts=["vetp@example.org"])
    make_partner(
        draft.id, "UNEVOC", contacts=["unevoc@example.org"], mode=NotificationMode.DAILY_DIGEST
    )
    auth.login("ann@example.org")
    client.post("/manage/seminars/draft/status", data={"target": "published"})
    client.post("/manage/seminars/draft/status", data={"target": "registration_closed"})
    client.post("/manage/seminars/draft/status", data={"target": "published"})
    published = outbox(app, "partner_published")
    assert sorted(m.to_address for m in published) == ["unevoc@example.org", "vetp@example.org"]
    vetp = next(m for m in published if m.to_address == "vetp@example.org")
    assert "Your scope: Mongolia." in vetp.text_body
    assert "an email for each registration" in vetp.text_body
    assert (
        "Your scope: the whole seminar."
        in next(m for m in published if m.to_address == "unevoc@example.org").text_body
    )
    closed = outbox(app, "registration_closed")
    assert sorted(m.to_address for m in closed) == ["unevoc@example.org", "vetp@example.org"]


def shift_events(app, days: int) -> None:
    """Move every registration event back, as if it had happened ``days`` ago."""
    with app.app_context():
        for event in db.session.execute(sa.select(RegistrationEvent)).scalars():
            event.at = event.at - timedelta(days=days)
        db.session.commit()


def run(app, job, now=None):
    with app.app_context():
        return job(now or datetime.now(UTC))


def test_a_daily_digest_lists_the_days_changes_with_totals_once(app, client, seminar, sessions):
    register(client, "leaders", sessions, email="a@example.org", given_name="Ariunaa")
    token = token_of(
        register(
            client,
            "leaders",
            sessions,
            email="b@example.org",
            given_name="Bold",
            country="KH",
            institution_name="NPIC",
            institution_type="",
        )
    )
    register(client, "leaders", sessions, email="c@example.org", given_name="Tsetseg")
    client.post(f"/r/{token}/cancel")
    shift_events(app, 1)
    assert run(app, send_digests) == 1
    assert run(app, send_digests) == 0  # the second run finds the digest sent
    (digest,) = outbox(app, "partner_digest")
    assert digest.to_address == "unevoc@example.org"
    text = digest.text_body
    assert "New (2):" in text and "Cancelled (1):" in text
    assert "Ariunaa" in text and "Tsetseg" in text and "Bold" in text
    assert "Registered in your scope: 2, on the waiting list: 0." in text
    assert "- Mongolia: 2" in text


def test_no_digest_on_a_day_without_changes(app, client, seminar, sessions):
    register(client, "leaders", sessions)
    assert run(app, send_digests) == 0  # today's changes wait for the day to end
    shift_events(app, 5)  # older than the catch-up window
    assert run(app, send_digests) == 0
    assert outbox(app, "partner_digest") == []


def test_a_digest_partner_hears_only_of_its_scope(app, client, make_seminar, make_partner):
    seminar = make_seminar("scoped")
    make_partner(
        seminar.id,
        "GIZ",
        countries=["DE"],
        contacts=["giz@example.org"],
        mode=NotificationMode.DAILY_DIGEST,
    )
    sessions = session_ids(app, seminar.id)
    register(client, "scoped", sessions, country="MN")
    shift_events(app, 1)
    assert run(app, send_digests) == 0
    assert outbox(app, "partner_digest") == []


def test_milestones_are_sent_once_when_registration_closes_and_after_the_last_session(
    app, client, seminar, sessions
):
    register(client, "leaders", sessions)
    assert run(app, send_milestones) == 0
    with app.app_context():
        stored = db.session.get(Seminar, seminar.id)
        closes, ends = stored.registration_closes_at, stored.ends_at
    after_closing = closes + timedelta(minutes=1)
    assert run(app, send_milestones, after_closing) == 5
    assert run(app, send_milestones, after_closing) == 0
    closed = outbox(app, "registration_closed")
    vetp = next(m for m in closed if m.to_address == "vetp@example.org")
    assert "Registered in your scope: 1" in vetp.text_body
    giz = next(m for m in closed if m.to_address == "giz@example.org")
    assert "Registered in your scope: 0" in giz.text_body and "Darkhan" not in giz.text_body
    assert run(app, send_milestones, ends + timedelta(minutes=1)) == 5
    assert len(outbox(app, "final_summary")) == 6  # VETP has two contacts


def test_the_scheduler_runs_every_job_and_twice_sends_nothing_new(app, client, seminar, sessions):
    register(client, "leaders", sessions)
    shift_events(app, 1)
    first = run(app, run_due_jobs)
    second = run(app, run_due_jobs)
    assert (first.digests, second.digests) == (1, 0)


def test_on_the_demo_a_mongolian_registration_reaches_vetp_and_the_digest_counts_it(
    app, client, runner
):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        seminar_id = db.session.execute(
            sa.select(Seminar.id).where(Seminar.slug == "demo-tvet-leadership-ai")
        ).scalar_one()
    sessions = session_ids(app, seminar_id)
    register(
        client,
        "demo-tvet-leadership-ai",
        sessions,
        email="new@example.mn",
        institution_name="PCET",
        institution_type="",
    )
    immediate = outbox(app, "partner_registration")
    assert [m.to_address for m in immediate] == ["secretariat@vetp.demo.example"]
    shift_events(app, 1)
    assert (
        run(app, send_digests) == 2
    )  # the Shenzhen centre (whole seminar) and UNESCO Beijing (MN)
    digests = {m.to_address: m.text_body for m in outbox(app, "partner_digest")}
    assert set(digests) == {
        "unevoc-centre@szpt.demo.example",
        "beijing-education@unesco.demo.example",
    }
    beijing = digests["beijing-education@unesco.demo.example"]
    assert "New (1):" in beijing and "Polytechnic College of Engineering and Technology" in beijing
    assert "Registered in your scope: 29, on the waiting list: 0." in beijing
