"""What a participant's role and gender are called on forms, pages and exports."""

from flask_babel import lazy_gettext as _l

from seminar_reg.registration.models import Gender, RoleCategory

ROLE_LABELS = {
    RoleCategory.LEADER: _l("Leader or manager"),
    RoleCategory.TEACHER: _l("Teacher or trainer"),
    RoleCategory.EXPERT: _l("Expert or researcher"),
    RoleCategory.OFFICIAL: _l("Government official"),
    RoleCategory.STUDENT: _l("Student"),
    RoleCategory.OTHER: _l("Other"),
}
GENDER_LABELS = {
    Gender.FEMALE: _l("Female"),
    Gender.MALE: _l("Male"),
    Gender.OTHER: _l("Other"),
    Gender.UNDISCLOSED: _l("Prefer not to say"),
}
