"""Uploads read as tables and exports written as CSV and XLSX: encodings, scripts, injection.

Plain functions, no app: the module needs neither Flask nor a database.
"""

import codecs
import contextlib
import csv
import io
import time
import tracemalloc
import unicodedata
import zipfile
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from seminar_reg.spreadsheets import (
    NotTextError,
    Sheet,
    TableError,
    csv_rows,
    decode_text,
    neutralise,
    read_pasted,
    read_table,
    xlsx_bytes,
)

COLUMNS = {
    "given_name": ("Given name", "First name", "名", "Нэр"),
    "family_name": ("Family name", "Last name", "姓", "Овог"),
    "email": ("Email", "E-mail", "Email address", "电子邮件", "И-мэйл"),
    "phone": ("Phone", "Telephone"),
    "position": ("Position", "Job title"),
}
REQUIRED = {"given_name", "email"}
PEOPLE = [
    ("Батбаяр", "Дорж", "batbayar@example.mn"),
    ("王", "芳", "wang.fang@example.cn"),
    ("عائشہ", "خان", "ayesha@example.pk"),
    ("José", "Núñez", "jose@example.es"),
]
PEOPLE_CSV = "Given name,Family name,Email\n" + "".join(f"{g},{f},{e}\n" for g, f, e in PEOPLE)
DANGEROUS = [
    "=1+1",
    '=HYPERLINK("http://x","click")',
    "+86 755 1234 5678",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]
MB = 1_000_000


def naive(text: str) -> datetime:
    return datetime.fromisoformat(text)


def read(data: bytes, filename: str = "colleagues.csv", **limits) -> object:
    return read_table(data, filename, columns=COLUMNS, required=REQUIRED, **limits)


def names(table) -> list[tuple[str, str, str]]:
    return [
        (r.values["given_name"], r.values["family_name"], r.values["email"]) for r in table.rows
    ]


def message(data: bytes, filename: str = "colleagues.csv", **limits) -> str:
    with pytest.raises(TableError) as caught:
        read(data, filename, **limits)
    return caught.value.message


def workbook_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    target = io.BytesIO()
    workbook.save(target)
    return target.getvalue()


# read_table: CSV text in the encodings people's programs write


def test_utf8_csv_keeps_every_script():
    table = read(PEOPLE_CSV.encode())

    assert names(table) == PEOPLE
    assert (table.source, table.encoding) == ("csv", "utf-8")
    assert table.columns == ["given_name", "family_name", "email"]
    assert [row.line for row in table.rows] == [2, 3, 4, 5]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + PEOPLE_CSV.encode(), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + PEOPLE_CSV.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + PEOPLE_CSV.encode("utf-16-be"), "utf-16-be"),
        (PEOPLE_CSV.encode("utf-16-le"), "utf-16-le"),  # no BOM: told by its NUL bytes
    ],
)
def test_csv_with_a_bom_or_in_utf16(data, encoding):
    table = read(data)

    assert names(table) == PEOPLE
    assert table.encoding == encoding


def test_cp1252_csv_from_excel_on_windows():
    table = read("Given name;Family name;Email\nJosé;Núñez;jose@example.es\n".encode("cp1252"))

    assert names(table) == [("José", "Núñez", "jose@example.es")]
    assert table.encoding == "cp1252"


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_delimiters(delimiter):
    text = PEOPLE_CSV.replace(",", delimiter).replace("Núñez", "Núñez, Jr.")

    assert names(read(text.encode()))[3] == ("José", "Núñez, Jr.", "jose@example.es")


@pytest.mark.parametrize("line_end", ["\r\n", "\r"])
def test_crlf_and_cr_line_ends(line_end):
    table = read(PEOPLE_CSV.replace("\n", line_end).encode())

    assert names(table) == PEOPLE
    assert [row.line for row in table.rows] == [2, 3, 4, 5]


def test_quoted_cells_hold_delimiters_quotes_and_line_breaks():
    data = (
        "Given name,Email,Position\n"
        '"Ana, María",ana@example.es,"Head of ICT\r\nand ""e-learning"""\n'
        "Bo,bo@example.org,Teacher\n"
    ).encode()

    table = read(data)

    assert [row.values["position"] for row in table.rows] == [
        'Head of ICT\nand "e-learning"',
        "Teacher",
    ]
    assert table.rows[0].values["given_name"] == "Ana, María"
    assert [row.line for row in table.rows] == [2, 4]  # the record on line 2 spans two lines


def test_values_are_nfc_and_trimmed():
    decomposed = unicodedata.normalize("NFD", "Найдан")
    assert decomposed != "Найдан"

    table = read(f"Given name,Email\n  {decomposed} \t, naidan@example.mn \n".encode())

    assert table.rows[0].values["given_name"] == "Найдан"
    assert table.rows[0].values["email"] == "naidan@example.mn"


@pytest.mark.parametrize(
    "header",
    [
        "First Name,E-MAIL",
        "GIVEN NAME,email address",
        "given_name,Email",
        "名,电子邮件",
        "Нэр,И-мэйл",
        "Ｇｉｖｅｎ　Ｎａｍｅ,Ｅｍａｉｌ",  # full-width, as a Japanese or Chinese IME types it
        "Given name *,E-mail:",
    ],
)
def test_headings_in_other_spellings(header):
    table = read(f"{header}\nДолгор,dolgor@example.mn\n".encode())

    assert table.columns == ["given_name", "email"]
    assert table.rows[0].values["given_name"] == "Долгор"


def test_every_known_column_is_in_the_values_even_when_absent():
    row = read(b"Given name,Email\nAna,ana@example.org\n").rows[0]

    assert row.values == {
        "given_name": "Ana",
        "family_name": "",
        "email": "ana@example.org",
        "phone": "",
        "position": "",
    }


def test_unknown_headings_and_values_without_heading_are_reported():
    data = b"Given name,Email,Shoe size,,\nAna,ana@example.org,38,,stray\nBo,bo@example.org,,,\n"

    table = read(data)

    # Column D has neither heading nor values, so nothing was lost there.
    assert table.ignored_columns == ["Shoe size", "column E (no heading)"]
    assert table.columns == ["given_name", "email"]


def test_missing_required_column_is_named_with_its_accepted_headings():
    text = message(b"Given name,Family name\nAna,Lopez\n")

    assert "no column for Email" in text
    assert "E-mail" in text
    assert "Given name" not in text.split("Accepted headings:")[1]


def test_first_row_without_known_headings():
    text = message(b"Ana,ana@example.org\nBo,bo@example.org\n")

    assert "row 1" in text
    assert "none of the column headings we know" in text
    assert "Given name (or First name, 名, Нэр)" in text


def test_two_columns_for_the_same_thing():
    text = message(b"Email,E-mail,Given name\na@example.org,b@example.org,Ana\n")

    assert text.startswith('The columns "Email" and "E-mail" both hold Email.')


def test_too_many_rows_says_the_limit_and_how_many():
    text = message(PEOPLE_CSV.encode(), max_rows=3)

    assert "4 rows" in text
    assert "at most 3" in text


def test_too_large_says_the_limit():
    text = message(PEOPLE_CSV.encode(), "big.csv", max_bytes=50)

    assert text.startswith('The file "big.csv" is')
    assert "at most 50 bytes" in text


@pytest.mark.parametrize("data", [b"", b"\n\r\n  \n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE])
def test_empty_file(data):
    assert message(data) == 'The file "colleagues.csv" is empty.'


def test_header_only_has_no_rows():
    table = read(b"Given name,Email\r\n")

    assert table.rows == []
    assert table.columns == ["given_name", "email"]


def test_blank_lines_are_skipped_and_line_numbers_stay_right():
    data = b"\nGiven name,Email\n\nAna,ana@example.org\n , \n\nBo,bo@example.org\n\n"

    table = read(data)

    assert [(row.line, row.values["given_name"]) for row in table.rows] == [(4, "Ana"), (7, "Bo")]


def test_control_characters_in_a_cell_are_left_for_the_caller():
    table = read(b"Given name,Email\nA\x07na,ana@example.org\n")

    assert table.rows[0].values["given_name"] == "A\x07na"


def test_csv_named_txt_and_a_windows_path():
    table = read_table(
        PEOPLE_CSV.encode(), r"C:\Users\Ana\list.txt", columns=COLUMNS, required=REQUIRED
    )

    assert len(table.rows) == 4


# read_table: files that are not tables


def test_binary_junk():
    text = message(bytes(range(256)) * 4, "photo.csv")

    assert text.startswith('The file "photo.csv" is neither a CSV file nor an Excel workbook')


def test_pdf():
    assert "is a PDF document, not a table" in message(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")


def test_old_excel_workbook_says_save_as_xlsx_or_csv():
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "Workbook".encode("utf-16-le")

    text = message(ole2, "list.xls")

    assert "Excel 97-2003 workbook (.xls)" in text
    assert "save it as .xlsx or CSV" in text


def test_password_protected_workbook():
    # A protected .xlsx is an old Office container with an "EncryptedPackage" stream.
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le")

    assert "protected by a password" in message(ole2, "list.xlsx")


def test_damaged_xlsx():
    data = workbook_bytes([["Given name", "Email"]])

    assert "may be damaged" in message(data[: len(data) // 2], "list.xlsx")


def test_zip_that_is_not_a_workbook():
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("notes.txt", "hello")

    assert "may be damaged" in message(target.getvalue(), "list.xlsx")


def test_opendocument_spreadsheet():
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")

    assert "OpenDocument spreadsheet (.ods)" in message(target.getvalue(), "list.ods")


def test_workbook_that_unpacks_to_far_more_than_a_table():
    target = io.BytesIO(workbook_bytes([["Given name", "Email"]]))
    with zipfile.ZipFile(target, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", bytes(400_000))

    assert "unpacks to 417 kB" in message(target.getvalue(), "list.xlsx", max_bytes=15_000)


# read_table: workbooks


def test_xlsx_values_as_the_person_sees_them():
    data = workbook_bytes(
        [
            [],
            ["Нэр", "Овог", "И-мэйл", "Phone", "Position"],
            ["Батбаяр", "Дорж", "batbayar@example.mn", 97699112233, date(2023, 4, 18)],
            [None, None, None],
            ["Оюунчимэг", "Бат", "oyuna@example.mn", 12345.0, naive("2023-04-18 09:30")],
            ["Сараа", "Гэрэл", '=LOWER("SARAA@EXAMPLE.MN")', 3.25, True],
        ]
    )

    table = read(data, "colleagues.xlsx")

    assert (table.source, table.encoding) == ("xlsx", None)
    assert [row.line for row in table.rows] == [3, 5, 6]
    assert [(r.values["given_name"], r.values["family_name"]) for r in table.rows] == [
        ("Батбаяр", "Дорж"),
        ("Оюунчимэг", "Бат"),
        ("Сараа", "Гэрэл"),
    ]
    assert [r.values["phone"] for r in table.rows] == ["97699112233", "12345", "3.25"]
    assert [r.values["position"] for r in table.rows] == [
        "2023-04-18",
        "2023-04-18 09:30:00",
        "TRUE",
    ]
    # openpyxl stores no calculated value for a formula, so there is nothing to read.
    assert table.rows[2].values["email"] == ""


def test_xlsx_with_the_wrong_extension():
    data = workbook_bytes([["Given name", "Email"], ["Ana", "ana@example.org"]])

    assert read(data, "colleagues.csv").rows[0].values["email"] == "ana@example.org"


def rewritten(data: bytes, change) -> bytes:
    """The workbook with each part replaced by ``change(name, content)``; None leaves it out."""
    target = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(target, "w") as archive:
        for entry in source.infolist():
            content = change(entry.filename, source.read(entry))
            if content is not None:
                archive.writestr(entry, content)
    return target.getvalue()


def test_xlsx_that_makes_openpyxl_warn_is_read_without_a_warning():
    data = workbook_bytes([["Given name", "Email"], ["Ana", "ana@example.org"]])
    # Some programs write no styles, and openpyxl warns about that.
    unstyled = rewritten(data, lambda name, content: None if name == "xl/styles.xml" else content)

    table = read(unstyled, "list.xlsx")  # warnings are errors in this test run

    assert table.rows[0].values["given_name"] == "Ana"


def test_xlsx_claiming_the_whole_sheet_is_read_quickly():
    data = workbook_bytes([["Given name", "Email"], ["Ana", "ana@example.org"]])
    far_cell = b'<row r="1000000"><c r="XFD1000000" t="inlineStr"><is><t>far</t></is></c></row>'

    def claim_everything(name: str, content: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return content
        content = content.replace(b'ref="A1:B2"', b'ref="A1:XFD1048576"')
        return content.replace(b"</sheetData>", far_cell + b"</sheetData>")

    started = time.perf_counter()
    table = read(rewritten(data, claim_everything), "list.xlsx")

    assert time.perf_counter() - started < 3
    # The cell in column XFD is beyond the columns read; the million rows before it are blank.
    assert [row.line for row in table.rows] == [2]


def test_empty_workbook():
    assert message(workbook_bytes([]), "list.xlsx") == "The table is empty."


# read_pasted

PASTED_COLUMNS = ("given_name", "family_name", "email")


def pasted(text: str, **options) -> list[tuple[int, str, str, str]]:
    table = read_pasted(text, columns=PASTED_COLUMNS, headings=COLUMNS, **options)
    assert table.source == "pasted"
    return [(row.line, *row.values.values()) for row in table.rows]


def test_pasted_from_excel_is_tab_separated():
    # Excel quotes a cell with a line break when it copies.
    text = 'Батбаяр\tДорж\tbat@example.mn\r\n"Wang\nFang"\t王\twang@example.cn\r\n'

    assert pasted(text) == [
        (1, "Батбаяр", "Дорж", "bat@example.mn"),
        (2, "Wang\nFang", "王", "wang@example.cn"),
    ]


def test_pasted_with_semicolons_and_blank_lines():
    text = "\nJosé; Núñez, Jr.; jose@example.es\n\n  \nAna;López;ana@example.es\n"

    assert pasted(text) == [
        (2, "José", "Núñez, Jr.", "jose@example.es"),
        (5, "Ana", "López", "ana@example.es"),
    ]


def test_pasted_with_commas():
    assert pasted("Ana,López,ana@example.es\n") == [(1, "Ana", "López", "ana@example.es")]


def test_pasted_header_line_gives_the_order():
    text = "E-mail\tFirst name\tLast name\nana@example.es\tAna\tLópez\n"

    assert pasted(text) == [(2, "Ana", "López", "ana@example.es")]


def test_pasted_without_headings_reads_every_line_as_values():
    table = read_pasted("First name\tLast name\tE-mail\n", columns=PASTED_COLUMNS)

    assert [row.values["email"] for row in table.rows] == ["E-mail"]


def test_pasted_header_missing_a_required_column():
    with pytest.raises(TableError, match="no column for Email"):
        read_pasted(
            "First name\tLast name\nAna\tLópez\n",
            columns=PASTED_COLUMNS,
            headings=COLUMNS,
            required={"email"},
        )


def test_pasted_values_beyond_the_columns_are_reported():
    table = read_pasted("Ana\tLópez\tana@example.es\t+34 600\n", columns=PASTED_COLUMNS)

    assert table.ignored_columns == ["column D (no heading)"]


def test_pasted_too_many_lines():
    with pytest.raises(TableError, match="3 rows; at most 2"):
        read_pasted("a\tb\tc\n" * 3, columns=PASTED_COLUMNS, max_rows=2)


@pytest.mark.parametrize("text", ["", " \n\t\n", ";;\n ; ;", '""'])
def test_nothing_pasted(text):
    with pytest.raises(TableError, match="the text is empty"):
        read_pasted(text, columns=PASTED_COLUMNS)


# decode_text


def test_decode_text_gives_unix_line_ends_without_the_bom():
    data = codecs.BOM_UTF16_LE + "Name\r\nДолгор\rEnd".encode("utf-16-le")

    assert decode_text(data) == ("Name\nДолгор\nEnd", "utf-16-le")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.4", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"PK\x03\x04rest", "a ZIP archive or an Excel workbook (.xlsx)"),
        (b"Name\x00\x01\x02\x03\x04\x05", None),
    ],
)
def test_decode_text_refuses_what_is_not_text(data, kind):
    with pytest.raises(NotTextError) as caught:
        decode_text(data)

    assert caught.value.kind == kind


# Writing: neutralise and CSV


def decoded_csv(chunks) -> list[list[str]]:
    data = b"".join(chunks)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("value", DANGEROUS)
def test_neutralise_prefixes_what_a_spreadsheet_would_evaluate(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["Ana", "", "'quoted", " =1+1", "a=b", "王芳", "عائشہ", -5, 3.5, Decimal("-1.5"), None]
)
def test_neutralise_leaves_everything_else(value):
    assert neutralise(value) is value


def test_csv_rows_bom_once_crlf_and_cells_as_written():
    mongolia = timezone(timedelta(hours=8))
    rows = [
        ["Батбаяр", -5, 2.5, Decimal("12.50"), True, None],
        ["王芳", 0, -0.25, Decimal("-3"), False, ""],
        [datetime(2023, 4, 18, 9, 30, tzinfo=mongolia), date(2023, 4, 18), "x", "y", "z", "w"],
        *[[value, "", "", "", "", ""] for value in DANGEROUS],
    ]

    data = b"".join(csv_rows(["Name", "Number", "Float", "Decimal", "Bool", "None"], rows))

    assert data.startswith(codecs.BOM_UTF8)
    assert data.count(codecs.BOM_UTF8) == 1
    assert data.count(b"\r\n") >= len(rows) + 1
    assert b"\n" not in data.replace(b"\r\n", b"")
    decoded = decoded_csv([data])
    assert decoded[:4] == [
        ["Name", "Number", "Float", "Decimal", "Bool", "None"],
        ["Батбаяр", "-5", "2.5", "12.50", "yes", ""],
        ["王芳", "0", "-0.25", "-3", "no", ""],
        ["2023-04-18T09:30:00+08:00", "2023-04-18", "x", "y", "z", "w"],
    ]
    assert [row[0] for row in decoded[4:]] == ["'" + value for value in DANGEROUS]


def test_csv_header_is_neutralised_too():
    assert decoded_csv(csv_rows(["=cmd", "Email"], []))[0] == ["'=cmd", "Email"]


def test_csv_rows_stream_100000_rows_in_flat_memory():
    rows = ([f"Участник {i}", f"p{i}@example.mn", i, "=1+1"] for i in range(100_000))
    tracemalloc.start()
    started = time.perf_counter()

    total = sum(len(chunk) for chunk in csv_rows(["Name", "Email", "Number", "Note"], rows))

    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert total > 4 * MB  # the whole file was written ...
    assert peak < 10 * MB  # ... but never held
    print(f"CSV 100,000 rows: {elapsed:.2f} s, peak {peak / MB:.2f} MB, {total / MB:.1f} MB")


# Writing: XLSX


def reopened(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_xlsx_header_bold_frozen_filtered_and_cells_typed():
    tz = timezone(timedelta(hours=5))
    rows = [
        ["Батбаяр", 42, 2.5, Decimal("12.5"), date(2023, 11, 9), naive("2023-11-09 14:00")],
        ["王芳", -5, -0.5, None, True, datetime(2023, 11, 9, 14, 0, tzinfo=tz)],
        ["#N/A", "00123", "a\x00b", "", False, datetime(2023, 11, 9, 9, 0, tzinfo=UTC)],
    ]

    sheet = reopened(xlsx_bytes([Sheet("Registrations", ["Name", "A", "B", "C", "D", "E"], rows)]))
    sheet = sheet.active

    assert [cell.value for cell in sheet[1]] == ["Name", "A", "B", "C", "D", "E"]
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F4"
    assert [cell.value for cell in sheet[2]] == [
        "Батбаяр",
        42,
        2.5,
        12.5,
        naive("2023-11-09 00:00"),
        naive("2023-11-09 14:00"),
    ]
    assert isinstance(sheet["B2"].value, int)
    assert sheet["E2"].number_format == "yyyy-mm-dd"
    # An aware datetime keeps its wall-clock time; True and False read "yes" and "no".
    assert [cell.value for cell in sheet[3]] == [
        "王芳",
        -5,
        -0.5,
        None,
        "yes",
        naive("2023-11-09 14:00"),
    ]
    assert [cell.value for cell in sheet[4]][:5] == ["#N/A", "00123", "a\ufffdb", None, "no"]
    assert [sheet["A4"].data_type, sheet["B4"].data_type] == ["s", "s"]


def test_xlsx_keeps_dangerous_text_exact_as_quote_prefixed_text():
    rows = [[value] for value in DANGEROUS]

    sheet = reopened(xlsx_bytes([Sheet("Notes", ["=Header"], rows)])).active

    cells = [row[0] for row in sheet.iter_rows()]
    # XML reads a CR as a line feed; the text is otherwise exact.
    assert [cell.value for cell in cells] == [
        "=Header",
        *(v.replace("\r", "\n") for v in DANGEROUS),
    ]
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
    assert cells[0].font.bold


def test_xlsx_sheet_titles_are_made_valid_and_distinct():
    sheets = [
        Sheet("Attendance 18/04 [day 1]: *final*?", ["A"], []),
        Sheet("A very long title for a sheet of registrations", ["A"], []),
        Sheet("a very long title for a sheet of registrations", ["A"], []),
        Sheet("'Mongolia'", ["A"], []),
        Sheet("", ["A"], []),
    ]

    titles = reopened(xlsx_bytes(sheets)).sheetnames

    assert titles == [
        "Attendance 18-04 (day 1)- final",
        "A very long title for a sheet o",
        "a very long title for a she (2)",
        "Mongolia",
        "Sheet",
    ]


def test_xlsx_column_widths_estimated_or_given():
    rows = ([f"中华人民共和国教育部{i}", "ana@example.org"] for i in range(100))

    estimated = reopened(xlsx_bytes([Sheet("S", ["Name", "Email"], rows)])).active
    given = reopened(xlsx_bytes([Sheet("S", ["Name"], [], column_widths=[33])])).active

    # Ten wide characters count twice, plus two digits and a margin.
    assert estimated.column_dimensions["A"].width == 24
    assert estimated.column_dimensions["B"].width == 17
    assert given.column_dimensions["A"].width == 33


@pytest.mark.slow
def test_xlsx_streams_its_rows_in_modest_memory():
    # 20,000 rows keep the test short under tracemalloc; bench/ measures 100,000 for speed.
    rows = (
        [f"Участник {i}", f"p{i}@example.mn", i, 1.5, naive("2023-04-18 09:30")]
        for i in range(20_000)
    )
    tracemalloc.start()

    data = xlsx_bytes([Sheet("Big", ["Name", "Email", "Number", "Hours", "Joined"], rows)])

    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20 * MB
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b'<c r="E20001"' in archive.read("xl/worksheets/sheet1.xml")


# Properties

any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_a_neutralised_csv_cell_never_starts_dangerously_and_round_trips(value):
    cell = decoded_csv(csv_rows(["Name"], [[value]]))[1][0]

    assert cell == neutralise(value)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_are_a_table_or_a_table_error(data):
    with contextlib.suppress(TableError):
        read(data)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_after_a_zip_signature_are_a_table_error(data):
    with pytest.raises(TableError):
        read(b"PK\x03\x04" + data)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")))
def test_arbitrary_lines_under_a_known_header_are_read_or_refused_clearly(body):
    try:
        table = read(("Given name,Email\n" + body).encode())
    except TableError:
        return
    assert table.columns == ["given_name", "email"]


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_arbitrary_pasted_text_is_read_or_refused_clearly(text):
    try:
        table = read_pasted(text, columns=PASTED_COLUMNS, headings=COLUMNS, required={"email"})
    except TableError:
        return
    assert all(set(row.values) == set(PASTED_COLUMNS) for row in table.rows)
