"""Switching the language on any public page switches every string on it, and is remembered.

A page "speaks" a language when ``<html lang>`` names it and none of its visible strings is an
English message whose translation differs: an English string left standing means a message that
was never marked, or a page that renders some text before choosing its language. The pages
cover every public and participant route, a partner's private report, and an error page.
"""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext

from seminar_reg.extensions import db
from seminar_reg.i18n import session_when, zone_label
from seminar_reg.mail.messages import render
from seminar_reg.mail.models import OutboxMessage
from seminar_reg.partners import services as partner_services
from seminar_reg.partners.models import Partner
from seminar_reg.registration.tables import group_rows_from_paste
from tests.registration_helpers import register, session_ids, token_of
from tests.test_translations import LOCALES, TRANSLATIONS, _VisibleText

SPACES = re.compile(r"\s+")
#: the <html lang> each language is announced with
HTML_LANG = {"en": "en", "zh_Hans": "zh-Hans", "mn": "mn", "de": "de"}


def translations(locale: str) -> dict[str, str]:
    """English message -> its translation, for the messages that read differently translated."""
    path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po)
    differ = {}
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english, translated in zip(ids, strings, strict=False):
            if english and translated and translated != english:
                differ[english] = translated
    return differ


def visible_strings(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    strings = []
    for found in parser.found:
        name, equals, value = found.partition('="')
        text = value[:-1] if equals and name.isidentifier() else found
        strings.append(SPACES.sub(" ", text).strip())
    return strings


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def english_left(html: str, differ: dict[str, str]) -> list[str]:
    return [text for text in visible_strings(html) if text in differ]


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogs():
    missing = [
        locale
        for locale in LOCALES
        if not (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo").exists()
    ]
    if missing:
        pytest.fail(f"the {', '.join(missing)} catalogs are not compiled: run `make install`")


@pytest.fixture
def public_pages(app, client, make_seminar, make_partner, make_speaker):
    """Every page a participant or a partner can open, as paths, on one open seminar."""
    seminar = make_seminar("leaders", title="TVET Leaders 2030", sessions=2, capacity=5)
    sessions = session_ids(app, seminar.id)
    make_speaker(sessions[0])
    partner = make_partner(seminar.id, "VETP", countries=["MN"])
    response = register(client, "leaders", sessions)
    assert response.status_code == 302, response.text
    token = token_of(response)
    with app.app_context():
        stored = db.session.get(Partner, partner.id)
        report = partner_services.issue_report_link(stored)
        db.session.commit()
    client.get(f"/r/{token}/welcome")  # the welcome page's flash, shown once
    return [
        "/",
        "/login",
        "/seminars/leaders/",
        "/seminars/leaders/register",
        "/seminars/leaders/register/group",
        "/seminars/leaders/link",
        "/seminars/leaders/check-in",
        f"/r/{token}",
        f"/r/{token}/welcome",
        f"/r/{token}/details",
        f"/r/{token}/cancel",
        f"/r/{token}/erase",
        f"/p/{report}/",
        f"/p/{report}/institutions",
        f"/p/{report}/sessions",
        f"/p/{report}/groups",
        f"/p/{report}/attendance",
        "/verify/NO-SUCH-CODE",
        "/seminars/no-such-seminar/",
    ]


def test_every_public_page_switches_every_string(client, public_pages):
    """The switcher on each page, pressed for each language, brings back the same page in it."""
    differ = {locale: translations(locale) for locale in LOCALES}
    untranslated = {}
    for path in public_pages:
        for locale in (*LOCALES, "en"):
            pressed = client.post("/language", data={"language": locale, "next": path})
            assert pressed.status_code == 303
            assert pressed.headers["Location"] == path
            page = client.get(path)
            assert page.status_code in (200, 404), (path, page.status_code)
            html = page.get_data(as_text=True)
            assert html_lang(html) == HTML_LANG[locale], (path, locale)
            if locale != "en":
                left = english_left(html, differ[locale])
                if left:
                    untranslated[(path, locale)] = left
    assert not untranslated, untranslated


def test_the_english_pages_have_something_to_switch(client, public_pages):
    """Guards the test above: the pages are full of strings that do change."""
    differ = translations("de")
    client.post("/language", data={"language": "en", "next": "/"})
    found = sum(len(english_left(client.get(path).text, differ)) for path in public_pages)
    assert found > 200


def test_the_choice_is_remembered_over_the_browsers_language(client, make_seminar):
    make_seminar("leaders")
    browser_says = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
    assert html_lang(client.get("/", headers=browser_says).text) == "de"
    client.post("/language", data={"language": "mn", "next": "/"})
    for path in ("/", "/seminars/leaders/", "/seminars/leaders/register"):
        assert html_lang(client.get(path, headers=browser_says).text) == "mn"
    cookie = client.get_cookie("session")
    assert cookie.expires is not None, "the choice outlives the browser session"


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("mn-MN,mn;q=0.9", "mn"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans"),
        ("zh-Hans-CN", "zh-Hans"),
        ("fr-FR,de;q=0.8,en;q=0.5", "de"),
        ("fr-FR,es;q=0.8", "en"),
        ("", "en"),
        ("*;q=0.1,;;;,de-", "de"),
    ],
)
def test_without_a_choice_the_browsers_language_decides(client, accept_language, expected):
    page = client.get("/", headers={"Accept-Language": accept_language})
    assert page.status_code == 200
    assert html_lang(page.text) == expected


@pytest.mark.parametrize(
    "next_page",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_the_switcher_does_not_send_anyone_elsewhere(client, next_page):
    pressed = client.post("/language", data={"language": "de", "next": next_page})
    assert pressed.status_code == 303
    assert pressed.headers["Location"] == "/"
    assert html_lang(client.get("/").text) == "de"


def test_an_unknown_language_changes_nothing(client):
    pressed = client.post("/language", data={"language": "xx", "next": "/login"})
    assert pressed.status_code == 303
    assert html_lang(client.get("/").text) == "en"


def test_emails_are_in_the_language_stored_on_the_registration(app, client, make_seminar):
    """Not in the language of the page the person registered on."""
    seminar = make_seminar("leaders", title="TVET Leaders 2030", sessions=1)
    client.post("/language", data={"language": "de", "next": "/"})
    register(client, "leaders", session_ids(app, seminar.id), language="mn")
    with app.app_context():
        message = db.session.execute(sa.select(OutboxMessage)).scalar_one()
        render(message)  # as delivery does: in the language kept in the row, not the page's
    with app.test_request_context(), force_locale("mn"):
        expected = gettext("Registration confirmed: %(title)s", title="TVET Leaders 2030")
        your_sessions = gettext("Your sessions:")
    assert message.subject == expected
    assert your_sessions in message.text_body
    assert your_sessions in message.html_body


def test_catalog_directory_is_where_the_app_looks(app):
    assert Path(app.root_path, "translations") == TRANSLATIONS


@pytest.mark.parametrize(
    ("instant", "zone", "locale", "label"),
    [
        ("2023-04-18T06:00:00+00:00", "Europe/Berlin", "en", "Berlin (CEST, GMT+02:00)"),
        ("2023-01-18T06:00:00+00:00", "Europe/Berlin", "en", "Berlin (CET, GMT+01:00)"),
        # the night the clocks go forward: an hour before and an hour after
        ("2023-03-26T00:30:00+00:00", "Europe/Berlin", "en", "Berlin (CET, GMT+01:00)"),
        ("2023-03-26T01:30:00+00:00", "Europe/Berlin", "en", "Berlin (CEST, GMT+02:00)"),
        ("2023-04-18T06:00:00+00:00", "Europe/Berlin", "de", "Berlin (MESZ, GMT+02:00)"),
        ("2023-04-18T06:00:00+00:00", "Asia/Ulaanbaatar", "en", "Ulaanbaatar (GMT+08:00)"),
        ("2023-04-18T06:00:00+00:00", "Asia/Ulaanbaatar", "mn", "Улаанбаатар (GMT+08:00)"),
        ("2023-04-18T06:00:00+00:00", "Asia/Shanghai", "zh_Hans", "上海 (GMT+08:00)"),
        ("2023-04-18T06:00:00+00:00", "UTC", "de", "UTC"),
    ],
)
def test_every_time_says_its_zone_and_summer_time(app, instant, zone, locale, label):
    with app.test_request_context(), force_locale(locale):
        assert zone_label(datetime.fromisoformat(instant), ZoneInfo(zone)) == label


def test_a_session_reads_in_both_zones_when_they_differ(app):
    start = datetime.fromisoformat("2023-04-18T06:00:00+00:00")
    end = datetime.fromisoformat("2023-04-18T08:00:00+00:00")
    ulaanbaatar, berlin = ZoneInfo("Asia/Ulaanbaatar"), ZoneInfo("Europe/Berlin")
    with app.test_request_context(), force_locale("en"):
        both = session_when(start, end, ulaanbaatar, berlin)
        one = session_when(start, end, ulaanbaatar, ZoneInfo("Asia/Shanghai"))
    assert both == (
        "Tue, 18 Apr 2023, 14:00–16:00 Ulaanbaatar (GMT+08:00)"
        " · Tue, 18 Apr, 08:00–10:00 Berlin (CEST, GMT+02:00)"
    )
    assert one == "Tue, 18 Apr 2023, 14:00–16:00 Ulaanbaatar (GMT+08:00)"


def test_a_list_of_colleagues_is_read_with_headings_and_words_in_any_language(app):
    """Pasted with the headings and choices the German form shows, read as an English one."""
    with app.test_request_context(), force_locale("de"):
        headings = [
            gettext(label)
            for label in ("Given name", "Family name", "Email", "Position", "Role", "Gender")
        ]
        role, gender = gettext("Teacher or trainer"), gettext("Female")
    with app.test_request_context(), force_locale("zh_Hans"):  # the reader's language is another
        rows = group_rows_from_paste(
            "\t".join(headings) + f"\nAnna\tSchmidt\tanna@example.de\tLehrerin\t{role}\t{gender}",
            limit=10,
        )
    assert rows == [
        {
            "given_name": "Anna",
            "family_name": "Schmidt",
            "email": "anna@example.de",
            "position": "Lehrerin",
            "role_category": "teacher",
            "gender": "female",
        }
    ]
