"""The committed migrations build the schema the models describe, on SQLite and PostgreSQL."""

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from seminar_reg import create_app
from seminar_reg.extensions import db
from seminar_reg.mail.models import OutboxMessage
from tests.conftest import POSTGRES_SERVER, service_unavailable


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def empty_database_url(request, tmp_path):
    """A database with no tables at all, as a new installation has."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite'}"
        return
    admin = sa.create_engine(
        f"{POSTGRES_SERVER}/postgres",
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 3},
    )
    name = f"seminar_reg_migrations_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        service_unavailable("PostgreSQL on 127.0.0.1:5432", str(error.orig).strip())
    yield f"{POSTGRES_SERVER}/{name}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def migrated_app(empty_database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def schema_differences() -> list:
    with db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), db.metadata)


def test_migrations_build_exactly_the_models_schema(migrated_app):
    assert schema_differences() == []


def test_migrations_downgrade_to_nothing_and_up_again(migrated_app):
    downgrade(revision="base")
    assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
    upgrade()
    assert schema_differences() == []


def test_cli_upgrade_builds_the_schema(empty_database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert "seminars" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_downgrading_past_rendering_at_delivery_keeps_an_email_not_rendered_yet(
    migrated_app, caplog
):
    db.session.execute(
        sa.insert(OutboxMessage).values(
            kind="confirmation",
            message_id="<kept@example.org>",
            to_address="oyunaa@example.org",
            subject="Registration confirmed",
            template="registration_confirmation",
            context={"registration": {"full_name": "Oyunaa"}},
        )
    )
    db.session.commit()
    with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits
        downgrade(revision="f22f93d9e328")
    assert "1 outbox messages are not rendered yet: run 'flask outbox deliver'" in caplog.text
    db.session.rollback()
    assert db.session.scalar(sa.select(OutboxMessage.template)) == "registration_confirmation"
