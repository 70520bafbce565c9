from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length

from seminar_reg.forms import (
    EmailAddressField,
    WebForm,
    no_forbidden_characters,
    timezone_options,
)
from seminar_reg.registration.forms import PlaceFields


class ImportForm(WebForm):
    report = FileField(_l("Attendance report"))
    timezone = SelectField(
        _l("The report's times are in"),
        choices=timezone_options,
        description=_l("Usually the zone of the account that downloaded the report."),
    )
    date_order = SelectField(
        _l("Dates are written"),
        choices=[
            SelectChoice("", _l("Recognise from the file")),
            SelectChoice("dmy", _l("Day first (18/04/2023)")),
            SelectChoice("mdy", _l("Month first (04/18/2023)")),
        ],
    )
    confirm_date = BooleanField(_l("Import it although its date differs from the session's"))


class AddParticipantForm(WebForm, PlaceFields):
    """Register a person of the report who was not registered (a walk-in)."""


class CheckInForm(WebForm):
    code = StringField(
        _l("Check-in code"),
        [
            InputRequired(message=_l("Enter the code the moderator shows.")),
            Length(max=20),
            no_forbidden_characters,
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class PublicCheckInForm(CheckInForm):
    email = EmailAddressField(
        _l("Your email"), [InputRequired(message=_l("Enter the address you registered with."))]
    )
