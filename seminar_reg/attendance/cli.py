from pathlib import Path

import click
import sqlalchemy as sa

from seminar_reg.attendance import services
from seminar_reg.attendance.views import bp
from seminar_reg.errors import DomainError
from seminar_reg.extensions import db
from seminar_reg.seminars.models import Seminar, SeminarSession

bp.cli.help = "Import meeting reports."

FIGURES = (
    ("rows_read", "rows read"),
    ("people", "people found"),
    ("email", "matched by email"),
    ("name", "matched by name"),
    ("proposed", "proposed (confirm them on the import's page)"),
    ("unmatched", "not matched"),
    ("ignored", "ignored (hosts, panelists, no-shows)"),
    ("kept_by_hand", "kept as set by hand"),
    ("present", "present in the session"),
    ("absent", "absent"),
)


@bp.cli.command("import")
@click.argument("seminar_slug")
@click.argument("session_id", type=int)
@click.argument("report", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--timezone", help="Zone of the report's times (default: the seminar's).")
@click.option("--date-order", type=click.Choice(["dmy", "mdy"]), help="Day or month first.")
@click.option("--confirm-date", is_flag=True, help="Import a report of another day anyway.")
def import_command(seminar_slug, session_id, report, timezone, date_order, confirm_date):
    """Import REPORT (Zoom, Teams, Meet, Webex) as the attendance of a session of a seminar."""
    session = db.session.execute(
        sa.select(SeminarSession)
        .join(Seminar)
        .where(Seminar.slug == seminar_slug, SeminarSession.id == session_id)
    ).scalar_one_or_none()
    if session is None:
        raise click.ClickException(f"Seminar {seminar_slug} has no session {session_id}.")
    try:
        result = services.import_report(
            session,
            report.read_bytes(),
            report.name,
            organiser_id=None,
            timezone=timezone,
            date_order=date_order,
            confirm_date=confirm_date,
        )
    except DomainError as error:
        raise click.ClickException(error.message) from error
    record = result.record
    if not result.changed:
        click.echo("This file was imported already; nothing changed.")
    click.echo(f"{services.platform_label(record.platform)}, import {record.id}:")
    for key, label in FIGURES:
        click.echo(f"  {record.figures.get(key, 0):>6}  {label}")
    for problem in record.problems:
        click.echo(f"  line {problem['line']}: {problem['reason']}")
