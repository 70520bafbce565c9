"""Lists of people from a spreadsheet or pasted lines, for group registration and imports."""

from dataclasses import dataclass

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

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


def _word_to_value(words: dict, text: str) -> str:
    """The enum value a word stands for; the text itself when it stands for none."""
    key = text.strip().casefold()
    for member, spellings in words.items():
        if key == member.value or key in spellings:
            return member.value
    return text


def _person_fields(values: dict[str, str]) -> dict[str, str]:
    row = {name: values.get(name, "") for name in PERSON_COLUMNS}
    row["role_category"] = _word_to_value(_ROLE_WORDS, row["role_category"])
    row["gender"] = _word_to_value(_GENDER_WORDS, row["gender"])
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
    return [_person_fields(row.values) for row in _rows_from_upload(upload, PERSON_HEADINGS, limit)]


def group_rows_from_paste(text: str, limit: int) -> list[dict[str, str]]:
    if not text.strip():
        return []
    try:
        table = read_pasted(text, columns=PERSON_COLUMNS, headings=PERSON_HEADINGS, max_rows=limit)
    except TableError as error:
        raise TableProblem(error.message) from error
    return [_person_fields(row.values) for row in table.rows]


def import_rows(upload: FileStorage | None, limit: int) -> list[Row]:
    """An organiser's import: person columns plus country, institution and its type."""
    if upload is None or not upload.filename:
        raise TableProblem(_("Choose a CSV or XLSX file to import."))
    rows = _rows_from_upload(upload, IMPORT_HEADINGS, limit)
    return [Row(row.line, {**row.values, **_person_fields(row.values)}) for row in rows]
