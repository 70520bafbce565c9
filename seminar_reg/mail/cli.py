import time

import click

from seminar_reg.extensions import db
from seminar_reg.mail.delivery import deliver_due, status_counts
from seminar_reg.mail.views import bp


@bp.cli.command("deliver")
@click.option("--watch", is_flag=True, help="Keep delivering until stopped.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds.")
def deliver(watch: bool, interval: float) -> None:
    """Send the messages that are due."""
    while True:
        report = deliver_due()
        if report.handled or not watch:
            click.echo(
                f"Sent {report.sent}, failed {report.failed}, to retry {report.retried}."
                + (f" Last error: {report.errors[-1]}" if report.errors else "")
            )
        if not watch:
            return
        db.session.remove()
        time.sleep(interval)


@bp.cli.command("status")
def status() -> None:
    """Count the messages by status."""
    for state, count in status_counts().items():
        click.echo(f"{state.value}\t{count}")
