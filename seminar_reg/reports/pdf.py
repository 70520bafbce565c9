"""The report by country as a one-page A4 landscape PDF, for partners.

``render_country_report(report)`` needs no database and no request: the caller passes the figures
and the text, formatted and translated (``CountryReport``), and gets the PDF's bytes. The fonts,
their choice by script and the check that every character has a glyph are the certificate's
(``seminar_reg.certificates.pdf``), so any script may appear in names and titles.

Layout, top to bottom:

- the title block: the report's heading, the seminar's title (up to two lines, 16 down to 11
  points), then its dates, the scope and when the report was generated;
- the chart of the countries with the most attendees (at most eight, then "N other countries"),
  attended and registered-but-absent stacked, drawn by ``charts.draw_bar_chart`` as on the web
  page; beside it six key figures from the totals;
- the table: a row per country, the "N other countries" row when needed, and the totals row;
  numbers right-aligned, rates in percent, the per-session columns and the gender columns under
  group headings;
- a footnote saying what the figures count.

The page stays one page. The table takes the largest type size from 8.5 down to 6 points at
which all its columns fit the width and all its rows the height. When none does, at 6 points:
the per-session columns keep the first sessions that fit and the footnote says how many more
there are; then, if the rows still do not fit, the table shows the countries with the most
attendees (in the caller's order) and one row "N other countries" with the sums of the rest. A
country's name too long for its column ends with an ellipsis. 60 countries and 10 sessions come
out in 6-point type with about 30 countries shown.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fpdf import FPDF

from seminar_reg.certificates.pdf import DEFAULT_FONTS, FontSet, fit_text, new_document
from seminar_reg.reports.charts import INK, MUTED, Bar, draw_bar_chart, plain_text

DEFAULT_LABELS: Mapping[str, str] = {
    "heading": "Registration and attendance by country",
    "scope": "Scope",
    "generated": "Generated",
    "country": "Country",
    "institutions": "Institutions",
    "institutions_attending": "Institutions attending",
    "registered": "Registered",
    "attended": "Attended",
    "absent": "Registered, did not attend",
    "rate": "Attendance rate",
    "per_session": "Attendees per session",
    "minutes": "Minutes attended",
    "gender": "Attendees by gender",
    "women": "Women",
    "men": "Men",
    "other": "Other",
    "undisclosed": "Not disclosed",
    "certificates": "Certificates",
    "chart_note": "{attended} of {registered} ({rate})",
    "other_countries": "{count} other countries",
    "sessions_not_shown": "{count} more sessions are not shown here; the web report has them.",
    "footnote": (
        "Registered: confirmed registrations. Attended: present at one session or more. "
        "Attendance rate: attended ÷ registered. Minutes and gender: of those who attended. "
        "Certificates: attendees who qualify for one."
    ),
}


@dataclass(frozen=True)
class CountryRow:
    """The figures of one country, or of the totals."""

    country: str  # display name, already localised by the caller
    institutions: int  # institutions registered
    institutions_attending: int  # of which someone attended
    registered: int  # confirmed registrations
    attended: int  # attended at least one session
    rate: float  # attended / registered, 0..1
    per_session: Sequence[int]  # attendees per session, in session order
    minutes: int  # minutes attended, all attendees together
    women: int  # among attendees, and the three below
    men: int
    other: int
    undisclosed: int
    certificates: int  # attendees eligible for a certificate


@dataclass(frozen=True)
class CountryReport:
    """What the report says, formatted and translated by the caller."""

    seminar_title: str
    dates: str  # e.g. "18–19 April 2023"
    scope: str  # e.g. "Whole seminar" or "Mongolia; Darkhan Polytechnic College"
    generated: str  # date and time with its zone
    session_labels: Sequence[str]  # e.g. "S1", "S2", or short titles
    rows: Sequence[CountryRow]  # one per country
    totals: CountryRow  # country = "Total", translated
    labels: Mapping[str, str]  # the keys of DEFAULT_LABELS, translated
    language: str = "en"  # of the labels, e.g. "en", "zh_Hans", "mn"; the PDF's language


# Layout, in millimetres on an A4 landscape page; type sizes in points.
PAGE_WIDTH, PAGE_HEIGHT = 297, 210
LEFT = 12
WIDTH = PAGE_WIDTH - 2 * LEFT
TOP = 11
BOTTOM = PAGE_HEIGHT - 9
MM_PER_POINT = 25.4 / 72
CHART_WIDTH = 190
CHART_HEIGHT = 46
CHART_BARS = 8
FIGURES_LEFT = LEFT + CHART_WIDTH + 10
FIGURE_WIDTH = (PAGE_WIDTH - LEFT - FIGURES_LEFT) / 2
TABLE_SIZES = (8.5, 8, 7.5, 7, 6.5, 6)
PAD = 1.1  # inside a cell, each side
COUNTRY_WIDTHS = (28, 62)  # the country column's narrowest and widest
SEPARATOR = " · "
ACCENT = "#0a5cad"
STRIPE = "#f1f3f6"
TOTAL_FILL = "#e8f1fb"


def _line(size: float, leading: float = 1.3) -> float:
    return size * MM_PER_POINT * leading


def _count(number: int) -> str:
    return f"{number:,}"


def _percent(rate: float) -> str:
    return f"{rate:.0%}" if math.isfinite(rate) else "–"


def _sizes(largest: float, smallest: float) -> list[float]:
    return [largest - step / 2 for step in range(int((largest - smallest) * 2) + 1)]


def _others(rows: Sequence[CountryRow], label: str) -> CountryRow:
    """One row with the sums of rows."""
    registered = sum(row.registered for row in rows)
    attended = sum(row.attended for row in rows)
    return CountryRow(
        country=label,
        institutions=sum(row.institutions for row in rows),
        institutions_attending=sum(row.institutions_attending for row in rows),
        registered=registered,
        attended=attended,
        rate=attended / registered if registered else 0.0,
        per_session=[
            sum(values) for values in zip(*(row.per_session for row in rows), strict=True)
        ],
        minutes=sum(row.minutes for row in rows),
        women=sum(row.women for row in rows),
        men=sum(row.men for row in rows),
        other=sum(row.other for row in rows),
        undisclosed=sum(row.undisclosed for row in rows),
        certificates=sum(row.certificates for row in rows),
    )


def _cells(row: CountryRow, sessions: int) -> list[str]:
    return [
        plain_text(row.country),
        _count(row.institutions),
        _count(row.institutions_attending),
        _count(row.registered),
        _count(row.attended),
        _percent(row.rate),
        *(_count(number) for number in row.per_session[:sessions]),
        _count(row.minutes),
        _count(row.women),
        _count(row.men),
        _count(row.other),
        _count(row.undisclosed),
        _count(row.certificates),
    ]


@dataclass(frozen=True)
class _Table:
    """The table at one type size: its columns' widths and headings, its rows' cells."""

    size: float
    sessions: int  # session columns shown
    needed: float  # the width its columns need, before spare width is shared among them
    widths: list[float]
    headings: list[list[str]]  # each column's heading, in lines
    groups: list[tuple[int, int, str]]  # first column, column after the last, heading
    rows: list[list[str]]
    kinds: list[str]  # "country", "others" or "total", one per row

    @property
    def width(self) -> float:
        return sum(self.widths)

    @property
    def header_height(self) -> float:
        lines = max(len(heading) for heading in self.headings)
        return _line(self.size) * (lines + (1 if self.groups else 0)) + 1.5

    @property
    def row_height(self) -> float:
        return _line(self.size, 1.5)

    def height(self, rows: int) -> float:
        return self.header_height + (rows + 1) * self.row_height  # and the totals row


class _Layout:
    """Plans the table for the report's text, measuring each text once."""

    def __init__(self, pdf: FPDF, report: CountryReport, labels: Mapping[str, str]) -> None:
        self.pdf = pdf
        self.report = report
        self.labels = labels
        self._widths: dict[str, float] = {}

    def width(self, text: str, size: float) -> float:
        if text not in self._widths:
            self.pdf.set_font_size(10)
            self._widths[text] = self.pdf.get_string_width(text)
        return self._widths[text] * size / 10

    def widest_word(self, text: str, size: float) -> float:
        return max((self.width(word, size) for word in text.split()), default=0.0)

    def table(
        self, rows: Sequence[CountryRow], sessions: int, size: float, others: bool = False
    ) -> _Table:
        """The table at size; with others, the last of rows is the "N other countries" row."""
        labels = self.labels
        session_labels = [plain_text(label) for label in self.report.session_labels[:sessions]]
        headings = [
            labels["country"],
            labels["institutions"],
            labels["institutions_attending"],
            labels["registered"],
            labels["attended"],
            labels["rate"],
            *session_labels,
            labels["minutes"],
            labels["women"],
            labels["men"],
            labels["other"],
            labels["undisclosed"],
            labels["certificates"],
        ]
        body = [_cells(row, sessions) for row in [*rows, self.report.totals]]
        kinds = ["country"] * (len(rows) - others) + ["others"] * others + ["total"]
        columns = list(zip(*body, strict=True))
        widths = []
        for index, (heading, cells) in enumerate(zip(headings, columns, strict=True)):
            values = max(self.width(cell, size) for cell in cells)
            word = self.widest_word(heading, size)
            if 6 <= index < 6 + sessions:
                word = min(word, max(values, self.width("000", size)) * 2)  # long titles wrap
            widths.append(max(values, word) + 2 * PAD)
        groups = [(7 + sessions, 11 + sessions, labels["gender"])]
        if sessions:
            groups.insert(0, (6, 6 + sessions, labels["per_session"]))
        for first, after, heading in groups:
            # Columns under a group heading widen to show it whole, as one session's would.
            lack = self.width(heading, size) + 2 * PAD - sum(widths[first:after])
            if lack > 0:
                widths[first:after] = [
                    width + lack / (after - first) for width in widths[first:after]
                ]
        fixed = sum(widths[1:])
        least, most = COUNTRY_WIDTHS
        widths[0] = min(max(widths[0], least), most, max(WIDTH - fixed, least))
        needed = sum(widths)
        spare = WIDTH - needed
        if spare > 0:
            widths[1:] = [width + min(spare / (len(widths) - 1), 4) for width in widths[1:]]
        lines = [
            fit_text(self.pdf, heading, width - 2 * PAD, [size], 3)[1]
            for heading, width in zip(headings, widths, strict=True)
        ]
        return _Table(size, sessions, needed, widths, lines, groups, body, kinds)

    def fitted_table(self, height: float) -> _Table:
        """The table in the largest type that fits width and height, else cut down at 6 points."""
        rows = list(self.report.rows)
        sessions = len(self.report.session_labels)
        for size in TABLE_SIZES:
            table = self.table(rows, sessions, size)
            if table.needed <= WIDTH and table.height(len(rows)) <= height:
                return table
        size = TABLE_SIZES[-1]
        while sessions > 0 and table.needed > WIDTH:
            sessions -= 1
            table = self.table(rows, sessions, size)
        room = int((height - table.header_height) / table.row_height) - 1
        if room < len(rows):
            ranked = sorted(range(len(rows)), key=lambda index: -rows[index].attended)
            shown = sorted(ranked[: max(room - 1, 0)])
            rest = [rows[index] for index in ranked[len(shown) :]]
            label = self.labels["other_countries"].format(count=len(rest))
            rows = [rows[index] for index in shown] + [_others(rest, label)]
            table = self.table(rows, sessions, size, others=True)
        return table


def _text(
    pdf: FPDF,
    x: float,
    y: float,
    width: float,
    height: float,
    text: str,
    size: float,
    colour: str = INK,
    align: str = "L",
) -> None:
    pdf.set_font_size(size)
    pdf.set_text_color(colour)
    pdf.set_xy(x, y)
    pdf.cell(width, height, text, align=align)


def _lines(pdf: FPDF, x: float, y: float, width: float, fitted, colour: str) -> float:
    """Draws lines fitted by fit_text from y down; returns the y below them."""
    size, lines = fitted
    for line in lines:
        _text(pdf, x, y, width, _line(size), line, size, colour)
        y += _line(size)
    return y


def _draw_figures(pdf: FPDF, y: float, totals: CountryRow, labels: Mapping[str, str]) -> float:
    """Six key figures from the totals, in two columns; returns the y below them."""
    figures = [
        (labels["registered"], _count(totals.registered)),
        (labels["attended"], _count(totals.attended)),
        (labels["rate"], _percent(totals.rate)),
        (labels["institutions"], _count(totals.institutions)),
        (labels["institutions_attending"], _count(totals.institutions_attending)),
        (labels["certificates"], _count(totals.certificates)),
    ]
    bottom = y
    for index, (label, value) in enumerate(figures):
        x = FIGURES_LEFT + (index % 2) * FIGURE_WIDTH
        top = y + (index // 2) * 11
        width = FIGURE_WIDTH - 3
        below = _lines(pdf, x, top, width, fit_text(pdf, label, width, [7.5, 7, 6.5, 6], 1), MUTED)
        _text(pdf, x, below, width, _line(13, 1.2), value, 13, INK)
        bottom = max(bottom, below + _line(13, 1.2))
    return bottom


def _draw_table(pdf: FPDF, table: _Table, y: float) -> None:
    size = table.size
    lefts = [LEFT + sum(table.widths[:index]) for index in range(len(table.widths))]
    line = _line(size)
    pdf.set_line_width(0.15)
    if table.groups:
        pdf.set_draw_color(MUTED)
        for first, after, heading in table.groups:
            x, width = lefts[first], sum(table.widths[first:after])
            shown = fit_text(pdf, heading, width - 2 * PAD, [size], 1)[1][0]
            _text(pdf, x + PAD, y, width - 2 * PAD, line, shown, size, MUTED, "C")
            pdf.line(x + PAD, y + line, x + width - PAD, y + line)
    heading_bottom = y + table.header_height - 1
    for index, heading in enumerate(table.headings):
        top = heading_bottom - len(heading) * line
        for number, text in enumerate(heading):
            align = "L" if index == 0 else "R"
            width = table.widths[index] - 2 * PAD
            _text(pdf, lefts[index] + PAD, top + number * line, width, line, text, size, INK, align)
    pdf.set_draw_color(INK)
    pdf.set_line_width(0.3)
    pdf.line(LEFT, y + table.header_height, LEFT + table.width, y + table.header_height)

    y += table.header_height
    height = table.row_height
    for number, (cells, kind) in enumerate(zip(table.rows, table.kinds, strict=True)):
        top = y + number * height
        if kind == "total":
            pdf.set_fill_color(TOTAL_FILL)
            pdf.rect(LEFT, top, table.width, height, "F")
            pdf.line(LEFT, top, LEFT + table.width, top)
        elif number % 2:
            pdf.set_fill_color(STRIPE)
            pdf.rect(LEFT, top, table.width, height, "F")
        colour = MUTED if kind == "others" else INK
        for index, cell in enumerate(cells):
            width = table.widths[index] - 2 * PAD
            if index == 0:
                cell = fit_text(pdf, cell, width, [size], 1)[1][0]
            align = "L" if index == 0 else "R"
            _text(pdf, lefts[index] + PAD, top, width, height, cell, size, colour, align)


def render_country_report(report: CountryReport, fonts: FontSet = DEFAULT_FONTS) -> bytes:
    """The report by country as a one-page A4 landscape PDF.

    Raises FontsMissing (GlyphsMissing) when the fonts cannot show its text, ValueError when a
    label is missing or a row's per-session figures do not match the sessions.
    """
    missing = [key for key in DEFAULT_LABELS if key not in report.labels]
    if missing:
        raise ValueError(f"The report's labels lack {', '.join(missing)}.")
    sessions = len(report.session_labels)
    for row in [*report.rows, report.totals]:
        if len(row.per_session) != sessions:
            raise ValueError(
                f"{row.country!r} has {len(row.per_session)} figures for {sessions} sessions."
            )
    labels = {key: plain_text(report.labels[key]) for key in DEFAULT_LABELS}
    title = plain_text(report.seminar_title)
    details = SEPARATOR.join(
        filter(
            None,
            [
                plain_text(report.dates),
                f"{labels['scope']}: {plain_text(report.scope)}",
                f"{labels['generated']}: {plain_text(report.generated)}",
            ],
        )
    )
    pdf = new_document(
        {
            "seminar_title": title,
            "details": details,
            "countries": " ".join(row.country for row in [*report.rows, report.totals]),
            "session_labels": " ".join(report.session_labels),
            **{f"labels[{key!r}]": value for key, value in labels.items()},
            "the layout": "0123456789,%–…",
        },
        title=f"{labels['heading']}: {title}",
        language=report.language,
        fonts=fonts,
    )
    pdf.set_auto_page_break(auto=False)

    y = _lines(pdf, LEFT, TOP, WIDTH, fit_text(pdf, labels["heading"], WIDTH, [9], 1), ACCENT)
    y = _lines(pdf, LEFT, y + 0.5, WIDTH, fit_text(pdf, title, WIDTH, _sizes(16, 11), 2), INK)
    y = _lines(pdf, LEFT, y + 0.5, WIDTH, fit_text(pdf, details, WIDTH, [8.5, 8, 7.5], 2), MUTED)
    y += 3

    by_attendance = sorted(report.rows, key=lambda row: -row.attended)
    bars = [
        Bar(
            row.country,
            (row.attended, max(row.registered - row.attended, 0)),
            labels["chart_note"].format(
                attended=_count(row.attended),
                registered=_count(row.registered),
                rate=_percent(row.rate),
            ),
        )
        for row in by_attendance
    ]
    chart_bottom = draw_bar_chart(
        pdf,
        LEFT,
        y,
        CHART_WIDTH,
        CHART_HEIGHT,
        bars,
        series=[labels["attended"], labels["absent"]],
        stacked=True,
        max_bars=CHART_BARS,
        others_label=labels["other_countries"],
        font_size=7.5,
    )
    y = max(chart_bottom, _draw_figures(pdf, y, report.totals, labels)) + 4

    footnote = labels["footnote"]
    layout = _Layout(pdf, report, labels)
    footnote_height = 2 * _line(6.5) + 1
    table = layout.fitted_table(BOTTOM - footnote_height - y)
    if table.sessions < sessions:
        count = sessions - table.sessions
        footnote += " " + labels["sessions_not_shown"].format(count=count)
    _draw_table(pdf, table, y)
    fitted = fit_text(pdf, footnote, WIDTH, [7, 6.5], 2)
    _lines(pdf, LEFT, BOTTOM - len(fitted[1]) * _line(fitted[0]), WIDTH, fitted, MUTED)
    return bytes(pdf.output())
