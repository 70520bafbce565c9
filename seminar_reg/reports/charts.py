"""Bar and column charts: inline SVG for the web pages, and the bar chart drawn into a PDF.

The SVG needs no script, style sheet or outside file. It has presentation attributes only (a
``style`` attribute would be blocked by a Content-Security-Policy without inline styles), text in
the page's font (``font-family="inherit"``), and a viewBox with width 100%, so it scales to its
container. ``role="img"`` with ``<title>`` and ``<desc>`` names and describes it to assistive
technology, which then reads nothing inside it: a page should show the figures in a table too.
Each row or column is a ``<g class="chart-bar">`` with its own ``<title>``, which browsers show
as a tooltip, over a transparent rectangle so that a bar of 0 has a tooltip as well.

Colours: the Okabe–Ito palette, which readers with any common colour-vision deficiency tell
apart, less its orange, sky blue and yellow, which have under the 3:1 contrast against white that
WCAG 2.1 AA asks of graphics: blue, vermillion, bluish green, reddish purple, black. Touching
segments of a stacked bar are parted by a white line. At most five series, one per colour.

Rows. A value that is negative, NaN, infinite or not a number counts as 0; a chart of zeros has
one tick, 0, and no bars. Bars come in the caller's order, which says what "top" means (most
attendees, say). Past ``max_bars`` rows, the bar chart shows the first ``max_bars`` and a last
row "N others" that gives the rest's sums in words, since a bar for all of them would crush the
other bars' scale. With just one row too many, that row is shown instead: it takes no more room
than "1 others" would.

Text. A browser measures text, this module cannot: it guesses widths generously (a full em for a
wide East Asian character, 0.62 em for others), cuts long labels with an ellipsis and keeps the
whole label in the tooltip. Every text is normalised (NFC, single spaces, no control characters,
which XML forbids) and escaped. ``draw_bar_chart`` draws the same chart with fpdf2's shapes and
the document's fonts, which fpdf2 measures exactly.
"""

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fpdf import FPDF
from markupsafe import Markup

from seminar_reg.certificates.pdf import fit_text

# Okabe–Ito colours with at least 3:1 contrast against white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000")
INK = "#1b2430"
MUTED = "#556070"
GRID = "#d8dee6"
WHITE = "#ffffff"
ELLIPSIS = "…"

OthersLabel = str | Callable[[int], str]  # "{count} others", or a function for plural forms


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart, or one column of a column chart."""

    label: str  # e.g. a country's name: "Монгол", "Mongolia", "中国"
    values: Sequence[float]  # one per series, stacked or side by side
    note: str = ""  # shown at the bar's end, e.g. "134 of 200 (67%)"


def plain_text(text: str) -> str:
    """NFC, single spaces, and none of the control characters and lone surrogates XML forbids."""
    text = " ".join(unicodedata.normalize("NFC", str(text)).split())
    return "".join(
        char
        for char in text
        if unicodedata.category(char) not in ("Cc", "Cs") and char not in "\ufffe\uffff"
    )


@dataclass(frozen=True)
class _Row:
    label: str
    values: tuple[float, ...]
    note: str = ""
    others: bool = False  # the "N others" row: sums in words, no bar

    @property
    def total(self) -> float:
        return sum(self.values)


@dataclass(frozen=True)
class _Scale:
    top: float
    ticks: tuple[float, ...]

    def fraction(self, value: float) -> float:
        return min(value / self.top, 1.0)


def _value(value: object) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


def _clean_rows(bars: Sequence[Bar], series: Sequence[str]) -> list[_Row]:
    if not 1 <= len(series) <= len(PALETTE):
        raise ValueError(f"A chart has 1 to {len(PALETTE)} series, not {len(series)}.")
    rows = []
    for bar in bars:
        if len(bar.values) != len(series):
            raise ValueError(
                f"The bar {bar.label!r} has {len(bar.values)} values for {len(series)} series."
            )
        values = tuple(_value(value) for value in bar.values)
        rows.append(_Row(plain_text(bar.label), values, plain_text(bar.note)))
    return rows


def _top_rows(rows: list[_Row], max_bars: int, others_label: OthersLabel) -> list[_Row]:
    """The rows to show: all, or the first max_bars and a row for the rest."""
    if max_bars < 1:
        raise ValueError("max_bars must be at least 1.")
    if len(rows) <= max_bars + 1:
        return rows
    rest = rows[max_bars:]
    count = len(rest)
    label = others_label(count) if callable(others_label) else others_label.format(count=count)
    sums = tuple(map(sum, zip(*(row.values for row in rest), strict=True)))
    return [*rows[:max_bars], _Row(plain_text(label), sums, others=True)]


def _scale(rows: Sequence[_Row], stacked: bool) -> _Scale:
    """From 0 to a round number at or above the largest bar, with 2 to 5 ticks between."""
    bars = [row for row in rows if not row.others]
    largest = max(
        (row.total if stacked else max(row.values) for row in bars),
        default=0.0,
    )
    if largest <= 0:
        return _Scale(1.0, (0.0,))
    wanted = largest / 4
    magnitude = 10 ** math.floor(math.log10(wanted))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= wanted)
    if all(value == int(value) for row in bars for value in row.values):
        step = max(step, 1.0)  # counts: no tick at 0.5 printed as "0" or "1"
    count = math.ceil(largest / step - 1e-9)
    return _Scale(count * step, tuple(index * step for index in range(count + 1)))


def _summary(row: _Row, series: Sequence[str], value_format: str) -> str:
    return "; ".join(
        f"{name}: {value_format.format(value)}"
        for name, value in zip(series, row.values, strict=True)
    )


def _tooltip(row: _Row, series: Sequence[str], value_format: str) -> str:
    parts = [row.label, _summary(row, series, value_format), row.note]
    return " — ".join(part for part in parts if part)


# The SVG, in user units of a viewBox 720 wide: about pixels on a page's main column.
WIDTH = 720
TEXT_SIZE = 13
SMALL_SIZE = 12


def _guess_width(text: str, size: float) -> float:
    """A generous guess at how wide text is in the reader's sans-serif font."""
    ems = 0.0
    for char in text:
        if unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        ems += 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.62
    return ems * size


def _shorten(text: str, width: float, size: float) -> str:
    """The text, or its longest start that fits width with an ellipsis after it."""
    if _guess_width(text, size) <= width:
        return text
    room = width - _guess_width(ELLIPSIS, size)
    end = 0
    while end < len(text) and _guess_width(text[: end + 1], size) <= room:
        end += 1
    return text[:end].rstrip() + ELLIPSIS


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Words in lines no wider than width, but for a word wider than width on its own."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and _guess_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _n(number: float) -> str:
    return f"{number:.1f}".removesuffix(".0")


def _text(
    x: float, y: float, text: str, *, size: float, fill: str, anchor: str = "start"
) -> Markup:
    return Markup(
        '<text x="{}" y="{}" dy="0.35em" font-size="{}" fill="{}" text-anchor="{}">{}</text>'
    ).format(_n(x), _n(y), size, fill, anchor, text)


def _turned_text(x: float, y: float, text: str, *, size: float, fill: str) -> Markup:
    """Text that ends at (x, y) and rises to the left at 45 degrees."""
    return Markup(
        '<text x="{0}" y="{1}" dy="0.35em" font-size="{2}" fill="{3}" text-anchor="end"'
        ' transform="rotate(-45 {0} {1})">{4}</text>'
    ).format(_n(x), _n(y), size, fill, text)


def _rect(x: float, y: float, width: float, height: float, fill: str, separated: bool) -> Markup:
    if separated:
        return Markup(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" stroke-width="1"/>'
        ).format(_n(x), _n(y), _n(width), _n(height), fill, WHITE)
    return Markup('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>').format(
        _n(x), _n(y), _n(width), _n(height), fill
    )


def _hit_area(x: float, y: float, width: float, height: float) -> Markup:
    """A transparent rectangle, so that hovering anywhere in a row shows its tooltip."""
    return Markup('<rect x="{}" y="{}" width="{}" height="{}" fill="{}" fill-opacity="0"/>').format(
        _n(x), _n(y), _n(width), _n(height), WHITE
    )


def _rule(x1: float, y1: float, x2: float, y2: float, stroke: str) -> Markup:
    return Markup('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>').format(
        _n(x1), _n(y1), _n(x2), _n(y2), stroke
    )


def _group(classes: str, tooltip: str = "") -> Markup:
    if tooltip:
        return Markup('<g class="{}"><title>{}</title>').format(classes, tooltip)
    return Markup('<g class="{}">').format(classes)


GROUP_END = Markup("</g>")


def _svg(height: float, title: str, description: str, body: Sequence[Markup]) -> Markup:
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" width="100%"'
        ' role="img" font-family="inherit" font-size="{}"><title>{}</title><desc>{}</desc>{}</svg>'
    ).format(
        WIDTH,
        _n(height),
        TEXT_SIZE,
        plain_text(title),
        plain_text(description),
        Markup("").join(body),
    )


def _svg_legend(series: Sequence[str]) -> tuple[list[Markup], float]:
    """A swatch and the name of each series, in lines across the top; and their height."""
    parts = [_group("chart-legend")]
    x, y = 0.0, 4.0
    for colour, name in zip(PALETTE, series, strict=False):
        shown = _shorten(name, WIDTH - 20, SMALL_SIZE)
        width = 18 + _guess_width(shown, SMALL_SIZE)
        if x > 0 and x + width > WIDTH:
            x, y = 0.0, y + 20
        parts += [
            _group("chart-legend-item"),
            _rect(x, y, 12, 12, colour, False),
            _text(x + 18, y + 6, shown, size=SMALL_SIZE, fill=INK),
            GROUP_END,
        ]
        x += width + 20
    parts.append(GROUP_END)
    return parts, y + 12 + 14


def bar_chart(
    bars: Sequence[Bar],
    *,
    series: Sequence[str],
    title: str,
    description: str,
    stacked: bool = False,
    max_bars: int = 30,
    value_format: str = "{:,.0f}",
    others_label: OthersLabel = "{count} others",
) -> Markup:
    """Horizontal bars, one row per Bar, as inline SVG; series stacked or side by side.

    title and description are for assistive technology, not shown. value_format formats the
    ticks and tooltips. others_label names the row of the rest past max_bars: a format with
    {count}, or a function of the count for languages with plural forms.
    """
    series = [plain_text(name) for name in series]
    rows = _top_rows(_clean_rows(bars, series), max_bars, others_label)
    scale = _scale(rows, stacked)
    side_by_side = not stacked and len(series) > 1
    row_height = len(series) * 12 + 10 if side_by_side else 26
    thickness = 10 if side_by_side else 16

    legend, top = _svg_legend(series)
    labels = [_guess_width(row.label, TEXT_SIZE) for row in rows]
    left = min(max(max(labels, default=0) + 12, 72), 240)
    notes = [_guess_width(row.note, SMALL_SIZE) for row in rows]
    note_width = min(max(notes, default=0), 200)
    ticks = [value_format.format(tick) for tick in scale.ticks]
    right = WIDTH - max(note_width + 8 if note_width else 0, _guess_width(ticks[-1], 12) / 2 + 2)
    bottom = top + len(rows) * row_height

    def x_of(value: float) -> float:
        return left + (right - left) * scale.fraction(value)

    body = [*legend, _group("chart-axis")]
    for tick, text in zip(scale.ticks, ticks, strict=True):
        x = x_of(tick)
        body.append(_rule(x, top - 4, x, bottom + 2, MUTED if tick == 0 else GRID))
        body.append(_text(x, bottom + 14, text, size=SMALL_SIZE, fill=MUTED, anchor="middle"))
    body.append(GROUP_END)

    for index, row in enumerate(rows):
        y = top + index * row_height
        middle = y + row_height / 2
        body += [
            _group(
                "chart-bar chart-others" if row.others else "chart-bar",
                _tooltip(row, series, value_format),
            ),
            _hit_area(0, y, WIDTH, row_height),
            _text(
                left - 8,
                middle,
                _shorten(row.label, left - 12, TEXT_SIZE),
                size=TEXT_SIZE,
                fill=INK,
                anchor="end",
            ),
        ]
        if row.others:
            summary = _shorten(_summary(row, series, value_format), WIDTH - left, SMALL_SIZE)
            body += [_text(left + 4, middle, summary, size=SMALL_SIZE, fill=MUTED), GROUP_END]
            continue
        end = left
        if side_by_side:
            for number, (colour, value) in enumerate(zip(PALETTE, row.values, strict=False)):
                width = x_of(value) - left
                if width > 0:
                    body.append(_rect(left, y + 5 + number * 12, width, thickness, colour, False))
                end = max(end, left + width)
        else:
            for colour, value in zip(PALETTE, row.values, strict=False):
                width = min(x_of(value) - left, right - end)
                if width > 0:
                    body.append(
                        _rect(end, middle - thickness / 2, width, thickness, colour, stacked)
                    )
                    end += width
        if row.note:
            note = _shorten(row.note, note_width, SMALL_SIZE)
            body.append(_text(end + 6, middle, note, size=SMALL_SIZE, fill=INK))
        body.append(GROUP_END)
    return _svg(bottom + 26, title, description, body)


PLOT_HEIGHT = 220
MOST_LABEL_LINES = 3
LONGEST_TURNED_LABEL = 160  # units along the slant of a label turned 45 degrees


def column_chart(
    columns: Sequence[Bar],
    *,
    series: Sequence[str],
    title: str,
    description: str,
    stacked: bool = False,
    value_format: str = "{:,.0f}",
) -> Markup:
    """Vertical columns for a few categories (sessions, say), as inline SVG.

    Labels go under their column, on up to three lines; when one of them does not fit, all are
    turned 45 degrees and cut at a length that keeps them legible. A column's note goes above
    it when it fits its width, and is in its tooltip always.
    """
    series = [plain_text(name) for name in series]
    rows = _clean_rows(columns, series)
    scale = _scale(rows, stacked)
    side_by_side = not stacked and len(series) > 1

    legend, legend_height = _svg_legend(series)
    ticks = [value_format.format(tick) for tick in scale.ticks]
    left = max(28, max(_guess_width(text, SMALL_SIZE) for text in ticks) + 10)
    right = WIDTH - 4
    slot = (right - left) / max(len(rows), 1)
    wrapped = [_wrap(row.label, slot - 6, SMALL_SIZE) for row in rows]
    turned = any(
        len(lines) > MOST_LABEL_LINES
        or any(_guess_width(line, SMALL_SIZE) > slot - 6 for line in lines)
        for lines in wrapped
    )
    if turned:
        labels = [_shorten(row.label, LONGEST_TURNED_LABEL, SMALL_SIZE) for row in rows]
        longest = max(_guess_width(label, SMALL_SIZE) for label in labels)
        # The first label reaches left of its column by its slanted length's horizontal part.
        left = max(left, longest * 0.71 - slot / 2 + 4)
        slot = (right - left) / len(rows)
        label_height = longest * 0.71 + 20
    else:
        label_height = max((len(lines) for lines in wrapped), default=1) * 15 + 10
    top = legend_height + 18  # room for the notes above the tallest column
    bottom = top + PLOT_HEIGHT

    def y_of(value: float) -> float:
        return bottom - PLOT_HEIGHT * scale.fraction(value)

    body = [*legend, _group("chart-axis")]
    for tick, text in zip(scale.ticks, ticks, strict=True):
        y = y_of(tick)
        body.append(_rule(left - 2, y, right, y, MUTED if tick == 0 else GRID))
        body.append(_text(left - 6, y, text, size=SMALL_SIZE, fill=MUTED, anchor="end"))
    body.append(GROUP_END)

    if side_by_side:
        group = min(slot * 0.8, len(series) * 24)
        thickness = group / len(series)
    else:
        group = thickness = min(slot * 0.6, 48)
    for index, row in enumerate(rows):
        x = left + index * slot
        centre = x + slot / 2
        body += [
            _group("chart-bar", _tooltip(row, series, value_format)),
            _hit_area(x, top - 18, slot, bottom - top + 18 + label_height),
        ]
        highest = bottom
        for number, (colour, value) in enumerate(zip(PALETTE, row.values, strict=False)):
            height = PLOT_HEIGHT * scale.fraction(value)
            if side_by_side:
                column_x, column_bottom = centre - group / 2 + number * thickness, bottom
            else:
                column_x, column_bottom = centre - group / 2, highest
            height = min(height, column_bottom - top)
            if height > 0:
                body.append(
                    _rect(column_x, column_bottom - height, thickness, height, colour, stacked)
                )
            highest = min(highest, column_bottom - height)
        if row.note and _guess_width(row.note, 11) <= slot - 2:
            body.append(_text(centre, highest - 8, row.note, size=11, fill=INK, anchor="middle"))
        if turned:
            body.append(_turned_text(centre, bottom + 12, labels[index], size=SMALL_SIZE, fill=INK))
        else:
            for number, line in enumerate(wrapped[index]):
                y = bottom + 14 + number * 15
                body.append(_text(centre, y, line, size=SMALL_SIZE, fill=INK, anchor="middle"))
        body.append(GROUP_END)
    return _svg(bottom + label_height, title, description, body)


# The PDF, in the document's units (millimetres) and type sizes in points.
MM_PER_POINT = 25.4 / 72


def _pdf_text(
    pdf: FPDF,
    x: float,
    y: float,
    width: float,
    height: float,
    text: str,
    *,
    size: float,
    colour: str,
    align: str = "L",
) -> None:
    pdf.set_font_size(size)
    pdf.set_text_color(colour)
    pdf.set_xy(x, y)
    pdf.cell(width, height, text, align=align)


def _one_line(pdf: FPDF, text: str, width: float, size: float) -> str:
    return fit_text(pdf, text, width, [size], 1)[1][0] if text else ""


def _pdf_legend(pdf: FPDF, x: float, y: float, width: float, series: Sequence[str], size: float):
    """A swatch and the name of each series, in lines; returns the y below them."""
    line = size * MM_PER_POINT * 1.4
    swatch = size * MM_PER_POINT * 0.8
    left = x
    pdf.set_font_size(size)
    for colour, name in zip(PALETTE, series, strict=False):
        shown = _one_line(pdf, name, width - swatch - 1.5, size)
        pdf.set_font_size(size)
        item = swatch + 1.5 + pdf.get_string_width(shown)
        if left > x and left + item > x + width:
            left, y = x, y + line
        pdf.set_fill_color(colour)
        pdf.rect(left, y + (line - swatch) / 2, swatch, swatch, style="F")
        _pdf_text(pdf, left + swatch + 1.5, y, item, line, shown, size=size, colour=INK)
        left += item + 5
    return y + line


def draw_bar_chart(
    pdf: FPDF,
    x: float,
    y: float,
    w: float,
    h: float,
    bars: Sequence[Bar],
    *,
    series: Sequence[str],
    stacked: bool = False,
    max_bars: int = 30,
    value_format: str = "{:,.0f}",
    others_label: OthersLabel = "{count} others",
    font_size: float = 8,
) -> float:
    """bar_chart's chart drawn into the PDF's current page, in the box (x, y, w, h).

    The same rows, scale, colours and "N others" row as on the web. Rows share the box's height
    up to a comfortable height each, so a chart of few rows ends higher: returns the y of its
    bottom. Text is set in the document's current font, which must cover the labels and notes
    (new_document chooses fonts for all of a document's text); it shrinks below font_size only
    when the rows are too low for it.
    """
    series = [plain_text(name) for name in series]
    rows = _top_rows(_clean_rows(bars, series), max_bars, others_label)
    scale = _scale(rows, stacked)
    side_by_side = not stacked and len(series) > 1
    line = font_size * MM_PER_POINT * 1.4

    top = _pdf_legend(pdf, x, y, w, series, font_size) + 1
    axis = line
    comfortable = line * (0.8 * len(series) + 0.6) if side_by_side else line * 1.35
    row_height = min((y + h - axis - top) / max(len(rows), 1), comfortable)
    size = min(font_size, row_height / (MM_PER_POINT * 1.2))
    thickness = row_height * (0.8 if side_by_side else 0.62)

    pdf.set_font_size(size)
    label_width = min(
        max((pdf.get_string_width(row.label) for row in rows), default=0) + 2, w * 0.3
    )
    note_width = min(max((pdf.get_string_width(row.note) for row in rows), default=0), w * 0.25)
    ticks = [value_format.format(tick) for tick in scale.ticks]
    pdf.set_font_size(font_size)
    last_tick = pdf.get_string_width(ticks[-1]) / 2
    left = x + label_width
    right = x + w - max(note_width + 1.5 if note_width else 0, last_tick + 0.5)
    bottom = top + len(rows) * row_height

    def x_of(value: float) -> float:
        return left + (right - left) * scale.fraction(value)

    pdf.set_line_width(0.15)
    for tick, text in zip(scale.ticks, ticks, strict=True):
        tick_x = x_of(tick)
        pdf.set_draw_color(MUTED if tick == 0 else GRID)
        pdf.line(tick_x, top - 0.5, tick_x, bottom + 0.5)
        _pdf_text(
            pdf, tick_x - 15, bottom + 0.5, 30, axis, text, size=font_size, colour=MUTED, align="C"
        )

    pdf.set_draw_color(WHITE)
    pdf.set_line_width(0.25)
    for index, row in enumerate(rows):
        row_top = top + index * row_height
        label = _one_line(pdf, row.label, label_width - 1.5, size)
        _pdf_text(
            pdf, x, row_top, label_width - 1.5, row_height, label, size=size, colour=INK, align="R"
        )
        if row.others:
            summary = _one_line(pdf, _summary(row, series, value_format), x + w - left, size)
            _pdf_text(
                pdf, left + 1, row_top, x + w - left, row_height, summary, size=size, colour=MUTED
            )
            continue
        middle = row_top + row_height / 2
        end = left
        for number, (colour, value) in enumerate(zip(PALETTE, row.values, strict=False)):
            pdf.set_fill_color(colour)
            if side_by_side:
                sub = thickness / len(series)
                width = x_of(value) - left
                if width > 0:
                    pdf.rect(left, middle - thickness / 2 + number * sub, width, sub * 0.9, "F")
                end = max(end, left + width)
            else:
                width = min(x_of(value) - left, right - end)
                if width > 0:
                    pdf.rect(end, middle - thickness / 2, width, thickness, "F")
                    if stacked and end > left:
                        pdf.line(end, middle - thickness / 2, end, middle + thickness / 2)
                    end += width
        if row.note:
            note = _one_line(pdf, row.note, note_width, size)
            _pdf_text(pdf, end + 1, row_top, note_width, row_height, note, size=size, colour=INK)
    return bottom + axis
