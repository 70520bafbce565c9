"""What every form of the product shares: text cleaning, safe characters, emails, countries."""

import enum
from collections.abc import Callable, Mapping

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.fields.choices import enum_choices, enum_coerce
from wtforms.validators import Email, Length, ValidationError

from seminar_reg.countries import country_choices, is_country
from seminar_reg.i18n import locale_name
from seminar_reg.text import clean_line, clean_paragraphs, has_forbidden_characters, normalise_email


def no_forbidden_characters(form: Form, field: Field) -> None:
    if isinstance(field.data, str) and has_forbidden_characters(field.data):
        raise ValidationError(_l("Remove the invisible control characters from this text."))


def known_country(form: Form, field: Field) -> None:
    if field.data and not is_country(field.data):
        raise ValidationError(_l("Choose a country from the list."))


class LineField(StringField):
    """One line of text: stored trimmed and in Unicode NFC, control characters refused."""

    def __init__(self, label=None, validators=None, max_length: int = 300, **kwargs):
        validators = [*(validators or []), Length(max=max_length), no_forbidden_characters]
        kwargs.setdefault("filters", []).append(clean_line)
        kwargs.setdefault("render_kw", {}).setdefault("maxlength", max_length)
        super().__init__(label, validators, **kwargs)


class ParagraphsField(TextAreaField):
    """Multi-line plain text, stored with paragraphs kept and control characters refused."""

    def __init__(self, label=None, validators=None, max_length: int = 20_000, **kwargs):
        validators = [*(validators or []), Length(max=max_length), no_forbidden_characters]
        kwargs.setdefault("filters", []).append(clean_paragraphs)
        super().__init__(label, validators, **kwargs)


class EmailAddressField(StringField):
    """An email address, stored trimmed and lower-cased."""

    def __init__(self, label=None, validators=None, **kwargs):
        validators = [
            *(validators or []),
            Length(max=254),
            Email(message=_l("Enter a valid email address, like name@example.org.")),
        ]
        kwargs.setdefault("filters", []).append(normalise_email)
        kwargs.setdefault("render_kw", {}).update(
            {"type": "email", "autocomplete": "email", "maxlength": 254}
        )
        super().__init__(label, validators, **kwargs)


def enum_select(label, enum_class: type[enum.Enum], labels: Mapping, radio=False, **kwargs):
    """A select (or radio buttons) of an enum's members, labelled for people; data is the member."""
    field_class = RadioField if radio else SelectField
    return field_class(
        label,
        choices=enum_choices(enum_class, label=labels.__getitem__),
        coerce=enum_coerce(enum_class),
        **kwargs,
    )


def country_options(blank_label=None) -> Callable[[], list[SelectChoice]]:
    """Countries named in the reader's language, optionally after a blank first choice."""

    def options() -> list[SelectChoice]:
        countries = [SelectChoice(code, name) for code, name in country_choices(locale_name())]
        return [SelectChoice("", blank_label), *countries] if blank_label else countries

    return options
