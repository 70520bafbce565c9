"""Every response says what a browser may run: this site's own files only, in no other frame."""

import pytest

from seminar_reg.extensions import db
from seminar_reg.partners.models import Partner
from seminar_reg.partners.services import issue_report_link
from seminar_reg.security import CONTENT_SECURITY_POLICY


@pytest.fixture
def pages(client, make_seminar):
    make_seminar("leaders")
    return [
        "/",
        "/seminars/leaders/",
        "/seminars/leaders/register",
        "/login",
        "/healthz",
        "/static/css/app.css",
        "/static/js/app.js",
        "/seminars/no-such-seminar/",  # an error page
        "/r/not-a-token",
    ]


def test_every_response_carries_the_security_headers(client, pages):
    for path in pages:
        response = client.get(path)
        headers = response.headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
        assert headers["X-Frame-Options"] == "DENY", path
        response.close()


def test_the_policy_allows_no_inline_code_and_no_framing():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_no_page_holds_inline_script_or_style(client, pages):
    for path in pages[:4]:
        html = client.get(path).text
        assert "<script>" not in html and "<style" not in html and ' style="' not in html, path
        assert " onclick=" not in html and " onsubmit=" not in html, path


def test_a_partners_page_keeps_its_stricter_referrer_policy(
    app, client, make_seminar, make_partner
):
    seminar = make_seminar("leaders")
    partner = make_partner(seminar.id)
    with app.app_context():
        token = issue_report_link(db.session.get(Partner, partner.id))
        db.session.commit()
    response = client.get(f"/p/{token}/")
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
