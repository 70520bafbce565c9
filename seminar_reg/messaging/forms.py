from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField
from wtforms.validators import InputRequired, Length, ValidationError

from seminar_reg.countries import country_name
from seminar_reg.forms import LineField, ParagraphsField, WebForm, enum_select
from seminar_reg.i18n import locale_name
from seminar_reg.messaging.models import Audience
from seminar_reg.messaging.services import PLACEHOLDERS

AUDIENCE_LABELS = {
    Audience.CONFIRMED: _l("Everyone registered"),
    Audience.SESSION: _l("Those with a place in one session"),
    Audience.WAITING_LIST: _l("The waiting list"),
    Audience.COUNTRY: _l("Those registered from one country"),
    Audience.INSTITUTION: _l("Those registered from one institution"),
    Audience.PARTNERS: _l("The partners' contacts"),
}


class MessageForm(WebForm):
    audience = enum_select(_l("To"), Audience, AUDIENCE_LABELS)
    session = SelectField(_l("Session"), validate_choice=False)
    country = SelectField(_l("Country"), validate_choice=False)
    institution = SelectField(_l("Institution"), validate_choice=False)
    subject = LineField(_l("Subject"), [InputRequired(message=_l("Enter a subject."))])
    body = ParagraphsField(
        _l("Message"),
        [InputRequired(message=_l("Write the message.")), Length(max=20_000)],
        description=_l(
            "Plain text. Placeholders: %(names)s.",
            names=", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
        ),
    )

    def __init__(self, sessions, countries, institutions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.session.choices = [
            SelectChoice(str(s.id), f"{s.position}. {s.title}") for s in sessions
        ]
        self.country.choices = [
            SelectChoice(code, country_name(code, locale_name())) for code in countries
        ]
        self.institution.choices = [SelectChoice(str(i), name) for i, name in institutions]

    def audience_value(self) -> str:
        """The session, country or institution the audience is narrowed to, checked."""
        field = {
            Audience.SESSION: self.session,
            Audience.COUNTRY: self.country,
            Audience.INSTITUTION: self.institution,
        }.get(self.audience.data)
        if field is None:
            return ""
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose one from the list."))
        return field.data
