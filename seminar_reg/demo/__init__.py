from flask import Blueprint

#: demo data commands, at the top level of ``flask``
bp = Blueprint("demo", __name__, cli_group=None)

from seminar_reg.demo import cli  # noqa: E402, F401
