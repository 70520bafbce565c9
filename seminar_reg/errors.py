"""Domain errors raised by services, and the error pages of the product."""

import logging

import sqlalchemy as sa
from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from seminar_reg.extensions import db


class DomainError(Exception):
    """A request the product understands and refuses; its message is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_MESSAGES = {
    400: lambda: _("The request could not be understood. Please go back and try again."),
    403: lambda: _("You do not have access to this page."),
    404: lambda: _("There is nothing at this address. The link may be mistyped or out of date."),
    405: lambda: _("This page cannot be used that way."),
    413: lambda: _("The file or form you sent is too large."),
    429: lambda: _("Too many attempts in a short time. Please wait a minute and try again."),
    500: lambda: _("Something went wrong on our side. Nothing was saved; please try again."),
    503: lambda: _("The service is briefly unavailable. Please try again in a minute."),
}


def _render(code: int, message: str | None = None) -> tuple[str, int]:
    message = message or _MESSAGES.get(code, _MESSAGES[400])()
    return render_template("errors/error.html", code=code, message=message), code


def handle_http_error(error: HTTPException) -> tuple[str, int]:
    return _render(error.code or 500)


def handle_csrf_error(error: CSRFError) -> tuple[str, int]:
    return _render(
        400,
        _(
            "This form has expired or was not sent from this site. "
            "Please reload the page and send it again."
        ),
    )


def handle_server_error(error: InternalServerError) -> tuple[str, int]:
    # Whatever the failed request had written must not leak into the next one.
    db.session.rollback()
    return _render(500)


def handle_database_unavailable(error: sa.exc.DBAPIError) -> tuple[str, int]:
    """The database went away during the request (restarted, failed over, the connection cut):
    the transaction is undone, so nothing is half-stored; the pool checks each connection
    before lending it (seminar_reg._replace_closed_connection), so the next request gets a
    working one."""
    if not error.connection_invalidated and not isinstance(error, sa.exc.OperationalError):
        raise error
    logging.getLogger(__name__).warning("database unavailable: %s", error.orig)
    db.session.rollback()
    return _render(
        503, _("The database did not answer. Nothing was saved; please try again in a minute.")
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(sa.exc.DBAPIError, handle_database_unavailable)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(HTTPException, handle_http_error)
