"""Read the attendance report a meeting platform exports: bytes in, a row per connection out.

The importer (database, matching people to registrations, the organiser's pages) builds on this
module. It knows nothing of seminars; uploads are decoded by ``seminar_reg.spreadsheets``.

Formats, recognised from the header names inside the file, never from the file name:

Zoom meeting participants report
    An optional meeting summary (``Meeting ID,Topic,Start Time,End Time,User Email,Duration
    (Minutes),Participants`` over one line of values), a blank or ``,,,,,,`` line, then
    ``Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,...`` with one
    line per connection. "Show unique users" has only ``Total Duration (Minutes)``, no times.
    Japanese exports name the columns ``名前 (元の名前),ユーザーメール,参加時刻,退出時刻,...``.
Zoom webinar attendee report
    ``Attendee Report``, ``Report Generated:``, a summary (``Topic,Webinar ID,Actual Start Time,
    ...`` over its values), then sections titled ``Host Details``, ``Panelist Details`` and
    ``Attendee Details``, each with its own header (``Attended,User Name (Original Name),Email,
    Join Time,Leave Time,Time in Session (minutes),...``). ``--`` marks a registrant who never came.
    The summary gives a start and a duration but no end, so ``meeting_end`` is None.
Microsoft Teams attendance report
    Since 2022: ``1. Summary`` (``Meeting title``, ``Start time``, ``End time`` ...),
    ``2. Participants`` (``Name,First join,Last leave,In-meeting duration,Email,Participant ID
    (UPN),Role``) and ``3. In-Meeting activities`` (``Name,Join time,Leave time,Duration,Email,
    Role``, one line per connection). Early 2022: ``Meeting Summary`` and one table ``Full Name,
    Join Time,Leave Time,Duration,Email,Role,Participant ID (UPN)``. 2020: an event log ``Full
    Name,User Action,Timestamp`` with ``Joined``, ``Joined before`` and ``Left`` lines. Usually
    UTF-16 with a BOM, TAB-separated.
Google Meet attendance report
    ``Name,Email,Duration,Time Joined,Time Exited`` (2020) or ``First name,Last name,Email,Duration,
    Time joined,Time exited``: times of day without a date, durations like ``1 hr 2 min``.
Webex attendee report
    ``Meeting Name,Meeting Start Time,Meeting End Time,Name,Attendee Email,Join Time,Leave Time,
    Attendance Duration,Connection Type``: the meeting's details repeat on every line.

Decisions the importer relies on:

- Times are naive wall-clock times as printed; the importer knows the session's time zone.
- Zoom meeting: the summary's ``User Email`` is the host's account, so that person's rows get
  role "host"; everyone else is an "attendee".
- Zoom webinar: the section title gives the role ("host", "panelist", "attendee"); a section with
  any other title ("Other Attended") is read as attendees, since only hosts and panelists are
  listed apart.
- Teams: the per-connection lines of section 3 are used when present, so a participant who left
  and came back shows the gap; section 2 only spans first join to last leave. Section 3 has no
  ``Participant ID (UPN)``, so it is carried over from section 2 as ``alt_email``.
- Teams 2020 event log: "Joined" or "Joined before" opens a connection and the next "Left" of the
  same name closes it. A join never closed has ``left_at`` None; a "Left" with no join before it
  has ``joined_at`` None.
- Day or month first: any date whose first or second number is above 12 decides. When none does,
  Zoom and Webex (US-style exports) are month-first, and Teams, which prints dates in the
  downloader's locale, is month-first with a 12-hour clock (US English) and day-first with a
  24-hour one. ``date_order_ambiguous`` then tells the importer to let the organiser confirm.
- Google Meet prints times of day only. They are put on ``TIME_ONLY_DATE`` (a leave earlier than
  the join goes to the day after) and ``has_dates`` is False: the importer moves them to the
  session's date.
- A line that cannot be read (a time or duration we cannot read, no name and no email, a leave
  before the join) becomes a ``RowProblem``; the other lines are still returned.
"""

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from seminar_reg.spreadsheets import NotTextError, decode_text

PLATFORM_LABELS = {
    "zoom_meeting": "Zoom meeting participants report",
    "zoom_webinar": "Zoom webinar attendee report",
    "teams": "Microsoft Teams attendance report",
    "google_meet": "Google Meet attendance report",
    "webex": "Webex attendee report",
}

# The date a time of day without a date is put on (Google Meet); see ParsedReport.has_dates.
TIME_ONLY_DATE = date(1900, 1, 1)


class ReportFormatError(ValueError):
    """The file is not an attendance report we can read; ``message`` is shown to organisers."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ReportRow:
    """One connection of one person, or their whole stay when the report gives only a total."""

    line: int  # 1-based line number in the decoded file, for messages
    name: str  # display name as given: Unicode NFC, trimmed
    email: str  # lower-cased, trimmed; "" when none
    alt_email: str  # Teams "Participant ID (UPN)", lower-cased; "" when none or the same as email
    joined_at: datetime | None  # naive wall-clock time as printed
    left_at: datetime | None  # naive wall-clock time as printed
    duration_seconds: int | None  # as the report states it; None when absent or "--"
    role: str  # attendee, host, panelist, presenter, organizer or co-organizer
    attended: bool | None  # Zoom webinar "Attended"; None when the report has no such column


@dataclass(frozen=True)
class RowProblem:
    """A line of the report that could not be read, and why, in words for organisers."""

    line: int  # 1-based line number in the decoded file
    reason: str  # e.g. "the join time '31/02/2023 10:00' is not a date and time we can read"
    text: str  # the line as it is in the file, shortened to about 200 characters


@dataclass
class ParsedReport:
    """What an attendance report says, with the lines that could not be read set apart."""

    platform: str  # a key of PLATFORM_LABELS
    platform_label: str  # e.g. "Microsoft Teams attendance report"
    title: str | None  # the meeting's topic or title, when the file has one
    meeting_start: datetime | None  # naive, from the file's summary
    meeting_end: datetime | None  # naive, from the file's summary
    rows: list[ReportRow]
    problems: list[RowProblem]
    encoding: str  # "utf-8", "utf-8-sig", "utf-16-le", "utf-16-be" or "cp1252"
    delimiter: str  # ",", "\t" or ";"
    date_order: str = "mdy"  # "dmy" or "mdy": how numeric dates were read
    date_order_ambiguous: bool = False  # no date decided the order: let the organiser confirm
    has_dates: bool = True  # False: times of day only, on TIME_ONLY_DATE


# Each field's column names as the platforms print them; compared ignoring case, spaces and
# full-width forms, so "Join time" and "所要時間(分)" match too.
_COLUMN_NAMES = {
    "name": (
        "Name (Original Name)",
        "User Name (Original Name)",
        "Name",
        "Full Name",
        "名前 (元の名前)",
    ),
    "first_name": ("First Name",),
    "last_name": ("Last Name",),
    "email": ("User Email", "Email", "Attendee Email", "ユーザーメール"),
    "upn": ("Participant ID (UPN)",),
    "joined": ("Join Time", "First Join", "Time Joined", "参加時刻"),
    "left": ("Leave Time", "Last Leave", "Time Exited", "退出時刻"),
    "duration": (
        "Duration (Minutes)",
        "Total Duration (Minutes)",
        "Duration",
        "In-Meeting Duration",
        "Time in Session (minutes)",
        "Attendance Duration",
        "所要時間（分）",
    ),
    "role": ("Role",),
    "attended": ("Attended",),
    "action": ("User Action",),
    "timestamp": ("Timestamp",),
}

# A header names a person and says something about their attendance.
_NAME_FIELDS = {"name", "first_name"}
_ATTENDANCE_FIELDS = {"email", "joined", "left", "duration", "action"}

# Column names only one platform prints; the first participants table's header decides.
_SIGNATURES = (
    ("zoom_webinar", ("Attended", "User Name (Original Name)")),
    ("zoom_meeting", ("Name (Original Name)",)),
    ("zoom_meeting", ("名前 (元の名前)",)),
    ("teams", ("User Action", "Timestamp")),
    ("teams", ("First Join", "Last Leave")),
    ("teams", ("Role",)),
    ("google_meet", ("Time Joined", "Time Exited")),
    ("webex", ("Attendee Email",)),
)

# Details of the meeting in a summary above the participants (or, for Webex, on every line).
_DETAIL_NAMES = {
    "title": ("Topic", "Meeting Title", "Meeting Name"),
    "start": ("Start Time", "Actual Start Time", "Meeting Start Time"),
    "end": ("End Time", "Meeting End Time"),
    "host_email": ("User Email",),
}

_ROLES = {
    "attendee": "attendee",
    "host": "host",
    "co-host": "host",
    "panelist": "panelist",
    "panellist": "panelist",
    "presenter": "presenter",
    "organizer": "organizer",
    "organiser": "organizer",
    "co-organizer": "co-organizer",
    "co-organiser": "co-organizer",
}
_SECTION_ROLES = ("host", "panelist", "attendee")
_JOIN_ACTIONS = {"joined", "joined before"}
_LEAVE_ACTIONS = {"left"}
_ABSENT = {"", "--"}

_DELIMITERS = ("\t", ",", ";")
_PROBLEM_TEXT_LENGTH = 200

_DOWNLOAD_AGAIN = _l(
    "Download the report from the meeting platform as CSV and upload it unchanged."
)

_STAMP = re.compile(
    r"""
    (?:
        (?P<first>\d{1,4})[/.-](?P<middle>\d{1,2})[/.-](?P<last>\d{1,4})  # 11/19/2021, 2020/12/8
      | (?P<month_name>[a-z]{3,9})\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})  # Mar 22, 2025
    )?
    [\s,T]*
    (?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?
    \s*(?P<meridiem>[ap]\.?\s?m\.?)?
    """,
    re.VERBOSE | re.IGNORECASE | re.ASCII,
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}

_DURATION_PART = re.compile(r"\s*(\d+)\s*([a-z]+)\s*,?", re.IGNORECASE | re.ASCII)
_DURATION_CLOCK = re.compile(r"(\d+):([0-5]\d):([0-5]\d)", re.ASCII)
_DURATION_MINUTES = re.compile(r"\d+", re.ASCII)
_DURATION_UNITS = {
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
}


def parse_report(data: bytes, *, date_order: str | None = None) -> ParsedReport:
    """Read an attendance report; the module docstring lists the formats and the decisions.

    ``date_order`` is "dmy" or "mdy" when the organiser has said how to read numeric dates, or
    None to work it out from the file. Raises ReportFormatError for anything that is not one of
    the reports we understand; a report with a header and no participants has no rows.
    """
    if date_order not in (None, "dmy", "mdy"):
        raise ValueError(f"date_order must be 'dmy', 'mdy' or None, not {date_order!r}")
    text, encoding = _decode(data)
    platform, delimiter, document = _recognise(text)
    details = _meeting_details(document)
    entries, problems = _READERS[platform](document, details)
    detail_stamps = [details[key][0] for key in ("start", "end") if key in details]
    stamps = [stamp for entry in entries for stamp in (entry.joined, entry.left)] + detail_stamps
    order, ambiguous = _date_order(stamps, platform, date_order)
    rows = _rows(entries, order, problems)
    meeting_start = _detail_time(details, "start", "meeting start time", order, problems)
    meeting_end = _detail_time(details, "end", "meeting end time", order, problems)
    title = details["title"][0] if "title" in details else None
    return ParsedReport(
        platform=platform,
        platform_label=PLATFORM_LABELS[platform],
        title=unicodedata.normalize("NFC", title) if title else None,
        meeting_start=meeting_start,
        meeting_end=meeting_end,
        rows=rows,
        problems=sorted(problems, key=lambda problem: problem.line),
        encoding=encoding,
        delimiter=delimiter,
        date_order=order,
        date_order_ambiguous=ambiguous,
        has_dates=not any(_is_time_of_day(stamp) for stamp in stamps),
    )


def parse_duration(text: str) -> int | None:
    """Seconds in a duration as reports state it; None for "" and "--".

    A bare number is minutes (Zoom's "Duration (Minutes)"); otherwise "10m 48s", "1h 15m",
    "1 hr 2 min", "45 sec", "3 mins" or a clock "00:45:10". Raises ValueError for anything else.
    """
    text = text.strip()
    if text in _ABSENT:
        return None
    if _DURATION_MINUTES.fullmatch(text):
        return int(text) * 60
    if clock := _DURATION_CLOCK.fullmatch(text):
        hours, minutes, seconds = (int(part) for part in clock.groups())
        return hours * 3600 + minutes * 60 + seconds
    total, units_seen, position = 0, set(), 0
    while position < len(text):
        part = _DURATION_PART.match(text, position)
        unit = _DURATION_UNITS.get(part[2].lower()) if part else None
        if unit is None or unit in units_seen:
            raise ValueError(f"not a duration: {text!r}")
        units_seen.add(unit)
        total += int(part[1]) * unit
        position = part.end()
    return total


def merge_intervals(
    intervals: Iterable[tuple[datetime, datetime]],
) -> list[tuple[datetime, datetime]]:
    """The union of the intervals as sorted, separate (start, end) pairs.

    Intervals are half-open, [start, end): touching ones join into one. An interval whose end is
    not after its start covers no time and is left out (the parser reports reversed times).
    """
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(interval for interval in intervals if interval[1] > interval[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def attended_seconds(intervals: Iterable[tuple[datetime, datetime]]) -> int:
    """Seconds covered by the intervals: a rejoin overlapping an earlier connection counts once."""
    covered = sum((end - start for start, end in merge_intervals(intervals)), timedelta())
    return int(covered.total_seconds())


# Decoding


def _decode(data: bytes) -> tuple[str, str]:
    """The file's text, with line ends made "\\n", and the encoding it was in."""
    try:
        text, encoding = decode_text(data)
    except NotTextError as error:
        if error.kind:
            raise ReportFormatError(
                _("The file is %(kind)s, not a CSV report.", kind=error.kind)
                + " "
                + _DOWNLOAD_AGAIN
            ) from None
        raise ReportFormatError(
            _("The file is not a text file, so it cannot be an attendance report.")
            + " "
            + _DOWNLOAD_AGAIN
        ) from None
    if not text.strip():
        raise ReportFormatError(_("The file is empty.") + " " + _DOWNLOAD_AGAIN)
    return text, encoding


# Splitting the text into lines, tables and a summary


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based, of the line the record starts on
    cells: tuple[str, ...]  # trimmed
    text: str  # as in the file, for problems

    def filled(self) -> list[str]:
        return [cell for cell in self.cells if cell]


@dataclass(eq=False)
class _Table:
    """A header line, the lines under it, and the title line just above it (or "")."""

    title: str
    header: _Line
    columns: dict[str, int]  # field -> index of its column
    lines: list[_Line] = field(default_factory=list)

    def value(self, line: _Line, name: str) -> str:
        index = self.columns.get(name)
        return line.cells[index] if index is not None and index < len(line.cells) else ""

    def has_columns(self, names: Sequence[str]) -> bool:
        return {_header_key(name) for name in names} <= {_header_key(c) for c in self.header.cells}


@dataclass
class _Document:
    preamble: list[_Line]  # the lines above the first table: the meeting's summary, if any
    tables: list[_Table]


def _header_key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).casefold())


_FIELD_OF_COLUMN = {
    _header_key(name): field_name for field_name, names in _COLUMN_NAMES.items() for name in names
}
_DETAIL_OF_NAME = {
    _header_key(name): detail for detail, names in _DETAIL_NAMES.items() for name in names
}


def _recognise(text: str) -> tuple[str, str, _Document]:
    """The platform, the delimiter and the tables, trying the likeliest delimiter first."""
    for delimiter in sorted(_DELIMITERS, key=lambda candidate: -text[:8192].count(candidate)):
        try:
            document = _read_document(_read_lines(text, delimiter))
        except csv.Error:
            continue
        platform = _platform(document.tables[0]) if document.tables else None
        if platform:
            return platform, delimiter, document
    raise ReportFormatError(
        _(
            "This file is not an attendance report we can read. We understand: %(formats)s.",
            formats="; ".join(PLATFORM_LABELS.values()),
        )
        + " "
        + _DOWNLOAD_AGAIN
    )


def _read_lines(text: str, delimiter: str) -> list[_Line]:
    raw_lines = text.split("\n")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    lines, last_line = [], 0
    for cells in reader:
        first_line, last_line = last_line + 1, reader.line_num
        raw = "\n".join(raw_lines[first_line - 1 : last_line])
        lines.append(_Line(first_line, tuple(cell.strip() for cell in cells), raw))
    return lines


def _read_document(lines: list[_Line]) -> _Document:
    """Group the lines under the header lines; a one-cell line just above a header is its title."""
    preamble: list[_Line] = []
    tables: list[_Table] = []
    for line in lines:
        if not line.filled():
            continue
        current = tables[-1].lines if tables else preamble
        columns = _columns(line.cells)
        if columns is None:
            current.append(line)
            continue
        title = current.pop().filled()[0] if current and len(current[-1].filled()) == 1 else ""
        tables.append(_Table(title, line, columns))
    return _Document(preamble, tables)


def _columns(cells: Sequence[str]) -> dict[str, int] | None:
    """Where each field is, when these cells are the header of a participants table."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if name := _FIELD_OF_COLUMN.get(_header_key(cell)):
            columns.setdefault(name, index)
    if columns.keys() & _NAME_FIELDS and columns.keys() & _ATTENDANCE_FIELDS:
        return columns
    return None


def _platform(table: _Table) -> str | None:
    return next((name for name, columns in _SIGNATURES if table.has_columns(columns)), None)


def _meeting_details(document: _Document) -> dict[str, tuple[str, _Line]]:
    """Title, start, end and host email, each with the line it was read from."""
    details: dict[str, tuple[str, _Line]] = {}
    preamble = document.preamble
    for index, line in enumerate(preamble):
        filled = line.filled()
        if len(filled) == 2:  # Teams: "Meeting title<TAB>Scrum Meeting"
            _add_detail(details, filled[0], filled[1], line)
        elif len(filled) > 2 and index + 1 < len(preamble):  # Zoom: names over a line of values
            values = preamble[index + 1]
            for name, value in zip(line.cells, values.cells, strict=False):
                _add_detail(details, name, value, values)
    first_table = document.tables[0]
    if first_table.lines:  # Webex repeats the meeting's name and times on every line
        first = first_table.lines[0]
        for name, value in zip(first_table.header.cells, first.cells, strict=False):
            if _DETAIL_OF_NAME.get(_header_key(name)) != "host_email":
                _add_detail(details, name, value, first)
    return details


def _add_detail(details: dict[str, tuple[str, _Line]], name: str, value: str, line: _Line):
    detail = _DETAIL_OF_NAME.get(_header_key(name))
    if detail and value and detail not in details:
        details[detail] = (value, line)


# Reading each platform's tables into entries: a row's values, times and duration still as text


@dataclass(frozen=True)
class _Entry:
    line: _Line
    name: str
    email: str
    alt_email: str
    joined: str
    left: str
    duration: str
    role: str
    attended: bool | None


def _entry(table: _Table, line: _Line, role: str) -> _Entry:
    full_name = " ".join(
        part for part in (table.value(line, "first_name"), table.value(line, "last_name")) if part
    )
    email = _email(table.value(line, "email"))
    upn = _email(table.value(line, "upn"))
    attended = table.value(line, "attended").casefold()
    return _Entry(
        line=line,
        name=unicodedata.normalize("NFC", table.value(line, "name") or full_name).strip(),
        email=email,
        alt_email="" if upn == email else upn,
        joined=table.value(line, "joined"),
        left=table.value(line, "left"),
        duration=table.value(line, "duration"),
        role=_ROLES.get(re.sub(r"\s+", "-", table.value(line, "role").casefold()), role),
        attended={"yes": True, "no": False}.get(attended) if "attended" in table.columns else None,
    )


def _email(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().lower()


def _table_entries(tables: Iterable[_Table], role: str = "attendee") -> list[_Entry]:
    return [_entry(table, line, role) for table in tables for line in table.lines]


_Reading = tuple[list[_Entry], list[RowProblem]]
_Details = dict[str, tuple[str, _Line]]


def _read_zoom_meeting(document: _Document, details: _Details) -> _Reading:
    host = _email(details["host_email"][0]) if "host_email" in details else ""
    entries = _table_entries(document.tables)
    return [replace(e, role="host") if host and e.email == host else e for e in entries], []


def _read_zoom_webinar(document: _Document, details: _Details) -> _Reading:
    entries = []
    for table in document.tables:
        title = table.title.casefold()
        role = next((role for role in _SECTION_ROLES if role in title), "attendee")
        entries += _table_entries([table], role)
    return entries, []


def _read_teams(document: _Document, details: _Details) -> _Reading:
    tables = document.tables
    if "action" in tables[0].columns:
        return _read_teams_events(tables[0])
    spans = [table for table in tables if table.has_columns(["First Join"])]
    connections = [table for table in tables if table not in spans and table.lines]
    if not (spans and connections):
        return _table_entries(tables), []
    upns = {(entry.name, entry.email): entry.alt_email for entry in _table_entries(spans)}
    return [
        replace(entry, alt_email=entry.alt_email or upns.get((entry.name, entry.email), ""))
        for entry in _table_entries(connections)
    ], []


def _read_teams_events(table: _Table) -> _Reading:
    """Pair the 2020 event log's "Joined" and "Left" lines into one entry per connection."""
    entries: list[_Entry] = []
    problems: list[RowProblem] = []
    open_joins: dict[str, _Entry] = {}
    for line in table.lines:
        event = _entry(table, line, "attendee")
        action = table.value(line, "action")
        when = table.value(line, "timestamp")
        if action.casefold() in _JOIN_ACTIONS:
            if event.name in open_joins:  # joined again without leaving: a second device
                entries.append(open_joins.pop(event.name))
            open_joins[event.name] = replace(event, joined=when)
        elif action.casefold() in _LEAVE_ACTIONS:
            entries.append(replace(open_joins.pop(event.name, event), left=when))
        else:
            problems.append(_problem(line, f"the action '{action}' is neither 'Joined' nor 'Left'"))
    entries += open_joins.values()
    return sorted(entries, key=lambda entry: entry.line.number), problems


def _read_table(document: _Document, details: _Details) -> _Reading:
    return _table_entries(document.tables), []


_READERS = {
    "zoom_meeting": _read_zoom_meeting,
    "zoom_webinar": _read_zoom_webinar,
    "teams": _read_teams,
    "google_meet": _read_table,
    "webex": _read_table,
}


# Turning entries into rows


def _rows(entries: Iterable[_Entry], order: str, problems: list[RowProblem]) -> list[ReportRow]:
    """The entries that can be read; each one that cannot is added to ``problems``."""
    rows = []
    for entry in entries:
        try:
            rows.append(_row(entry, order))
        except ValueError as error:
            problems.append(_problem(entry.line, str(error)))
    return rows


def _row(entry: _Entry, order: str) -> ReportRow:
    """The entry with its times and duration read; ValueError says in words what is wrong."""
    if not entry.name and not entry.email:
        raise ValueError("the line has neither a name nor an email address")
    joined = _optional_time(entry.joined, "join time", order)
    left = _optional_time(entry.left, "leave time", order)
    if joined and left and left < joined:
        # Times of day only (both of them): a leave earlier than the join is after midnight.
        if left.date() != TIME_ONLY_DATE or joined.date() != TIME_ONLY_DATE:
            raise ValueError(
                f"the leave time '{entry.left}' is before the join time '{entry.joined}'"
            )
        left += timedelta(days=1)
    try:
        duration = parse_duration(entry.duration)
    except ValueError:
        raise ValueError(
            f"the duration '{entry.duration}' is not a length of time we can read"
        ) from None
    return ReportRow(
        line=entry.line.number,
        name=entry.name,
        email=entry.email,
        alt_email=entry.alt_email,
        joined_at=joined,
        left_at=left,
        duration_seconds=duration,
        role=entry.role,
        attended=entry.attended,
    )


def _optional_time(text: str, what: str, order: str) -> datetime | None:
    if text in _ABSENT:
        return None
    try:
        return _parse_time(text, order)
    except ValueError:
        raise ValueError(f"the {what} '{text}' is not a date and time we can read") from None


def _detail_time(
    details: _Details, key: str, what: str, order: str, problems: list[RowProblem]
) -> datetime | None:
    if key not in details:
        return None
    text, line = details[key]
    try:
        return _optional_time(text, what, order)
    except ValueError as error:
        problems.append(_problem(line, str(error)))
        return None


def _problem(line: _Line, reason: str) -> RowProblem:
    text = line.text
    if len(text) > _PROBLEM_TEXT_LENGTH:
        text = text[: _PROBLEM_TEXT_LENGTH - 1] + "…"
    return RowProblem(line.number, reason, text)


# Dates and times


def _parse_time(text: str, order: str) -> datetime:
    """A printed date and time; a time of day alone goes on TIME_ONLY_DATE."""
    stamp = _STAMP.fullmatch(text.strip())
    if not stamp:
        raise ValueError(f"not a date and time: {text!r}")
    if stamp["month_name"]:
        month = _MONTHS.get(stamp["month_name"][:3].lower())
        if month is None:
            raise ValueError(f"not a month: {stamp['month_name']!r}")
        year, day = int(stamp["year"]), int(stamp["day"])
    elif stamp["first"]:
        year, month, day = _numeric_date(stamp["first"], stamp["middle"], stamp["last"], order)
    else:
        year, month, day = TIME_ONLY_DATE.year, TIME_ONLY_DATE.month, TIME_ONLY_DATE.day
    hour = _hour(int(stamp["hour"]), stamp["meridiem"])
    minute, second = int(stamp["minute"]), int(stamp["second"] or 0)
    # Naive on purpose: the report prints wall-clock time and the importer knows the time zone.
    return datetime(year, month, day, hour, minute, second)  # noqa: DTZ001


def _numeric_date(first: str, middle: str, last: str, order: str) -> tuple[int, int, int]:
    """Year, month and day of "2020/12/8", "2023-11-09", "11/19/2021" or "15/11/22"."""
    if len(first) == 4:
        return int(first), int(middle), int(last)
    if len(last) not in (2, 4):
        raise ValueError(f"not a year: {last!r}")
    year = int(last) + (2000 if len(last) == 2 else 0)  # reports are from this century
    day, month = (first, middle) if order == "dmy" else (middle, first)
    return year, int(month), int(day)


def _hour(hour: int, meridiem: str | None) -> int:
    if not meridiem:
        return hour
    if not 1 <= hour <= 12:
        raise ValueError(f"not an hour on a 12-hour clock: {hour}")
    return hour % 12 + (12 if meridiem[0] in "pP" else 0)


def _date_order(stamps: Iterable[str], platform: str, requested: str | None) -> tuple[str, bool]:
    """How to read numeric dates, and whether no date in the file settled it."""
    if requested:
        return requested, False
    votes: Counter[str] = Counter()
    undecided = twelve_hour = False
    for text in stamps:
        stamp = _STAMP.fullmatch(text.strip())
        if not stamp:
            continue
        twelve_hour = twelve_hour or bool(stamp["meridiem"])
        if not stamp["first"] or len(stamp["first"]) == 4:
            continue
        first, middle = int(stamp["first"]), int(stamp["middle"])
        if first > 12 >= middle:
            votes["dmy"] += 1
        elif middle > 12 >= first:
            votes["mdy"] += 1
        elif first != middle:
            undecided = True
    if votes:
        return votes.most_common(1)[0][0], len(votes) > 1
    # Teams prints the downloader's locale: a 12-hour clock is US English, month first.
    default = "dmy" if platform == "teams" and not twelve_hour else "mdy"
    return default, undecided


def _is_time_of_day(text: str) -> bool:
    stamp = _STAMP.fullmatch(text.strip())
    return bool(stamp) and not (stamp["first"] or stamp["month_name"])
