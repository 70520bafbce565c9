from flask import Blueprint

bp = Blueprint("partners", __name__, url_prefix="/manage/seminars/<slug>/partners")

from seminar_reg.partners import views  # noqa: E402, F401
