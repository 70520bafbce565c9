"""The certificate PDF: one A4 landscape page, names in five scripts, fonts, fit, QR code.

Plain functions, no app: rendering needs neither Flask nor a database. The text layer is read
with two readers because each mis-reads one script: pypdf puts U+0000 before each character of
the CFF-based CJK font (it does not apply the font's embedded encoding CMap), and PDFium breaks
Khmer around vowel signs. PDFium (pypdfium2) also renders pages to pictures, and zxing-cpp
reads the QR code back. The Debian fonts (fonts-noto-core, fonts-noto-cjk) are required under
CI=true; elsewhere the tests that need them skip.
"""

import dataclasses
import io
from functools import cache
from pathlib import Path

import pypdf
import pypdfium2
import pytest
import zxingcpp
from fontTools.ttLib import TTFont

from seminar_reg.certificates.pdf import (
    DEFAULT_FONTS,
    DEFAULT_LABELS,
    CertificateContent,
    FontFace,
    FontSet,
    FontsMissing,
    GlyphsMissing,
    ScriptFont,
    packaged_font,
    render_certificate,
)
from tests.conftest import service_unavailable

A4_LANDSCAPE = (841.89, 595.28)  # points
FRAME = 9 * 72 / 25.4  # the outer frame's distance from the page's edges, in points
TITLE = (
    "China-Germany-Mongolia-UNESCO Joint TVET Leadership Seminar on Digital and Green Transitions"
)
CODE = "K7M2-Q9XW-4T8P"
URL = f"https://seminars.example.org/verify/{CODE}"
CYRILLIC, CHINESE, URDU, LATIN, KHMER = (
    "Батбаяр Дорж",
    "王芳",
    "فاطمہ بی بی",
    "José Núñez",
    "សុខា ចាន់",
)
CERTIFICATE = CertificateContent(
    participant_name=CYRILLIC,
    seminar_title=TITLE,
    seminar_dates="18–19 April 2023",
    partners=[
        "UNESCO Chair on Digitalization in TVET & UNEVOC Centre at Shenzhen Polytechnic",
        "GIZ",
        "Vocational Education Training Partnership (VETP)",
        "UNESCO Multisectoral Regional Office in Beijing",
    ],
    sessions_attended=[
        "Opening remarks (18 Apr 2023)",
        "Digital transformation of TVET in China (18 Apr 2023)",
        "Greening TVET in Mongolia (19 Apr 2023)",
        "Closing session (19 Apr 2023)",
    ],
    verification_code=CODE,
    verification_url=URL,
    issued_on="20 April 2023",
    language="en",
    labels=DEFAULT_LABELS,
)


def require_debian_fonts() -> None:
    missing = [
        str(script.candidates[0].path)
        for script in (DEFAULT_FONTS.main, *DEFAULT_FONTS.fallbacks)
        if not script.candidates[0].path.is_file()
    ]
    if missing:
        service_unavailable("Debian fonts-noto-core and fonts-noto-cjk", ", ".join(missing))


def fallback_for(char: str) -> ScriptFont:
    return next(script for script in DEFAULT_FONTS.fallbacks if script.is_for(ord(char)))


@cache
def certificate_for(name: str) -> bytes:
    require_debian_fonts()
    return render_certificate(dataclasses.replace(CERTIFICATE, participant_name=name))


def pypdf_text(pdf: bytes) -> str:
    return pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def pdfium_text(pdf: bytes) -> str:
    page = pypdfium2.PdfDocument(pdf)[0]
    return page.get_textpage().get_text_range()


def embedded_fonts(pdf: bytes) -> set[str]:
    """The fonts' names without the subset prefix, e.g. {"NotoSans", "NotoSansCJKSC"}."""
    fonts = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    return {font.get_object()["/BaseFont"].split("+", 1)[1] for font in fonts.values()}


def test_one_a4_landscape_page():
    reader = pypdf.PdfReader(io.BytesIO(certificate_for(CYRILLIC)))

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_LANDSCAPE, abs=0.01)


@pytest.mark.parametrize(
    ("name", "text_of", "font"),
    [
        (CYRILLIC, pypdf_text, "NotoSans"),
        (LATIN, pypdf_text, "NotoSans"),
        (CHINESE, pdfium_text, "NotoSansCJKSC"),
        (KHMER, pypdf_text, "NotoSansKhmer"),
        # Drawn right to left; PDFium reads the words back in the order they are typed.
        (URDU, pdfium_text, "NotoSansArabic"),
    ],
)
def test_the_text_layer_has_the_name_title_and_code(name, text_of, font):
    pdf = certificate_for(name)

    text = " ".join(text_of(pdf).split())
    assert name in text
    assert TITLE in text
    assert CODE in text
    assert font in embedded_fonts(pdf)


def test_urdu_letters_are_joined():
    # Debian's Noto Sans Arabic names its joining forms after their presentation form code
    # points: beh's initial form is uniFE91, Farsi yeh's final form uniFBFD.
    pdf = certificate_for(URDU)

    glyphs = embedded_glyph_names(pdf, "NotoSansArabic")
    assert {"uniFE91", "uniFBFD"} <= glyphs
    assert "uni0628" not in glyphs  # beh alone


def embedded_glyph_names(pdf: bytes, font_name: str) -> set[str]:
    fonts = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    font = next(f.get_object() for f in fonts.values() if f["/BaseFont"].endswith(font_name))
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    data = descriptor["/FontFile2"].get_object().get_data()
    return set(TTFont(io.BytesIO(data)).getGlyphOrder())


@pytest.mark.parametrize("name", [CYRILLIC, CHINESE, URDU])
def test_the_name_is_drawn_where_the_text_layer_has_it(name):
    document = pypdfium2.PdfDocument(certificate_for(name))
    page = document[0]
    text = page.get_textpage()
    index, count = text.search(name, match_case=True).get_next()
    boxes = [text.get_charbox(i) for i in range(index, index + count)]
    left, bottom = min(box[0] for box in boxes), min(box[1] for box in boxes)
    right, top = max(box[2] for box in boxes), max(box[3] for box in boxes)
    scale = 3
    image = page.render(scale=scale).to_pil().convert("L")
    band = image.crop(
        (
            int(left * scale),
            int((page.get_height() - top) * scale),
            int(right * scale),
            int((page.get_height() - bottom) * scale),
        )
    )

    dark = sum(band.histogram()[:128])
    assert band.width > 100
    assert dark > 0.1 * band.width * band.height


def test_the_qr_code_reads_as_the_verification_url():
    page = pypdfium2.PdfDocument(certificate_for(CYRILLIC))[0]
    image = page.render(scale=3).to_pil()

    assert [barcode.text for barcode in zxingcpp.read_barcodes(image)] == [URL]


def test_a_long_title_and_twenty_sessions_stay_on_one_page():
    require_debian_fonts()
    sessions = [
        f"Session {n}: digital transformation and greening of TVET institutions ({n} May 2023)"
        for n in range(1, 21)
    ]
    content = dataclasses.replace(
        CERTIFICATE,
        seminar_title=TITLE + " and " + TITLE,
        sessions_attended=sessions,
    )

    pdf = render_certificate(content)

    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    text = " ".join(pypdf_text(pdf).split())
    assert all(session in text for session in sessions)
    assert_inside_the_frame(pdf)


def test_text_too_long_for_the_page_is_cut_short_inside_the_frame():
    require_debian_fonts()
    mixed = f"{CYRILLIC} {CHINESE} {URDU} {LATIN} {KHMER} "
    content = dataclasses.replace(
        CERTIFICATE,
        participant_name=mixed * 12,
        seminar_title=TITLE * 8,
        seminar_dates=mixed * 10,
        partners=[f"Partner institution number {n}" for n in range(40)],
        sessions_attended=[f"Session {n}: {TITLE} {mixed * n}" for n in range(80)],
        verification_code=CODE * 10,
        verification_url=URL + "?" + "x" * 300,
        issued_on=mixed * 10,
        labels={key: f"{value} {mixed * 10}" for key, value in DEFAULT_LABELS.items()},
    )

    pdf = render_certificate(content)

    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    assert "…" in pypdf_text(pdf)
    assert_inside_the_frame(pdf)


def assert_inside_the_frame(pdf: bytes) -> None:
    page = pypdfium2.PdfDocument(pdf)[0]
    text = page.get_textpage()
    boxes = [text.get_charbox(i) for i in range(text.count_chars())]
    width, height = page.get_size()
    assert boxes
    assert all(
        left > FRAME and right < width - FRAME and bottom > FRAME and top < height - FRAME
        for left, bottom, right, top in boxes
        if right > left  # spaces and line ends have no box
    )


def test_missing_fonts_are_named_with_the_package_to_install(tmp_path):
    nowhere = tmp_path / "NotoSans-Regular.ttf"
    fonts = FontSet(main=ScriptFont("Latin", (FontFace(nowhere),), "apt-get install fonts-x"))

    with pytest.raises(FontsMissing) as error:
        render_certificate(CERTIFICATE, fonts)

    assert str(nowhere) in str(error.value)
    assert "apt-get install fonts-x" in str(error.value)


def without_cjk() -> FontSet:
    nowhere = (FontFace(Path("/nonexistent/NotoSansCJK-Regular.ttc")),)
    fallbacks = tuple(
        dataclasses.replace(script, candidates=nowhere) if script == fallback_for("王") else script
        for script in DEFAULT_FONTS.fallbacks
    )
    return dataclasses.replace(DEFAULT_FONTS, fallbacks=fallbacks)


def test_without_cjk_fonts_other_scripts_still_render():
    require_debian_fonts()
    content = dataclasses.replace(CERTIFICATE, participant_name=URDU)

    pdf = render_certificate(content, without_cjk())

    assert URDU in " ".join(pdfium_text(pdf).split())


def test_without_cjk_fonts_a_chinese_name_names_the_debian_package():
    require_debian_fonts()
    content = dataclasses.replace(CERTIFICATE, participant_name=CHINESE)

    with pytest.raises(FontsMissing) as error:
        render_certificate(content, without_cjk())

    assert "fonts-noto-cjk" in str(error.value)
    assert "'王' (U+738B CJK UNIFIED IDEOGRAPH-738B) in participant_name" in str(error.value)


def test_chinese_labels_need_the_cjk_font_for_a_latin_name_too():
    require_debian_fonts()
    labels = {**DEFAULT_LABELS, "title": "结业证书", "issued": "颁发日期"}
    content = dataclasses.replace(
        CERTIFICATE, participant_name=LATIN, labels=labels, language="zh_Hans"
    )

    with pytest.raises(FontsMissing):
        render_certificate(content, without_cjk())
    pdf = render_certificate(content)
    assert "结业证书" in pdfium_text(pdf)
    assert pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "zh-Hans"


def test_a_character_in_no_font_is_an_error_not_a_box():
    require_debian_fonts()
    content = dataclasses.replace(CERTIFICATE, participant_name="Abebe ሀይሌ")

    with pytest.raises(GlyphsMissing) as error:
        render_certificate(content)

    assert "U+1200 ETHIOPIC SYLLABLE HA" in str(error.value)
    assert "participant_name" in str(error.value)


def test_joiners_and_direction_marks_are_not_missing_glyphs():
    require_debian_fonts()
    name = "\u200fمحمد\u200c علی\u200d"
    content = dataclasses.replace(CERTIFICATE, participant_name=name)

    assert "محمد" in pdfium_text(render_certificate(content))


def test_every_script_of_the_participants_renders_on_one_certificate():
    # Mongolian script too, though Mongolian participants write their names in Cyrillic.
    require_debian_fonts()
    name = " ".join([CYRILLIC, CHINESE, URDU, LATIN, KHMER, "ᠮᠣᠩᠭᠣᠯ"])
    content = dataclasses.replace(CERTIFICATE, participant_name=name)

    pdf = render_certificate(content)

    assert {"NotoSans", "NotoSansCJKSC", "NotoSansArabic", "NotoSansKhmer"} < embedded_fonts(pdf)


def test_fonts_are_embedded_as_subsets():
    # The CJK collection is 19 MB; the certificate keeps only the glyphs it shows.
    assert len(certificate_for(CHINESE)) < 60_000


def test_the_cjk_collection_face_is_simplified_chinese():
    require_debian_fonts()
    (face,) = fallback_for("王").candidates

    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        assert font["name"].getDebugName(4) == "Noto Sans CJK SC"


def test_packaged_fonts_render_without_the_debian_fonts():
    main, arabic, khmer = (
        packaged_font("Noto Sans"),
        packaged_font("Noto Sans Arabic"),
        packaged_font("Noto Sans Khmer"),
    )
    if not (main and arabic and khmer):
        service_unavailable("fontpkg-noto-sans, -arabic and -khmer", "not installed")
    fonts = FontSet(
        main=dataclasses.replace(DEFAULT_FONTS.main, candidates=main),
        fallbacks=(
            dataclasses.replace(fallback_for("ب"), candidates=arabic),
            dataclasses.replace(fallback_for("ស"), candidates=khmer),
        ),
    )
    content = dataclasses.replace(CERTIFICATE, participant_name=f"{CYRILLIC} {URDU} {KHMER}")

    pdf = render_certificate(content, fonts)

    assert CYRILLIC in pypdf_text(pdf)
    assert {"NotoSans", "NotoSansArabic", "NotoSansKhmer"} <= embedded_fonts(pdf)


def test_labels_must_all_be_given():
    labels = {key: value for key, value in DEFAULT_LABELS.items() if key != "verify"}

    with pytest.raises(ValueError, match="verify"):
        render_certificate(dataclasses.replace(CERTIFICATE, labels=labels))
