import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import URL, InputRequired, Length, Optional, ValidationError

from seminar_reg.countries import country_name
from seminar_reg.extensions import db
from seminar_reg.forms import LineField, WebForm, country_options, enum_select, known_country
from seminar_reg.i18n import locale_name
from seminar_reg.institutions.models import Institution
from seminar_reg.partners.models import NotificationMode, Partner, PartnerRole
from seminar_reg.partners.services import PartnerDetails
from seminar_reg.text import normalise_email

ROLE_LABELS = {
    PartnerRole.ORGANISER: _l("Organiser"),
    PartnerRole.CO_ORGANISER: _l("Co-organiser"),
    PartnerRole.FUNDER: _l("Funder"),
    PartnerRole.HOST: _l("Host"),
}
MODE_LABELS = {
    NotificationMode.EACH_REGISTRATION: _l(
        "An email for each registration, change or cancellation"
    ),
    NotificationMode.DAILY_DIGEST: _l("One email a day with the day's changes"),
    NotificationMode.NONE: _l("No registration emails"),
}
_SEPARATORS = re.compile(r"[\s,;]+")


def _institution_choices() -> list[SelectChoice]:
    """Every institution, grouped by country."""
    institutions = db.session.execute(
        db.select(Institution).order_by(Institution.country, Institution.name)
    ).scalars()
    return [
        SelectChoice(
            str(institution.id),
            institution.display_name,
            optgroup=country_name(institution.country, locale_name()),
        )
        for institution in institutions
    ]


class PartnerForm(WebForm):
    organisation = LineField(
        _l("Organisation"), [InputRequired(message=_l("Enter the organisation's name."))]
    )
    role = enum_select(_l("Role"), PartnerRole, ROLE_LABELS)
    country = SelectField(
        _l("Country"), [known_country], choices=country_options(_l("— international —"))
    )
    website = StringField(
        _l("Website"),
        [Optional(), Length(max=500), URL(message=_l("Enter a full link starting with https://"))],
        filters=[lambda v: (v or "").strip()],
    )
    contact_emails = TextAreaField(
        _l("Contact addresses"),
        [Length(max=5000)],
        description=_l("One or more email addresses, one per line."),
    )
    scope_countries = SelectMultipleField(
        _l("Countries in scope"),
        choices=country_options(),
        description=_l("Registrations from these countries are the partner's to hear about."),
    )
    scope_institutions = SelectMultipleField(
        _l("Institutions in scope"),
        coerce=int,
        choices=_institution_choices,
        description=_l(
            "…and registrations from these institutions. "
            "With no country and no institution, the partner hears about the whole seminar."
        ),
    )
    notification_mode = enum_select(
        _l("Registration emails"),
        NotificationMode,
        MODE_LABELS,
        radio=True,
        default=NotificationMode.EACH_REGISTRATION,
    )

    def __init__(self, *args, partner: Partner | None = None, **kwargs):
        super().__init__(*args, obj=partner, **kwargs)
        if partner is not None and not self.is_submitted():
            self.contact_emails.data = "\n".join(partner.contact_emails)
            self.scope_institutions.data = [i.id for i in partner.scope_institutions]

    def validate_contact_emails(self, field):
        addresses = [a for a in _SEPARATORS.split(field.data or "") if a]
        wrong = []
        for address in addresses:
            try:
                validate_email(address, check_deliverability=False)
            except EmailNotValidError:
                wrong.append(address)
        if wrong:
            raise ValidationError(
                _("These are not email addresses: %(addresses)s", addresses=", ".join(wrong))
            )
        if len(addresses) > 20:
            raise ValidationError(_l("Give at most 20 addresses."))
        self.addresses = list(dict.fromkeys(normalise_email(a) for a in addresses))

    def details(self) -> PartnerDetails:
        return PartnerDetails(
            organisation=self.organisation.data,
            role=self.role.data,
            country=self.country.data or None,
            website=self.website.data,
            contact_emails=self.addresses,
            scope_countries=self.scope_countries.data,
            scope_institution_ids=self.scope_institutions.data,
            notification_mode=self.notification_mode.data,
        )
