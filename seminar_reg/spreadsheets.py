"""Every table that comes in or goes out: uploads read from CSV or XLSX, exports written as both.

Reading (a focal point's list of colleagues, an organiser's import of registrations):

- The kind of file is recognised from its content, never from its name: a ZIP archive that
  openpyxl can open is a workbook, anything else is read as CSV text.
- ``decode_text`` is the one place uploads are decoded (the attendance parser uses it too): a
  UTF-8 or UTF-16 BOM decides; else UTF-16 without a BOM, recognised by the NUL byte beside each
  ASCII character; else UTF-8; else cp1252, which Excel on Windows writes for "CSV" in Western
  Europe. Files that start like a PDF, an image or an old Office document are refused with what
  they look like, and so is text with a NUL in it. Line ends come back as "\\n".
- CSV delimiter: of "\\t", ";" and ",", the one under which the first row holds the most known
  headings; on a tie, the one that splits the first row into more cells.
- XLSX: the first worksheet, with the values Excel last calculated. A formula whose result was
  never calculated (a file written by a program that does not calculate, such as openpyxl) reads
  as "". Whole numbers read without ".0" (a phone typed as a number), dates as "YYYY-MM-DD",
  dates with a time as "YYYY-MM-DD HH:MM:SS", TRUE/FALSE as "TRUE"/"FALSE".
- Values are text in NFC, trimmed, otherwise as typed: control characters stay, and the
  caller's validators refuse them. Only the first ``MAX_COLUMNS`` columns are read.

Writing (exports), so that every spreadsheet program opens them with names in any script and
evaluates nothing a participant typed:

- CSV is UTF-8 with a BOM and CRLF line ends, streamed in chunks. Text that starts with ``=``,
  ``+``, ``-``, ``@``, a TAB or a CR gets a leading apostrophe: CSV has no other way to say
  "text", and the apostrophe stays visible in some programs. Numbers are never changed: "-5"
  written from the number -5 is a number, never a formula.
- XLSX keeps such text exact: it is written as a text cell with Excel's "quote prefix" style
  (the one a typed apostrophe sets), which Excel and LibreOffice never evaluate, not even after
  the cell is edited. The same cells are marked in both formats.
- Numbers stay typed numbers in XLSX; True/False are written "yes"/"no" in both formats.
- Times: Excel has no time zones, so an XLSX cell holds the wall-clock time of the datetime as
  given (an aware one in its own offset) and the caller converts to the zone it names in the
  header. CSV writes ISO 8601, with the offset when the datetime is aware.
"""

import codecs
import csv
import io
import math
import unicodedata
import warnings
import zipfile
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from itertools import chain, count, islice
from pathlib import PureWindowsPath
from typing import BinaryIO, TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from seminar_reg.text import fold

MAX_COLUMNS = 100  # columns read from an upload; also bounds the work a hostile workbook costs


class TableError(ValueError):
    """The upload cannot be read as a table; ``message`` is shown to the person who sent it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotTextError(ValueError):
    """The bytes are not text; ``kind`` says what they look like ("a PDF document") or is None."""

    def __init__(self, kind: str | None) -> None:
        super().__init__(f"not text: {kind or 'binary data'}")
        self.kind = kind


@dataclass(frozen=True)
class TableRow:
    """One row of an uploaded table that is not blank."""

    line: int  # 1-based line (CSV, pasted) or row number (XLSX) in the source, for messages
    values: dict[str, str]  # every canonical column name -> cell text (NFC, trimmed; "" if none)


@dataclass(frozen=True)
class Table:
    """What an uploaded table holds, with the columns that were not understood set apart."""

    rows: list[TableRow]  # blank rows skipped
    columns: list[str]  # canonical names found, in file order
    ignored_columns: list[str]  # headings matching no known column, shown to the person
    source: str  # "csv", "xlsx" or "pasted"
    encoding: str | None  # for CSV: "utf-8", "utf-8-sig", "utf-16-le", "utf-16-be" or "cp1252"


@dataclass(frozen=True)
class Sheet:
    """One worksheet of an XLSX export."""

    title: str  # made valid for Excel: at most 31 characters, none of []:*?/\
    header: Sequence[str]
    rows: Iterable[Sequence[object]]  # may be a generator: it is consumed once, row by row
    column_widths: Sequence[float] | None = None  # else estimated from the header and first rows


# Decoding

_ZIP_SIGNATURE = b"PK\x03\x04"
# What a file that is not text looks like, in words for a message (translated when shown).
_XLS = _l("an Excel 97-2003 workbook (.xls)")
_ENCRYPTED = _l("a password-protected workbook")
_BINARY_SIGNATURES = (
    (_ZIP_SIGNATURE, _l("a ZIP archive or an Excel workbook (.xlsx)")),
    (b"\xd0\xcf\x11\xe0", _XLS),
    (b"%PDF", _l("a PDF document")),
    (b"\x89PNG", _l("a PNG image")),
    (b"\xff\xd8\xff", _l("a JPEG image")),
    (b"GIF8", _l("a GIF image")),
)
# Excel keeps a password-protected .xlsx in an old Office container, under this stream name.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of an uploaded file, with "\\n" line ends and no BOM, and the encoding it was in.

    The module docstring gives the rules. Raises NotTextError for bytes that are not text.
    """
    kind = _binary_kind(data)
    if kind:
        raise NotTextError(kind)
    encoding = _bom_encoding(data) or _utf16_without_bom(data[:4096]) or _utf8_or_cp1252(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise NotTextError(None) from None
    if "\x00" in text:
        raise NotTextError(None)
    return _unix_line_ends(text.removeprefix("\ufeff")), encoding


def _binary_kind(data: bytes) -> str | None:
    kind = next((kind for magic, kind in _BINARY_SIGNATURES if data.startswith(magic)), None)
    if kind == _XLS and _ENCRYPTED_STREAM in data:
        return _ENCRYPTED
    return kind


def _bom_encoding(data: bytes) -> str | None:
    return next((encoding for bom, encoding in _BOMS if data.startswith(bom)), None)


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 without a BOM, recognised by the NUL byte beside each ASCII character."""
    pairs = len(sample) // 2
    even_nuls = sample[0 : pairs * 2 : 2].count(0)
    odd_nuls = sample[1 : pairs * 2 : 2].count(0)
    if odd_nuls > pairs * 0.3 and even_nuls * 10 < odd_nuls:
        return "utf-16-le"
    if even_nuls > pairs * 0.3 and odd_nuls * 10 < even_nuls:
        return "utf-16-be"
    return None


def _utf8_or_cp1252(data: bytes) -> str:
    # Excel on Windows saves "CSV" in the ANSI code page, which is cp1252 for Western Europe.
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _unix_line_ends(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Reading: which column is which

_Record = tuple[int, list[str]]  # (line or row number, cells as cleaned text)


@dataclass(frozen=True)
class _Headings:
    """The columns a caller knows, and the headings accepted for each."""

    spellings: Mapping[str, Sequence[str]]  # canonical name -> accepted headings
    by_key: dict[str, str]  # heading key -> canonical name

    @classmethod
    def of(cls, columns: Mapping[str, Sequence[str]], required: Collection[str]) -> "_Headings":
        unknown = set(required) - set(columns)
        if unknown:
            raise ValueError(f"required columns {sorted(unknown)} are not among the columns")
        by_key = {
            _heading_key(heading): name
            for name, headings in columns.items()
            for heading in (name, *headings)
            if _heading_key(heading)
        }
        return cls(columns, by_key)

    def name_of(self, heading: str) -> str | None:
        return self.by_key.get(_heading_key(heading))

    def label(self, name: str) -> str:
        """How a column is called in messages: its first accepted heading."""
        return next(iter(self.spellings[name]), name)

    def accepted(self, names: Iterable[str]) -> str:
        """E.g. 'Given name (or First name, 名); Email (or E-mail)'."""
        parts = []
        for name in names:
            others = [heading for heading in self.spellings[name] if heading != self.label(name)]
            label = self.label(name)
            parts.append(
                _("%(heading)s (or %(others)s)", heading=label, others=", ".join(others))
                if others
                else label
            )
        return "; ".join(parts)


def _heading_key(heading: str) -> str:
    # Case, accents, spaces, punctuation and full-width forms make no difference.
    return fold(heading).replace(" ", "")


@dataclass(frozen=True)
class _Layout:
    """Which cell of a row holds which column."""

    known: tuple[str, ...]  # every canonical name the caller knows, found or not
    names: dict[int, str]  # cell index -> canonical name
    headed: frozenset[int]  # indices of every cell that has a heading, known or not
    ignored: list[str]  # headings that match no known column


def _layout(header: _Record, headings: _Headings, required: Collection[str]) -> _Layout:
    line, cells = header
    names: dict[int, str] = {}
    ignored = []
    for index, cell in enumerate(cells):
        name = headings.name_of(cell)
        if name in names.values():
            first = cells[next(i for i, known in names.items() if known == name)]
            raise TableError(
                _(
                    'The columns "%(first)s" and "%(second)s" both hold %(column)s. '
                    "Keep one of them and upload the file again.",
                    first=first,
                    second=cell,
                    column=headings.label(name),
                )
            )
        if name:
            names[index] = name
        elif cell:
            ignored.append(cell)
    if not names:
        raise TableError(
            _(
                'The first row with content (row %(line)d: "%(cells)s") holds none of the '
                "column headings we know. Put the headings in the first row: %(headings)s.",
                line=line,
                cells=_preview(cells),
                headings=headings.accepted(headings.spellings),
            )
        )
    missing = [
        name for name in headings.spellings if name in required and name not in names.values()
    ]
    if missing:
        raise TableError(
            _(
                "The table has no column for %(columns)s. Accepted headings: %(headings)s.",
                columns=", ".join(headings.label(n) for n in missing),
                headings=headings.accepted(missing),
            )
        )
    headed = frozenset(index for index, cell in enumerate(cells) if cell)
    return _Layout(tuple(headings.spellings), names, headed, ignored)


def _preview(cells: list[str], length: int = 80) -> str:
    text = ", ".join(cell for cell in cells if cell)
    return text if len(text) <= length else text[: length - 1] + "…"


def _table(
    records: Iterator[_Record], layout: _Layout, *, max_rows: int, source: str, encoding: str | None
) -> Table:
    """The rows under the layout; values in cells without a heading are reported, not read."""
    rows: list[TableRow] = []
    found = 0
    stray: set[int] = set()
    empty = dict.fromkeys(layout.known, "")
    for line, cells in records:
        found += 1
        if found <= max_rows:
            values = {name: cells[i] for i, name in layout.names.items() if i < len(cells)}
            rows.append(TableRow(line, empty | values))
        stray.update(i for i, cell in enumerate(cells) if cell and i not in layout.headed)
    if found > max_rows:
        raise TableError(
            _(
                "The table has %(found)d rows; at most %(most)d can be read at once. "
                "Split it into smaller tables.",
                found=found,
                most=max_rows,
            )
        )
    ignored = layout.ignored + [
        _("column %(letter)s (no heading)", letter=get_column_letter(i + 1)) for i in sorted(stray)
    ]
    return Table(rows, list(layout.names.values()), ignored, source, encoding)


def _non_blank(records: Iterable[_Record]) -> Iterator[_Record]:
    return ((line, cells[:MAX_COLUMNS]) for line, cells in records if any(cells))


def _headed_table(
    records: Iterable[_Record],
    headings: _Headings,
    required: Collection[str],
    *,
    max_rows: int,
    source: str,
    encoding: str | None = None,
) -> Table:
    """A table whose first row with content holds the headings."""
    rows = _non_blank(records)
    header = next(rows, None)
    if header is None:
        raise TableError(_("The table is empty."))
    layout = _layout(header, headings, required)
    return _table(rows, layout, max_rows=max_rows, source=source, encoding=encoding)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


# Reading: uploads

_ODS_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
# An .xlsx unpacks to a few times its size; far more means a ZIP bomb.
_MAX_UNPACKED_RATIO = 25
_DELIMITERS = ("\t", ";", ",")
_SAVE_AS = _l("Save the table as an Excel workbook (.xlsx) or as CSV and upload that file.")


def read_table(
    data: bytes,
    filename: str,
    *,
    columns: Mapping[str, Sequence[str]],
    required: Collection[str],
    max_rows: int = 100,
    max_bytes: int = 2_000_000,
) -> Table:
    """Read an uploaded CSV or XLSX table whose first row with content holds the headings.

    ``columns`` maps each canonical name to the headings accepted for it (the name itself is
    accepted too), compared ignoring case, accents, spaces, punctuation and full-width forms;
    its order is the order used in messages. ``filename`` is used only in messages. Every row's
    ``values`` has every canonical name. Raises TableError with a message for the person.
    """
    headings = _Headings.of(columns, required)
    file = _file_label(filename)
    if len(data) > max_bytes:
        raise TableError(
            _(
                "%(file)s is %(size)s; at most %(most)s can be uploaded.",
                file=file,
                size=_size(len(data)),
                most=_size(max_bytes),
            )
        )
    if data.startswith(_ZIP_SIGNATURE):
        return _read_xlsx(data, file, headings, required, max_rows, max_bytes)
    text, encoding = _decode_upload(data, file)
    delimiter = _delimiter(text, headings)
    return _headed_table(
        _csv_records(text, delimiter),
        headings,
        required,
        max_rows=max_rows,
        source="csv",
        encoding=encoding,
    )


def _file_label(filename: str) -> str:
    name = PureWindowsPath(filename).name  # browsers of old sent the whole Windows path
    return _('The file "%(name)s"', name=name) if name else _("The file")


def _size(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f} MB"
    return f"{count / 1000:.0f} kB" if count >= 1000 else f"{count} bytes"


def _decode_upload(data: bytes, file: str) -> tuple[str, str]:
    try:
        text, encoding = decode_text(data)
    except NotTextError as error:
        raise TableError(_not_a_table(file, error.kind)) from None
    if not text.strip():
        raise TableError(_("%(file)s is empty.", file=file))
    return text, encoding


def _not_a_table(file: str, kind: str | None) -> str:
    if kind is _XLS:
        return _(
            "%(file)s is %(kind)s, which cannot be read here. Open it in Excel or LibreOffice "
            "and save it as .xlsx or CSV, then upload that file.",
            file=file,
            kind=kind,
        )
    if kind is _ENCRYPTED:
        return _(
            "%(file)s is protected by a password. Open it, remove the password, save it and "
            "upload it again.",
            file=file,
        )
    if kind:
        return _("%(file)s is %(kind)s, not a table.", file=file, kind=kind) + " " + _SAVE_AS
    return (
        _("%(file)s is neither a CSV file nor an Excel workbook (.xlsx).", file=file)
        + " "
        + _SAVE_AS
    )


def _delimiter(text: str, headings: _Headings) -> str:
    """The delimiter under which the first row holds the most known headings."""

    def fitness(delimiter: str) -> tuple[int, int]:
        header = next(_non_blank(_csv_records(text, delimiter)), (0, []))[1]
        known = {headings.name_of(cell) for cell in header} - {None}
        return len(known), len(header)

    return max(_DELIMITERS, key=fitness)


def _csv_records(text: str, delimiter: str) -> Iterator[_Record]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            yield line, [_clean(cell) for cell in cells]
            line = reader.line_num + 1
    except csv.Error:
        # The only error left with these settings: a cell over csv's size limit.
        raise TableError(
            _(
                "The table cannot be read from line %(line)d on: a cell there is far too long. "
                'Check that every quotation mark (") that opens a cell also closes it.',
                line=line,
            )
        ) from None


def _read_xlsx(
    data: bytes,
    file: str,
    headings: _Headings,
    required: Collection[str],
    max_rows: int,
    max_bytes: int,
) -> Table:
    with warnings.catch_warnings():
        # openpyxl warns about parts of a workbook it skips (validation, extensions, styles).
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        workbook = _open_workbook(data, file, max_bytes)
        try:
            if not workbook.worksheets:
                raise TableError(_("%(file)s has no worksheet.", file=file))
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # the size a file states can be wrong, or the whole sheet
            return _headed_table(
                _xlsx_records(sheet, file), headings, required, max_rows=max_rows, source="xlsx"
            )
        finally:
            workbook.close()


def _open_workbook(data: bytes, file: str, max_bytes: int) -> Workbook:
    if data[30:].startswith(_ODS_MIMETYPE):  # the first entry of an .ods names its type
        raise TableError(
            _(
                "%(file)s is an OpenDocument spreadsheet (.ods). Save it as .xlsx or CSV and "
                "upload that file.",
                file=file,
            )
        )
    damaged = TableError(
        _(
            "%(file)s looks like an Excel workbook (.xlsx) but cannot be opened; it may be "
            "damaged. Open it in Excel or LibreOffice, save it again and upload it.",
            file=file,
        )
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except Exception:  # a damaged ZIP raises many kinds of error
        raise damaged from None
    if unpacked > max_bytes * _MAX_UNPACKED_RATIO:
        raise TableError(
            _(
                "%(file)s unpacks to %(size)s, far more than a table needs.",
                file=file,
                size=_size(unpacked),
            )
        )
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many kinds of error on a damaged workbook
        raise damaged from None


def _xlsx_records(sheet, file: str) -> Iterator[_Record]:
    rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    for number in count(1):
        try:
            values = next(rows, None)
        except Exception:  # damaged XML inside the workbook, met only while reading rows
            raise TableError(
                _(
                    "%(file)s cannot be read from row %(row)d on; it may be damaged. Open it in "
                    "Excel or LibreOffice, save it again and upload it.",
                    file=file,
                    row=number,
                )
            ) from None
        if values is None:
            return
        if values.count(None) < len(values):  # quick: a sheet can hold a million empty rows
            yield number, [_clean(_cell_text(value)) for value in values]


def _cell_text(value: object) -> str:
    """A cell's value as the person sees it in the spreadsheet, in a form validators can read."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


# Reading: pasted lines


def read_pasted(
    text: str,
    *,
    columns: Sequence[str],
    headings: Mapping[str, Sequence[str]] | None = None,
    required: Collection[str] = (),
    max_rows: int = 100,
) -> Table:
    """Read lines copied from a spreadsheet or typed, one row a line, values in ``columns`` order.

    Cells are separated by TAB (a copy from Excel or LibreOffice), else by ";" or "," (whichever
    fits the columns better). When the first line with content is made only of headings that
    ``headings`` (canonical name -> accepted headings, as for ``read_table``) or the canonical
    names accept, it is a header: the columns are then found by heading, in any order, and
    ``required`` applies. Blank lines are skipped. Every row's ``values`` has every column.
    """
    known = _Headings.of({name: (headings or {}).get(name, ()) for name in columns}, required)
    text = _unix_line_ends(text)
    records = _non_blank(_csv_records(text, _pasted_delimiter(text, known)))
    first = next(records, None)
    if first is None:
        raise TableError(_("There is nothing to read: the text is empty."))
    if _is_header(first[1], known):
        return _headed_table(
            chain([first], records), known, required, max_rows=max_rows, source="pasted"
        )
    layout = _Layout(tuple(columns), dict(enumerate(columns)), frozenset(range(len(columns))), [])
    return _table(
        chain([first], records), layout, max_rows=max_rows, source="pasted", encoding=None
    )


def _pasted_delimiter(text: str, headings: _Headings) -> str:
    if "\t" in text:
        return "\t"

    def fitness(delimiter: str) -> tuple[bool, int]:
        records = [cells for _, cells in _non_blank(_csv_records(text, delimiter))]
        fitting = sum(len(cells) == len(headings.spellings) for cells in records)
        return bool(records) and _is_header(records[0], headings), fitting

    return max((";", ","), key=fitness)


def _is_header(cells: list[str], headings: _Headings) -> bool:
    return all(headings.name_of(cell) for cell in cells if cell)


# Writing

_Value = TypeVar("_Value")
_DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CHUNK_CHARACTERS = 64 * 1024
_WIDTH_SAMPLE_ROWS = 50
_MIN_WIDTH, _MAX_WIDTH = 8, 60
_HEADER_FONT = Font(bold=True)


def neutralise(value: _Value) -> _Value:
    """Text a spreadsheet would evaluate, made inert with a leading apostrophe; else the value.

    Only text is changed: a number, even a negative one, is never a formula.
    """
    if isinstance(value, str) and value.startswith(_DANGEROUS_STARTS):
        return "'" + value
    return value


def csv_rows(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """A CSV export as chunks of UTF-8 for a streaming response: BOM first, CRLF line ends.

    Rows are consumed one at a time, so a generator of any length keeps memory flat. Cells are
    written as ``_csv_text`` says.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(map(_csv_text, header))
    yield codecs.BOM_UTF8 + _take(buffer)
    for row in rows:
        writer.writerow(map(_csv_text, row))
        if buffer.tell() >= _CHUNK_CHARACTERS:
            yield _take(buffer)
    if buffer.tell():
        yield _take(buffer)


def _csv_text(value: object) -> object:
    """A value as a CSV cell: "" for None, "yes"/"no", numbers as they are, ISO 8601 for dates
    and times (with the offset when aware), any other value as neutralised text."""
    # The common cases first, by exact type: an export of 100,000 rows has millions of cells.
    kind = value.__class__
    if kind is str:
        return "'" + value if value.startswith(_DANGEROUS_STARTS) else value
    if kind is int:
        return value  # the csv module writes it as str() would
    if value is None:
        return ""
    if kind is bool:
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return neutralise(str(value))


def _take(buffer: io.StringIO) -> bytes:
    chunk = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return chunk


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX export of the sheets, in memory; see ``write_xlsx``."""
    target = io.BytesIO()
    write_xlsx(sheets, target)
    return target.getvalue()


def write_xlsx(sheets: Sequence[Sheet], target: BinaryIO) -> None:
    """Write an XLSX export: each sheet with a bold, frozen, filterable header and typed cells.

    The workbook is written row by row (openpyxl's write-only mode), so memory stays flat
    however many rows the sheets' generators give.
    """
    if not sheets:
        raise ValueError("an XLSX export needs at least one sheet")
    workbook = Workbook(write_only=True)
    for sheet, title in zip(sheets, _sheet_titles([s.title for s in sheets]), strict=True):
        _write_sheet(workbook.create_sheet(title), sheet)
    workbook.save(target)


def _write_sheet(worksheet, sheet: Sheet) -> None:
    rows = iter(sheet.rows)
    first_rows = list(islice(rows, _WIDTH_SAMPLE_ROWS))
    widths = sheet.column_widths or _estimated_widths(sheet.header, first_rows)
    for index, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = "A2"
    worksheet.append([_xlsx_cell(worksheet, value, bold=True) for value in sheet.header])
    last_row = 1
    for row in chain(first_rows, rows):
        worksheet.append([_xlsx_cell(worksheet, value) for value in row])
        last_row += 1
    if sheet.header:
        worksheet.auto_filter.ref = f"A1:{get_column_letter(len(sheet.header))}{last_row}"


def _xlsx_cell(worksheet, value: object, *, bold: bool = False) -> object:
    """A value as openpyxl should write it: numbers and dates typed, text always as text."""
    value = _xlsx_value(value)
    inert = isinstance(value, str) and value.startswith(_DANGEROUS_STARTS)
    misread = inert or value in ERROR_CODES
    if not (bold or misread):
        return value
    cell = WriteOnlyCell(worksheet, value)
    if misread:
        cell.data_type = "s"  # openpyxl would write "=..." as a formula and "#N/A" as an error
    if inert:
        cell.quotePrefix = True  # as if typed after an apostrophe: text, even once edited
    if bold:
        cell.font = _HEADER_FONT
    return cell


def _xlsx_value(value: object) -> object:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return value if math.isfinite(value) else str(value)  # Excel has no NaN or infinity
    if isinstance(value, datetime | time):
        return value.replace(tzinfo=None)  # wall-clock time in its own offset: see the docstring
    if value is None or isinstance(value, date):
        return value
    # XML cannot hold most control characters; a visible mark beats a failed export.
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))


def _estimated_widths(header: Sequence[str], rows: list[Sequence[object]]) -> list[float]:
    widths = []
    for index, heading in enumerate(header):
        cells = [heading, *(row[index] for row in rows if index < len(row))]
        texts = [str(_csv_text(cell)) for cell in cells]
        widest = max(_display_width(line) for text in texts for line in text.split("\n"))
        widths.append(min(max(widest + 2, _MIN_WIDTH), _MAX_WIDTH))
    return widths


def _display_width(text: str) -> int:
    # Chinese, Japanese and Korean characters take two columns.
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


_TITLE_CHARACTERS = str.maketrans(
    {"[": "(", "]": ")", ":": "-", "/": "-", "\\": "-", "*": None, "?": None}
)
_MAX_TITLE = 31


def _sheet_titles(titles: Sequence[str]) -> list[str]:
    """Titles Excel accepts: none of []:*?/\\, no apostrophe at either end, at most 31
    characters, different from one another whatever the case."""
    taken: set[str] = set()
    result = []
    for title in titles:
        base = title.translate(_TITLE_CHARACTERS).strip().strip("'").strip() or "Sheet"
        candidate, number = base[:_MAX_TITLE], 1
        while candidate.casefold() in taken:
            number += 1
            suffix = f" ({number})"
            candidate = base[: _MAX_TITLE - len(suffix)] + suffix
        taken.add(candidate.casefold())
        result.append(candidate)
    return result
