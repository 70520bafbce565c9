"""The app factory: configuration order, the secret key, the default database."""

import pytest

from seminar_reg import ConfigurationError, create_app


@pytest.fixture
def instance(tmp_path, monkeypatch):
    monkeypatch.setenv("SEMINAR_REG_INSTANCE_PATH", str(tmp_path))
    return tmp_path


def test_testing_config_is_applied(app):
    assert app.testing
    assert not create_app({"SECRET_KEY": "x"}).testing


def test_default_database_is_sqlite_in_instance_folder(instance):
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'seminar_reg.sqlite'}"


def test_instance_config_overrides_defaults(instance):
    (instance / "config.py").write_text("SECRET_KEY = 'from instance'\nSITE_NAME = 'UNEVOC'\n")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from instance"
    assert app.config["SITE_NAME"] == "UNEVOC"


def test_environment_overrides_instance_config(instance, monkeypatch):
    (instance / "config.py").write_text("SECRET_KEY = 'from instance'\nMAIL_PORT = 25\n")
    monkeypatch.setenv("SEMINAR_REG_SECRET_KEY", "from environment")
    monkeypatch.setenv("SEMINAR_REG_MAIL_PORT", "2525")
    monkeypatch.setenv("SEMINAR_REG_SQLALCHEMY_DATABASE_URI", "postgresql+psycopg://db/x")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from environment"
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db/x"


def test_test_config_overrides_environment(instance, monkeypatch):
    monkeypatch.setenv("SEMINAR_REG_SITE_NAME", "from environment")
    app = create_app({"SECRET_KEY": "x", "SITE_NAME": "from test"})
    assert app.config["SITE_NAME"] == "from test"


def test_missing_secret_key_stops_the_start_with_instructions(instance):
    with pytest.raises(ConfigurationError, match="SEMINAR_REG_SECRET_KEY"):
        create_app()


def test_missing_secret_key_is_allowed_when_testing(instance):
    assert create_app({"TESTING": True}).config["SECRET_KEY"] is None


def test_wsgi_module_exposes_the_app(instance, monkeypatch):
    monkeypatch.setenv("SEMINAR_REG_SECRET_KEY", "x")
    import importlib

    import wsgi

    assert importlib.reload(wsgi).app.name == "seminar_reg"


def test_health_check_reports_a_reachable_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_unknown_page_is_a_404_in_the_products_look(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "There is nothing at this address" in response.text
    assert "Seminar registration" in response.text


def test_mail_server_without_a_real_sender_stops_the_start(instance):
    with pytest.raises(ConfigurationError, match="SEMINAR_REG_MAIL_DEFAULT_SENDER"):
        create_app({"SECRET_KEY": "x", "MAIL_SERVER": "smtp.example.org"})


def test_mail_server_with_a_sender_of_the_domain_starts(instance):
    app = create_app(
        {
            "SECRET_KEY": "x",
            "MAIL_SERVER": "smtp.example.org",
            "MAIL_DEFAULT_SENDER": "UNEVOC seminars <seminars@example.org>",
        }
    )
    assert app.config["MAIL_SERVER"] == "smtp.example.org"


def test_celery_is_set_up_only_with_a_broker(instance):
    assert "celery" not in create_app({"SECRET_KEY": "x"}).extensions
    app = create_app({"SECRET_KEY": "x", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"})
    assert app.extensions["celery"].conf.task_default_queue == "seminar_reg"


@pytest.mark.parametrize(
    ("settings", "secure", "limits"),
    [
        ({}, False, "memory://"),
        ({"PUBLIC_URL": "https://seminars.example.org"}, True, "memory://"),
        ({"CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}, False, "redis://127.0.0.1:6379/0"),
        (
            {"PUBLIC_URL": "https://s.example.org", "SESSION_COOKIE_SECURE": False},
            False,
            "memory://",
        ),
        (
            {"RATELIMIT_STORAGE_URI": "memory://", "CELERY_BROKER_URL": "redis://r:6379/0"},
            False,
            "memory://",
        ),
    ],
)
def test_cookies_and_rate_limits_follow_the_deployment(settings, secure, limits):
    """HTTPS cookies where the site is HTTPS; shared rate-limit counts where processes are many;
    whatever is set explicitly wins."""
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://", **settings})
    assert app.config["SESSION_COOKIE_SECURE"] is secure
    https = settings.get("PUBLIC_URL", "").startswith("https://")
    assert app.config["REMEMBER_COOKIE_SECURE"] is https
    assert app.config["RATELIMIT_STORAGE_URI"] == limits
