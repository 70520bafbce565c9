from flask import Blueprint

bp = Blueprint("accounts", __name__, cli_group="organisers")

from seminar_reg.accounts import cli, views  # noqa: E402, F401
