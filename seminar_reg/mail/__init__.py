from flask import Blueprint

#: ``flask outbox deliver`` and ``flask outbox status``
bp = Blueprint("mail", __name__, cli_group="outbox")

from seminar_reg.mail import cli, delivery  # noqa: E402, F401
