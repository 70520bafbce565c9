"""What every form of the product shares: WTForms' messages in the reader's language, text
cleaning, safe characters, emails, countries."""

import enum
from collections.abc import Callable, Mapping
from functools import cache

from babel import support
from flask import request
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Field, Form, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.fields.choices import enum_choices, enum_coerce
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError
from wtforms.widgets import Select, html_params

from seminar_reg.countries import country_choices, is_country
from seminar_reg.i18n import locale_name
from seminar_reg.text import clean_line, clean_paragraphs, has_forbidden_characters, normalise_email
from seminar_reg.timezones import timezone_names

# WTForms' own messages that the product's fields can show. Marked here so that the catalogs
# carry them: WTForms translates them into German and Chinese but not into Mongolian.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid datetime value."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _ln(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        1,
    ),
    _ln(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        1,
    ),
    _ln(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        1,
    ),
)


@cache
def _wtforms_catalog(locale: str) -> support.Translations:
    """WTForms' own catalog of a language, read once (Flask-WTF reads it on every request)."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _FormMessages:
    """WTForms' messages from the product's catalog, else from WTForms' own."""

    def gettext(self, string: str) -> str:
        translated = get_translations().ugettext(string)
        if translated != string:
            return translated
        return _wtforms_catalog(locale_name()).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        translated = get_translations().ungettext(singular, plural, n)
        if translated not in (singular, plural):
            return translated
        return _wtforms_catalog(locale_name()).ungettext(singular, plural, n)


_FORM_MESSAGES = _FormMessages()


class WebForm(FlaskForm):
    """Every form of a page: CSRF-protected, its messages in the reader's language, read from
    the page's form fields only (Flask-WTF would also read a JSON body, of any shape)."""

    class Meta:
        def get_translations(self, form) -> _FormMessages:
            return _FORM_MESSAGES

        def wrap_formdata(self, form, formdata):
            if request.is_json:
                return None  # the form then reports its fields as missing
            return super().wrap_formdata(form, formdata)


class SubForm(Form):
    """A part of a WebForm (a row of a table of people), its messages translated the same way."""

    class Meta:
        def get_translations(self, form) -> _FormMessages:
            return _FORM_MESSAGES


def no_forbidden_characters(form: Form, field: Field) -> None:
    if isinstance(field.data, str) and has_forbidden_characters(field.data):
        raise ValidationError(_l("Remove the invisible control characters from this text."))


def known_country(form: Form, field: Field) -> None:
    if field.data and not is_country(field.data):
        raise ValidationError(_l("Choose a country from the list."))


class LineField(StringField):
    """One line of text: stored trimmed and in Unicode NFC, control characters refused."""

    def __init__(self, label=None, validators=None, max_length: int = 300, **kwargs):
        # Required means required once trimmed: "   " or non-breaking spaces are no name.
        validators = [
            DataRequired(message=v.message) if isinstance(v, InputRequired) else v
            for v in validators or []
        ]
        validators += [Length(max=max_length), no_forbidden_characters]
        kwargs.setdefault("filters", []).append(clean_line)
        kwargs.setdefault("render_kw", {}).setdefault("maxlength", max_length)
        super().__init__(label, validators, **kwargs)


class ParagraphsField(TextAreaField):
    """Multi-line plain text, stored with paragraphs kept and control characters refused."""

    def __init__(self, label=None, validators=None, max_length: int = 20_000, **kwargs):
        validators = [*(validators or []), Length(max=max_length), no_forbidden_characters]
        kwargs.setdefault("filters", []).append(clean_paragraphs)
        super().__init__(label, validators, **kwargs)


def _local_part_fits(form: Form, field: Field) -> None:
    """RFC 5321: at most 64 characters before the @ (the Email validator lets more through)."""
    if field.data and len(field.data.rpartition("@")[0]) > 64:
        raise ValidationError(_l("Enter a valid email address, like name@example.org."))


class EmailAddressField(StringField):
    """An email address, stored trimmed and lower-cased."""

    def __init__(self, label=None, validators=None, **kwargs):
        validators = [
            *(validators or []),
            Length(max=254),
            Email(message=_l("Enter a valid email address, like name@example.org.")),
            _local_part_fits,
        ]
        kwargs.setdefault("filters", []).append(normalise_email)
        kwargs.setdefault("render_kw", {}).update(
            {"type": "email", "autocomplete": "email", "maxlength": 254}
        )
        super().__init__(label, validators, **kwargs)


class LongListSelect(Select):
    """A select of hundreds of fixed options (countries, time zones) whose options are escaped
    once per language instead of on every page: WTForms' own widget spent 40% of the time of a
    registration form's GET rendering them. One instance per field declaration: the cache
    assumes the field's choices depend on the language only."""

    def __init__(self) -> None:
        super().__init__()
        self._options: dict[str, str] = {}
        self._values: dict[str, frozenset[str]] = {}

    def values(self, field: SelectField) -> frozenset[str]:
        """The field's option values in the reader's language, gathered once per language."""
        locale = locale_name()
        values = self._values.get(locale)
        if values is None:
            values = self._values[locale] = frozenset(
                str(value) for value, *_ in field.iter_choices()
            )
        return values

    def __call__(self, field: SelectField, **kwargs) -> Markup:
        kwargs.setdefault("id", field.id)
        if "required" not in kwargs and "required" in getattr(field, "flags", []):
            kwargs["required"] = True
        locale = locale_name()
        options = self._options.get(locale)
        if options is None:
            options = self._options[locale] = "".join(
                f'<option value="{escape(value)}">{escape(label)}</option>'
                for value, label, *_ in field.iter_choices()
            )
        if field.data not in (None, ""):
            value = escape(str(field.data))
            options = options.replace(
                f'<option value="{value}">', f'<option selected value="{value}">', 1
            )
        # Every value and label above went through escape(); html_params escapes its own.
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")  # noqa: S704


class LongListSelectField(SelectField):
    """A select of hundreds of fixed options (countries, time zones), shown by a LongListSelect
    of its declaration and checked against that widget's set of values: WTForms' own check made
    an option object for every choice on every submission, an eighth of a registration's time.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        if not isinstance(kwargs.get("widget"), LongListSelect):
            raise TypeError("declare a LongListSelectField with widget=LongListSelect()")
        super().__init__(label, validators, **kwargs)

    def pre_validate(self, form: Form) -> None:
        if self.process_errors or not self.validate_choice:
            return
        if self.data is None or str(self.data) not in self.widget.values(self):
            raise ValidationError(
                self.invalid_choice_message or self.gettext("Not a valid choice.")
            )


def enum_select(label, enum_class: type[enum.Enum], labels: Mapping, radio=False, **kwargs):
    """A select (or radio buttons) of an enum's members, labelled for people; data is the member."""
    field_class = RadioField if radio else SelectField
    return field_class(
        label,
        choices=enum_choices(enum_class, label=labels.__getitem__),
        coerce=enum_coerce(enum_class),
        **kwargs,
    )


@cache
def timezone_options() -> tuple[SelectChoice, ...]:
    """The IANA zones as choices, made once: a callable, so that WTForms does not copy and check
    four hundred choices each time a form is made."""
    return tuple(SelectChoice(name) for name in timezone_names())


def country_options(blank_label=None) -> Callable[[], list[SelectChoice]]:
    """Countries named in the reader's language, optionally after a blank first choice."""

    def options() -> list[SelectChoice]:
        countries = [SelectChoice(code, name) for code, name in country_choices(locale_name())]
        return [SelectChoice("", blank_label), *countries] if blank_label else countries

    return options
