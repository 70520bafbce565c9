"""The foundation's acceptance path: from sign-in to a published seminar on the home page."""

import re

from tests.test_partners import partner_form
from tests.test_seminars import seminar_form, session_form


def test_organiser_publishes_a_seminar_that_a_colleague_cannot_manage(
    app, client, auth, make_organiser
):
    make_organiser("ann@example.org")
    make_organiser("bat@example.org")
    auth.login("ann@example.org")

    client.post(
        "/manage/seminars/new",
        data=seminar_form(title="Green TVET 2030", registration_closes_at="2030-04-10T18:00"),
    )
    base = "/manage/seminars/green-tvet-2030"
    for day, title in (
        ("2030-04-18", "Opening"),
        ("2030-04-19", "Greening TVET"),
        ("2030-04-20", "Closing"),
    ):
        response = client.post(
            f"{base}/sessions/new",
            data=session_form(title=title, starts_at=f"{day}T14:00", ends_at=f"{day}T16:30"),
        )
        assert response.status_code == 302
    for organisation, country in (("VETP", "MN"), ("GIZ", "DE")):
        response = client.post(
            f"{base}/partners/new",
            data=partner_form(
                organisation=organisation, country=country, scope_countries=[country]
            ),
        )
        assert response.status_code == 302
    overview = client.get(f"{base}/").text
    first_session = re.search(rf'"{base}/sessions/(\d+)"', overview).group(1)
    speaker = client.post(
        f"{base}/sessions/{first_session}/speakers/new",
        data={"name": "Vice President", "organisation": "Shenzhen Polytechnic", "country": "CN"},
    )
    assert speaker.status_code == 302
    published = client.post(f"{base}/status", data={"target": "published"}, follow_redirects=True)
    assert "The seminar is now published." in published.text

    home = client.get("/").text
    assert "Green TVET 2030" in home
    page = client.get("/seminars/green-tvet-2030/").text
    assert page.count("14:00–16:30") == 3
    assert "Ulaanbaatar (GMT+08:00)" in page
    assert 'datetime="2030-04-18T06:00:00+00:00"' in page  # 14:00 in Ulaanbaatar is 06:00 UTC
    assert "Vice President" in page and "VETP" in page and "GIZ" in page

    auth.logout()
    auth.login("bat@example.org")
    assert client.get(f"{base}/").status_code == 403
    assert client.get(f"{base}/edit").status_code == 403
