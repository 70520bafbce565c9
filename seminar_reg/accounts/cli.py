import sys

import click

from seminar_reg.accounts import services
from seminar_reg.accounts.models import Organiser
from seminar_reg.accounts.views import bp
from seminar_reg.errors import DomainError
from seminar_reg.extensions import db

bp.cli.help = "Create and list organiser accounts."


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@bp.cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="Name shown to colleagues (default: the email).")
@click.option("--admin", is_flag=True, help="Manages every seminar and the accounts.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create(email: str, name: str, admin: bool, password_stdin: bool) -> None:
    """Create an organiser account that signs in with EMAIL."""
    password = _read_password(password_stdin)
    try:
        organiser = services.create_organiser(email, name, password, is_admin=admin)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created {'admin' if organiser.is_admin else 'organiser'} {organiser.email}.")


@bp.cli.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password(email: str, password_stdin: bool) -> None:
    """Give the organiser signing in with EMAIL a new password."""
    organiser = services.find_organiser(email)
    if organiser is None:
        raise click.ClickException(f"No organiser signs in with {email}.")
    try:
        services.set_password(organiser, _read_password(password_stdin))
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Password changed for {organiser.email}.")


@bp.cli.command("list")
def list_organisers() -> None:
    """List organiser accounts."""
    for organiser in db.session.execute(db.select(Organiser).order_by(Organiser.email)).scalars():
        role = "admin" if organiser.is_admin else "organiser"
        state = "" if organiser.is_active else "\tinactive"
        click.echo(f"{organiser.email}\t{organiser.name}\t{role}{state}")
