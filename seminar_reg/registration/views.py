"""The participant's side: registering alone or as a group, and the private manage link."""

import json
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import MultiDict

from seminar_reg import page_cache
from seminar_reg.attendance.forms import CheckInForm
from seminar_reg.attendance.services import check_in_window
from seminar_reg.certificates.services import certificate_of
from seminar_reg.errors import DomainError
from seminar_reg.extensions import db, limiter, utcnow
from seminar_reg.i18n import locale_name, session_when
from seminar_reg.institutions.models import Institution
from seminar_reg.partners.models import Partner
from seminar_reg.registration import retention, services, tables
from seminar_reg.registration.calendar import registration_calendar
from seminar_reg.registration.forms import (
    ConfirmForm,
    DetailsForm,
    GroupForm,
    LostLinkForm,
    RegistrationForm,
    SessionsForm,
    session_choices,
)
from seminar_reg.registration.models import Registration, RegistrationStatus
from seminar_reg.registration.tokens import (
    new_submission_id,
    registration_for_token,
    submission_id_or_none,
)
from seminar_reg.seminars.models import Seminar, SeminarSession
from seminar_reg.seminars.services import public_seminar
from seminar_reg.text import fold
from seminar_reg.timezones import zone

#: the participant's pages: the forms, the private manage link
bp = Blueprint("registration", __name__)


def _registration_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def _link_limit() -> str:
    return current_app.config["MANAGE_LINK_RATE_LIMIT"]


def _public_seminar(slug: str, *, partner_scopes: bool = False) -> Seminar:
    """The seminar with its sessions and partners; with the partners' scopes when a group is to
    be registered (partners hear of those in their scope). One registration needs only the ids
    of a few partners' scope institutions, and reads them itself (``partners.notifications``)."""
    if partner_scopes:
        # The scopes joined to the partners, in a statement of their own: joined to the
        # sessions as well, a seminar's rows would be its sessions times all scopes' entries.
        partners = selectinload(Seminar.partners).joinedload(Partner.scope_institutions)
    else:
        # Joined with the sessions, one statement for the page: a few sessions times a few
        # partners is a few dozen rows at most. A second statement cost the form's GET a
        # quarter of its time.
        partners = joinedload(Seminar.partners).lazyload(Partner.scope_institutions)
    seminar = public_seminar(slug, joinedload(Seminar.sessions), partners)
    if seminar is None:
        abort(404)
    return seminar


def _session_label(seminar: Seminar, reader_zone: ZoneInfo | None = None):
    """A session as a checkbox label: its times in the seminar's zone and the reader's."""

    def label(session: SeminarSession) -> str:
        when = session_when(
            session.starts_at, session.ends_at, seminar.zone, reader_zone or seminar.zone
        )
        return f"{session.title} · {when}"

    return label


def _with_sessions(form, seminar: Seminar, reader_zone: ZoneInfo | None = None):
    taken = services.limited_places_taken(seminar.sessions)
    form.set_sessions(session_choices(seminar, taken, _session_label(seminar, reader_zone)))
    return form


def _closed_page(seminar: Seminar, message: str):
    return render_template("registration/closed.html", seminar=seminar, message=message), 200


@bp.route("/seminars/<slug>/register", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"])
def register(slug: str):
    seminar = _public_seminar(slug)
    try:
        services.check_open(seminar, utcnow())
    except DomainError as error:
        return _closed_page(seminar, error.message)
    if request.method == "GET":
        return _new_registration_page(seminar)
    form = _with_sessions(RegistrationForm(), seminar)
    if form.validate_on_submit():
        request_ = services.RegistrationRequest(
            person=form.person(),
            country=form.country.data,
            institution=form.institution_choice(),
            session_ids=tuple(form.sessions.data or ()),
            listed_publicly=form.listed_publicly.data and seminar.public_participant_list,
            submission_id=form.submission_id.data or None,
        )
        try:
            result = services.register(seminar, request_)
        except services.AlreadyRegistered:
            return render_template(
                "registration/already_registered.html",
                seminar=seminar,
                form=LostLinkForm(email=form.email.data),
            )
        except DomainError as error:
            flash(error.message, "error")
        else:
            return redirect(url_for(".welcome", token=result.token))
    return render_template("registration/register.html", seminar=seminar, form=form)


def _new_registration_page(seminar: Seminar) -> str:
    """The empty registration form, rendered once per seminar, language and full sessions."""
    taken = services.limited_places_taken(seminar.sessions)
    submission_id = new_submission_id()

    def render() -> str:
        form = RegistrationForm()
        form.set_sessions(session_choices(seminar, taken, _session_label(seminar)))
        form.submission_id.data = submission_id
        form.language.data = locale_name()  # emails in the language the form is read in
        form.preset_timezone(seminar.timezone)
        return render_template("registration/register.html", seminar=seminar, form=form)

    if not page_cache.shared_view():
        return render()
    key = repr(
        (
            "registration form",
            page_cache.row_key(seminar, *seminar.sessions, *seminar.partners),
            sorted(services.full_session_ids(seminar.sessions, taken)),
            locale_name(),
        )
    )
    values = {"csrf": generate_csrf(), "submission": submission_id}
    return page_cache.pages().page(key, values, render)


def _group_formdata(form_data: MultiDict, extra_rows: list[dict]) -> MultiDict:
    """The submitted form with empty colleague rows dropped and pasted or uploaded rows added."""
    rows, index = [], 0
    while f"people-{index}-email" in form_data or f"people-{index}-given_name" in form_data:
        row = {name: form_data.get(f"people-{index}-{name}", "") for name in tables.PERSON_COLUMNS}
        if any(value.strip() for value in row.values()):
            rows.append(row)
        index += 1
    rows.extend(extra_rows)
    data = MultiDict(
        [(k, v) for k, v in form_data.items(multi=True) if not k.startswith("people-")]
    )
    for number, row in enumerate(rows):
        for name, value in row.items():
            data.add(f"people-{number}-{name}", value)
    data.setlist("pasted", [])
    return data


@bp.route("/seminars/<slug>/register/group", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"])
def register_group(slug: str):
    seminar = _public_seminar(slug, partner_scopes=request.method == "POST")
    try:
        services.check_open(seminar, utcnow())
    except DomainError as error:
        return _closed_page(seminar, error.message)
    limit = current_app.config["GROUP_SIZE_LIMIT"]
    earlier = services.group_by_submission(
        seminar.id, submission_id_or_none(request.form.get("submission_id")) or ""
    )
    if earlier is not None:  # the same form sent twice
        return redirect(url_for(".group_done", slug=slug, submission_id=earlier.submission_id))
    unreadable = False
    if request.method == "POST":
        try:
            extra = tables.group_rows_from_upload(request.files.get("upload"), limit)
            extra += tables.group_rows_from_paste(request.form.get("pasted", ""), limit)
        except tables.TableProblem as problem:
            extra, unreadable = [], True
            flash(problem.message, "error")
        form = GroupForm(formdata=_group_formdata(request.form, extra))
    else:
        form = GroupForm()
        form.submission_id.data = new_submission_id()
        form.language.data = locale_name()
    _with_sessions(form, seminar)
    ready = request.method == "POST" and not request.form.get("add_rows") and not unreadable
    valid = ready and form.validate() and _group_rows_ok(form, seminar, limit)
    if not ready or not form.people:
        for _row in range(5):
            form.people.append_entry()
    if valid:
        try:
            group = services.register_group(
                seminar,
                services.FocalPoint(
                    form.focal_point_name.data, form.focal_point_email.data, form.language.data
                ),
                form.country.data,
                form.institution_choice(),
                [entry.form.person(form.language.data, seminar.timezone) for entry in form.people],
                tuple(form.sessions.data or ()),
                submission_id=form.submission_id.data or None,
            )
        except services.GroupRowError as error:
            form.people[error.row].form.email.errors.append(error.message)
        except DomainError as error:
            flash(error.message, "error")
        else:
            return redirect(url_for(".group_done", slug=slug, submission_id=group.submission_id))
    if ready and form.errors:
        flash(_("Nothing is registered yet: please correct the rows marked below."), "error")
    return render_template("registration/group.html", seminar=seminar, form=form, limit=limit)


def _group_rows_ok(form: GroupForm, seminar: Seminar, limit: int) -> bool:
    """Every colleague once, none registered already, no more than the limit."""
    entries = list(form.people)
    if not entries:
        flash(_("Add at least one colleague."), "error")
        return False
    if len(entries) > limit:
        flash(
            _(
                "A group has at most %(limit)d people; register the others in a second group.",
                limit=limit,
            ),
            "error",
        )
        return False
    seen: set[str] = set()
    registered = services.registered_emails(seminar.id, [e.form.email.data for e in entries])
    ok = True
    for entry in entries:
        email = entry.form.email.data
        if email in seen:
            entry.form.email.errors.append(_("This address is in the list twice."))
            ok = False
        elif email in registered:
            entry.form.email.errors.append(_("Already registered for this seminar."))
            ok = False
        seen.add(email)
    return ok


@bp.get("/seminars/<slug>/groups/<submission_id>")
def group_done(slug: str, submission_id: str):
    seminar = _public_seminar(slug)
    group = services.group_by_submission(seminar.id, submission_id)
    if group is None:
        abort(404)
    return render_template("registration/group_done.html", seminar=seminar, group=group)


@bp.route("/seminars/<slug>/link", methods=["GET", "POST"])
@limiter.limit(_link_limit, methods=["POST"])
def lost_link(slug: str):
    seminar = _public_seminar(slug)
    form = LostLinkForm()
    if form.validate_on_submit():
        services.send_link_if_registered(seminar, form.email.data)
        flash(
            _(
                "If %(email)s is registered for this seminar, a new link is on its way to it. "
                "The previous link no longer works.",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("public.seminar", slug=slug))
    return render_template("registration/lost_link.html", seminar=seminar, form=form)


@bp.get("/institutions/search")
def institution_search():
    """Known institutions of a country whose name or acronym contains the typed text."""
    country = request.args.get("country", "").upper()[:2]
    typed = fold(request.args.get("q", "")[:100])
    if not country or len(typed) < 2:
        return jsonify([])
    pattern = f"%{typed}%"
    institutions = db.session.execute(
        sa.select(Institution)
        .where(
            Institution.country == country,
            sa.or_(
                Institution.normalised_name.like(pattern),
                Institution.normalised_acronym.like(pattern),
            ),
        )
        .order_by(Institution.name)
        .limit(20)
    ).scalars()
    return jsonify([{"id": i.id, "name": i.name, "acronym": i.acronym} for i in institutions])


# --- the private manage link ---------------------------------------------------------------------


def _registration_or_404(token: str) -> Registration:
    registration = registration_for_token(token)
    if registration is None:
        abort(404)
    return registration


def _manage_page(registration: Registration, token: str, **forms):
    seminar = registration.seminar
    reader_zone = zone(registration.timezone)
    sessions_form = forms.get("sessions_form") or _with_sessions(
        SessionsForm(), seminar, reader_zone
    )
    if "sessions_form" not in forms:
        sessions_form.sessions.data = [c.session_id for c in registration.choices]
    now = utcnow()
    checking_in = [
        session
        for session in registration.chosen_sessions
        if check_in_window(session)[0] <= now <= check_in_window(session)[1]
    ]
    return render_template(
        "registration/manage.html",
        registration=registration,
        seminar=seminar,
        token=token,
        sessions_form=sessions_form,
        reader_zone=reader_zone,
        waitlist_position=services.waitlist_position(registration),
        checking_in=checking_in if registration.status == RegistrationStatus.CONFIRMED else [],
        check_in_form=CheckInForm(),
        certificate=certificate_of(registration),
    )


@bp.get("/r/<token>")
def manage(token: str):
    registration = _registration_or_404(token)
    return _manage_page(registration, token)


@bp.get("/r/<token>/welcome")
def welcome(token: str):
    registration = _registration_or_404(token)
    return render_template(
        "registration/welcome.html",
        registration=registration,
        seminar=registration.seminar,
        token=token,
        reader_zone=zone(registration.timezone),
        waitlist_position=services.waitlist_position(registration),
    )


@bp.post("/r/<token>/sessions")
@limiter.limit(_registration_limit)
def change_sessions(token: str):
    registration = _registration_or_404(token)
    form = _with_sessions(SessionsForm(), registration.seminar, zone(registration.timezone))
    if form.validate_on_submit():
        try:
            services.change_sessions(registration, form.sessions.data)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(
                _("Your sessions are saved. An email with the updated calendar is on its way."),
                "success",
            )
            return redirect(url_for(".manage", token=token))
    return _manage_page(registration, token, sessions_form=form)


@bp.route("/r/<token>/details", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"])
def edit_details(token: str):
    registration = _registration_or_404(token)
    if registration.status == RegistrationStatus.CANCELLED:
        return redirect(url_for(".manage", token=token))
    form = DetailsForm(registration=registration)
    if form.validate_on_submit():
        services.update_details(
            registration,
            form.person(registration.email),
            form.country.data,
            form.institution_choice(),
            form.listed_publicly.data and registration.seminar.public_participant_list,
        )
        flash(_("Your details are saved."), "success")
        return redirect(url_for(".manage", token=token))
    return render_template(
        "registration/details.html",
        registration=registration,
        seminar=registration.seminar,
        token=token,
        form=form,
    )


@bp.route("/r/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str):
    registration = _registration_or_404(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.cancel(registration)
        flash(
            _("Your registration is cancelled. A confirmation is on its way by email."), "success"
        )
        return redirect(url_for(".manage", token=token))
    return render_template(
        "registration/cancel.html",
        registration=registration,
        seminar=registration.seminar,
        token=token,
        form=form,
    )


@bp.get("/r/<token>/my-data.json")
def my_data(token: str):
    """Everything stored about the person for this registration (the right of access)."""
    registration = _registration_or_404(token)
    body = json.dumps(retention.personal_data(registration), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": (
                f'attachment; filename="{registration.seminar.slug}-my-data.json"'
            ),
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/r/<token>/erase", methods=["GET", "POST"])
def erase(token: str):
    """The person has their registration cancelled and their data erased (the right to
    erasure); the seminar's figures keep the registration, anonymous."""
    registration = _registration_or_404(token)
    seminar = registration.seminar
    form = ConfirmForm()
    if form.validate_on_submit():
        retention.erase_registration(registration, utcnow())
        return render_template("registration/erased.html", seminar=seminar)
    return render_template(
        "registration/erase.html",
        registration=registration,
        seminar=seminar,
        token=token,
        form=form,
    )


@bp.get("/r/<token>/calendar.ics")
def calendar(token: str):
    registration = _registration_or_404(token)
    if registration.status == RegistrationStatus.CANCELLED:
        abort(404)
    data = registration_calendar(registration, now=utcnow(), token=token, method="PUBLISH")
    return Response(
        data,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{registration.seminar.slug}.ics"'},
    )
