"""Attendance pages: per session the roster, report imports and their review; the check-in."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from seminar_reg.accounts.access import sign_in_required
from seminar_reg.attendance import services
from seminar_reg.attendance.forms import AddParticipantForm, ImportForm
from seminar_reg.attendance.models import Attendance, AttendanceImport, ImportedPerson, Outcome
from seminar_reg.certificates.services import certificate_counts, issue_all
from seminar_reg.errors import DomainError
from seminar_reg.extensions import db
from seminar_reg.registration.forms import ConfirmForm
from seminar_reg.registration.models import (
    ChoiceStatus,
    Registration,
    RegistrationStatus,
    SessionChoice,
)
from seminar_reg.seminars.access import managed_seminar_or_abort
from seminar_reg.seminars.models import Seminar, SeminarSession, new_check_in_code

bp = Blueprint(
    "attendance", __name__, url_prefix="/manage/seminars/<slug>/attendance", cli_group="attendance"
)
sign_in_required(bp)


def _session_of(seminar: Seminar, session_id: int) -> SeminarSession:
    session = db.get_or_404(SeminarSession, session_id)
    if session.seminar_id != seminar.id:
        abort(404)
    return session


def _import_of(seminar: Seminar, import_id: int) -> AttendanceImport:
    record = db.get_or_404(AttendanceImport, import_id)
    if record.session.seminar_id != seminar.id:
        abort(404)
    return record


def session_figures(seminar: Seminar) -> dict[int, dict[str, int]]:
    """Per session: places taken and people present, counted in SQL."""
    places = dict(
        db.session.execute(
            sa.select(SessionChoice.session_id, sa.func.count())
            .join(Registration)
            .join(SeminarSession)
            .where(
                SeminarSession.seminar_id == seminar.id,
                SessionChoice.status == ChoiceStatus.CONFIRMED,
                Registration.status == RegistrationStatus.CONFIRMED,
            )
            .group_by(SessionChoice.session_id)
        ).all()
    )
    present = dict(
        db.session.execute(
            sa.select(Attendance.session_id, sa.func.count())
            .join(SeminarSession)
            .where(SeminarSession.seminar_id == seminar.id, Attendance.present)
            .group_by(Attendance.session_id)
        ).all()
    )
    return {
        s.id: {"places": places.get(s.id, 0), "present": present.get(s.id, 0)}
        for s in seminar.sessions
    }


@bp.get("/")
def overview(slug: str):
    seminar = managed_seminar_or_abort(slug)
    imports = db.session.execute(
        sa.select(AttendanceImport)
        .join(SeminarSession)
        .where(SeminarSession.seminar_id == seminar.id)
        .order_by(AttendanceImport.id.desc())
    ).scalars()
    return render_template(
        "attendance/overview.html",
        seminar=seminar,
        figures=session_figures(seminar),
        imports=list(imports),
        certificates=certificate_counts(seminar),
        action_form=ConfirmForm(),
    )


@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
def roster(slug: str, session_id: int):
    seminar = managed_seminar_or_abort(slug)
    session = _session_of(seminar, session_id)
    search = request.values.get("q", "").strip()[:200]
    if request.method == "POST" and ConfirmForm().validate_on_submit():
        shown = {int(i) for i in request.form.getlist("shown") if i.isdigit()}
        if request.form.get("action") == "all":
            present = shown
        else:
            present = {int(i) for i in request.form.getlist("present") if i.isdigit()}
        changed = services.mark(session, shown, present, current_user.id)
        flash(ngettext("%(num)d change saved.", "%(num)d changes saved.", changed), "success")
        return redirect(url_for(".roster", slug=slug, session_id=session_id, q=search or None))
    return render_template(
        "attendance/roster.html",
        seminar=seminar,
        session=session,
        rows=services.roster(session, search),
        search=search,
        form=ConfirmForm(),
        window=services.check_in_window(session),
    )


@bp.post("/sessions/<int:session_id>/code")
def new_code(slug: str, session_id: int):
    seminar = managed_seminar_or_abort(slug)
    session = _session_of(seminar, session_id)
    if ConfirmForm().validate_on_submit():
        session.check_in_code = new_check_in_code()
        db.session.commit()
        flash(_("The new check-in code is %(code)s.", code=session.check_in_code), "success")
    return redirect(url_for(".roster", slug=slug, session_id=session_id))


@bp.route("/sessions/<int:session_id>/import", methods=["GET", "POST"])
def import_report(slug: str, session_id: int):
    seminar = managed_seminar_or_abort(slug)
    session = _session_of(seminar, session_id)
    form = ImportForm()
    if not form.is_submitted():
        form.timezone.data = seminar.timezone
    needs_date_confirmation = False
    if form.validate_on_submit():
        upload = request.files.get("report")
        if upload is None or not upload.filename:
            form.report.errors.append(_("Choose the report file."))
        else:
            try:
                result = services.import_report(
                    session,
                    upload.read(),
                    upload.filename,
                    organiser_id=current_user.id,
                    timezone=form.timezone.data,
                    date_order=form.date_order.data or None,
                    confirm_date=form.confirm_date.data,
                )
            except services.ReportDateDiffers as error:
                needs_date_confirmation = True
                form.confirm_date.errors.append(error.message)
            except DomainError as error:
                form.report.errors.append(error.message)
            else:
                if not result.changed:
                    flash(_("This file was imported already; nothing changed."), "info")
                return redirect(url_for(".report", slug=slug, import_id=result.record.id))
    return render_template(
        "attendance/import.html",
        seminar=seminar,
        session=session,
        form=form,
        needs_date_confirmation=needs_date_confirmation,
        max_mb=services.MAX_REPORT_BYTES >> 20,
    )


@bp.get("/imports/<int:import_id>")
def report(slug: str, import_id: int):
    seminar = managed_seminar_or_abort(slug)
    record = _import_of(seminar, import_id)
    registrations = {
        r.id: r
        for r in db.session.execute(
            sa.select(Registration).where(
                Registration.id.in_(
                    {p.registration_id for p in record.people if p.registration_id}
                    | {c[0] for p in record.people for c in p.candidates}
                )
            )
        ).scalars()
    }
    return render_template(
        "attendance/report.html",
        seminar=seminar,
        record=record,
        registrations=registrations,
        platform=services.platform_label(record.platform),
        action_form=ConfirmForm(),
        add_form=AddParticipantForm(),
        Outcome=Outcome,
    )


def _person_of(record: AttendanceImport, person_id: int) -> ImportedPerson:
    person = db.get_or_404(ImportedPerson, person_id)
    if person.import_id != record.id:
        abort(404)
    return person


@bp.post("/imports/<int:import_id>/people/<int:person_id>/<action>")
def decide(slug: str, import_id: int, person_id: int, action: str):
    seminar = managed_seminar_or_abort(slug)
    record = _import_of(seminar, import_id)
    person = _person_of(record, person_id)
    try:
        if action == "confirm" and ConfirmForm().validate_on_submit():
            chosen = request.form.get("registration_id", "")
            if not chosen.isdigit():
                raise DomainError(_("Choose one of the proposed registrations."))
            services.confirm(person, int(chosen), current_user.id)
        elif action in ("reject", "ignore") and ConfirmForm().validate_on_submit():
            outcome = Outcome.REJECTED if action == "reject" else Outcome.IGNORED
            services.set_aside(person, outcome)
        elif action == "add":
            form = AddParticipantForm()
            if not form.validate_on_submit():
                raise DomainError(
                    " ".join(str(e) for errors in form.errors.values() for e in errors)
                )
            services.add_as_participant(
                person, form.country.data, form.institution_choice(), current_user.id
            )
        else:
            abort(404)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for(".report", slug=slug, import_id=import_id) + f"#person-{person_id}")


@bp.post("/certificates")
def issue_certificates(slug: str):
    seminar = managed_seminar_or_abort(slug)
    if ConfirmForm().validate_on_submit():
        issued = issue_all(seminar)
        flash(
            _("%(count)d certificates issued; each participant is emailed a link.", count=issued),
            "success",
        )
    return redirect(url_for(".overview", slug=slug))
