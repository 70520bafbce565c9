"""Fixtures: the app on SQLite and on PostgreSQL, a client, and factories that return callables.

Every test that uses ``app`` runs twice, once per database. PostgreSQL is the local server on
127.0.0.1:5432 (trust auth); the run creates its own database and drops it at the end. Without
the server a PostgreSQL test skips, with the reason, except under ``CI=true``, where it fails.
"""

import os
import socket
import threading
import uuid
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from werkzeug.serving import make_server

from seminar_reg import create_app
from seminar_reg.accounts.models import Organiser
from seminar_reg.extensions import db
from seminar_reg.institutions.models import Institution, InstitutionType
from seminar_reg.partners.models import NotificationMode, Partner, PartnerRole
from seminar_reg.registration import services as registrations
from seminar_reg.registration.models import RegisteredBy
from seminar_reg.seminars.models import Seminar, SeminarSession, SeminarStatus, Speaker
from seminar_reg.text import fold

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
POSTGRES_SERVER = os.environ.get(
    "SEMINAR_REG_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432"
)
PASSWORD = "a long organiser passphrase"


def pytest_configure(config):
    # Tests read no developer configuration: no instance/config.py, no SEMINAR_REG_* variables.
    for name in [n for n in os.environ if n.startswith("SEMINAR_REG_")]:
        if name != "SEMINAR_REG_TEST_POSTGRES":
            del os.environ[name]
    instance = Path(config.rootpath) / ".pytest_cache" / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    os.environ["SEMINAR_REG_INSTANCE_PATH"] = str(instance)


def service_unavailable(name: str, reason: str):
    """Skip on a laptop without the service; fail under CI=true, where every service must run."""
    message = f"{name} is not available: {reason}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true requires it)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh PostgreSQL database for this test run, with the schema, dropped at the end."""
    admin = sa.create_engine(
        f"{POSTGRES_SERVER}/postgres",
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 3},
    )
    name = f"seminar_reg_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        service_unavailable("PostgreSQL on 127.0.0.1:5432", str(error.orig).strip())
    url = f"{POSTGRES_SERVER}/{name}"
    schema_app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with schema_app.app_context():
        db.create_all()
        db.engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    return request.getfixturevalue("postgres_url")


def test_config(database_url: str, **overrides) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test secret key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PASSWORD_MIN_LENGTH": 10,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Tests deliver the outbox when they mean to.
        "OUTBOX_DISPATCH": "none",
        **overrides,
    }


test_config.__test__ = False  # a helper, not a test


def empty_database(app) -> None:
    """A clean schema for the next test: a new file on SQLite, emptied tables on PostgreSQL."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.create_all()
        else:
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def make_app(database_url):
    """Build an app on this test's database with extra configuration; cleaned up after."""
    apps = []

    def make(**overrides):
        app = create_app(test_config(database_url, **overrides))
        if not apps:
            empty_database(app)
        apps.append(app)
        return app

    yield make
    for app in apps:
        # Threads that may hold a connection end first: one left checked out by dispose() is
        # garbage-collected unclosed later, and its ResourceWarning fails whichever test is
        # running then.
        app.extensions["outbox_deliverer"].stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = PASSWORD):
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


def _stored(obj):
    """The object as committed, detached from the session so that tests can read its columns."""
    db.session.commit()
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


@pytest.fixture
def make_organiser(app):
    def make(email="ann@example.org", *, name=None, admin=False, password=PASSWORD, seminars=()):
        with app.app_context():
            organiser = Organiser(email=email, name=name or email.split("@")[0], is_admin=admin)
            organiser.set_password(password)
            organiser.seminars = [db.session.get(Seminar, s.id) for s in seminars]
            db.session.add(organiser)
            return _stored(organiser)

    return make


NOW = datetime.now(UTC).replace(second=0, microsecond=0)


@pytest.fixture
def make_seminar(app):
    """A seminar with ``sessions`` one-hour sessions a day apart, starting in ``starts_in``."""

    def make(
        slug="digital-tvet",
        *,
        title="Digital TVET seminar",
        timezone="Asia/Ulaanbaatar",
        status=SeminarStatus.PUBLISHED,
        sessions=2,
        starts_in=timedelta(days=20),
        registration_opens_at=None,
        registration_closes_at=None,
        capacity=None,
        organisers=(),
    ):
        first = NOW + starts_in
        with app.app_context():
            seminar = Seminar(
                slug=slug,
                title=title,
                timezone=timezone,
                status=status,
                registration_opens_at=registration_opens_at or NOW - timedelta(days=1),
                registration_closes_at=registration_closes_at or first - timedelta(hours=1),
                capacity=capacity,
                contact_email="contact@example.org",
                organisers=[db.session.get(Organiser, o.id) for o in organisers],
            )
            for number in range(1, sessions + 1):
                start = first + timedelta(days=number - 1)
                seminar.sessions.append(
                    SeminarSession(
                        position=number,
                        title=f"Session {number}",
                        starts_at=start,
                        ends_at=start + timedelta(hours=1),
                        join_url=f"https://meet.example.org/{slug}/{number}",
                    )
                )
            db.session.add(seminar)
            return _stored(seminar)

    return make


@pytest.fixture
def make_speaker(app):
    def make(session_id: int, name="Dr. Oyunchimeg", **fields):
        with app.app_context():
            session = db.session.get(SeminarSession, session_id)
            speaker = Speaker(position=len(session.speakers) + 1, name=name, **fields)
            session.speakers.append(speaker)
            return _stored(speaker)

    return make


@pytest.fixture
def make_institution(app):
    def make(name="Darkhan Polytechnic College", *, country="MN", acronym="", kind=None):
        with app.app_context():
            institution = Institution(
                name=name,
                acronym=acronym,
                country=country,
                type=kind or InstitutionType.TVET_INSTITUTE,
                normalised_name=fold(name),
                normalised_acronym=fold(acronym),
            )
            db.session.add(institution)
            return _stored(institution)

    return make


@pytest.fixture
def make_partner(app):
    def make(
        seminar_id: int,
        organisation="VETP",
        *,
        countries=(),
        institutions=(),
        contacts=("partner@example.org",),
        mode=NotificationMode.EACH_REGISTRATION,
        role=PartnerRole.CO_ORGANISER,
    ):
        with app.app_context():
            seminar = db.session.get(Seminar, seminar_id)
            partner = Partner(
                position=len(seminar.partners) + 1,
                organisation=organisation,
                role=role,
                contact_emails=list(contacts),
                scope_countries=list(countries),
                scope_institutions=[db.session.get(Institution, i.id) for i in institutions],
                notification_mode=mode,
            )
            seminar.partners.append(partner)
            return _stored(partner)

    return make


class SMTPServer:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives; it can be stopped."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.refused: set[str] = set()
        self.connections = 0
        self._controller = None

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        )
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(make_app, smtp_server):
    """The app sending its outbox to the test's SMTP server."""
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)


@pytest.fixture
def serve(make_app):
    """Serve an app over real HTTP on a free loopback port, one thread per request. Stopped
    before the apps' teardown (hence ``make_app``): ``server_close`` waits for the requests
    under way, such as a browser's last ones when its test ends."""
    servers = []

    def start(app) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def local(text: str, zone: str) -> datetime:
    """The UTC instant of a wall-clock time in a zone."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.fixture
def meeting(app, make_seminar):
    """A seminar of one session at a given local time, with people registered for it."""

    def make(start: str, end: str, zone: str, people: list[tuple[str, str, str]]) -> int:
        seminar = make_seminar(
            "meeting", sessions=0, timezone=zone, status=SeminarStatus.REGISTRATION_CLOSED
        )
        with app.app_context():
            stored = db.session.get(Seminar, seminar.id)
            stored.sessions.append(
                SeminarSession(
                    position=1,
                    title="Meeting",
                    starts_at=local(start, zone),
                    ends_at=local(end, zone),
                )
            )
            db.session.commit()
            for given, family, email in people:
                request = registrations.RegistrationRequest(
                    person=registrations.PersonDetails(given, family, email),
                    country="DE",
                    institution=registrations.InstitutionChoice("Heroes Academy", "other"),
                    session_ids=(stored.sessions[0].id,),
                )
                registrations.register(stored, request, by=RegisteredBy.ORGANISER, send_email=False)
            return db.session.get(Seminar, seminar.id).sessions[0].id

    return make
