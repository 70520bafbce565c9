import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from seminar_reg.accounts.access import sign_in_required
from seminar_reg.accounts.models import Organiser
from seminar_reg.errors import DomainError
from seminar_reg.extensions import db, utcnow
from seminar_reg.registration.services import registration_counts
from seminar_reg.seminars import services
from seminar_reg.seminars.access import managed_seminar_or_abort, managed_seminars_query
from seminar_reg.seminars.forms import (
    AddOrganiserForm,
    SeminarForm,
    SessionForm,
    SpeakerForm,
)
from seminar_reg.seminars.models import Seminar, SeminarSession, SeminarStatus, Speaker

#: organiser pages under /manage
bp = Blueprint("seminars", __name__, url_prefix="/manage")
sign_in_required(bp)


def _session_of(seminar: Seminar, session_id: int) -> SeminarSession:
    session = db.get_or_404(SeminarSession, session_id)
    if session.seminar_id != seminar.id:
        abort(404)
    return session


def _speaker_of(session: SeminarSession, speaker_id: int) -> Speaker:
    speaker = db.get_or_404(Speaker, speaker_id)
    if speaker.session_id != session.id:
        abort(404)
    return speaker


def _overview(seminar: Seminar):
    return redirect(url_for(".overview", slug=seminar.slug))


@bp.get("/")
def dashboard():
    session_counts = (
        db.select(SeminarSession.seminar_id, sa.func.count().label("sessions"))
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )
    rows = db.session.execute(
        managed_seminars_query(current_user)
        .add_columns(sa.func.coalesce(session_counts.c.sessions, 0))
        .outerjoin(session_counts, session_counts.c.seminar_id == Seminar.id)
        .order_by(Seminar.registration_opens_at.desc())
    ).all()
    return render_template("seminars/dashboard.html", rows=rows)


@bp.route("/seminars/new", methods=["GET", "POST"])
def new_seminar():
    form = SeminarForm()
    if form.validate_on_submit():
        seminar = services.create_seminar(current_user, form.details())
        flash(_("The seminar is created as a draft. Add its sessions next."), "success")
        return _overview(seminar)
    return render_template("seminars/seminar_form.html", form=form, seminar=None)


@bp.get("/seminars/<slug>/")
def overview(slug: str):
    seminar = managed_seminar_or_abort(slug)
    now = utcnow()
    transitions = [
        (target, services.transition_refusal(seminar, target, now))
        for target in services.TRANSITIONS[seminar.status]
    ]
    return render_template(
        "seminars/overview.html",
        seminar=seminar,
        transitions=transitions,
        status_label=services.status_label,
        transition_label=services.transition_label,
        counts=registration_counts(seminar.id),
    )


@bp.route("/seminars/<slug>/edit", methods=["GET", "POST"])
def edit_seminar(slug: str):
    seminar = managed_seminar_or_abort(slug)
    form = SeminarForm(seminar=seminar)
    if form.validate_on_submit():
        try:
            services.update_seminar(seminar, form.details())
        except DomainError as error:
            form.capacity.errors.append(error.message)
        else:
            flash(_("The seminar is saved."), "success")
            return _overview(seminar)
    return render_template("seminars/seminar_form.html", form=form, seminar=seminar)


@bp.post("/seminars/<slug>/status")
def change_status(slug: str):
    seminar = managed_seminar_or_abort(slug)
    try:
        target = SeminarStatus(request.form.get("target", ""))
        services.change_status(seminar, target)
    except ValueError:
        flash(_("Choose a status from the page."), "error")
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("The seminar is now %(status)s.", status=services.status_label(target)), "success")
    return _overview(seminar)


@bp.route("/seminars/<slug>/sessions/new", methods=["GET", "POST"])
def new_session(slug: str):
    seminar = managed_seminar_or_abort(slug)
    form = SessionForm(seminar)
    if form.validate_on_submit():
        session = services.add_session(seminar, form.details())
        flash(_("Session %(number)d is added.", number=session.position), "success")
        return _overview(seminar)
    return render_template("seminars/session_form.html", form=form, seminar=seminar, session=None)


@bp.route("/seminars/<slug>/sessions/<int:session_id>", methods=["GET", "POST"])
def edit_session(slug: str, session_id: int):
    seminar = managed_seminar_or_abort(slug)
    session = _session_of(seminar, session_id)
    form = SessionForm(seminar, session=session)
    if form.validate_on_submit():
        try:
            services.update_session(session, form.details())
        except DomainError as error:
            form.capacity.errors.append(error.message)
        else:
            flash(_("Session %(number)d is saved.", number=session.position), "success")
            return _overview(seminar)
    return render_template(
        "seminars/session_form.html", form=form, seminar=seminar, session=session
    )


@bp.post("/seminars/<slug>/sessions/<int:session_id>/delete")
def delete_session(slug: str, session_id: int):
    seminar = managed_seminar_or_abort(slug)
    session = _session_of(seminar, session_id)
    try:
        services.delete_session(session)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("The session “%(title)s” is deleted.", title=session.title), "success")
    return _overview(seminar)


@bp.post("/seminars/<slug>/sessions/<int:session_id>/move")
def move_session(slug: str, session_id: int):
    seminar = managed_seminar_or_abort(slug)
    session = _session_of(seminar, session_id)
    services.move_session(session, -1 if request.form.get("direction") == "up" else 1)
    return _overview(seminar)


@bp.route("/seminars/<slug>/sessions/<int:session_id>/speakers/new", methods=["GET", "POST"])
def new_speaker(slug: str, session_id: int):
    seminar = managed_seminar_or_abort(slug)
    session = _session_of(seminar, session_id)
    form = SpeakerForm()
    if form.validate_on_submit():
        services.add_speaker(session, form.details())
        flash(_("The speaker is added."), "success")
        return redirect(url_for(".edit_session", slug=slug, session_id=session.id))
    return render_template(
        "seminars/speaker_form.html", form=form, seminar=seminar, session=session, speaker=None
    )


@bp.route(
    "/seminars/<slug>/sessions/<int:session_id>/speakers/<int:speaker_id>",
    methods=["GET", "POST"],
)
def edit_speaker(slug: str, session_id: int, speaker_id: int):
    seminar = managed_seminar_or_abort(slug)
    session = _session_of(seminar, session_id)
    speaker = _speaker_of(session, speaker_id)
    form = SpeakerForm(speaker=speaker)
    if form.validate_on_submit():
        services.update_speaker(speaker, form.details())
        flash(_("The speaker is saved."), "success")
        return redirect(url_for(".edit_session", slug=slug, session_id=session.id))
    return render_template(
        "seminars/speaker_form.html", form=form, seminar=seminar, session=session, speaker=speaker
    )


@bp.post("/seminars/<slug>/sessions/<int:session_id>/speakers/<int:speaker_id>/delete")
def delete_speaker(slug: str, session_id: int, speaker_id: int):
    seminar = managed_seminar_or_abort(slug)
    session = _session_of(seminar, session_id)
    speaker = _speaker_of(session, speaker_id)
    services.delete_speaker(speaker)
    flash(_("%(name)s is removed from the session.", name=speaker.name), "success")
    return redirect(url_for(".edit_session", slug=slug, session_id=session.id))


@bp.post("/seminars/<slug>/sessions/<int:session_id>/speakers/<int:speaker_id>/move")
def move_speaker(slug: str, session_id: int, speaker_id: int):
    seminar = managed_seminar_or_abort(slug)
    session = _session_of(seminar, session_id)
    speaker = _speaker_of(session, speaker_id)
    services.move_speaker(speaker, -1 if request.form.get("direction") == "up" else 1)
    return redirect(url_for(".edit_session", slug=slug, session_id=session.id))


@bp.route("/seminars/<slug>/team", methods=["GET", "POST"])
def team(slug: str):
    seminar = managed_seminar_or_abort(slug)
    candidates = db.session.execute(
        db.select(Organiser)
        .where(Organiser.is_active, Organiser.id.not_in([o.id for o in seminar.organisers]))
        .order_by(Organiser.name)
    ).scalars()
    form = AddOrganiserForm()
    form.organiser_id.choices = [
        SelectChoice(str(o.id), f"{o.name} <{o.email}>") for o in candidates
    ]
    if form.validate_on_submit():
        organiser = db.get_or_404(Organiser, form.organiser_id.data)
        services.assign_organiser(seminar, organiser)
        flash(_("%(name)s now manages this seminar.", name=organiser.name), "success")
        return redirect(url_for(".team", slug=slug))
    return render_template("seminars/team.html", seminar=seminar, form=form)


@bp.post("/seminars/<slug>/team/<int:organiser_id>/remove")
def remove_from_team(slug: str, organiser_id: int):
    seminar = managed_seminar_or_abort(slug)
    organiser = db.get_or_404(Organiser, organiser_id)
    services.unassign_organiser(seminar, organiser)
    flash(_("%(name)s no longer manages this seminar.", name=organiser.name), "success")
    return redirect(url_for(".team", slug=slug))
