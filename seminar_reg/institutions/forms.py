from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import InputRequired

from seminar_reg.forms import LineField, WebForm, country_options, enum_select, known_country
from seminar_reg.institutions.models import Institution, InstitutionType
from seminar_reg.institutions.services import InstitutionDetails

TYPE_LABELS = {
    InstitutionType.TVET_INSTITUTE: _l("TVET institute"),
    InstitutionType.UNIVERSITY: _l("University"),
    InstitutionType.MINISTRY_OR_AGENCY: _l("Ministry or agency"),
    InstitutionType.ENTERPRISE: _l("Enterprise"),
    InstitutionType.NGO_OR_INTERNATIONAL: _l("NGO or international organisation"),
    InstitutionType.OTHER: _l("Other"),
}


def country_select(label=None) -> SelectField:
    return SelectField(
        label or _l("Country"),
        [InputRequired(message=_l("Choose a country.")), known_country],
        choices=country_options(_l("Choose…")),
    )


class InstitutionForm(WebForm):
    name = LineField(_l("Name"), [InputRequired(message=_l("Enter the institution's name."))])
    acronym = LineField(_l("Acronym"), max_length=40)
    country = country_select()
    type = enum_select(_l("Type"), InstitutionType, TYPE_LABELS)

    def __init__(self, *args, institution: Institution | None = None, **kwargs):
        super().__init__(*args, obj=institution, **kwargs)

    def details(self) -> InstitutionDetails:
        return InstitutionDetails(
            name=self.name.data,
            acronym=self.acronym.data,
            country=self.country.data,
            type=self.type.data,
        )


class MergeForm(WebForm):
    keep_id = SelectField(_l("Merge into"), coerce=int, validate_choice=True)
