"""Institutions: one per normalised name and country, found by acronym, listed, merged."""

import pytest

from seminar_reg.extensions import db
from seminar_reg.institutions.models import Institution
from seminar_reg.institutions.services import find_match
from seminar_reg.partners.models import Partner
from seminar_reg.text import fold


@pytest.fixture
def organiser(make_organiser, auth):
    organiser = make_organiser("ann@example.org")
    auth.login("ann@example.org")
    return organiser


def institution_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Institution))


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        (
            " Polytechnic College of Engineering and Technology ",
            "polytechnic college of engineering and technology",
        ),
        ("PÓLYTECHNIC  college", "polytechnic college"),
        ("Darkhan-Uul Polytechnic", "darkhan uul polytechnic"),
        ("Монгол Улсын Их Сургууль", "монгол улсын их сургууль"),
        ("深圳职业技术大学", "深圳职业技术大学"),
    ],
)
def test_fold_ignores_case_accents_punctuation_and_spacing(typed, folded):
    assert fold(typed) == folded


def test_institution_is_found_by_name_or_acronym_whatever_the_spelling(app, make_institution):
    make_institution("Polytechnic College of Engineering and Technology", acronym="PCET")
    with app.app_context():
        for typed in (
            "PCET",
            "pcet",
            "Polytechnic College of Engineering and Technology ",
            "POLYTECHNIC college of engineering, and technology",
        ):
            match = find_match("MN", typed)
            assert match is not None and match.acronym == "PCET", typed
        assert find_match("KH", "PCET") is None
        assert find_match("MN", "Polytechnic College") is None


def test_organiser_adds_an_institution(app, client, organiser):
    response = client.post(
        "/manage/institutions/new",
        data={
            "name": "Erdenet Polytechnic College",
            "acronym": "EPC",
            "country": "MN",
            "type": "tvet_institute",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        institution = db.session.execute(db.select(Institution)).scalar_one()
        assert (institution.normalised_name, institution.normalised_acronym) == (
            "erdenet polytechnic college",
            "epc",
        )


@pytest.mark.parametrize(
    "name",
    ["erdenet polytechnic college", "EPC", " Erdenet  Polytechnic College "],
    ids=["case", "acronym", "spaces"],
)
def test_a_second_spelling_of_a_known_institution_is_refused(
    app, client, organiser, make_institution, name
):
    make_institution("Erdenet Polytechnic College", acronym="EPC")
    response = client.post(
        "/manage/institutions/new", data={"name": name, "country": "MN", "type": "tvet_institute"}
    )
    assert "This is already known as “Erdenet Polytechnic College (EPC)”." in response.text
    assert institution_count(app) == 1


def test_the_same_name_in_another_country_is_another_institution(
    app, client, organiser, make_institution
):
    make_institution("National Polytechnic Institute", country="KH")
    client.post(
        "/manage/institutions/new",
        data={"name": "National Polytechnic Institute", "country": "MN", "type": "tvet_institute"},
    )
    assert institution_count(app) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"name": "", "country": "MN", "type": "tvet_institute"},
            "Enter the institution&#39;s name.",
        ),
        ({"name": "X", "country": "", "type": "tvet_institute"}, "Choose a country."),
        ({"name": "X", "country": "XX", "type": "tvet_institute"}, "Not a valid choice"),
        ({"name": "X", "country": "MN", "type": "castle"}, "Invalid Choice"),
        (
            {"name": "X", "acronym": "A" * 41, "country": "MN", "type": "other"},
            "Field cannot be longer than 40",
        ),
    ],
    ids=["no-name", "no-country", "unknown-country", "bad-type", "long-acronym"],
)
def test_institution_form_refuses_bad_input(app, client, organiser, data, message):
    response = client.post("/manage/institutions/new", data=data)
    assert response.status_code == 200
    assert message in response.text
    assert institution_count(app) == 0


def test_institution_is_renamed_but_not_onto_another(app, client, organiser, make_institution):
    first = make_institution("Erdenet Polytechnic College")
    make_institution("Darkhan Polytechnic College")
    data = {
        "name": "Erdenet Polytechnic College",
        "acronym": "EPC",
        "country": "MN",
        "type": "tvet_institute",
    }
    assert client.post(f"/manage/institutions/{first.id}", data=data).status_code == 302
    data["name"] = "Darkhan Polytechnic College"
    assert "already known as" in client.post(f"/manage/institutions/{first.id}", data=data).text


def test_list_filters_by_country_and_searches_without_accents(client, organiser, make_institution):
    make_institution("Bayan-Ölgii Polytechnic College")
    make_institution("Khovd Vocational Centre")
    make_institution("Institut de Technologie du Cambodge", country="KH")
    page = client.get("/manage/institutions/", query_string={"q": "olgii"}).text
    assert "Bayan-Ölgii Polytechnic College" in page and "Khovd" not in page
    page = client.get("/manage/institutions/", query_string={"country": "KH"}).text
    assert "Institut de Technologie du Cambodge" in page and "Khovd" not in page


def test_nonsense_country_filter_is_ignored_with_a_message(client, organiser, make_institution):
    make_institution("Khovd Vocational Centre")
    page = client.get("/manage/institutions/", query_string={"country": "Narnia", "page": "x"})
    assert page.status_code == 200
    assert "is not a country code; showing every country" in page.text
    assert "Khovd Vocational Centre" in page.text


def test_merge_moves_partner_scopes_and_removes_the_duplicate(
    app, client, organiser, make_seminar, make_institution, make_partner
):
    seminar = make_seminar("leaders")
    keep = make_institution("Polytechnic College of Engineering and Technology")
    duplicate = make_institution("Polytechnical College of Eng. and Tech.", acronym="PCET")
    make_partner(seminar.id, "VETP", institutions=[duplicate])
    make_partner(seminar.id, "GIZ", institutions=[duplicate, keep])
    response = client.post(f"/manage/institutions/{duplicate.id}/merge", data={"keep_id": keep.id})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Institution, duplicate.id) is None
        assert db.session.get(Institution, keep.id).acronym == "PCET"
        partners = db.session.execute(db.select(Partner).order_by(Partner.position)).scalars()
        assert [[i.id for i in p.scope_institutions] for p in partners] == [[keep.id], [keep.id]]


def test_merge_needs_another_institution_of_the_same_country(
    app, client, organiser, make_institution
):
    duplicate = make_institution("Khovd Vocational Centre")
    other_country = make_institution("Khovd Vocational Centre", country="KH")
    response = client.post(
        f"/manage/institutions/{duplicate.id}/merge",
        data={"keep_id": other_country.id},
        follow_redirects=True,
    )
    assert "Choose the institution to keep." in response.text
    response = client.post(
        f"/manage/institutions/{duplicate.id}/merge",
        data={"keep_id": duplicate.id},
        follow_redirects=True,
    )
    assert "Choose the institution to keep." in response.text
    assert institution_count(app) == 2


def test_unknown_institution_is_404(client, organiser):
    assert client.get("/manage/institutions/424242").status_code == 404
    assert client.post("/manage/institutions/424242/merge", data={"keep_id": 1}).status_code == 404
