from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField
from wtforms.validators import EqualTo, InputRequired, ValidationError

from seminar_reg.accounts.services import find_organiser, password_problem
from seminar_reg.forms import EmailAddressField, LineField, WebForm


class LoginForm(WebForm):
    email = EmailAddressField(_l("Email"), [InputRequired()])
    password = PasswordField(_l("Password"), [InputRequired()])
    remember = BooleanField(_l("Keep me signed in on this device"))


def _check_strength(password: str, email: str) -> None:
    problem = password_problem(password or "", email)
    if problem:
        raise ValidationError(problem)


class OrganiserForm(WebForm):
    """Admin's form for an organiser account (the password only when creating it)."""

    name = LineField(_l("Name"), [InputRequired()], max_length=200)
    is_admin = BooleanField(_l("Admin (manages every seminar and the organiser accounts)"))
    is_active = BooleanField(_l("Active (can log in)"), default=True)


class NewOrganiserForm(OrganiserForm):
    email = EmailAddressField(_l("Email"), [InputRequired()])
    password = PasswordField(
        _l("Initial password"),
        [InputRequired()],
        description=_l("Tell it to the organiser by a separate channel; they can change it."),
        render_kw={"autocomplete": "new-password"},
    )

    def validate_email(self, field):
        if find_organiser(field.data) is not None:
            raise ValidationError(_l("An organiser with this email address already exists."))

    def validate_password(self, field):
        _check_strength(field.data, self.email.data)


class ChangePasswordForm(WebForm):
    current_password = PasswordField(
        _l("Current password"), [InputRequired()], render_kw={"autocomplete": "current-password"}
    )
    password = PasswordField(
        _l("New password"), [InputRequired()], render_kw={"autocomplete": "new-password"}
    )
    confirm = PasswordField(
        _l("New password again"),
        [InputRequired(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, account_email: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email

    def validate_password(self, field):
        _check_strength(field.data, self.account_email)


class ErasePersonForm(WebForm):
    email = EmailAddressField(_l("Email"), [InputRequired(message=_l("Enter an email address."))])
    #: set by the second button, once the registrations found were shown
    confirm = BooleanField()
