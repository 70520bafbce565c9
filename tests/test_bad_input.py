"""Issue 9: a corpus of troublemakers sent through every public form and upload.

For every case: never a 5xx; either a clear message (a 4xx or the form again with its error)
and nothing stored at all, or everything stored, clean, and shown escaped.
"""

import io
import json
import unicodedata
import zipfile
from functools import cache

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from seminar_reg.extensions import db
from seminar_reg.registration.models import Registration
from seminar_reg.text import has_forbidden_characters, normalise_email
from tests.conftest import PASSWORD
from tests.registration_helpers import registration_form, session_ids, stored_registrations

SLUG = "bad"

#: (label, value): what people paste, what attackers try, what keyboards and phones produce
CORPUS = [
    ("empty", ""),
    ("spaces", "   "),
    ("nbsp-only", "\u00a0\u00a0"),
    ("tab-newline", "\t\n"),
    ("overlong-300", "x" * 300),
    ("overlong-20k", "y" * 20_000),
    ("nul", "Null\x00byte"),
    ("nul-only", "\x00"),
    ("bell", "a\x07b"),
    ("del-c1", "a\x7f\x85b"),
    ("newline-inside", "Ann\nSmith"),
    ("crlf-header", "Ann\r\nBcc: evil@example.org"),
    ("line-separator", "Ann\u2028Smith"),
    ("bidi-override", "Evil\u202egnirts"),
    ("bidi-isolate", "\u2066Ann\u2069"),
    ("rlm", "Ann\u200f"),
    ("zero-width-space", "Zero\u200bwidth"),
    ("zwj", "\u200d"),
    ("bom", "\ufeffAnn"),
    ("combining-decomposed", "Re\u0301my"),
    ("zalgo", "Z\u0334\u0321\u032a\u032b\u0356a\u0315\u0314l\u036fgo"),
    ("lone-combining", "\u0301"),
    ("emoji-zwj", "\U0001f469\U0001f3fd\u200d\U0001f52c Ada"),
    ("flag", "\U0001f1f2\U0001f1f3"),
    ("cjk-ext-b-4byte", "\U0002070e\U00020731\U00020779"),
    ("math-alnum", "\U0001d56c\U0001d589\U0001d586"),
    ("ligature-ffi-100", "\ufb03" * 100),
    ("rtl-arabic", "محمد"),
    ("script-tag", "<script>alert(1)</script>"),
    ("attr-break", '"><img src=x onerror=alert(1)>'),
    ("textarea-break", "</textarea><script>alert(1)</script>"),
    ("svg", "<svg onload=alert(1)>"),
    ("entity", "&lt;b&gt; &amp; &#x3C;"),
    ("jinja", "{{ 7*7 }}{% raw %}"),
    ("javascript-url", "javascript:alert(1)"),
    ("sql-quote", "O'Brien'; DROP TABLE registrations; --"),
    ("sql-or", "' OR '1'='1"),
    ("sql-like", "%_\\"),
    ("formula-eq", '=HYPERLINK("http://evil.example","x")'),
    ("formula-plus", "+1+1"),
    ("formula-minus", "-2+3"),
    ("formula-at", "@SUM(A1:A9)"),
    ("formula-dde", "=cmd|' /C calc'!A0"),
    ("number", "12345"),
    ("negative", "-1"),
    ("float", "1.5"),
    ("huge-int", "99999999999999999999"),
    ("superscript-digit", "\u00b2"),
    ("null-word", "null"),
    ("none-word", "None"),
]

#: the registration form's fields; text fields and choices alike get the whole corpus
FIELDS = [
    "given_name",
    "family_name",
    "email",
    "position",
    "institution_name",
    "role_category",
    "gender",
    "country",
    "institution_type",
    "sessions",
    "language",
    "timezone",
    "consent",
    "submission_id",
]

#: what a browser must never receive raw
RAW_MARKERS = ("<script>alert(1)", "<img src=x onerror", "<svg onload")

VALID_EMAILS = [
    ("plus", "user+tag@example.org"),
    ("idn-greek", "δοκιμή@παράδειγμα.δοκιμή"),
    ("idn-chinese", "用户@例子.广告"),
    ("apostrophe", "o'brien@example.ie"),
    ("short", "a@b.co"),
    ("upper-case", "Ann.Smith@Example.ORG"),
    ("dots-and-plus", "first.last+sorting+x@sub.example.co.uk"),
    ("umlaut-domain", "kontakt@bücher.de"),
    ("padded", "  padded@example.org  "),
]

INVALID_EMAILS = [
    ("plain", "plainaddress"),
    ("no-local", "@no-local.org"),
    ("no-tld", "a@b"),
    ("double-at", "a@@b.org"),
    ("double-dot", "a@b..org"),
    ("space", "a b@c.org"),
    ("header-injection-lf", "a@b.org\nBcc: x@y.org"),
    ("header-injection-crlf", "a@b.org\r\nBcc: x@y.org"),
    ("two-addresses", "a@b.org,c@d.org"),
    ("display-name", "Ann <a@b.org>"),
    ("angle", "<a@b.org>"),
    ("nul", "a@b.org\x00"),
    ("local-too-long", "a" * 65 + "@example.org"),
    ("too-long", "a@" + "b" * 250 + ".org"),
    ("leading-dot", ".a@b.org"),
    ("trailing-dot", "a.@b.org"),
    ("hyphen-domain", "a@-b.org"),
    ("bidi", "a@b.org\u202e"),
    ("zero-width", "a\u200b@b.org"),
    ("script", "<script>alert(1)</script>@b.org"),
]


# --- helpers ---------------------------------------------------------------------------------


def snapshot(app) -> dict[str, int]:
    """Rows in every table: what "nothing stored" is compared against."""
    with app.app_context():
        return {
            table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def changed(before: dict, after: dict) -> dict[str, int]:
    return {name: after[name] - before[name] for name in before if after[name] != before[name]}


def raw_markers(html: str) -> list[str]:
    return [marker for marker in RAW_MARKERS if marker in html]


def shows_a_message(html: str) -> bool:
    return "error-message" in html or "flash-error" in html or "flash error" in html


def clean_text_problems(label: str, name: str, value: str | None) -> list[str]:
    if value is None:
        return []
    problems = []
    if has_forbidden_characters(value):
        problems.append(f"{label}: stored {name} has control/bidi characters: {value!r}")
    if unicodedata.normalize("NFC", value) != value:
        problems.append(f"{label}: stored {name} is not NFC: {value!r}")
    if value != value.strip():
        problems.append(f"{label}: stored {name} is not trimmed: {value!r}")
    return problems


def _by_token(app, token: str) -> Registration:
    from seminar_reg.registration.tokens import registration_for_token

    with app.test_request_context():
        registration = registration_for_token(token)
        assert registration is not None
        registration_id = registration.id
    return next(r for r in stored_registrations(app) if r.id == registration_id)


def signed_in_organiser(app):
    organiser = app.test_client()
    response = organiser.post("/login", data={"email": "org@example.org", "password": PASSWORD})
    assert response.status_code == 302
    return organiser


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def real_error_pages(app):
    """A 5xx as the browser gets it (the error page), not an exception in the test."""
    app.config["PROPAGATE_EXCEPTIONS"] = False


def database_of(app) -> str:
    with app.app_context():
        return db.engine.dialect.name


@pytest.fixture
def organiser(make_organiser):
    return make_organiser("org@example.org")


@pytest.fixture
def seminar(make_seminar, organiser):
    return make_seminar(SLUG, title="Bad input seminar", sessions=2, organisers=[organiser])


@pytest.fixture
def sessions(app, seminar):
    return session_ids(app, seminar.id)


@pytest.fixture
def org(app, seminar):
    return signed_in_organiser(app)


@pytest.fixture
def token(client, sessions):
    """A real registration and its private token."""
    response = client.post(
        f"/seminars/{SLUG}/register",
        data=registration_form(sessions, email="holder@example.org"),
    )
    assert response.status_code == 302, response.text
    return response.headers["Location"].split("/")[2]


def form_with(sessions, field: str, value, number: int) -> dict:
    data = registration_form(sessions, email=f"case{number}-{field}@example.org")
    data[field] = [value] if field == "sessions" else value
    return data


def check_registration(app, client, org, sessions, field, label, value, number) -> list[str]:
    """Send one registration; the problems found, as readable lines."""
    case = f"{field}={label}"
    before = snapshot(app)
    response = client.post(
        f"/seminars/{SLUG}/register", data=form_with(sessions, field, value, number)
    )
    after = snapshot(app)
    problems = []
    if response.status_code >= 500:
        return [f"{case}: {response.status_code}"]
    problems += [f"{case}: raw {m!r} in the form page" for m in raw_markers(response.text)]
    if response.status_code != 302:
        if changed(before, after):
            problems.append(
                f"{case}: refused ({response.status_code}) but stored {changed(before, after)}"
            )
        if response.status_code == 200 and not shows_a_message(response.text):
            problems.append(f"{case}: refused without a message")
        return problems
    delta = changed(before, after)
    if delta.get("registrations") != 1 or delta.get("participants") != 1:
        problems.append(f"{case}: stored half: {delta}")
    if not delta.get("outbox_messages") and not any("outbox" in n for n in delta):
        problems.append(f"{case}: stored without a confirmation email: {delta}")
    location = response.headers["Location"]
    registration = _by_token(app, location.split("/")[2])
    for name in ("given_name", "family_name", "position"):
        problems += clean_text_problems(case, name, getattr(registration, name))
    if not registration.given_name:
        problems.append(f"{case}: stored with an empty given name")
    institution = registration.institution
    if institution is None or not institution.name.strip():
        problems.append(f"{case}: stored with no institution name")
    else:
        problems += clean_text_problems(case, "institution", institution.name)
    if field == "email" and registration.participant.email != normalise_email(value):
        problems.append(f"{case}: email stored as {registration.participant.email!r}")
    pages = {
        "welcome": client.get(location),
        "manage": client.get(location.removesuffix("/welcome")),
        "details": client.get(location.removesuffix("/welcome") + "/details"),
        "organiser edit": org.get(f"/manage/seminars/{SLUG}/registrations/{registration.id}"),
    }
    for page, page_response in pages.items():
        if page_response.status_code >= 500:
            problems.append(f"{case}: {page} page is {page_response.status_code}")
        problems += [
            f"{case}: raw {m!r} on the {page} page" for m in raw_markers(page_response.text)
        ]
    return problems


# --- the big matrix: every corpus value in every field (SQLite) --------------------------------


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("field", FIELDS)
def test_every_troublemaker_in_every_registration_field(app, client, org, sessions, field):
    problems = []
    for number, (label, value) in enumerate(CORPUS):
        if (field, label) in FOLDS_TO_NOTHING:
            continue
        problems += check_registration(app, client, org, sessions, field, label, value, number)
    listing = org.get(f"/manage/seminars/{SLUG}/registrations/")
    assert listing.status_code == 200
    problems += [f"raw {m!r} in the organiser list" for m in raw_markers(listing.text)]
    assert not problems, "\n".join(problems)


#: institution names that fold to "" (no letters or digits); the test below shows what happens
FOLDS_TO_NOTHING = {
    ("institution_name", label)
    for label in ("zwj", "lone-combining", "flag", "sql-like", "emoji-zwj", "entity", "jinja")
}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("label", ["zwj", "lone-combining", "flag", "sql-like"])
def test_institution_names_without_letters_or_digits_are_refused(app, client, sessions, label):
    """Such a name matches no institution and names none: asked again, nothing stored."""
    value = dict(CORPUS)[label]
    before = snapshot(app)
    response = client.post(
        f"/seminars/{SLUG}/register", data=form_with(sessions, "institution_name", value, 1)
    )
    assert response.status_code == 200
    assert "Enter your institution." in response.text
    assert snapshot(app) == before


# --- a smaller set on both databases (PostgreSQL refuses NUL and enforces lengths) -------------

BOTH_DATABASES = [
    ("given_name", "nul"),
    ("given_name", "cjk-ext-b-4byte"),
    ("given_name", "emoji-zwj"),
    ("given_name", "ligature-ffi-100"),
    ("family_name", "ligature-ffi-100"),
    ("institution_name", "nul"),
    ("institution_name", "textarea-break"),
    ("email", "nul"),
    ("country", "nul"),
    ("sessions", "huge-int"),
    ("submission_id", "nul"),
    ("submission_id", "overlong-300"),
    ("submission_id", "emoji-zwj"),
]


@pytest.mark.parametrize(("field", "label"), BOTH_DATABASES)
def test_troublemakers_on_both_databases(app, client, org, sessions, field, label):
    value = dict(CORPUS)[label]
    assert check_registration(app, client, org, sessions, field, label, value, 1) == []


def test_names_at_their_maximum_length_together(app, client, org, sessions):
    """Given and family name of 100 characters each: both allowed, so stored or refused whole."""
    data = registration_form(sessions, given_name="a" * 100, family_name="\ufb03" * 100)
    before = snapshot(app)
    response = client.post(f"/seminars/{SLUG}/register", data=data)
    assert response.status_code < 500
    if response.status_code != 302:
        assert changed(before, snapshot(app)) == {}
        assert shows_a_message(response.text)


# --- emails: exotic valid ones accepted, invalid ones refused -----------------------------------


@pytest.mark.parametrize(("label", "email"), VALID_EMAILS, ids=[v[0] for v in VALID_EMAILS])
def test_valid_exotic_emails_are_accepted(app, client, sessions, label, email):
    response = client.post(
        f"/seminars/{SLUG}/register", data=registration_form(sessions, email=email)
    )
    assert response.status_code == 302, response.text
    stored = stored_registrations(app)
    assert len(stored) == 1
    assert stored[0].participant.email == normalise_email(email)
    again = client.post(f"/seminars/{SLUG}/link", data={"email": email})
    assert again.status_code == 302
    check_in = client.post(f"/seminars/{SLUG}/check-in", data={"email": email, "code": "ABC"})
    assert check_in.status_code == 200


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("label", "email"), INVALID_EMAILS, ids=[v[0] for v in INVALID_EMAILS])
def test_invalid_emails_are_refused_everywhere(app, client, sessions, label, email):
    before = snapshot(app)
    response = client.post(
        f"/seminars/{SLUG}/register", data=registration_form(sessions, email=email)
    )
    assert response.status_code == 200
    assert "Enter a valid email address" in response.text or shows_a_message(response.text)
    assert not raw_markers(response.text)
    link = client.post(f"/seminars/{SLUG}/link", data={"email": email})
    assert link.status_code == 200 and shows_a_message(link.text)
    check_in = client.post(f"/seminars/{SLUG}/check-in", data={"email": email, "code": "ABC"})
    assert check_in.status_code == 200 and shows_a_message(check_in.text)
    login = client.post("/login", data={"email": email, "password": PASSWORD})
    assert login.status_code == 200
    assert changed(before, snapshot(app)) == {}


# --- wrong content types ------------------------------------------------------------------------

BODIES = [
    ("json-form", "application/json", None),  # the valid form, as JSON
    ("json-malformed", "application/json", b"{not json"),
    ("json-array", "application/json", b"[1, 2, 3]"),
    ("json-string", "application/json", b'"given_name"'),
    ("json-number", "application/json", b"42"),
    ("json-nested", "application/json", b'{"given_name": {"a": [1]}, "sessions": {"x": 1}}'),
    ("text-plain", "text/plain", b"given_name=Ann&email=ann@example.org"),
    ("multipart-no-boundary", "multipart/form-data", b"given_name=Ann"),
    ("multipart-bad-boundary", "multipart/form-data; boundary=xyz", b"--abc\r\ngarbage"),
    ("invalid-utf8", "application/x-www-form-urlencoded", b"given_name=%ff%fe&email=%c3"),
    ("utf16-charset", "application/x-www-form-urlencoded; charset=utf-16", b"\xff\xfeg\x00"),
    ("xml", "application/xml", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>"),
]


def public_posts(sessions, token) -> list[tuple[str, dict]]:
    return [
        (f"/seminars/{SLUG}/register", registration_form(sessions, email="json@example.org")),
        (f"/seminars/{SLUG}/register/group", {"pasted": "Ann,Smith,ann@example.org"}),
        (f"/seminars/{SLUG}/link", {"email": "holder@example.org"}),
        (f"/seminars/{SLUG}/check-in", {"email": "holder@example.org", "code": "X"}),
        ("/login", {"email": "org@example.org", "password": "wrong"}),
        ("/language", {"language": "de", "next": "/"}),
        (f"/r/{token}/details", registration_form(sessions, given_name="Changed")),
        (f"/r/{token}/sessions", {"sessions": [str(sessions[0])]}),
        (f"/r/{token}/check-in", {"code": "X"}),
    ]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("label", "content_type", "body"), BODIES, ids=[b[0] for b in BODIES])
def test_wrong_content_types_get_a_4xx_or_the_form(
    app, client, sessions, token, label, content_type, body
):
    problems = []
    for url, form in public_posts(sessions, token):
        data = json.dumps(form).encode() if body is None else body
        before = snapshot(app)
        response = client.post(url, data=data, content_type=content_type)
        delta = changed(before, snapshot(app))
        if response.status_code >= 500:
            problems.append(f"{label} to {url}: {response.status_code}")
        elif body is not None and delta and not url.endswith(("/details", "/sessions")):
            problems.append(f"{label} to {url}: stored {delta}")
    assert not problems, "\n".join(problems)


# --- the private manage link with a real token --------------------------------------------------

DETAILS_CASES = [
    "empty",
    "spaces",
    "nul",
    "overlong-20k",
    "bidi-override",
    "emoji-zwj",
    "cjk-ext-b-4byte",
    "script-tag",
    "attr-break",
    "sql-quote",
    "formula-eq",
    "huge-int",
]


CHOICE_FIELDS = ["country", "timezone", "language", "role_category", "gender"]


@pytest.mark.parametrize(
    "fields",
    [["given_name"], ["family_name"], ["position"], ["institution_name"], CHOICE_FIELDS],
    ids=["given_name", "family_name", "position", "institution_name", "choices"],
)
def test_details_change_with_troublemakers(app, client, org, token, fields):
    problems = []
    for field, label in [(f, label) for f in fields for label in DETAILS_CASES]:
        if (field, label) in BLANK_DETAILS:
            continue
        value = dict(CORPUS)[label]
        data = registration_form([], **{field: value})
        del data["sessions"], data["email"], data["consent"]
        before = snapshot(app)
        old = _by_token(app, token)
        response = client.post(f"/r/{token}/details", data=data)
        case = f"details {field}={label}"
        if response.status_code >= 500:
            problems.append(f"{case}: {response.status_code}")
            continue
        problems += [f"{case}: raw {m!r}" for m in raw_markers(response.text)]
        new = _by_token(app, token)
        if response.status_code != 302:
            if (old.given_name, old.family_name, old.position, old.institution_id, old.country) != (
                new.given_name,
                new.family_name,
                new.position,
                new.institution_id,
                new.country,
            ) or changed(before, snapshot(app)):
                problems.append(f"{case}: refused but changed")
            continue
        for name in ("given_name", "family_name", "position"):
            problems += clean_text_problems(case, name, getattr(new, name))
        if not new.given_name:
            problems.append(f"{case}: saved an empty given name")
        if new.institution is None or not new.institution.name:
            problems.append(f"{case}: saved an empty institution")
        for url in (f"/r/{token}", f"/r/{token}/details"):
            page = client.get(url)
            if page.status_code >= 500:
                problems.append(f"{case}: {url} is {page.status_code}")
            problems += [f"{case}: raw {m!r} on {url}" for m in raw_markers(page.text)]
    assert not problems, "\n".join(problems)


#: blank once trimmed: refused, on both databases (they were once saved empty)
BLANK_DETAILS = [("given_name", "spaces"), ("institution_name", "spaces")]


@pytest.mark.parametrize(("field", "label"), BLANK_DETAILS)
def test_blank_details_are_refused(app, client, token, field, label):
    data = registration_form([], **{field: dict(CORPUS)[label]})
    del data["sessions"], data["email"], data["consent"]
    client.post(f"/r/{token}/details", data=data)
    stored = _by_token(app, token)
    assert stored.given_name and stored.institution and stored.institution.name


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "values",
    [
        [],
        ["abc"],
        ["-1"],
        ["0"],
        ["1.5"],
        ["99999999999999999999"],
        ["\u00b2"],
        ["1", "1"],
        ["\x00"],
    ],
    ids=["none", "word", "negative", "zero", "float", "huge", "superscript", "twice", "nul"],
)
def test_sessions_change_with_bad_values(app, client, token, values):
    before = snapshot(app)
    response = client.post(f"/r/{token}/sessions", data={"sessions": values})
    assert response.status_code < 500
    if values != ["1", "1"]:
        assert response.status_code == 200 and shows_a_message(response.text)
        assert changed(before, snapshot(app)) == {}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "bad_token",
    [
        "x" * 5000,
        "%00",
        "\u0442\u043e\u043a\u0435\u043d",
        "..%2f..%2fetc",
        "'%20OR%201=1--",
        "%F0%9F%92%A9",
    ],
    ids=["long", "nul", "cyrillic", "traversal", "sql", "emoji"],
)
def test_bad_tokens_are_404(client, seminar, bad_token):
    for suffix in ("", "/details", "/cancel", "/erase", "/my-data.json", "/calendar.ics"):
        assert client.get(f"/r/{bad_token}{suffix}").status_code == 404
    for suffix in ("/details", "/sessions", "/cancel", "/erase", "/check-in"):
        assert client.post(f"/r/{bad_token}{suffix}", data={"code": "X"}).status_code == 404


@pytest.mark.parametrize(
    "label", ["nul", "overlong-20k", "script-tag", "emoji-zwj", "bidi-override", "sql-or"]
)
def test_check_in_codes_login_and_language_with_troublemakers(app, client, token, label):
    value = dict(CORPUS)[label]
    before = snapshot(app)
    responses = {
        "check-in code": client.post(
            f"/seminars/{SLUG}/check-in", data={"email": "holder@example.org", "code": value}
        ),
        "link check-in code": client.post(f"/r/{token}/check-in", data={"code": value}),
        "login password": client.post(
            "/login", data={"email": "org@example.org", "password": value}
        ),
        "login email": client.post("/login", data={"email": value, "password": value}),
        "lost link": client.post(f"/seminars/{SLUG}/link", data={"email": value}),
        "language": client.post("/language", data={"language": value, "next": value}),
        "institution search": client.get(
            "/institutions/search", query_string={"country": value, "q": value}
        ),
        "institution search MN": client.get(
            "/institutions/search", query_string={"country": "MN", "q": value}
        ),
    }
    problems = [f"{name}: {r.status_code}" for name, r in responses.items() if r.status_code >= 500]
    problems += [f"{name}: raw markup" for name, r in responses.items() if raw_markers(r.text)]
    assert changed(before, snapshot(app)) == {}
    location = responses["language"].headers.get("Location", "/")
    assert location.startswith("/") and not location.startswith("//")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "next_url",
    [
        "//evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
        "\x00/",
        "/%0d%0aSet-Cookie:x=1",
    ],
)
def test_language_switch_never_redirects_away(client, seminar, next_url):
    response = client.post("/language", data={"language": "de", "next": next_url})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert "evil.example" not in location and "javascript:" not in location
    assert "\n" not in location and "\r" not in location


# --- uploads: the group's spreadsheet, the organiser's import, the attendance report ------------


def workbook_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@cache
def good_xlsx() -> bytes:
    return workbook_bytes(
        [["Given name", "Family name", "Email"], ["Ann", "Xlsx", "ann.xlsx@example.org"]]
    )


@cache
def bomb_xlsx() -> bytes:
    """A real workbook whose sheet unpacks to 60 MB of spaces (a few dozen KB packed)."""
    source = zipfile.ZipFile(io.BytesIO(good_xlsx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * 60_000_000, 1)
            bomb.writestr(item.filename, data)
    return buffer.getvalue()


def not_a_workbook_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    return buffer.getvalue()


HEADER = "Given name,Family name,Email\n"
BAD_FILES = [
    ("empty", "people.csv", lambda: b""),
    ("binary-garbage", "people.csv", lambda: bytes(range(256)) * 64),
    (
        "utf16-bom",
        "people.csv",
        lambda: (HEADER + "Ann,Sixteen,ann.u16@example.org\n").encode("utf-16"),
    ),
    (
        "utf16le-no-bom",
        "people.csv",
        lambda: (HEADER + "Ann,Le,ann.le@example.org\n").encode("utf-16-le"),
    ),
    ("cp1252", "people.csv", lambda: (HEADER + "René,Müller,rene@example.org\n").encode("cp1252")),
    ("truncated-xlsx", "people.xlsx", lambda: good_xlsx()[: len(good_xlsx()) // 2]),
    ("zip-bomb-xlsx", "people.xlsx", bomb_xlsx),
    ("zip-not-a-workbook", "people.xlsx", not_a_workbook_zip),
    ("text-named-xlsx", "people.xlsx", lambda: (HEADER + "Ann,Text,ann.t@example.org\n").encode()),
    ("xlsx-named-csv", "people.csv", good_xlsx),
    (
        "pdf-named-csv",
        "people.csv",
        lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    ),
    (
        "huge-cell",
        "people.csv",
        lambda: (HEADER + "a" * 200_000 + ",Big,big@example.org\n").encode(),
    ),
    ("many-columns", "people.csv", lambda: (",".join(["h"] * 50_000) + "\n").encode()),
    ("unterminated-quote", "people.csv", lambda: (HEADER + '"Ann,Quote,q@example.org\n').encode()),
    ("only-header", "people.csv", lambda: HEADER.encode()),
    ("no-known-heading", "people.csv", lambda: b"foo,bar\n1,2\n"),
    ("nul-inside", "people.csv", lambda: (HEADER + "A\x00nn,Nul,nul@example.org\n").encode()),
    (
        "control-chars",
        "people.csv",
        lambda: (HEADER + "A\u202enn,Bidi\x07,ctl@example.org\n").encode(),
    ),
    (
        "markup-and-formulas",
        "people.csv",
        lambda: (
            HEADER
            + '"=HYPERLINK(""http://evil.example"",""x"")","<script>alert(1)</script>",f1@example.org\n'
            + '"@SUM(A1)","<img src=x onerror=alert(1)>",f2@example.org\n'
        ).encode(),
    ),
    (
        "mixed-line-ends",
        "people.csv",
        lambda: (HEADER + "Ann,Cr,cr1@example.org\rBob,Crlf,cr2@example.org\r\n").encode(),
    ),
    (
        "markup-filename",
        "<script>alert(1)</script>.csv",
        lambda: (HEADER + "Ann,Fn,fn@example.org\n").encode(),
    ),
    (
        "traversal-filename",
        "../../etc/passwd",
        lambda: (HEADER + "Ann,Tr,tr@example.org\n").encode(),
    ),
    (
        "too-many-rows",
        "people.csv",
        lambda: (HEADER + "".join(f"P{i},R,p{i}@example.org\n" for i in range(1_200))).encode(),
    ),
]

#: (file label, route) -> what happens


def group_data(sessions, submission: str, **extra) -> dict:
    return {
        "focal_point_name": "Focal Point",
        "focal_point_email": f"focal-{submission}@example.org",
        "language": "en",
        "country": "MN",
        "institution_name": "Darkhan Polytechnic College",
        "institution_type": "tvet_institute",
        "sessions": [str(s) for s in sessions],
        "consent": "y",
        "submission_id": submission,
        **extra,
    }


def upload_problems(
    app, client, org, sessions, label: str, filename: str, data: bytes
) -> dict[str, list[str]]:
    """Send the file to the three upload forms; the problems of each."""
    problems: dict[str, list[str]] = {"group": [], "import": [], "attendance": []}
    before = snapshot(app)
    response = client.post(
        f"/seminars/{SLUG}/register/group",
        data=group_data(sessions, f"up-{label}", upload=(io.BytesIO(data), filename)),
        content_type="multipart/form-data",
    )
    delta = changed(before, snapshot(app))
    if response.status_code >= 500:
        problems["group"].append(f"{response.status_code}")
    elif response.status_code == 302:
        page = client.get(response.headers["Location"])
        problems["group"] += [f"raw {m!r} on the group page" for m in raw_markers(page.text)]
        if delta.get("registrations", 0) < 1 or delta.get("registration_groups") != 1:
            problems["group"].append(f"stored half: {delta}")
    else:
        if delta:
            problems["group"].append(f"refused but stored {delta}")
        if not shows_a_message(response.text):
            problems["group"].append("refused without a message")
    problems["group"] += [f"raw {m!r}" for m in raw_markers(response.text)]

    before = snapshot(app)
    response = org.post(
        f"/manage/seminars/{SLUG}/registrations/import",
        data={"upload": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    delta = changed(before, snapshot(app))
    if response.status_code >= 500:
        problems["import"].append(f"{response.status_code}")
    else:
        problems["import"] += [f"raw {m!r}" for m in raw_markers(response.text)]
        if delta.get("registrations", 0) != delta.get("participants", 0):
            problems["import"].append(f"stored half: {delta}")
        listing = org.get(f"/manage/seminars/{SLUG}/registrations/")
        problems["import"] += [f"raw {m!r} in the list" for m in raw_markers(listing.text)]

    before = snapshot(app)
    response = org.post(
        f"/manage/seminars/{SLUG}/attendance/sessions/{sessions[0]}/import",
        data={"report": (io.BytesIO(data), filename), "timezone": "UTC", "date_order": ""},
        content_type="multipart/form-data",
    )
    delta = changed(before, snapshot(app))
    if response.status_code >= 500:
        problems["attendance"].append(f"{response.status_code}")
    elif response.status_code != 302:
        problems["attendance"] += [f"raw {m!r}" for m in raw_markers(response.text)]
        if delta:
            problems["attendance"].append(f"refused but stored {delta}")
        if not shows_a_message(response.text):
            problems["attendance"].append("refused without a message")
    return problems


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("label", "filename", "make"), BAD_FILES, ids=[f[0] for f in BAD_FILES])
def test_malformed_uploads(app, client, org, sessions, label, filename, make):
    problems = upload_problems(app, client, org, sessions, label, filename, make())
    found = [f"{route}: {p}" for route, lines in problems.items() for p in lines]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "label", ["utf16-bom", "truncated-xlsx", "markup-and-formulas", "control-chars"]
)
def test_some_uploads_on_both_databases(app, client, org, sessions, label):
    _label, filename, make = next(f for f in BAD_FILES if f[0] == label)
    problems = upload_problems(app, client, org, sessions, label, filename, make())
    found = [f"{route}: {p}" for route, lines in problems.items() for p in lines]
    assert not found, "\n".join(found)


def multipart(values: dict) -> tuple[bytes, str]:
    """The body in memory: the test client would spool a big one to a file it never closes."""
    boundary, body = encode_multipart(values)
    return body, f"multipart/form-data; boundary={boundary}"


def test_bodies_over_the_limit_are_413(app, client, org, sessions):
    limit = app.config["MAX_CONTENT_LENGTH"]
    big = b"a" * (limit + 1024)

    def upload(name: str) -> FileStorage:
        return FileStorage(io.BytesIO(big), filename=name, name=name)

    group = {k: v for k, v in group_data(sessions, "huge").items() if k != "sessions"}
    before = snapshot(app)
    bodies = {
        "group upload": (
            client,
            f"/seminars/{SLUG}/register/group",
            multipart({**group, "upload": upload("people.csv")}),
        ),
        "register multipart": (
            client,
            f"/seminars/{SLUG}/register",
            multipart({"given_name": "b" * (limit + 10), "email": "big@example.org"}),
        ),
        "organiser import": (
            org,
            f"/manage/seminars/{SLUG}/registrations/import",
            multipart({"upload": upload("people.csv")}),
        ),
        "attendance import": (
            org,
            f"/manage/seminars/{SLUG}/attendance/sessions/{sessions[0]}/import",
            multipart({"report": upload("report.csv"), "timezone": "UTC"}),
        ),
    }
    for name, (who, url, (body, content_type)) in bodies.items():
        response = who.post(url, data=body, content_type=content_type)
        assert response.status_code == 413, name
        assert "too large" in response.text, name
    urlencoded = client.post(
        f"/seminars/{SLUG}/register",
        data=registration_form(sessions, given_name="b" * (limit + 10)),
    )
    assert urlencoded.status_code == 413
    assert changed(before, snapshot(app)) == {}


def test_an_attendance_report_over_its_own_limit_says_so(app, org, sessions):
    from seminar_reg.attendance.services import MAX_REPORT_BYTES

    data = b"Name,Email\n" + b"x" * (MAX_REPORT_BYTES + 10)
    report = FileStorage(io.BytesIO(data), filename="report.csv", name="report")
    body, content_type = multipart({"report": report, "timezone": "UTC", "date_order": ""})
    before = snapshot(app)
    response = org.post(
        f"/manage/seminars/{SLUG}/attendance/sessions/{sessions[0]}/import",
        data=body,
        content_type=content_type,
    )
    assert response.status_code == 200
    assert "larger than" in response.text
    assert changed(before, snapshot(app)) == {}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "field", ["given_name", "family_name", "email", "position", "role_category", "gender"]
)
def test_group_rows_and_pasted_lines_with_troublemakers(app, client, sessions, field):
    problems = []
    for number, (label, value) in enumerate(CORPUS):
        row = {
            "given_name": "Ann",
            "family_name": "Row",
            "email": f"row{number}@example.org",
            "position": "",
            "role_category": "teacher",
            "gender": "",
        }
        row[field] = value
        rows = {f"people-0-{name}": v for name, v in row.items()}
        pasted_line = ";".join(
            v.replace(";", ",").replace("\n", " ") if name != field else v
            for name, v in row.items()
        )
        for how, extra in (("row", rows), ("pasted", {"pasted": pasted_line})):
            case = f"{how} {field}={label}"
            if (how, field, label) in GROUP_BUGS:
                continue
            before = snapshot(app)
            response = client.post(
                f"/seminars/{SLUG}/register/group",
                data=group_data(sessions, f"g{number}{how}{field}", **extra),
            )
            delta = changed(before, snapshot(app))
            if response.status_code >= 500:
                problems.append(f"{case}: {response.status_code}")
                continue
            problems += [f"{case}: raw {m!r}" for m in raw_markers(response.text)]
            if response.status_code == 302:
                if delta.get("registrations") != 1 or delta.get("registration_groups") != 1:
                    problems.append(f"{case}: stored half: {delta}")
                stored = stored_registrations(app)[-1]
                for name in ("given_name", "family_name", "position"):
                    problems += clean_text_problems(case, name, getattr(stored, name))
                if not stored.given_name:
                    problems.append(f"{case}: stored with an empty given name")
                page = client.get(response.headers["Location"])
                problems += [f"{case}: raw {m!r} on the group page" for m in raw_markers(page.text)]
            elif delta:
                problems.append(f"{case}: refused but stored {delta}")
    assert not problems, "\n".join(problems)


GROUP_BUGS = {
    ("row", "given_name", label): "BUG: POST /seminars/<slug>/register/group with "
    f"people-0-given_name={value!r}: InputRequired passes on the raw value, the row is trimmed to "
    "'' and the colleague is registered (302) with an empty given name"
    for label, value in [("spaces", "   "), ("nbsp-only", "\u00a0\u00a0"), ("tab-newline", "\t\n")]
}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("how", "field", "label"),
    [pytest.param(*key) for key, reason in GROUP_BUGS.items()],
)
def test_known_bad_group_rows(app, client, sessions, how, field, label):
    data = group_data(
        sessions,
        "known",
        **{
            "people-0-given_name": dict(CORPUS)[label],
            "people-0-email": "row@example.org",
            "people-0-role_category": "teacher",
        },
    )
    response = client.post(f"/seminars/{SLUG}/register/group", data=data)
    assert response.status_code == 200
    assert stored_registrations(app) == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("q", "\x00"),
        ("q", "%_\\"),
        ("q", "<script>alert(1)</script>"),
        ("country", "<script>alert(1)</script>"),
        ("status", "\U0001f4a9"),
        ("institution", "99999999999999999999"),
        ("institution", "\u00b2"),
        ("session", "\u00b2"),
        ("session", "\u0663"),
    ],
    ids=[
        "nul",
        "like",
        "script",
        "country-script",
        "status-emoji",
        "huge",
        "sup-inst",
        "sup-session",
        "arabic-digit",
    ],
)
def test_organiser_list_filters_with_troublemakers(org, sessions, name, value):
    response = org.get(f"/manage/seminars/{SLUG}/registrations/", query_string={name: value})
    assert response.status_code == 200
    assert not raw_markers(response.text)
