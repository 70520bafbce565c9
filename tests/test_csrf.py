"""Every form carries a CSRF token; a request without one is refused with a clear page."""

import re

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def csrf_client(make_app):
    return make_app(WTF_CSRF_ENABLED=True).test_client()


def token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_form_without_token_is_refused(csrf_client, make_organiser):
    make_organiser("ann@example.org")
    response = csrf_client.post("/login", data={"email": "ann@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired or was not sent from this site." in response.text


def test_form_with_a_forged_token_is_refused(csrf_client, make_organiser):
    make_organiser("ann@example.org")
    csrf_client.get("/login")
    response = csrf_client.post(
        "/login", data={"email": "ann@example.org", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 400


def test_form_with_its_token_is_accepted(csrf_client, make_organiser):
    make_organiser("ann@example.org")
    page = csrf_client.get("/login").text
    response = csrf_client.post(
        "/login", data={"email": "ann@example.org", "password": PASSWORD, "csrf_token": token(page)}
    )
    assert response.status_code == 302


def test_button_forms_carry_the_token_too(csrf_client, make_organiser, make_seminar):
    organiser = make_organiser("ann@example.org")
    make_seminar("leaders", organisers=[organiser])
    page = csrf_client.get("/login").text
    csrf_client.post(
        "/login", data={"email": "ann@example.org", "password": PASSWORD, "csrf_token": token(page)}
    )
    overview = csrf_client.get("/manage/seminars/leaders/").text
    assert overview.count('name="csrf_token"') >= 3  # sign-out, status, each session's buttons
    assert (
        csrf_client.post(
            "/manage/seminars/leaders/status", data={"target": "registration_closed"}
        ).status_code
        == 400
    )
