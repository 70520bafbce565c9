from flask import Blueprint

#: the participant's pages: the forms, the private manage link
bp = Blueprint("registration", __name__)
#: the organiser's pages about a seminar's registrations
manage_bp = Blueprint("registrations", __name__, url_prefix="/manage/seminars/<slug>/registrations")

from seminar_reg.registration import manage_views, views  # noqa: E402, F401
