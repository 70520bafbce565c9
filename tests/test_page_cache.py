"""The registration form, rendered once per seminar and language: every visitor still gets their
own token and submission id, and a change to what the page shows is on the next visit."""

import re

import pytest
import sqlalchemy as sa
from flask import template_rendered

from seminar_reg.extensions import db
from seminar_reg.seminars.models import Seminar, SeminarSession
from tests.registration_helpers import register, registration_form, session_ids

FORM = "/seminars/leaders/register"


@pytest.fixture
def seminar(make_seminar):
    return make_seminar("leaders", title="TVET Leaders 2030", sessions=2)


def _hidden(name: str, page: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]+)"', page).group(1)


def _change(app, model, row_id: int, **values) -> None:
    with app.app_context():
        db.session.execute(sa.update(model).where(model.id == row_id).values(**values))
        db.session.commit()


def test_each_visitor_gets_their_own_token_and_submission_id(app, seminar):
    first, second = app.test_client(), app.test_client()
    first_page, second_page = first.get(FORM).text, second.get(FORM).text
    assert _hidden("submission_id", first_page) != _hidden("submission_id", second_page)
    assert _hidden("csrf_token", first_page) != _hidden("csrf_token", second_page)
    for name in ("submission_id", "csrf_token"):
        value = _hidden(name, second_page)
        assert second_page.replace(value, "") == second_page.replace(value, "", 1)  # once only


def test_a_visitor_served_the_kept_page_can_register_with_it(app, make_app, seminar):
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    csrf_app.test_client().get(FORM)  # renders the page and keeps it
    visitor = csrf_app.test_client()
    page = visitor.get(FORM).text
    data = registration_form(
        session_ids(app, seminar.id),
        csrf_token=_hidden("csrf_token", page),
        submission_id=_hidden("submission_id", page),
    )
    response = visitor.post(FORM, data=data)
    assert response.status_code == 302
    assert "/welcome" in response.headers["Location"]


def test_a_changed_session_shows_on_the_next_visit(app, client, seminar):
    assert "Session 1" in client.get(FORM).text
    _change(app, SeminarSession, session_ids(app, seminar.id)[0], title="Opening remarks")
    page = client.get(FORM).text
    assert "Opening remarks" in page
    assert "Session 1" not in page


def test_a_changed_seminar_shows_on_the_next_visit(app, client, seminar):
    assert "TVET Leaders 2030" in client.get(FORM).text
    _change(app, Seminar, seminar.id, title="TVET Leaders 2031")
    assert "TVET Leaders 2031" in client.get(FORM).text


def test_a_session_that_fills_says_so_on_the_next_visit(app, client, seminar):
    first, _second = session_ids(app, seminar.id)
    _change(app, SeminarSession, first, capacity=1)
    assert "(full: waiting list)" not in client.get(FORM).text
    register(app.test_client(), "leaders", [first])
    assert client.get(FORM).text.count("(full: waiting list)") == 1


def test_each_language_gets_its_own_page(client, seminar):
    english = client.get(FORM, headers={"Accept-Language": "en"}).text
    german = client.get(FORM, headers={"Accept-Language": "de"}).text
    assert '<html lang="en"' in english
    assert '<html lang="de"' in german
    assert '<html lang="en"' in client.get(FORM, headers={"Accept-Language": "en"}).text


def test_a_signed_in_organiser_sees_their_own_header_and_nobody_else_does(
    app, client, auth, make_organiser, seminar
):
    app.test_client().get(FORM)  # the anonymous page is kept
    make_organiser("ann@example.org", name="Ann Organiser")
    auth.login("ann@example.org")
    assert "Ann Organiser" in client.get(FORM).text
    assert "Ann Organiser" not in app.test_client().get(FORM).text


def test_the_second_visitor_is_served_the_kept_page_without_rendering(app, seminar):
    rendered = []

    def note(sender, template, context, **extra):
        rendered.append(template.name)

    app.test_client().get(FORM)
    with template_rendered.connected_to(note, app):
        page = app.test_client().get(FORM).text
    assert rendered == []
    assert "TVET Leaders 2030" in page
