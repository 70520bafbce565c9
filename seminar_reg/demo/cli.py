import click
from flask import Blueprint

from seminar_reg.demo.seed import seed_demo
from seminar_reg.extensions import utcnow

#: demo data commands, at the top level of ``flask``
bp = Blueprint("demo", __name__, cli_group=None)


@bp.cli.command("seed-demo")
def seed_demo_command() -> None:
    """Load the demo seminars, institutions and an organiser login (idempotent)."""
    report = seed_demo(utcnow())
    created, kept = len(report.seminars_created), len(report.seminars_kept)
    click.echo(f"Seminars: {created} created, {kept} already there.")
    click.echo(
        f"Institutions: {report.institutions_created} created, "
        f"{report.institutions_kept} already there."
    )
    click.echo(f"Registrations: {report.registrations_created} created.")
    click.echo(f"Attendance: {report.sessions_recorded} sessions recorded.")
    click.echo("")
    click.echo("Organiser login (admin):")
    click.echo(f"  email:    {report.login_email}")
    click.echo(f"  password: {report.login_password}")
