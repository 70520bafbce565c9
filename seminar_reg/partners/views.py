from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from seminar_reg.accounts.access import sign_in_required
from seminar_reg.extensions import db
from seminar_reg.partners import services
from seminar_reg.partners.forms import PartnerForm
from seminar_reg.partners.models import Partner
from seminar_reg.seminars.access import managed_seminar_or_abort
from seminar_reg.seminars.models import Seminar
from seminar_reg.urls import external_url

bp = Blueprint("partners", __name__, url_prefix="/manage/seminars/<slug>/partners")
sign_in_required(bp)


def _partner_of(seminar: Seminar, partner_id: int) -> Partner:
    partner = db.get_or_404(Partner, partner_id)
    if partner.seminar_id != seminar.id:
        abort(404)
    return partner


def _overview(seminar: Seminar):
    return redirect(url_for("seminars.overview", slug=seminar.slug) + "#partners")


@bp.route("/new", methods=["GET", "POST"])
def new(slug: str):
    seminar = managed_seminar_or_abort(slug)
    form = PartnerForm()
    if form.validate_on_submit():
        partner = services.add_partner(seminar, form.details())
        flash(
            _("%(organisation)s is added as a partner.", organisation=partner.organisation),
            "success",
        )
        return _overview(seminar)
    return render_template("partners/partner_form.html", form=form, seminar=seminar, partner=None)


@bp.route("/<int:partner_id>", methods=["GET", "POST"])
def edit(slug: str, partner_id: int):
    seminar = managed_seminar_or_abort(slug)
    partner = _partner_of(seminar, partner_id)
    form = PartnerForm(partner=partner)
    if form.validate_on_submit():
        services.update_partner(partner, form.details())
        flash(_("%(organisation)s is saved.", organisation=partner.organisation), "success")
        return _overview(seminar)
    token = services.report_token(partner)
    report_url = external_url("partner_reports.countries", token=token) if token else None
    return render_template(
        "partners/partner_form.html",
        form=form,
        seminar=seminar,
        partner=partner,
        report_url=report_url,
    )


@bp.post("/<int:partner_id>/report-link")
def new_report_link(slug: str, partner_id: int):
    seminar = managed_seminar_or_abort(slug)
    partner = _partner_of(seminar, partner_id)
    services.issue_report_link(partner)
    db.session.commit()
    flash(_("The private link to the reports is new; the old one no longer works."), "success")
    return redirect(url_for("partners.edit", slug=slug, partner_id=partner.id) + "#report-link")


@bp.post("/<int:partner_id>/delete")
def delete(slug: str, partner_id: int):
    seminar = managed_seminar_or_abort(slug)
    partner = _partner_of(seminar, partner_id)
    services.delete_partner(partner)
    flash(
        _("%(organisation)s is no longer a partner.", organisation=partner.organisation), "success"
    )
    return _overview(seminar)
