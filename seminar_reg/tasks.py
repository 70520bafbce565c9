"""Celery workers and beat: ``celery -A seminar_reg.tasks worker`` and ``... beat``.

The web processes put emails in the outbox and, with OUTBOX_DISPATCH = "celery", ask a worker
to deliver them; beat runs reminders, digests and retries on a clock. Any number of workers on
any number of machines may run against one database: every message and reminder is claimed in
the database before it is sent.
"""

from seminar_reg import ConfigurationError, create_app

flask_app = create_app()
if "celery" not in flask_app.extensions:
    raise ConfigurationError(
        "Celery needs a broker: set SEMINAR_REG_CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0"
    )
celery = flask_app.extensions["celery"]
