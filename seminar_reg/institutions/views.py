import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from seminar_reg.accounts.access import sign_in_required
from seminar_reg.countries import is_country
from seminar_reg.errors import DomainError
from seminar_reg.extensions import db
from seminar_reg.institutions import services
from seminar_reg.institutions.forms import TYPE_LABELS, InstitutionForm, MergeForm
from seminar_reg.institutions.models import Institution
from seminar_reg.text import fold

bp = Blueprint("institutions", __name__, url_prefix="/manage/institutions")
sign_in_required(bp)

PAGE_SIZE = 50


@bp.get("/")
def index():
    query = db.select(Institution)
    search = request.args.get("q", "").strip()[:200]
    country = request.args.get("country", "").strip().upper()
    if search:
        pattern = f"%{fold(search)}%"
        query = query.where(
            sa.or_(
                Institution.normalised_name.like(pattern),
                Institution.normalised_acronym.like(pattern),
            )
        )
    if country and is_country(country):
        query = query.where(Institution.country == country)
    elif country:
        flash(
            _("“%(country)s” is not a country code; showing every country.", country=country),
            "warning",
        )
        country = ""
    page = db.paginate(
        query.order_by(Institution.country, Institution.name), per_page=PAGE_SIZE, error_out=False
    )
    countries = db.session.execute(
        db.select(Institution.country, sa.func.count())
        .group_by(Institution.country)
        .order_by(Institution.country)
    ).all()
    return render_template(
        "institutions/index.html",
        page=page,
        search=search,
        country=country,
        countries=countries,
        type_labels=TYPE_LABELS,
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = InstitutionForm()
    if form.validate_on_submit():
        try:
            institution = services.create_institution(form.details())
        except DomainError as error:
            form.name.errors.append(error.message)
        else:
            flash(_("%(name)s is added.", name=institution.display_name), "success")
            return redirect(url_for(".index", country=institution.country))
    return render_template("institutions/institution_form.html", form=form, institution=None)


@bp.route("/<int:institution_id>", methods=["GET", "POST"])
def edit(institution_id: int):
    institution = db.get_or_404(Institution, institution_id)
    form = InstitutionForm(institution=institution)
    if form.validate_on_submit():
        try:
            services.update_institution(institution, form.details())
        except DomainError as error:
            form.name.errors.append(error.message)
        else:
            flash(_("%(name)s is saved.", name=institution.display_name), "success")
            return redirect(url_for(".index", country=institution.country))
    return render_template(
        "institutions/institution_form.html",
        form=form,
        institution=institution,
        merge_form=_merge_form(institution),
    )


def _merge_form(duplicate: Institution) -> MergeForm:
    form = MergeForm()
    others = db.session.execute(
        db.select(Institution)
        .where(Institution.country == duplicate.country, Institution.id != duplicate.id)
        .order_by(Institution.name)
    ).scalars()
    form.keep_id.choices = [SelectChoice(str(other.id), other.display_name) for other in others]
    return form


@bp.post("/<int:institution_id>/merge")
def merge(institution_id: int):
    duplicate = db.get_or_404(Institution, institution_id)
    form = _merge_form(duplicate)
    if not form.validate_on_submit():
        flash(_("Choose the institution to keep."), "error")
        return redirect(url_for(".edit", institution_id=duplicate.id))
    keep = db.get_or_404(Institution, form.keep_id.data)
    name = duplicate.display_name
    services.merge_institutions(duplicate, keep)
    flash(
        _("%(duplicate)s is merged into %(keep)s.", duplicate=name, keep=keep.display_name),
        "success",
    )
    return redirect(url_for(".edit", institution_id=keep.id))
