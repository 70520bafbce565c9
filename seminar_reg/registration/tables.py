"""Lists of people from a spreadsheet or pasted lines, for group registration and imports."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from seminar_reg.registration.labels import GENDER_LABELS, ROLE_LABELS
from seminar_reg.registration.models import Gender, RoleCategory
from seminar_reg.spreadsheets import TableError, read_pasted, read_table

#: the form fields of one person, in the order pasted lines give them
PERSON_COLUMNS = ("given_name", "family_name", "email", "position", "role_category", "gender")

# Column headings as people write them, in the product's four languages.
PERSON_HEADINGS = {
    "given_name": (
        "given name",
        "given names",
        "first name",
        "forename",
        "name",
        "нэр",
        "名",
        "名字",
    ),
    "family_name": ("family name", "last name", "surname", "овог", "姓", "姓氏"),
    "email": (
        "email",
        "e-mail",
        "email address",
        "mail",
        "и-мэйл",
        "имэйл",
        "电子邮件",
        "邮箱",
        "电子邮箱",
    ),
    "position": ("position", "job title", "function", "албан тушаал", "职位", "职务"),
    "role_category": ("role", "role category", "category", "үүрэг", "角色", "类别"),
    "gender": ("gender", "sex", "хүйс", "性别"),
}
IMPORT_HEADINGS = {
    **PERSON_HEADINGS,
    "country": ("country", "country code", "улс", "国家"),
    "institution_name": (
        "institution",
        "organisation",
        "organization",
        "байгууллага",
        "机构",
        "单位",
    ),
    "institution_type": ("institution type", "type of institution", "type"),
    "language": ("language", "хэл", "语言"),
}

_ROLE_WORDS = {
    RoleCategory.LEADER: (
        "leader",
        "manager",
        "director",
        "leader or manager",
        "удирдлага",
        "领导",
    ),
    RoleCategory.TEACHER: (
        "teacher",
        "trainer",
        "teacher or trainer",
        "instructor",
        "багш",
        "教师",
    ),
    RoleCategory.EXPERT: ("expert", "researcher", "expert or researcher", "мэргэжилтэн", "专家"),
    RoleCategory.OFFICIAL: ("official", "government official", "албан хаагч", "官员"),
    RoleCategory.STUDENT: ("student", "оюутан", "学生"),
    RoleCategory.OTHER: ("other", "бусад", "其他"),
}
_GENDER_WORDS = {
    Gender.FEMALE: ("female", "f", "woman", "w", "эмэгтэй", "эм", "女", "weiblich"),
    Gender.MALE: ("male", "m", "man", "эрэгтэй", "эр", "男", "männlich"),
    Gender.OTHER: ("other", "diverse", "divers", "бусад", "其他"),
    Gender.UNDISCLOSED: ("prefer not to say", "undisclosed", "n/a", "хэлэхгүй", "不愿透露"),
}


class TableProblem(Exception):
    """The list as a whole cannot be read; its message is shown on the form."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


#: what the forms call each column; accepted as a heading in every language of the catalogs
_COLUMN_LABELS = {
    "given_name": _l("Given name"),
    "family_name": _l("Family name"),
    "email": _l("Email"),
    "position": _l("Position"),
    "role_category": _l("Role"),
    "gender": _l("Gender"),
    "country": _l("Country"),
    "institution_name": _l("Institution"),
    "institution_type": _l("Type of institution"),
    "language": _l("Language"),
}


def _in_every_language(labels: dict) -> dict[object, tuple[str, ...]]:
    """Each label as every language of the application writes it (in an app context)."""
    spelled: dict[object, list[str]] = {key: [] for key in labels}
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            for key, label in labels.items():
                spelled[key].append(str(label))
    return {key: tuple(dict.fromkeys(spellings)) for key, spellings in spelled.items()}


def _with_translations(headings: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The headings, then the form's label of each column in every language (a German list
    headed "Vorname, Nachname, E-Mail" reads as well as an English one)."""
    labels = _in_every_language({name: _COLUMN_LABELS[name] for name in headings})
    return {name: (*spellings, *labels[name]) for name, spellings in headings.items()}


def person_headings() -> dict[str, tuple[str, ...]]:
    return _with_translations(PERSON_HEADINGS)


def import_headings() -> dict[str, tuple[str, ...]]:
    return _with_translations(IMPORT_HEADINGS)


def _word_to_value(words: dict, labels: dict, text: str) -> str:
    """The enum value a word stands for (its value, a known word, or its label in any of the
    application's languages); the text itself when it stands for none."""
    key = text.strip().casefold()
    if not key:
        return text
    translated = _in_every_language(labels)
    for member, spellings in words.items():
        if key == member.value or key in spellings:
            return member.value
        if key in (label.casefold() for label in translated[member]):
            return member.value
    return text


def _person_fields(values: dict[str, str]) -> dict[str, str]:
    row = {name: values.get(name, "") for name in PERSON_COLUMNS}
    row["role_category"] = _word_to_value(_ROLE_WORDS, ROLE_LABELS, row["role_category"])
    row["gender"] = _word_to_value(_GENDER_WORDS, GENDER_LABELS, row["gender"])
    return row


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]


def _rows_from_upload(upload: FileStorage | None, headings: dict, limit: int) -> list[Row]:
    if upload is None or not upload.filename:
        return []
    try:
        table = read_table(
            upload.read(),
            upload.filename,
            columns=headings,
            required=("given_name", "email"),
            max_rows=limit,
        )
    except TableError as error:
        raise TableProblem(error.message) from error
    return [Row(row.line, row.values) for row in table.rows]


def group_rows_from_upload(upload: FileStorage | None, limit: int) -> list[dict[str, str]]:
    return [
        _person_fields(row.values) for row in _rows_from_upload(upload, person_headings(), limit)
    ]


def group_rows_from_paste(text: str, limit: int) -> list[dict[str, str]]:
    if not text.strip():
        return []
    try:
        table = read_pasted(
            text, columns=PERSON_COLUMNS, headings=person_headings(), max_rows=limit
        )
    except TableError as error:
        raise TableProblem(error.message) from error
    return [_person_fields(row.values) for row in table.rows]


def import_rows(upload: FileStorage | None, limit: int) -> list[Row]:
    """An organiser's import: person columns plus country, institution and its type."""
    if upload is None or not upload.filename:
        raise TableProblem(_("Choose a CSV or XLSX file to import."))
    rows = _rows_from_upload(upload, import_headings(), limit)
    return [Row(row.line, {**row.values, **_person_fields(row.values)}) for row in rows]
