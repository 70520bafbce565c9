"""Celery, configured from the Flask app; its tasks run inside the app's context."""

from datetime import timedelta

from celery import Celery, Task
from flask import Flask, current_app

from seminar_reg.extensions import db
from seminar_reg.mail.delivery import CeleryNudge


def init_celery(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                try:
                    return self.run(*args, **kwargs)
                finally:
                    db.session.remove()

    queue = app.config["CELERY_QUEUE"]
    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        task_ignore_result=True,
        task_default_queue=queue,
        # A task lost with its worker is run again; claims in the database stop doubles.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        beat_schedule={
            "deliver-outbox": {
                "task": "seminar_reg.deliver_outbox",
                "schedule": timedelta(seconds=app.config["CELERY_DELIVERY_SECONDS"]),
            },
            "reminders": {"task": "seminar_reg.send_reminders", "schedule": timedelta(minutes=1)},
            "partner-jobs": {
                "task": "seminar_reg.partner_jobs",
                "schedule": timedelta(minutes=10),
            },
        },
    )
    _register_tasks(celery)
    app.extensions["celery"] = celery
    app.extensions["celery_nudge"] = CeleryNudge(app)
    return celery


def _register_tasks(celery: Celery) -> None:
    from seminar_reg import scheduler
    from seminar_reg.mail.delivery import deliver_due

    @celery.task(name="seminar_reg.deliver_outbox")
    def deliver_outbox() -> int:
        current_app.extensions["celery_nudge"].starting()
        return deliver_due().handled

    @celery.task(name="seminar_reg.send_reminders")
    def send_reminders() -> int:
        return scheduler.run_reminders()

    @celery.task(name="seminar_reg.partner_jobs")
    def partner_jobs() -> int:
        return sum(scheduler.run_partner_jobs())
