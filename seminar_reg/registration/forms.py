from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from markupsafe import Markup
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from seminar_reg.forms import (
    EmailAddressField,
    LineField,
    LongListSelect,
    LongListSelectField,
    SubForm,
    WebForm,
    country_options,
    known_country,
    no_forbidden_characters,
    timezone_options,
)
from seminar_reg.i18n import LANGUAGE_NAMES
from seminar_reg.institutions.forms import TYPE_LABELS
from seminar_reg.institutions.models import InstitutionType
from seminar_reg.institutions.services import find_match
from seminar_reg.registration.labels import GENDER_LABELS, ROLE_LABELS
from seminar_reg.registration.models import Gender, RoleCategory
from seminar_reg.registration.services import (
    InstitutionChoice,
    PersonDetails,
    full_session_ids,
)
from seminar_reg.registration.tokens import submission_id_or_none
from seminar_reg.text import fold
from seminar_reg.timezones import is_timezone


def _optional(enum_class):
    """Coerce a select's value to the enum, the empty choice meaning 'not given'.

    An unknown value stays as it is, for the field's validator to name in its message.
    """

    def coerce(value):
        if value in (None, "") or isinstance(value, enum_class):
            return value or None
        try:
            return enum_class(value)
        except ValueError:
            return value

    return coerce


def _one_of(enum_class, labels: dict):
    def validate(form, field):
        if field.data is not None and not isinstance(field.data, enum_class):
            raise ValidationError(
                _(
                    "“%(value)s” is not one of: %(options)s.",
                    value=field.data,
                    options=", ".join(m.value for m in labels),
                )
            )

    return validate


def _labelled(labels: dict, blank=None) -> list[SelectChoice]:
    choices = [SelectChoice(member.value, label) for member, label in labels.items()]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _email_field() -> EmailAddressField:
    return EmailAddressField(_l("Email"), [InputRequired(message=_l("Enter an email address."))])


class PersonFields(SubForm):
    """What a person tells about themselves (but the email, which is their key)."""

    given_name = LineField(
        _l("Given name"), [InputRequired(message=_l("Enter a given name."))], max_length=100
    )
    family_name = LineField(_l("Family name"), max_length=100)
    position = LineField(_l("Position"), max_length=200, description=_l("e.g. Vice director"))
    role_category = SelectField(
        _l("Role"),
        [InputRequired(message=_l("Choose a role.")), _one_of(RoleCategory, ROLE_LABELS)],
        choices=_labelled(ROLE_LABELS, blank=_l("Choose…")),
        coerce=_optional(RoleCategory),
        validate_choice=False,
    )
    gender = SelectField(
        _l("Gender (optional)"),
        [_one_of(Gender, GENDER_LABELS)],
        choices=_labelled(GENDER_LABELS, blank="—"),
        coerce=_optional(Gender),
        validate_choice=False,
        description=_l("Asked for reports by sex, as UNESCO requires; you may leave it empty."),
    )


def _language_choices() -> list[SelectChoice]:
    return [
        SelectChoice(code, LANGUAGE_NAMES.get(code, code))
        for code in current_app.config["LANGUAGES"]
    ]


class PlaceFields:
    """Country and institution, with the type asked only when the institution is new to us."""

    country = LongListSelectField(
        _l("Country"),
        [InputRequired(message=_l("Choose a country.")), known_country],
        choices=country_options(_l("Choose…")),
        widget=LongListSelect(),
    )
    institution_name = LineField(
        _l("Institution"),
        [InputRequired(message=_l("Enter your institution."))],
        description=_l("Start typing to pick it from the list; a new one is added."),
        render_kw={"autocomplete": "organization", "data-institution-search": ""},
    )
    institution_type = SelectField(
        _l("Type of institution"),
        choices=_labelled(TYPE_LABELS, blank="—"),
        coerce=_optional(InstitutionType),
        description=_l("Needed only for an institution that is not in the list."),
    )

    def validate_institution_name(self, field):
        # A name made only of marks, symbols or spaces matches no institution and names none.
        if field.data and not fold(field.data):
            raise ValidationError(_l("Enter your institution."))

    def validate_institution_type(self, field):
        country, name = self.country.data, self.institution_name.data
        if field.data is None and country and name and find_match(country, name) is None:
            raise ValidationError(_l("This institution is new to us: choose its type."))

    def institution_choice(self) -> InstitutionChoice:
        return InstitutionChoice(self.institution_name.data, self.institution_type.data)


class PreferenceFields:
    language = SelectField(_l("Language of our emails"), choices=_language_choices)
    timezone = LongListSelectField(
        _l("Your time zone"),
        choices=timezone_options,
        widget=LongListSelect(),
        description=_l("Emails show session times in the seminar's zone and in yours."),
    )

    def preset_timezone(self, fallback: str) -> None:
        """On a new form: the seminar's zone, replaced in the browser by the device's own."""
        self.timezone.data = fallback
        self.timezone.render_kw = {"data-guess-timezone": ""}


class SessionChoiceFields:
    sessions = MultiCheckboxField(_l("Sessions"), coerce=int)

    def set_sessions(self, choices: list[SelectChoice]) -> None:
        self.sessions.choices = choices
        if not self.is_submitted():
            self.sessions.data = [int(c.value) for c in choices]


def _person(fields, email: str, language: str = "en", timezone: str = "UTC") -> PersonDetails:
    return PersonDetails(
        given_name=fields.given_name.data,
        family_name=fields.family_name.data,
        email=email,
        position=fields.position.data,
        role_category=fields.role_category.data,
        gender=fields.gender.data,
        language=language,
        timezone=timezone if is_timezone(timezone) else "UTC",
    )


class RegistrationForm(WebForm, PersonFields, PlaceFields, PreferenceFields, SessionChoiceFields):
    submission_id = HiddenField(filters=[submission_id_or_none])
    email = _email_field()
    consent = BooleanField(
        _l("I agree that my data is processed for this seminar as described above."),
        [
            DataRequired(
                message=_l("Registration needs your agreement to the processing of your data.")
            )
        ],
    )
    listed_publicly = BooleanField(
        _l("Show my name, institution and country in the public list of participants.")
    )

    def person(self) -> PersonDetails:
        return _person(self, self.email.data, self.language.data, self.timezone.data)


class OrganiserRegistrationForm(
    WebForm, PersonFields, PlaceFields, PreferenceFields, SessionChoiceFields
):
    """An organiser adds a person by hand; they confirm the person agreed."""

    email = _email_field()
    consent = BooleanField(
        _l("The person agreed to the processing of their data for this seminar."),
        [DataRequired(message=_l("Confirm that the person agreed."))],
    )
    send_email = BooleanField(_l("Send them the confirmation email"), default=True)

    def person(self) -> PersonDetails:
        return _person(self, self.email.data, self.language.data, self.timezone.data)


class DetailsForm(WebForm, PersonFields, PlaceFields, PreferenceFields):
    """A registration's details, changed by the participant or an organiser."""

    listed_publicly = BooleanField(
        _l("Show my name, institution and country in the public list of participants.")
    )

    def __init__(self, *args, registration=None, **kwargs):
        super().__init__(*args, obj=registration, **kwargs)
        if registration is not None and not self.is_submitted():
            institution = registration.institution
            self.institution_name.data = institution.name if institution else ""

    def person(self, email: str) -> PersonDetails:
        return _person(self, email, self.language.data, self.timezone.data)


class SessionsForm(WebForm, SessionChoiceFields):
    pass


class ConfirmForm(WebForm):
    """A form with only its CSRF token, for an action confirmed by its button."""


class LostLinkForm(WebForm):
    email = EmailAddressField(_l("Email"), [InputRequired(message=_l("Enter an email address."))])


class GroupRow(PersonFields):
    """One colleague in a group registration."""

    email = _email_field()

    def person(self, language: str, timezone: str) -> PersonDetails:
        """A colleague in the focal point's language and, having no zone of their own, the
        seminar's: their emails then show the seminar's times once, not beside UTC."""
        return _person(self, self.email.data, language, timezone)


class GroupForm(WebForm, PlaceFields, SessionChoiceFields):
    submission_id = HiddenField(filters=[submission_id_or_none])
    focal_point_name = LineField(
        _l("Your name"), [InputRequired(message=_l("Enter your name."))], max_length=200
    )
    focal_point_email = EmailAddressField(
        _l("Your email"), [InputRequired(message=_l("Enter an email address."))]
    )
    language = SelectField(_l("Language of our emails"), choices=_language_choices)
    people = FieldList(FormField(GroupRow))
    pasted = TextAreaField(
        _l("Or paste a list"),
        [Length(max=100_000), no_forbidden_characters],
        description=_l(
            "One colleague per line: given name, family name, email, position, role, gender — "
            "separated by tabs (copied from a spreadsheet), semicolons or commas."
        ),
    )
    upload = FileField(
        _l("Or upload a spreadsheet (CSV or XLSX)"),
        description=_l("Columns: given name, family name, email, position, role, gender."),
    )
    consent = BooleanField(
        _l("My colleagues agreed that their data is processed for this seminar."),
        [DataRequired(message=_l("Confirm that your colleagues agreed."))],
    )


class ImportForm(WebForm):
    upload = FileField(_l("Spreadsheet (CSV or XLSX)"))
    send_email = BooleanField(_l("Send each imported person the confirmation email"), default=True)


def session_choices(seminar, places_taken: dict[int, int], label) -> list[SelectChoice]:
    """The seminar's sessions as checkboxes, a full one saying so."""
    full = full_session_ids(seminar.sessions, places_taken)
    choices = []
    for session in seminar.sessions:
        text = label(session)
        if session.id in full:
            text = Markup("{} <strong>{}</strong>").format(text, _l("(full: waiting list)"))
        choices.append(SelectChoice(str(session.id), text))
    return choices


class ImportRowForm(PersonFields, PlaceFields):
    """One row of an organiser's import, checked like a registration."""

    email = _email_field()
    language = SelectField(choices=_language_choices)
    timezone = LongListSelectField(choices=timezone_options, widget=LongListSelect())

    def person(self) -> PersonDetails:
        return _person(self, self.email.data, self.language.data, self.timezone.data)
