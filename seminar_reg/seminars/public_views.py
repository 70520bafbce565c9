from itertools import groupby

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy.orm import joinedload, selectinload

from seminar_reg.extensions import db, utcnow
from seminar_reg.partners.models import Partner
from seminar_reg.registration.services import listed_participants
from seminar_reg.seminars import services
from seminar_reg.seminars.models import Seminar, SeminarSession
from seminar_reg.urls import safe_next

#: pages anyone can open
bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    upcoming, past = services.public_seminars(utcnow())
    return render_template("public/home.html", upcoming=upcoming, past=past)


@bp.post("/language")
def choose_language():
    """The language switcher in every page's header: remembered for the visitor's next visits,
    then back to the page it was pressed on."""
    language = request.form.get("language", "")
    if language in current_app.config["LANGUAGES"]:
        session["language"] = language
        session.permanent = True
    return redirect(safe_next(request.form.get("next")) or url_for("public.home"), 303)


@bp.get("/seminars/<slug>/")
def seminar(slug: str):
    # Two statements: the seminar joined to its few partners (not their scopes, which the page
    # does not show), then its sessions joined to their speakers. One per relationship took
    # nearly twice the page's time.
    seminar = services.public_seminar(
        slug,
        joinedload(Seminar.partners).lazyload(Partner.scope_institutions),
        selectinload(Seminar.sessions).joinedload(SeminarSession.speakers),
    )
    if seminar is None:
        abort(404)
    tz = seminar.zone
    in_order = sorted(seminar.sessions, key=lambda s: (s.starts_at, s.position))
    days = [
        (day, list(sessions))
        for day, sessions in groupby(in_order, key=lambda s: s.starts_at.astimezone(tz).date())
    ]
    return render_template(
        "public/seminar.html",
        seminar=seminar,
        days=days,
        registration_open=seminar.registration_is_open(utcnow()),
        participants=listed_participants(seminar) if seminar.public_participant_list else [],
    )


@bp.get("/healthz")
def healthz():
    """For load balancers: 200 when the database answers."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        abort(503)
    return {"status": "ok"}
