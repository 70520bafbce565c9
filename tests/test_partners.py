"""A seminar's partners: contacts, scope by countries and institutions, notification mode."""

import pytest
from sqlalchemy.orm import selectinload

from seminar_reg.extensions import db
from seminar_reg.partners.models import NotificationMode, Partner, PartnerRole


@pytest.fixture
def seminar(make_organiser, make_seminar, auth):
    organiser = make_organiser("ann@example.org")
    auth.login("ann@example.org")
    return make_seminar("leaders", organisers=[organiser])


def partner_form(**overrides) -> dict:
    return {
        "organisation": "Vocational Education Training Partnership (VETP)",
        "role": "co_organiser",
        "country": "MN",
        "website": "https://vetp.example.org",
        "contact_emails": "Secretariat@vetp.example.org\n director@vetp.example.org, ",
        "scope_countries": ["MN"],
        "notification_mode": "daily_digest",
        **overrides,
    }


def stored_partners(app, seminar_id) -> list[Partner]:
    with app.app_context():
        partners = (
            db.session.execute(
                db.select(Partner)
                .where(Partner.seminar_id == seminar_id)
                .order_by(Partner.position)
                .options(selectinload(Partner.scope_institutions))
            )
            .scalars()
            .all()
        )
        db.session.expunge_all()
        return partners


def test_partner_is_added_with_contacts_scope_and_mode(app, client, seminar, make_institution):
    institution = make_institution("Darkhan Polytechnic College", country="MN")
    response = client.post(
        "/manage/seminars/leaders/partners/new",
        data=partner_form(scope_institutions=[str(institution.id)]),
    )
    assert response.status_code == 302
    (partner,) = stored_partners(app, seminar.id)
    assert partner.role == PartnerRole.CO_ORGANISER
    assert partner.contact_emails == ["secretariat@vetp.example.org", "director@vetp.example.org"]
    assert partner.scope_countries == ["MN"]
    assert [i.name for i in partner.scope_institutions] == ["Darkhan Polytechnic College"]
    assert partner.notification_mode == NotificationMode.DAILY_DIGEST
    assert not partner.covers_whole_seminar


def test_partner_without_scope_covers_the_whole_seminar(app, client, seminar):
    client.post("/manage/seminars/leaders/partners/new", data=partner_form(scope_countries=[]))
    (partner,) = stored_partners(app, seminar.id)
    assert partner.covers_whole_seminar
    assert "Whole seminar" in client.get("/manage/seminars/leaders/").text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"contact_emails": "vetp at example\nok@example.org"},
            "These are not email addresses: vetp",
        ),
        ({"scope_countries": ["MN", "XX"]}, "&#39;XX&#39; is not a valid choice"),
        ({"scope_institutions": ["99999"]}, "&#39;99999&#39; is not a valid choice"),
        ({"organisation": ""}, "Enter the organisation&#39;s name."),
        ({"country": "ZZ"}, "Not a valid choice"),
        ({"role": "sponsor"}, "Invalid Choice"),
        ({"website": "vetp.example.org"}, "Enter a full link starting with https://"),
    ],
    ids=[
        "bad-email",
        "unknown-country",
        "unknown-institution",
        "no-name",
        "bad-country",
        "bad-role",
        "bad-website",
    ],
)
def test_partner_form_refuses_bad_input(app, client, seminar, overrides, message):
    response = client.post("/manage/seminars/leaders/partners/new", data=partner_form(**overrides))
    assert response.status_code == 200
    assert message in response.text
    assert stored_partners(app, seminar.id) == []


def test_partner_is_edited_and_its_form_shows_what_is_stored(app, client, seminar, make_partner):
    partner = make_partner(
        seminar.id, "GIZ", countries=["DE"], contacts=["a@giz.example.org", "b@giz.example.org"]
    )
    page = client.get(f"/manage/seminars/leaders/partners/{partner.id}").text
    assert "a@giz.example.org\nb@giz.example.org</textarea>" in page
    client.post(
        f"/manage/seminars/leaders/partners/{partner.id}",
        data=partner_form(
            organisation="GIZ Mongolia", scope_countries=["DE", "MN"], notification_mode="none"
        ),
    )
    (stored,) = stored_partners(app, seminar.id)
    assert (stored.organisation, stored.scope_countries) == ("GIZ Mongolia", ["DE", "MN"])
    assert stored.notification_mode == NotificationMode.NONE


def test_removing_a_partner_renumbers_the_rest(app, client, seminar, make_partner):
    first = make_partner(seminar.id, "VETP")
    make_partner(seminar.id, "GIZ")
    client.post(f"/manage/seminars/leaders/partners/{first.id}/delete")
    assert [(p.organisation, p.position) for p in stored_partners(app, seminar.id)] == [("GIZ", 1)]


def test_partner_of_another_seminar_is_404(client, seminar, make_seminar, make_partner):
    other = make_seminar("other")
    partner = make_partner(other.id, "UNESCO Beijing")
    assert client.get(f"/manage/seminars/leaders/partners/{partner.id}").status_code == 404
    assert client.post(f"/manage/seminars/leaders/partners/{partner.id}/delete").status_code == 404


def test_deleting_an_institution_leaves_partners_intact(
    app, seminar, make_institution, make_partner
):
    institution = make_institution()
    make_partner(seminar.id, "VETP", institutions=[institution])
    with app.app_context():
        from seminar_reg.institutions.models import Institution

        db.session.delete(db.session.get(Institution, institution.id))
        db.session.commit()
    (partner,) = stored_partners(app, seminar.id)
    assert partner.scope_institutions == []


def test_rejected_input_is_shown_escaped_in_the_error(client, seminar):
    response = client.post(
        "/manage/seminars/leaders/partners/new",
        data=partner_form(contact_emails="<script>alert(1)</script>"),
    )
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
