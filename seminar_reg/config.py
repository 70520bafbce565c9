"""Defaults; an installation overrides them in ``instance/config.py`` and ``SEMINAR_REG_*``."""


class DefaultConfig:
    #: required outside debug and testing; see README
    SECRET_KEY: str | None = None
    #: set by create_app to a SQLite file in the instance folder unless configured
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    #: the name in the header, page titles and emails
    SITE_NAME = "Seminar registration"
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

    # Flask-Limiter: memory in the embedded default, ``redis://...`` when several processes serve.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"

    #: shortest organiser password
    PASSWORD_MIN_LENGTH = 10
    #: Werkzeug's hash method; tests use a cheap one to stay fast
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a method name, not a password)
