"""Work that runs on a clock: reminders, partners' digests and milestones, then delivery.

Celery beat runs it in production (seminar_reg.tasks); ``flask scheduler run`` runs the same
functions in the embedded default. Each job claims what it sends in the database first, so two
schedulers running at once send everything once.
"""

import logging
import time
from dataclasses import dataclass
from datetime import datetime

import click
from flask import Blueprint

from seminar_reg.extensions import db, utcnow
from seminar_reg.mail.delivery import deliver_due
from seminar_reg.messaging.services import send_due_reminders
from seminar_reg.partners import notifications
from seminar_reg.registration import retention

log = logging.getLogger(__name__)

bp = Blueprint("scheduler", __name__, cli_group="scheduler")
bp.cli.help = "Run reminders, digests and deliveries on a clock (without Celery)."


@dataclass
class JobReport:
    reminders: int = 0
    digests: int = 0
    milestones: int = 0
    erased: int = 0  # seminars whose personal data was erased

    def __str__(self) -> str:
        return (
            f"Reminders {self.reminders}, partner digests {self.digests}, "
            f"partner summaries {self.milestones}, seminars erased {self.erased}."
        )


def run_reminders(now: datetime | None = None) -> int:
    return send_due_reminders(now or utcnow())


def run_partner_jobs(now: datetime | None = None) -> tuple[int, int]:
    now = now or utcnow()
    return notifications.send_digests(now), notifications.send_milestones(now)


def run_due_jobs(now: datetime | None = None) -> JobReport:
    now = now or utcnow()
    report = JobReport(reminders=run_reminders(now))
    report.digests, report.milestones = run_partner_jobs(now)
    report.erased = len(retention.erase_expired(now))
    return report


@bp.cli.command("erase-expired")
def erase_expired() -> None:
    """Erase the personal data of the seminars whose retention period is over."""
    for erased in retention.erase_expired(utcnow()):
        click.echo(
            f"{erased.seminar}: personal data of {erased.registrations} registrations erased"
        )


@bp.cli.command("once")
def once() -> None:
    """Run what is due now, then deliver the outbox."""
    click.echo(str(run_due_jobs()))
    delivered = deliver_due()
    click.echo(f"Sent {delivered.sent}, failed {delivered.failed}, to retry {delivered.retried}.")


@bp.cli.command("run")
@click.option("--interval", default=60.0, show_default=True, help="Seconds between rounds.")
def run(interval: float) -> None:
    """Keep running what is due and delivering the outbox until stopped."""
    while True:
        try:
            report = run_due_jobs()
            delivered = deliver_due()
            if report.reminders or report.digests or report.milestones or delivered.handled:
                click.echo(f"{report} Sent {delivered.sent}, to retry {delivered.retried}.")
        except Exception:
            log.exception("A scheduled round failed; the next one tries again")
            db.session.rollback()
        db.session.remove()
        time.sleep(interval)
