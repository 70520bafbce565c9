"""The organiser's side: a seminar's registrations listed, counted, changed by hand, imported."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from seminar_reg.accounts.access import sign_in_required
from seminar_reg.countries import is_country
from seminar_reg.errors import DomainError
from seminar_reg.extensions import db
from seminar_reg.institutions.models import Institution
from seminar_reg.registration import services, tables
from seminar_reg.registration.forms import (
    ConfirmForm,
    DetailsForm,
    ImportForm,
    ImportRowForm,
    OrganiserRegistrationForm,
    SessionsForm,
    session_choices,
)
from seminar_reg.registration.models import (
    Participant,
    RegisteredBy,
    Registration,
    RegistrationStatus,
    SessionChoice,
)
from seminar_reg.registration.views import _session_label
from seminar_reg.seminars.access import managed_seminar_or_abort
from seminar_reg.seminars.models import Seminar
from seminar_reg.text import fold

#: the organiser's pages about a seminar's registrations
bp = Blueprint("registrations", __name__, url_prefix="/manage/seminars/<slug>/registrations")
sign_in_required(bp)

PAGE_SIZE = 50


def _with_sessions(form, seminar: Seminar):
    taken = services.limited_places_taken(seminar.sessions)
    form.set_sessions(session_choices(seminar, taken, _session_label(seminar)))
    return form


def _registration_of(seminar: Seminar, registration_id: int) -> Registration:
    registration = db.get_or_404(Registration, registration_id)
    if registration.seminar_id != seminar.id:
        abort(404)
    return registration


def _filtered(seminar: Seminar, args: MultiDict):
    """The list's query with the filters that make sense; nonsense ones are dropped and said."""
    query = (
        sa.select(Registration)
        .join(Participant)
        .outerjoin(Institution, Registration.institution_id == Institution.id)
        .where(Registration.seminar_id == seminar.id)
    )
    applied: dict[str, str] = {}
    ignored: list[str] = []
    search = args.get("q", "").strip()[:200]
    if search:
        folded = f"%{fold(search)}%"
        query = query.where(
            sa.or_(
                Registration.search_key.like(folded),
                Participant.email.like(f"%{search.lower()}%"),
                Institution.normalised_name.like(folded),
                Institution.normalised_acronym.like(folded),
            )
        )
        applied["q"] = search
    country = args.get("country", "").strip().upper()
    if country:
        if is_country(country):
            query = query.where(Registration.country == country)
            applied["country"] = country
        else:
            ignored.append(_("country “%(value)s”", value=country))
    status = args.get("status", "")
    if status:
        try:
            query = query.where(Registration.status == RegistrationStatus(status))
            applied["status"] = status
        except ValueError:
            ignored.append(_("status “%(value)s”", value=status))
    for name, column in (("institution", Registration.institution_id), ("session", None)):
        value = args.get(name, "")
        if not value:
            continue
        if not (value.isascii() and value.isdigit() and len(value) <= 9):
            ignored.append(_("%(name)s “%(value)s”", name=name, value=value))
            continue
        if column is not None:
            query = query.where(column == int(value))
        else:
            if int(value) not in {s.id for s in seminar.sessions}:
                ignored.append(_("session “%(value)s”", value=value))
                continue
            query = query.where(Registration.choices.any(SessionChoice.session_id == int(value)))
        applied[name] = value
    return query, applied, ignored


@bp.get("/")
def index(slug: str):
    seminar = managed_seminar_or_abort(slug)
    query, applied, ignored = _filtered(seminar, request.args)
    if ignored:
        flash(
            _("Ignored filters that match nothing here: %(filters)s.", filters=", ".join(ignored)),
            "warning",
        )
    page = db.paginate(
        query.options(
            selectinload(Registration.participant),
            selectinload(Registration.institution),
            selectinload(Registration.choices),
        ).order_by(Registration.created_at.desc(), Registration.id.desc()),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    countries = db.session.execute(
        sa.select(Registration.country, sa.func.count())
        .where(Registration.seminar_id == seminar.id)
        .group_by(Registration.country)
        .order_by(Registration.country)
    ).all()
    return render_template(
        "registration/manage/index.html",
        seminar=seminar,
        page=page,
        counts=services.registration_counts(seminar.id),
        applied=applied,
        countries=countries,
        session_numbers={s.id: s.position for s in seminar.sessions},
    )


@bp.route("/new", methods=["GET", "POST"])
def new(slug: str):
    seminar = managed_seminar_or_abort(slug)
    form = _with_sessions(OrganiserRegistrationForm(), seminar)
    if not form.is_submitted():
        form.timezone.data = seminar.timezone
    if form.validate_on_submit():
        request_ = services.RegistrationRequest(
            person=form.person(),
            country=form.country.data,
            institution=form.institution_choice(),
            session_ids=tuple(form.sessions.data or ()),
        )
        try:
            result = services.register(
                seminar, request_, by=RegisteredBy.ORGANISER, send_email=form.send_email.data
            )
        except DomainError as error:
            form.email.errors.append(error.message)
        else:
            flash(
                _(
                    "%(name)s is registered (%(status)s).",
                    name=result.registration.full_name,
                    status=_status_label(result.registration.status),
                ),
                "success",
            )
            return redirect(url_for(".index", slug=slug))
    return render_template("registration/manage/new.html", seminar=seminar, form=form)


def _status_label(status: RegistrationStatus) -> str:
    return {
        RegistrationStatus.CONFIRMED: _("confirmed"),
        RegistrationStatus.WAITLISTED: _("on the waiting list"),
        RegistrationStatus.CANCELLED: _("cancelled"),
    }[status]


@bp.route("/import", methods=["GET", "POST"])
def import_(slug: str):
    seminar = managed_seminar_or_abort(slug)
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        limit = current_app.config["GROUP_SIZE_LIMIT"] * 10
        try:
            rows = tables.import_rows(request.files.get("upload"), limit)
        except tables.TableProblem as problem:
            flash(problem.message, "error")
        else:
            requests, refused = _import_requests(seminar, rows)
            report = services.import_registrations(
                seminar, requests, send_email=form.send_email.data
            )
            report.refused = sorted(refused + report.refused)
    return render_template(
        "registration/manage/import.html",
        seminar=seminar,
        form=form,
        report=report,
        headings=tables.import_headings(),
    )


def _import_requests(seminar: Seminar, rows: list[tables.Row]):
    """Each row checked by the same form fields as a registration; the refused ones say why."""
    requests, refused = [], []
    all_sessions = tuple(s.id for s in seminar.sessions)
    for row in rows:
        values = {**row.values, "timezone": seminar.timezone}
        values["country"] = values.get("country", "").upper()
        values["language"] = values.get("language") or "en"
        form = ImportRowForm(formdata=MultiDict(values))
        if not form.validate():
            reasons = [
                f"{form[name].label.text}: {' '.join(map(str, errors))}"
                for name, errors in form.errors.items()
            ]
            refused.append((row.line, "; ".join(reasons)))
            continue
        requests.append(
            (
                row.line,
                services.RegistrationRequest(
                    person=form.person(),
                    country=form.country.data,
                    institution=form.institution_choice(),
                    session_ids=all_sessions,
                ),
            )
        )
    return requests, refused


@bp.route("/<int:registration_id>", methods=["GET", "POST"])
def edit(slug: str, registration_id: int):
    seminar = managed_seminar_or_abort(slug)
    registration = _registration_of(seminar, registration_id)
    form = DetailsForm(registration=registration)
    sessions_form = _with_sessions(SessionsForm(prefix="sessions"), seminar)
    if not sessions_form.is_submitted():
        sessions_form.sessions.data = [c.session_id for c in registration.choices]
    if request.method == "POST" and request.form.get("part") == "details" and form.validate():
        services.update_details(
            registration,
            form.person(registration.email),
            form.country.data,
            form.institution_choice(),
            form.listed_publicly.data and seminar.public_participant_list,
        )
        flash(_("The details are saved."), "success")
        return redirect(url_for(".edit", slug=slug, registration_id=registration_id))
    if (
        request.method == "POST"
        and request.form.get("part") == "sessions"
        and sessions_form.validate()
    ):
        try:
            services.change_sessions(registration, sessions_form.sessions.data)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("The sessions are saved; the participant is told by email."), "success")
            return redirect(url_for(".edit", slug=slug, registration_id=registration_id))
    return render_template(
        "registration/manage/edit.html",
        seminar=seminar,
        registration=registration,
        form=form,
        sessions_form=sessions_form,
        action_form=ConfirmForm(),
        waitlist_position=services.waitlist_position(registration),
    )


def _action(slug: str, registration_id: int, act, done: str):
    seminar = managed_seminar_or_abort(slug)
    registration = _registration_of(seminar, registration_id)
    if ConfirmForm().validate_on_submit():
        try:
            act(registration)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(done, "success")
    return redirect(url_for(".edit", slug=slug, registration_id=registration_id))


@bp.post("/<int:registration_id>/cancel")
def cancel(slug: str, registration_id: int):
    return _action(
        slug,
        registration_id,
        lambda r: services.cancel(r, by_organiser=True),
        _("The registration is cancelled; the participant is told by email."),
    )


@bp.post("/<int:registration_id>/promote")
def promote(slug: str, registration_id: int):
    return _action(
        slug, registration_id, services.promote, _("Moved off the waiting list and told by email.")
    )


@bp.post("/<int:registration_id>/send-link")
def send_link(slug: str, registration_id: int):
    return _action(
        slug,
        registration_id,
        services.send_new_link,
        _("A new private link is on its way; the previous one no longer works."),
    )
