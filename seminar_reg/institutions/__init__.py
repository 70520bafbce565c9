from flask import Blueprint

bp = Blueprint("institutions", __name__, url_prefix="/manage/institutions")

from seminar_reg.institutions import views  # noqa: E402, F401
