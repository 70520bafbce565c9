"""The certificate of attendance as a one-page A4 landscape PDF, for names in any script.

``render_certificate(content)`` needs no database and no request: the caller passes the text,
formatted and translated (``CertificateContent``), and gets the PDF's bytes.

Fonts. All text is set in one weight of Noto Sans, with fallback fonts for the scripts it lacks;
fpdf2 embeds a subset of each font used, so a certificate is about 16-25 kB whatever the font
files weigh (the CJK collection is 19 MB). ``FontSet`` says which file serves which script:

- Latin, Cyrillic (Mongolian Ө and Ү included) and Greek: Noto Sans, always needed.
- Arabic script (Urdu names): Noto Sans Arabic. HarfBuzz (``uharfbuzz``) shapes it, so letters
  join, and fpdf2 orders right-to-left runs.
- Khmer: Noto Sans Khmer, shaped the same way (subscript consonants, vowel signs).
- Chinese, Japanese and Korean: the Simplified Chinese face, number 2, of Debian's Noto Sans CJK
  collection. fpdf2 reads a .ttc directly (``collection_font_number``): nothing is extracted.
- Mongolian script: Noto Sans Mongolian.

Each font is the first of its candidate files that exists: Debian's (fonts-noto-core,
fonts-noto-cjk), then the fonts packaged on PyPI (fontpkg-noto-sans, -arabic, -khmer), so that
a machine without the Debian fonts still renders every script but CJK, for which PyPI has no
package. Debian's come first: the packaged fonts are variable fonts, which take twice as long to
load and subset and make certificates three quarters larger, and the packaged Noto Sans Arabic
draws letters' dots as separate glyphs that the PDF's text layer cannot map to any character.

A fallback font is loaded only when some text on the certificate (name, seminar, partners,
sessions, labels) has a character of its script that Noto Sans lacks, and only then must its
file exist: without fonts-noto-cjk, every certificate renders but those showing Chinese,
Japanese or Korean characters, which raise ``FontsMissing`` naming the files and the package.
Each fallback font is loaded with only the characters it draws (fpdf2's ``unicode_range``),
which makes loading the CJK face faster.

A missing glyph never becomes a box. With text shaping on, fpdf2 2.8 neither warns nor fails
when a font lacks a character: it draws the font's empty box. So before drawing, every character
is looked up in the character maps of the fonts, and one that none has raises ``GlyphsMissing``
(a ``FontsMissing``) naming the character and the field. Format characters (joiners, direction
marks) are exempt: the shaper uses them and draws nothing.

Time: about 60 ms for a certificate in Latin or Cyrillic script, 100 ms with an Urdu name and
300 ms with Chinese characters, most of it fpdf2 loading and subsetting the fonts, again for
each document: fpdf2 has no public way to keep a parsed font across documents.

Layout. Text is normalised to NFC with single spaces. Each block takes the largest type size at
which it fits its lines, and past its smallest size and most lines ends with an ellipsis, so
nothing ever leaves the page. The sessions go in one to three columns; when they do not fit at
7 points, the type and spacing above them shrink, and as a last resort the list shows the first
sessions and how many more. The QR code (segno) is drawn as filled squares, sharp at any zoom.
"""

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from pathlib import Path

import segno
from fontTools.ttLib import TTFont, TTLibError
from fpdf import FPDF
from fpdf.drawing import DeviceRGB, PaintedPath
from fpdf.enums import MethodReturnValue, WrapMode

DEFAULT_LABELS: Mapping[str, str] = {
    "title": "Certificate of attendance",
    "certifies": "This certifies that",
    "attended": "attended",
    "organised_by": "organised by",
    "sessions": "Sessions attended",
    "verify": "Verify this certificate at",
    "issued": "Issued on",
}


@dataclass(frozen=True)
class CertificateContent:
    """What one certificate says, formatted and translated by the caller."""

    participant_name: str  # as registered, any script
    seminar_title: str
    seminar_dates: str  # e.g. "18–19 April 2023"
    partners: Sequence[str]  # organising partners, shown as "organised by ..."
    sessions_attended: Sequence[str]  # session titles, may include dates
    verification_code: str  # e.g. "K7M2-Q9XW-4T8P"
    verification_url: str  # encoded as the QR code and printed small
    issued_on: str  # formatted date
    language: str  # of the labels, e.g. "en", "zh_Hans", "mn", "de"; the PDF's language
    labels: Mapping[str, str]  # the fixed wording, translated; the keys of DEFAULT_LABELS


class FontsMissing(RuntimeError):
    """The fonts the certificate's text needs are not installed."""


class GlyphsMissing(FontsMissing):
    """Some character on the certificate is in none of the fonts."""


@dataclass(frozen=True)
class FontFace:
    """A font file; ``index`` is the face's number inside a .ttc collection."""

    path: Path
    index: int = 0


@dataclass(frozen=True)
class ScriptFont:
    """The font for some scripts: the first of ``candidates`` whose file exists."""

    script: str  # what it is for, in words, for error messages
    candidates: tuple[FontFace, ...]
    install: str  # how to get one of the candidates
    ranges: tuple[tuple[int, int], ...] = ()  # code points that need this font (a fallback's)

    def face(self) -> FontFace | None:
        return next((face for face in self.candidates if face.path.is_file()), None)

    def is_for(self, code_point: int) -> bool:
        return any(first <= code_point <= last for first, last in self.ranges)


@dataclass(frozen=True)
class FontSet:
    """The main font, then the fallback fonts in the order fpdf2 tries them."""

    main: ScriptFont
    fallbacks: tuple[ScriptFont, ...] = ()


def packaged_font(family: str) -> tuple[FontFace, ...]:
    """The file of a font family installed from PyPI with fontpkg, if it is installed."""
    try:
        import fontpkg
    except ImportError:
        return ()
    try:
        return (FontFace(fontpkg.path(family)),)
    except fontpkg.FontpkgError:
        return ()


DEBIAN_FONTS = Path("/usr/share/fonts/truetype/noto")
DEBIAN_CJK_FONTS = Path("/usr/share/fonts/opentype/noto")

ARABIC = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
KHMER = ((0x1780, 0x17FF), (0x19E0, 0x19FF))
CJK = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FFF),  # radicals, ideographic description
    (0x3000, 0x33FF),  # CJK punctuation, kana, bopomofo, Hangul compatibility, enclosed
    (0x3400, 0x4DBF),  # extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0xA960, 0xA97F),  # Hangul Jamo extended A
    (0xAC00, 0xD7FF),  # Hangul syllables, Jamo extended B
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0xFE30, 0xFE4F),  # compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
    (0x20000, 0x3134F),  # extensions B to G
)
MONGOLIAN = ((0x1800, 0x18AF), (0x11660, 0x1167F))

DEFAULT_FONTS = FontSet(
    main=ScriptFont(
        "Latin, Cyrillic and Greek",
        (FontFace(DEBIAN_FONTS / "NotoSans-Regular.ttf"), *packaged_font("Noto Sans")),
        "apt-get install fonts-noto-core, or pip install fontpkg-noto-sans",
    ),
    fallbacks=(
        ScriptFont(
            "Arabic script",
            (
                FontFace(DEBIAN_FONTS / "NotoSansArabic-Regular.ttf"),
                *packaged_font("Noto Sans Arabic"),
            ),
            "apt-get install fonts-noto-core, or pip install fontpkg-noto-sans-arabic",
            ARABIC,
        ),
        ScriptFont(
            "Khmer",
            (
                FontFace(DEBIAN_FONTS / "NotoSansKhmer-Regular.ttf"),
                *packaged_font("Noto Sans Khmer"),
            ),
            "apt-get install fonts-noto-core, or pip install fontpkg-noto-sans-khmer",
            KHMER,
        ),
        ScriptFont(
            "Chinese, Japanese and Korean",
            (FontFace(DEBIAN_CJK_FONTS / "NotoSansCJK-Regular.ttc", index=2),),
            "apt-get install fonts-noto-cjk (there is no PyPI package)",
            CJK,
        ),
        ScriptFont(
            "Mongolian script",
            (FontFace(DEBIAN_FONTS / "NotoSansMongolian-Regular.ttf"),),
            "apt-get install fonts-noto-core",
            MONGOLIAN,
        ),
    ),
)


@cache
def _code_points(face: FontFace) -> frozenset[int]:
    """The characters a font has glyphs for, read once per process."""
    try:
        font = TTFont(face.path, fontNumber=face.index, lazy=True)
    except (OSError, TTLibError) as error:
        raise FontsMissing(f"{face.path} is not a font that can be read: {error}") from error
    with font:
        return frozenset(font.getBestCmap())


def _draws_nothing(char: str) -> bool:
    # Format characters (joiners, direction marks, soft hyphen) and variation selectors.
    return unicodedata.category(char) == "Cf" or 0xFE00 <= ord(char) <= 0xFE0F


def _describe(point: int, field: str) -> str:
    name = unicodedata.name(chr(point), "unnamed")
    return f"{chr(point)!r} (U+{point:04X} {name}) in {field}"


def _choose_fonts(
    fields: Mapping[str, str], fonts: FontSet
) -> list[tuple[FontFace, frozenset[int] | None]]:
    """The fonts to load for this text, the main font first, each with the characters it draws.

    None stands for all of the main font's characters. Raises FontsMissing when a script in the
    text has no font file installed, GlyphsMissing when a character is in none of the fonts.
    """
    main = fonts.main.face()
    if main is None:
        raise FontsMissing(_missing_message({fonts.main: "every certificate"}))
    main_points = _code_points(main)
    by_script: dict[ScriptFont, dict[int, str]] = {}
    others: dict[int, str] = {}
    for field, text in fields.items():
        for char in text:
            point = ord(char)
            if point in main_points or _draws_nothing(char):
                continue
            script = next((s for s in fonts.fallbacks if s.is_for(point)), None)
            if script is None:
                others.setdefault(point, field)
            else:
                by_script.setdefault(script, {}).setdefault(point, field)
    absent = {
        script: _describe(*next(iter(points.items())))
        for script, points in by_script.items()
        if script.face() is None
    }
    if absent:
        raise FontsMissing(_missing_message(absent))

    chosen: dict[FontFace, set[int]] = {}
    unknown: list[str] = []
    for script, points in by_script.items():
        face = script.face()
        chosen.setdefault(face, set())
        for point, field in points.items():
            if point in _code_points(face):
                chosen[face].add(point)
            else:
                unknown.append(_describe(point, field))
    available = [face for script in fonts.fallbacks if (face := script.face())]
    for point, field in others.items():
        # No script of its own (a symbol, say): a font already chosen has it, else any.
        face = next((f for f in [*chosen, *available] if point in _code_points(f)), None)
        if face is None:
            unknown.append(_describe(point, field))
        else:
            chosen.setdefault(face, set()).add(point)
    if unknown:
        raise GlyphsMissing(
            "No font has these characters: "
            + "; ".join(unknown)
            + ". Add a font that has them to the FontSet."
        )
    return [(main, None), *((face, frozenset(points)) for face, points in chosen.items())]


def _missing_message(absent: Mapping[ScriptFont, str]) -> str:
    parts = [
        f"{script.script} (needed for {needed}): none of "
        + ", ".join(str(face.path) for face in script.candidates)
        + f" exists; {script.install}"
        for script, needed in absent.items()
    ]
    return "This PDF needs fonts that are not installed. " + " ".join(parts)


# Layout, in millimetres on an A4 landscape page; type sizes in points.
PAGE_WIDTH, PAGE_HEIGHT = 297, 210
TEXT_LEFT = 26
TEXT_WIDTH = PAGE_WIDTH - 2 * TEXT_LEFT
QR_SIZE = 28
QR_LEFT = PAGE_WIDTH - 18 - QR_SIZE
QR_TOP = PAGE_HEIGHT - 18 - QR_SIZE
SESSIONS_BOTTOM = QR_TOP - 4  # the QR code needs 4 modules (3.4 mm) of blank margin
ISSUED_WIDTH = 100
VERIFY_WIDTH = QR_LEFT - 6 - (TEXT_LEFT + ISSUED_WIDTH + 10)
BULLET_INDENT = 4
MAX_SESSION_LINES = 3  # a longer session title ends with an ellipsis
COLUMN_GAP = 8
MM_PER_POINT = 25.4 / 72
LEADING = 1.3
ELLIPSIS = "…"
BULLET = "•"
PARTNER_SEPARATOR = " · "
MAX_CHARACTERS = 2000  # more than any block shows: 3 lines of "i" at 6 points hold 1,400
SCALES = (1, 0.9, 0.8, 0.7)  # of the upper part's type and spacing, tried until the sessions fit

NAVY = (23, 52, 94)
GOLD = (166, 133, 72)
INK = (30, 34, 40)
MUTED = (88, 96, 108)


def _sizes(largest: float, smallest: float) -> list[float]:
    """Type sizes from largest down to smallest in half points."""
    return [largest - step / 2 for step in range(int((largest - smallest) * 2) + 1)]


def _line_height(size: float) -> float:
    return size * MM_PER_POINT * LEADING


def _clean(text: str) -> str:
    """NFC, single spaces, and no longer than any block can show (measuring costs time)."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text if len(text) <= MAX_CHARACTERS else text[:MAX_CHARACTERS] + ELLIPSIS


@dataclass(frozen=True)
class _Block:
    """Text placed on the page: its lines at one size, from y down."""

    lines: Sequence[str]
    size: float
    colour: tuple[int, int, int]
    y: float
    x: float = TEXT_LEFT
    width: float = TEXT_WIDTH
    align: str = "C"

    @property
    def bottom(self) -> float:
        return self.y + len(self.lines) * _line_height(self.size)


@dataclass(frozen=True)
class _Part:
    """A block of the upper part: the space above it, its type sizes and most lines."""

    text: str
    space_above: float
    largest: float
    smallest: float
    max_lines: int
    colour: tuple[int, int, int]


class _Measure:
    """Where lines break and how wide text is, at any size, with the document's fonts.

    Widths scale with the type size, so each text is measured once, and fpdf2 wraps it only at
    sizes where it takes more than one line but might take few enough.
    """

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        self._widths: dict[str, float] = {}
        self._wrapped: dict[tuple[str, float, float, WrapMode], list[str]] = {}

    def width(self, text: str, size: float) -> float:
        if text not in self._widths:
            self.pdf.set_font_size(10)
            self._widths[text] = self.pdf.get_string_width(text)
        return self._widths[text] * size / 10

    def lines(
        self, text: str, width: float, size: float, wrap: WrapMode = WrapMode.WORD
    ) -> list[str]:
        if self.width(text, size) <= width:
            return [text]
        key = (text, width, size, wrap)
        if key not in self._wrapped:
            self.pdf.set_font_size(size)
            self._wrapped[key] = self.pdf.multi_cell(
                width, text=text, dry_run=True, output=MethodReturnValue.LINES, wrapmode=wrap
            )
        return self._wrapped[key]

    def fit(
        self,
        text: str,
        width: float,
        sizes: Sequence[float],
        max_lines: int,
        wrap: WrapMode = WrapMode.WORD,
    ) -> tuple[float, list[str]]:
        """The largest size at which the text takes at most max_lines, else cut short."""
        for size in sizes:
            if self.width(text, size) <= width * max_lines:
                lines = self.lines(text, width, size, wrap)
                if len(lines) <= max_lines:
                    return size, lines
        return sizes[-1], self.first_lines(text, width, sizes[-1], max_lines, wrap)

    def first_lines(
        self, text: str, width: float, size: float, count: int, wrap: WrapMode = WrapMode.WORD
    ) -> list[str]:
        """At most count lines; the last ends with an ellipsis when the text goes on.

        Only a start of the text is wrapped, long enough for one line more than count.
        """
        share = (count + 1) * width / max(self.width(text, size), width)
        end = int(len(text) * share * 1.25) + 1
        while len(lines := self.lines(text[:end], width, size, wrap)) <= count:
            if end >= len(text):
                return lines
            end *= 2
        return [*lines[: count - 1], self._shortened(lines[count - 1], width, size)]

    def _shortened(self, line: str, width: float, size: float) -> str:
        """The longest start of the line that fits with an ellipsis after it, by bisection."""
        fits, too_long = 0, len(line)
        while too_long - fits > 1:
            middle = (fits + too_long) // 2
            if self.width(line[:middle].rstrip() + ELLIPSIS, size) <= width:
                fits = middle
            else:
                too_long = middle
        return line[:fits].rstrip() + ELLIPSIS

    def upper(self, parts: Sequence[_Part], scale: float) -> list[_Block]:
        """The blocks from the title down, their type and spacing scaled."""
        blocks = []
        y = 24 * scale
        for part in parts:
            sizes = _sizes(part.largest * scale, part.smallest * scale)
            size, lines = self.fit(part.text, TEXT_WIDTH, sizes, part.max_lines)
            blocks.append(_Block(lines, size, part.colour, y + part.space_above * scale))
            y = blocks[-1].bottom
        return blocks

    def sessions(
        self, heading: str, sessions: Sequence[str], top: float, scale: float, shorten: bool
    ) -> list[_Block] | None:
        """The heading and the sessions in columns, in the largest type that fits, if any.

        With shorten, when no type size fits every session, the first sessions that fit and how
        many more there are.
        """
        heading_size, heading_lines = self.fit(heading, TEXT_WIDTH, _sizes(10 * scale, 7), 1)
        heading_block = _Block(heading_lines, heading_size, NAVY, top)
        height = SESSIONS_BOTTOM - heading_block.bottom - 1.5
        smallest = 6 if shorten else 7
        # One column while the type stays large enough to read at arm's length, then more.
        tries = [(1, size) for size in _sizes(10, 8.5)]
        tries += [(2, size) for size in _sizes(10, 7.5)]
        tries += [(3, size) for size in _sizes(9, smallest)]
        for count, size in tries:
            columns = self._columns(sessions, size, count, height)
            if columns:
                return [heading_block, *self._list(columns, size, heading_block.bottom + 1.5)]
        if not shorten:
            return None
        for shown in range(len(sessions) - 1, 0, -1):
            more = f"{ELLIPSIS} +{len(sessions) - shown}"
            columns = self._columns([*sessions[:shown], more], smallest, 3, height)
            if columns:
                return [heading_block, *self._list(columns, smallest, heading_block.bottom + 1.5)]
        raise AssertionError("the first session and a count of the others always fit")

    def _columns(
        self, sessions: Sequence[str], size: float, count: int, height: float
    ) -> list[list[list[str]]] | None:
        """The sessions as lines in count columns of balanced height, if they fit in height."""
        column_width = (TEXT_WIDTH - COLUMN_GAP * (count - 1)) / count
        text_width = column_width - BULLET_INDENT
        line = _line_height(size)
        fewest = sum(
            min(MAX_SESSION_LINES, max(1, -(-self.width(s, size) // text_width))) for s in sessions
        )
        if fewest * line > count * height:
            return None  # too tall even with every line full
        items = [self.first_lines(s, text_width, size, MAX_SESSION_LINES) for s in sessions]
        heights = [len(lines) * line + line / 4 for lines in items]
        if sum(heights) - line / 4 > count * height:
            return None
        columns = _pack(heights, height + line / 4)
        if columns is None or len(columns) > count:
            return None
        # The lowest column height that still packs into count columns, by bisection.
        low, high = max(heights), height + line / 4
        for _ in range(12):
            middle = (low + high) / 2
            packed = _pack(heights, middle)
            if packed is not None and len(packed) <= count:
                high, columns = middle, packed
            else:
                low = middle
        return [[items[i] for i in column] for column in columns]

    def _list(self, columns: list[list[list[str]]], size: float, top: float) -> list[_Block]:
        """Bullets and lines for the columns, the whole list centred on the page."""
        natural = max(
            self.width(line, size) for column in columns for lines in column for line in lines
        )
        full = (TEXT_WIDTH - COLUMN_GAP * (len(columns) - 1)) / len(columns)
        column_width = min(full, natural + BULLET_INDENT + 0.5)
        x = (PAGE_WIDTH - len(columns) * column_width - (len(columns) - 1) * COLUMN_GAP) / 2
        blocks = []
        for column in columns:
            y = top
            for lines in column:
                blocks.append(_Block([BULLET], size, GOLD, y, x, BULLET_INDENT, "L"))
                text_x, text_width = x + BULLET_INDENT, column_width - BULLET_INDENT
                blocks.append(_Block(lines, size, INK, y, text_x, text_width, "L"))
                y = blocks[-1].bottom + _line_height(size) / 4
            x += column_width + COLUMN_GAP
        return blocks

    def footer(self, issued: str, verify: str, url: str, code: str) -> list[_Block]:
        """The issue date bottom left; the code and how to verify it left of the QR code."""
        bottom = QR_TOP + QR_SIZE
        size, lines = self.fit(issued, ISSUED_WIDTH, [10, 9], 2)
        top = bottom - len(lines) * _line_height(size)
        blocks = [_Block(lines, size, MUTED, top, width=ISSUED_WIDTH, align="L")]
        parts = [
            (NAVY, *self.fit(code, VERIFY_WIDTH, [14, 12, 10], 1, WrapMode.CHAR)),
            (MUTED, *self.fit(verify, VERIFY_WIDTH, [9, 8], 2)),
            (MUTED, *self.fit(url, VERIFY_WIDTH, [8, 7], 2, WrapMode.CHAR)),
        ]
        y = bottom - sum(len(lines) * _line_height(size) for _, size, lines in parts) - 1
        left = QR_LEFT - 6 - VERIFY_WIDTH
        for colour, size, lines in parts:
            blocks.append(_Block(lines, size, colour, y, left, VERIFY_WIDTH, "R"))
            y = blocks[-1].bottom + (1 if colour == NAVY else 0)
        return blocks


def _pack(heights: Sequence[float], limit: float) -> list[list[int]] | None:
    """Items in order into columns no taller than limit, each as full as it goes."""
    columns: list[list[int]] = []
    room = 0.0
    for index, height in enumerate(heights):
        if height > limit:
            return None
        if not columns or height > room:
            columns.append([])
            room = limit
        columns[-1].append(index)
        room -= height
    return columns


def _draw_text(pdf: FPDF, block: _Block) -> None:
    pdf.set_font_size(block.size)
    pdf.set_text_color(*block.colour)
    for number, line in enumerate(block.lines):
        pdf.set_xy(block.x, block.y + number * _line_height(block.size))
        pdf.cell(block.width, _line_height(block.size), line, align=block.align)


def _draw_frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.8)
    pdf.rect(9, 9, PAGE_WIDTH - 18, PAGE_HEIGHT - 18)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.25)
    pdf.rect(11.5, 11.5, PAGE_WIDTH - 23, PAGE_HEIGHT - 23)


def _draw_rule(pdf: FPDF, y: float) -> None:
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.35)
    pdf.line(PAGE_WIDTH / 2 - 24, y, PAGE_WIDTH / 2 + 24, y)


def _draw_qr_code(pdf: FPDF, url: str) -> None:
    """The QR code as one filled path: its dark modules, merged into runs along each row."""
    matrix = segno.make_qr(url, error="m").matrix
    module = QR_SIZE / len(matrix)
    path = PaintedPath()
    path.style.fill_color = DeviceRGB(*(value / 255 for value in INK))
    path.style.stroke_color = None
    for row, modules in enumerate(matrix):
        column = 0
        for dark, run in groupby(modules):
            length = len(list(run))
            if dark:
                x, y = QR_LEFT + column * module, QR_TOP + row * module
                path.rectangle(x, y, length * module, module)
            column += length
    pdf.draw_path(path, copy=False)  # copying hundreds of squares would cost more than the text


def _new_document(
    faces: Sequence[tuple[FontFace, frozenset[int] | None]], language: str, title: str
) -> FPDF:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(0, 0, 0)
    pdf.c_margin = 0
    pdf.set_lang(language.replace("_", "-"))
    pdf.set_title(title)
    pdf.set_creator("seminar_reg")
    for number, (face, points) in enumerate(faces):
        pdf.add_font(
            f"font{number}",
            fname=face.path,
            collection_font_number=face.index,
            # A font offers only the characters it draws here, and the CJK face loads faster.
            unicode_range=None if points is None else sorted(points),
        )
    if len(faces) > 1:
        pdf.set_fallback_fonts([f"font{number}" for number in range(1, len(faces))])
    pdf.set_text_shaping(True)
    pdf.add_page()
    pdf.set_font("font0")
    return pdf


def new_document(
    text: Mapping[str, str], title: str, language: str = "en", fonts: FontSet = DEFAULT_FONTS
) -> FPDF:
    """A blank A4 landscape page in the fonts its text needs, for the product's other PDFs.

    text is all the text the document will show, by what it is (for error messages). Raises
    FontsMissing (GlyphsMissing) as render_certificate does. Units are millimetres.
    """
    return _new_document(_choose_fonts(text, fonts), language, title)


def fit_text(
    pdf: FPDF, text: str, width: float, sizes: Sequence[float], max_lines: int
) -> tuple[float, list[str]]:
    """The largest of sizes at which text takes at most max_lines lines of width, and its lines.

    When none does, the smallest size and the first lines, the last ending with an ellipsis.
    """
    return _Measure(pdf).fit(text, width, sizes, max_lines)


def render_certificate(content: CertificateContent, fonts: FontSet = DEFAULT_FONTS) -> bytes:
    """The certificate as a one-page A4 landscape PDF.

    Raises FontsMissing (GlyphsMissing) when the fonts cannot show its text, ValueError when a
    label is missing.
    """
    missing = [key for key in DEFAULT_LABELS if key not in content.labels]
    if missing:
        raise ValueError(f"The certificate's labels lack {', '.join(missing)}.")
    labels = {key: _clean(content.labels[key]) for key in DEFAULT_LABELS}
    text = {
        "participant_name": _clean(content.participant_name),
        "seminar_title": _clean(content.seminar_title),
        "seminar_dates": _clean(content.seminar_dates),
        "partners": _clean(PARTNER_SEPARATOR.join(filter(None, map(_clean, content.partners)))),
        "verification_code": _clean(content.verification_code),
        "verification_url": _clean(content.verification_url),
        "issued_on": _clean(content.issued_on),
    }
    sessions = list(filter(None, map(_clean, content.sessions_attended)))
    faces = _choose_fonts(
        {
            **text,
            "sessions_attended": " ".join(sessions),
            **{f"labels[{key!r}]": value for key, value in labels.items()},
            "the layout": ELLIPSIS + BULLET + PARTNER_SEPARATOR + "+0123456789",
        },
        fonts,
    )
    pdf = _new_document(faces, content.language, f"{labels['title']}: {text['participant_name']}")
    measure = _Measure(pdf)

    parts = [
        _Part(labels["title"], 0, 30, 20, 2, NAVY),
        _Part(labels["certifies"], 11, 13, 11, 2, MUTED),
        _Part(text["participant_name"], 3, 34, 20, 2, INK),
        _Part(labels["attended"], 3, 13, 11, 2, MUTED),
        _Part(text["seminar_title"], 1.5, 20, 12, 3, NAVY),
        _Part(text["seminar_dates"], 1, 13, 11, 2, INK),
    ]
    if text["partners"]:
        organised = f"{labels['organised_by']} {text['partners']}"
        parts.append(_Part(organised, 3, 11, 8, 3, MUTED))
    for scale in SCALES:
        blocks = measure.upper(parts, scale)
        if not sessions:
            break
        top = blocks[-1].bottom + 6 * scale
        listed = measure.sessions(labels["sessions"], sessions, top, scale, scale == SCALES[-1])
        if listed:
            blocks += listed
            break

    _draw_frame(pdf)
    _draw_rule(pdf, blocks[0].bottom + 4 * scale)
    for block in blocks + measure.footer(
        f"{labels['issued']} {text['issued_on']}",
        labels["verify"],
        text["verification_url"],
        text["verification_code"],
    ):
        _draw_text(pdf, block)
    _draw_qr_code(pdf, content.verification_url.strip())  # whole, however long
    return bytes(pdf.output())
