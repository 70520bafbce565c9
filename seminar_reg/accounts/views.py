from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from seminar_reg.accounts import services
from seminar_reg.accounts.access import admin_required
from seminar_reg.accounts.forms import (
    ChangePasswordForm,
    ErasePersonForm,
    LoginForm,
    NewOrganiserForm,
    OrganiserForm,
)
from seminar_reg.accounts.models import Organiser
from seminar_reg.errors import DomainError
from seminar_reg.extensions import db, limiter, utcnow
from seminar_reg.registration import retention
from seminar_reg.text import normalise_email
from seminar_reg.urls import safe_next

bp = Blueprint("accounts", __name__, cli_group="organisers")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_email() -> str:
    return normalise_email(request.form.get("email")) or "-"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_email, scope="login-email")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("seminars.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        organiser = services.authenticate(form.email.data, form.password.data)
        if organiser is None:
            flash(_("The email or password is not right."), "error")
        else:
            login_user(organiser, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or url_for("seminars.dashboard"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("public.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm(current_user.email)
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        else:
            services.set_password(current_user, form.password.data)
            flash(_("Your password is changed."), "success")
            return redirect(url_for("seminars.dashboard"))
    return render_template("accounts/change_password.html", form=form)


@bp.get("/manage/organisers/")
@admin_required
def organisers():
    accounts = db.session.execute(db.select(Organiser).order_by(Organiser.name)).scalars()
    return render_template("accounts/organisers.html", organisers=accounts)


@bp.route("/manage/people/erase", methods=["GET", "POST"])
@admin_required
def erase_person():
    """An admin erases a person's data across every seminar (a request that reached the
    organisers instead of the person's own links): found by address, shown, then erased."""
    form = ErasePersonForm()
    found = []
    if form.validate_on_submit():
        if form.confirm.data:
            count = retention.erase_person(form.email.data, utcnow())
            flash(
                ngettext(
                    "The person's data is erased from %(num)d registration.",
                    "The person's data is erased from %(num)d registrations.",
                    count,
                ),
                "success",
            )
            return redirect(url_for(".erase_person"))
        found = retention.registrations_of(form.email.data)
        if not found:
            flash(_("Nobody is registered with this address."), "info")
    return render_template("accounts/erase_person.html", form=form, found=found)


@bp.route("/manage/organisers/new", methods=["GET", "POST"])
@admin_required
def new_organiser():
    form = NewOrganiserForm()
    if form.validate_on_submit():
        organiser = services.create_organiser(
            form.email.data, form.name.data, form.password.data, form.is_admin.data
        )
        flash(_("%(email)s can now sign in.", email=organiser.email), "success")
        return redirect(url_for(".organisers"))
    return render_template("accounts/organiser_form.html", form=form, organiser=None)


@bp.route("/manage/organisers/<int:organiser_id>", methods=["GET", "POST"])
@admin_required
def edit_organiser(organiser_id: int):
    organiser = db.get_or_404(Organiser, organiser_id)
    form = OrganiserForm(obj=organiser)
    if form.validate_on_submit():
        try:
            services.update_organiser(
                organiser,
                name=form.name.data,
                is_admin=form.is_admin.data,
                is_active=form.is_active.data,
            )
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("The account of %(email)s is saved.", email=organiser.email), "success")
            return redirect(url_for(".organisers"))
    return render_template("accounts/organiser_form.html", form=form, organiser=organiser)
