"""Defaults; an installation overrides them in ``instance/config.py`` and ``SEMINAR_REG_*``."""


class DefaultConfig:
    #: required outside debug and testing; see README
    SECRET_KEY: str | None = None
    #: set by create_app to a SQLite file in the instance folder unless configured
    SQLALCHEMY_DATABASE_URI: str | None = None

    #: the name in the header, page titles and emails; empty: "Seminar registration", translated
    SITE_NAME = ""
    #: the address participants reach the site at; every link in an email starts with it
    PUBLIC_URL = "http://127.0.0.1:5000"
    #: the four languages the product speaks; English is the fallback
    LANGUAGES = ("en", "zh_Hans", "mn", "de")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"

    # A registration form may stay open for hours before it is sent.
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    #: None: HTTPS-only exactly when PUBLIC_URL is https://
    SESSION_COOKIE_SECURE: bool | None = None
    REMEMBER_COOKIE_SECURE: bool | None = None

    # Flask-Limiter: where the counts are kept. None: Celery's broker when it is Redis (several
    # processes serve then, and must share one count), else memory (the embedded default).
    RATELIMIT_STORAGE_URI: str | None = None
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"

    # Email. Without MAIL_SERVER, messages are written to the log instead of sent (embedded
    # default); with it, Flask-Mail delivers over SMTP (MAIL_PORT, MAIL_USE_TLS, MAIL_USERNAME...).
    MAIL_SERVER = ""
    # Flask-Mail would not send while testing; our tests send to a real server on loopback.
    MAIL_SUPPRESS_SEND = False
    MAIL_DEFAULT_SENDER = "Seminar registration <no-reply@localhost>"
    #: after a commit that wrote emails: "thread" delivers them in this process, "celery" asks a
    #: worker, "none" leaves them to ``flask outbox deliver`` (cron or --watch) or beat
    OUTBOX_DISPATCH = "thread"
    #: messages one delivery run takes; one SMTP connection carries them all
    OUTBOX_BATCH_SIZE = 100
    #: attempts before a message is marked failed
    OUTBOX_MAX_ATTEMPTS = 12
    #: a claimed message not delivered within this many seconds is claimed again
    OUTBOX_CLAIM_SECONDS = 300

    # Celery (production): workers on Redis deliver the outbox and run the scheduled jobs.
    #: e.g. "redis://127.0.0.1:6379/0"; Celery is set up only when this is set
    CELERY_BROKER_URL = ""
    CELERY_QUEUE = "seminar_reg"
    #: beat asks for a delivery this often, which also retries failed messages
    CELERY_DELIVERY_SECONDS = 30
    #: a delivery task asked for by a commit starts this many seconds later, and takes the emails
    #: of every commit in between in one batch (one task per registration would cost more than
    #: the sending, in a rush)
    CELERY_DELIVERY_GATHER_SECONDS = 1.0

    #: registrations a visitor (address) may send
    REGISTRATION_RATE_LIMIT = "30 per minute;300 per hour"
    #: requests for a new manage link, per visitor
    MANAGE_LINK_RATE_LIMIT = "5 per minute;20 per hour"
    #: check-in attempts, per visitor
    CHECK_IN_RATE_LIMIT = "10 per minute;60 per hour"
    #: most colleagues in one group registration or organiser import
    GROUP_SIZE_LIMIT = 100
    #: how long personal data is kept after a seminar ends, as the privacy notice says
    RETENTION_MONTHS = 24

    #: shortest organiser password
    PASSWORD_MIN_LENGTH = 10
    #: Werkzeug's hash method; tests use a cheap one to stay fast
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a method name, not a password)
