"""Issue 9, access: every organiser, partner and participant route × every role → allow or deny.

The routes come from ``app.url_map`` (everything under /manage, /p/, /r/, /account and
/institutions), so a new route without an entry in the matrix fails here. The URL parameters are
those of one seminar under test ("subject"); a second seminar ("elsewhere") gives the "other"
organiser, partner and participant something of their own.

Roles and what they hold:

* anonymous: nothing; on a token route it tries a forged token (right purpose, wrong nonce);
* registrant: the manage token of the subject registration (the right token for /r/);
* participant: the manage token of ANOTHER registration of the subject seminar;
* partner: the report token of the subject partner (the right token for /p/);
* partner_other_scope: the token of another partner of the same seminar with another scope;
* partner_other_seminar: the token of a partner of another seminar;
* organiser_other, organiser, admin: signed in; assigned elsewhere, assigned here, admin.

On a token route a role presents what it holds in place of the token (a signed-in organiser, who
holds no token, presents the forged one). A valid token of the right kind opens only its own
record ("own": 200, and nothing of the subject in the page); any other token is 404.

GET for every route; routes without GET are POSTed, and only by roles that must be denied: the
answer is the denial and the database is unchanged (CSRF is off in the test config, so the
denial comes from access control). A 500 is never accepted.
"""

import re
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from seminar_reg.attendance.models import AttendanceImport, ImportedPerson, Outcome
from seminar_reg.certificates.models import Certificate
from seminar_reg.certificates.services import new_code
from seminar_reg.extensions import db
from seminar_reg.mail.models import OutboxMessage
from seminar_reg.partners.models import Partner
from seminar_reg.partners.services import issue_report_link
from seminar_reg.registration.models import Registration
from seminar_reg.tokens import new_nonce, signed_token
from tests.conftest import PASSWORD
from tests.registration_helpers import register, session_ids, token_of

PREFIXES = ("/manage", "/p/", "/r/", "/account", "/institutions")

ROLES = (
    "anonymous",
    "registrant",
    "participant",
    "partner",
    "partner_other_scope",
    "partner_other_seminar",
    "organiser_other",
    "organiser",
    "admin",
)
ORGANISERS = ("organiser_other", "organiser", "admin")
TOKEN_HOLDERS = tuple(role for role in ROLES if role not in ORGANISERS)

SUBJECT_TITLE = "Subject seminar on quality assurance"
SUBJECT_EMAIL = "subject.person@example.org"
SUBJECT_FAMILY = "Subjectfamilyname"
SUBJECT_INSTITUTION = "Subject Marker Polytechnic"

# Expected outcomes
ALLOW = "allow"  # 200
OWN = "own"  # 200, and nothing of the subject in the answer
LOGIN = "login"  # 302 to /login
DENY = "deny"  # 403 or 404
NOT_FOUND = "404"
FORBIDDEN = "403"


@dataclass
class World:
    params: dict[str, object]
    tokens: dict[str, str]
    forged: dict[str, str]
    organiser_ids: dict[str, int]
    clients: dict[str, object] = field(default_factory=dict)


def kind_of(rule: str) -> str:
    if rule.startswith("/r/"):
        return "registration"
    if rule.startswith("/p/"):
        return "partner"
    if rule == "/institutions/search":
        return "public"
    if rule.startswith(("/manage/organisers", "/manage/people")):
        return "admin"
    if rule.startswith("/manage/seminars/<slug>"):
        return "seminar"
    if rule.startswith(("/manage", "/account")):
        return "signed_in"
    raise AssertionError(f"{rule} has no place in the access matrix")


def expected(rule: str, role: str) -> str:
    kind = kind_of(rule)
    if kind == "public":
        return ALLOW
    if kind == "registration":
        return {"registrant": ALLOW, "participant": OWN}.get(role, NOT_FOUND)
    if kind == "partner":
        return {"partner": ALLOW, "partner_other_scope": OWN, "partner_other_seminar": OWN}.get(
            role, NOT_FOUND
        )
    if role in TOKEN_HOLDERS:
        return LOGIN
    if kind == "signed_in" or role == "admin":
        return ALLOW
    if kind == "admin":
        return FORBIDDEN
    return ALLOW if role == "organiser" else DENY


def matches(expectation: str, response, subject_markers: tuple[str, ...]) -> bool:
    status = response.status_code
    if expectation == ALLOW:
        return status == 200
    if expectation == OWN:
        body = response.get_data().decode("utf-8", "replace")  # xlsx and pdf are opaque
        return status == 200 and not any(marker in body for marker in subject_markers)
    if expectation == LOGIN:
        return status == 302 and response.headers["Location"].startswith("/login")
    if expectation == DENY:
        return status in (403, 404)
    return status == int(expectation)


def snapshot(app) -> dict[str, list[str]]:
    """Every row of every table, to see that a denied POST stored nothing."""
    with app.app_context(), db.engine.connect() as connection:
        return {
            table.name: sorted(repr(tuple(row)) for row in connection.execute(table.select()))
            for table in db.metadata.sorted_tables
        }


@pytest.fixture
def world(app, make_organiser, make_seminar, make_partner, make_speaker, make_institution):
    organiser = make_organiser("assigned@example.org")
    other = make_organiser("elsewhere@example.org")
    make_organiser("admin@example.org", admin=True)
    subject = make_seminar("subject", title=SUBJECT_TITLE, organisers=[organiser])
    elsewhere = make_seminar("elsewhere", title="Another seminar", organisers=[other])
    sessions = session_ids(app, subject.id)
    speaker = make_speaker(sessions[0])
    institution = make_institution("Unrelated Institute", country="KZ")

    public = app.test_client()
    tokens = {
        "registrant": token_of(
            register(
                public,
                "subject",
                sessions,
                email=SUBJECT_EMAIL,
                family_name=SUBJECT_FAMILY,
                institution_name=SUBJECT_INSTITUTION,
                country="MN",
            )
        ),
        "participant": token_of(
            register(
                public,
                "subject",
                sessions,
                given_name="Hans",
                family_name="Other",
                email="other.person@example.org",
                institution_name="Berufsschule Köln",
                country="DE",
                timezone="Europe/Berlin",
            )
        ),
    }
    register(public, "elsewhere", session_ids(app, elsewhere.id), email="x@example.org")

    partner = make_partner(subject.id, "Subject partner", countries=["MN"])
    other_scope = make_partner(subject.id, "German partner", countries=["DE"])
    other_seminar = make_partner(elsewhere.id, "Elsewhere partner", countries=["MN"])
    with app.app_context():
        for role, record in (
            ("partner", partner),
            ("partner_other_scope", other_scope),
            ("partner_other_seminar", other_seminar),
        ):
            tokens[role] = issue_report_link(db.session.get(Partner, record.id))
        db.session.commit()

        registrations = (
            db.session.execute(
                sa.select(Registration)
                .where(Registration.seminar_id == subject.id)
                .order_by(Registration.id)
            )
            .scalars()
            .all()
        )
        registration = next(r for r in registrations if r.participant.email == SUBJECT_EMAIL)
        # Both people of the subject seminar have a certificate: each downloads only their own.
        db.session.add_all(
            Certificate(registration_id=r.id, code=new_code()) for r in registrations
        )
        record = AttendanceImport(
            session_id=sessions[0],
            filename="zoom.csv",
            sha256="0" * 64,
            platform="zoom",
            timezone="UTC",
            date_order="",
        )
        record.people.append(ImportedPerson(name="Walk In", outcome=Outcome.UNMATCHED))
        db.session.add(record)
        message_id = (
            db.session.execute(
                sa.select(OutboxMessage.id)
                .where(OutboxMessage.seminar_id == subject.id)
                .order_by(OutboxMessage.id)
            )
            .scalars()
            .first()
        )
        db.session.commit()
        params = {
            "slug": "subject",
            "session_id": sessions[0],
            "speaker_id": speaker.id,
            "registration_id": registration.id,
            "partner_id": partner.id,
            "import_id": record.id,
            "person_id": record.people[0].id,
            "action": "reject",
            "message_id": message_id,
            "report": "countries",
            "institution_id": institution.id,
        }
        # A forged token: the right purpose and id, a nonce that was never issued.
        forged = {
            "registration": signed_token("manage-link", registration.id, new_nonce()),
            "partner": signed_token("partner-reports", partner.id, new_nonce()),
        }

    world = World(params, tokens, forged, {"organiser": organiser.id, "organiser_other": other.id})
    for role in ROLES:
        client = app.test_client()
        if role in ORGANISERS:
            email = {"organiser": organiser.email, "organiser_other": other.email}.get(
                role, "admin@example.org"
            )
            response = client.post("/login", data={"email": email, "password": PASSWORD})
            assert response.status_code == 302, f"{role} could not sign in"
        elif role != "anonymous":
            # Whoever holds a link has used it, so any cookie it sets is in the client.
            path = "/p/{}/" if role.startswith("partner") else "/r/{}"
            assert client.get(path.format(tokens[role])).status_code == 200, role
        world.clients[role] = client
    return world


def routes(app) -> list[tuple[str, str]]:
    """(rule, method) for every route of the matrix: GET where it has one, else POST."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIXES):
            method = "GET" if "GET" in rule.methods else "POST"
            found.append((rule.rule, method))
    return sorted(found)


def url_for_role(world: World, rule: str, role: str) -> str:
    values = dict(world.params)
    kind = kind_of(rule)
    if kind in ("registration", "partner"):
        values["token"] = world.tokens.get(role, world.forged[kind])
    if "<int:organiser_id>" in rule:
        # The team member to remove is the assigned organiser; the account to edit, the other.
        key = "organiser" if "/team/" in rule else "organiser_other"
        values["organiser_id"] = world.organiser_ids[key]

    def fill(match: re.Match) -> str:
        name = match.group(1).split(":")[-1]
        if name not in values:
            raise AssertionError(f"{rule}: no value for <{name}>")
        return str(values[name])

    return re.sub(r"<([^>]+)>", fill, rule)


def subject_markers(rule: str, role: str) -> tuple[str, ...]:
    if role == "participant":
        return (SUBJECT_EMAIL, SUBJECT_FAMILY)
    if role == "partner_other_seminar":
        return (SUBJECT_TITLE,)
    if role == "partner_other_scope":
        return (SUBJECT_INSTITUTION, SUBJECT_FAMILY)
    return ()


def describe(response) -> str:
    location = response.headers.get("Location")
    return f"{response.status_code}" + (f" → {location}" if location else "")


def check(app, world: World, rule: str, method: str, role: str) -> tuple[str, str] | None:
    """(expected, got) when the cell is wrong; None when it is right or not checked."""
    expectation = expected(rule, role)
    url = url_for_role(world, rule, role)
    client = world.clients[role]
    if method == "GET":
        response = client.get(url)
        if response.status_code >= 500 or not matches(
            expectation, response, subject_markers(rule, role)
        ):
            return expectation, describe(response)
        return None
    if expectation in (ALLOW, OWN):
        return None  # a POST by whoever may make it changes the data; other tests cover those
    before = snapshot(app)
    response = client.post(url, data={"registration_id": str(world.params["registration_id"])})
    changed = [name for name, rows in snapshot(app).items() if rows != before[name]]
    if response.status_code >= 500 or not matches(expectation, response, ()):
        return expectation, describe(response) + (f", stored in {changed}" if changed else "")
    if changed:
        return f"{expectation}, nothing stored", f"{describe(response)}, stored in {changed}"
    return None


def test_every_route_is_in_the_matrix(app):
    found = routes(app)
    assert len(found) > 60
    for rule, _method in found:
        kind_of(rule)


def test_access_matrix(app, world):
    failures = []
    checked = 0
    for rule, method in routes(app):
        for role in ROLES:
            wrong = check(app, world, rule, method, role)
            checked += 1
            if wrong is not None:
                failures.append((f"{method} {rule}", role, *wrong))
    assert not failures, f"{len(failures)} of {checked} cells wrong:\n" + "\n".join(
        f"  {route}  as {role}: expected {want}, got {got}" for route, role, want, got in failures
    )


def test_a_revoked_partner_link_opens_nothing(app, world):
    """A reissued report link revokes the old one: it is then 404."""
    with app.app_context():
        partner = db.session.get(Partner, world.params["partner_id"])
        issue_report_link(partner)
        db.session.commit()
    client = world.clients["anonymous"]
    failures = [
        (url, client.get(url).status_code)
        for url in (
            f"/p/{world.tokens['partner']}/",
            f"/p/{world.tokens['partner']}/institutions.csv",
        )
    ]
    failures = [(url, status) for url, status in failures if status != 404]
    assert not failures, failures


def test_the_subject_markers_show_on_the_subjects_own_pages(world):
    """The "own" cells look for these markers, so the right token must show them."""
    registrant = world.clients["registrant"].get(f"/r/{world.tokens['registrant']}")
    assert SUBJECT_EMAIL in registrant.text
    assert SUBJECT_FAMILY in registrant.text
    partner = world.clients["partner"].get(f"/p/{world.tokens['partner']}/institutions")
    assert SUBJECT_TITLE in partner.text
    assert SUBJECT_INSTITUTION in partner.text
