"""seminar_reg: registration, attendance and reporting for multi-session seminars."""

import os
import select
import sqlite3
from email.utils import parseaddr
from pathlib import Path

import psycopg
import sqlalchemy as sa
from flask import Flask

from seminar_reg.config import DefaultConfig

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class ConfigurationError(RuntimeError):
    """The installation is configured in a way the application cannot start with."""


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: defaults, then ``instance/config.py``, then ``SEMINAR_REG_*``."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("SEMINAR_REG_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("SEMINAR_REG")
    if test_config is not None:
        app.config.from_mapping(test_config)
    _check_config(app)
    _derive_settings(app)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        database = Path(app.instance_path) / "seminar_reg.sqlite"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"

    app.jinja_env.add_extension("jinja2.ext.do")
    # Block tags take their line with them, so that text emails come out without stray blanks.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    _init_extensions(app)
    _register_blueprints(app)
    return app


def _derive_settings(app: Flask) -> None:
    """Settings left unset that follow from others, so that a deployment is safe by default.

    - Cookies are sent over HTTPS only when the site is reached over HTTPS (PUBLIC_URL).
    - Rate limits count in Redis when Celery has a Redis broker: several processes (gunicorn
      workers, web nodes) then share one count instead of each allowing the limit.
    """
    secure = app.config["PUBLIC_URL"].startswith("https://")
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config.get(name) is None:
            app.config[name] = secure
    if app.config.get("RATELIMIT_STORAGE_URI") is None:
        broker = app.config["CELERY_BROKER_URL"]
        redis = broker.startswith(("redis://", "rediss://"))
        app.config["RATELIMIT_STORAGE_URI"] = broker if redis else "memory://"


def _check_config(app: Flask) -> None:
    _check_sender(app)
    if not app.config["SECRET_KEY"] and not (app.debug or app.testing):
        raise ConfigurationError(
            "SECRET_KEY is not set. Set it in the environment, e.g.\n"
            "  export SEMINAR_REG_SECRET_KEY="
            "$(python -c 'import secrets; print(secrets.token_hex(32))')\n"
            f"or write SECRET_KEY = '...' into {Path(app.instance_path) / 'config.py'}. "
            "Every web and worker process of one installation needs the same key."
        )


def _check_sender(app: Flask) -> None:
    """Mail that really leaves must come from an address on the organisers' own domain."""
    if not app.config["MAIL_SERVER"] or app.testing:
        return
    address = parseaddr(app.config.get("MAIL_DEFAULT_SENDER") or "")[1]
    domain = address.rpartition("@")[2]
    if not address or domain in ("", "localhost") or "." not in domain:
        raise ConfigurationError(
            "MAIL_SERVER is set but the sender is not: set SEMINAR_REG_MAIL_DEFAULT_SENDER to an "
            'address of your domain, e.g. "UNEVOC seminars <seminars@example.org>", so that '
            "confirmations are not rejected as spam."
        )


def _init_extensions(app: Flask) -> None:
    from seminar_reg import i18n, page_cache, security
    from seminar_reg.extensions import babel, csrf, db, limiter, login_manager, mail, migrate
    from seminar_reg.mail import delivery

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    delivery.init_app(app)
    page_cache.init_app(app)
    if app.config["CELERY_BROKER_URL"]:
        from seminar_reg.celery_app import init_celery

        init_celery(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    security.init_app(app)

    if app.config.get("PROXY_FIX_X_FOR"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=app.config["PROXY_FIX_X_FOR"],
            x_proto=app.config.get("PROXY_FIX_X_PROTO", 1),
        )


def _register_blueprints(app: Flask) -> None:
    from seminar_reg import errors, i18n, scheduler
    from seminar_reg.accounts import cli as _accounts_cli  # noqa: F401  (adds commands to accounts)
    from seminar_reg.accounts import views as accounts
    from seminar_reg.attendance import check_in_views as check_in
    from seminar_reg.attendance import cli as _attendance_cli  # noqa: F401  (adds commands)
    from seminar_reg.attendance import views as attendance
    from seminar_reg.certificates import views as certificates
    from seminar_reg.demo import cli as demo
    from seminar_reg.institutions import views as institutions
    from seminar_reg.mail import cli as _mail_cli  # noqa: F401  (adds commands to the mail log's)
    from seminar_reg.mail import views as mail
    from seminar_reg.messaging import views as messaging
    from seminar_reg.partners import views as partners
    from seminar_reg.registration import manage_views as registrations
    from seminar_reg.registration import views as registration
    from seminar_reg.reports import views as reports
    from seminar_reg.seminars import public_views as public
    from seminar_reg.seminars import views as seminars

    pages = [public, accounts, seminars, partners, institutions, registration, registrations]
    pages += [attendance, check_in, certificates, messaging, reports]
    for module in [*pages, mail, scheduler, demo]:
        app.register_blueprint(module.bp)
    app.register_blueprint(reports.partner_bp)
    errors.init_app(app)
    i18n.init_app(app)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _connection_settings(dbapi_connection: object, _record: object) -> None:
    # SQLite enforces foreign keys (and so ON DELETE CASCADE) only when asked, per connection;
    # WAL lets readers go on while one writer commits.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
    # PostgreSQL compiles a query to machine code when it guesses it costly; for the reports'
    # sub-second aggregates, compiling took longer than running (0.47 s of 1.1 s measured).
    elif isinstance(dbapi_connection, psycopg.Connection):
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        dbapi_connection.execute("SET jit = off")
        dbapi_connection.autocommit = autocommit


@sa.event.listens_for(sa.pool.Pool, "checkout")
def _replace_closed_connection(dbapi_connection: object, _record: object, _proxy: object) -> None:
    """A PostgreSQL connection that the server closed while it lay in the pool (a restart, a
    failover, an idle timeout, a backend killed) is replaced before it is lent.

    The server tells its client so on the socket (an error message, then the end of the
    stream), and nothing else comes on an idle connection of ours (it LISTENs for nothing): so
    a look at the socket, which costs no round trip, finds what a ping finds. The ping
    (``pool_pre_ping``) was a SELECT 1 and its wait on every request, 4% of a registration's
    CPU. The pool answers DisconnectionError with a new connection.
    """
    if isinstance(dbapi_connection, psycopg.Connection) and not _open_and_quiet(dbapi_connection):
        raise sa.exc.DisconnectionError("the server closed the connection")


def _open_and_quiet(connection: psycopg.Connection) -> bool:
    if connection.closed or connection.broken:
        return False
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN)
    return not poller.poll(0)  # readable, hung up or in error: the server has spoken
