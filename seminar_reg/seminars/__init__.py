from flask import Blueprint

#: organiser pages under /manage
bp = Blueprint("seminars", __name__, url_prefix="/manage")
#: pages anyone can open
public_bp = Blueprint("public", __name__)

from seminar_reg.seminars import public_views, views  # noqa: E402, F401
