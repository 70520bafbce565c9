"""Report charts (inline SVG, and drawn into the PDF) and the one-page PDF report by country.

Plain functions, no app: the charts and the PDF need neither Flask nor a database. The SVG is read
back with xml.etree as a browser's parser would see it; the PDF's text with pypdf, and with PDFium
for Chinese, which pypdf mis-reads (see test_certificate_pdf.py).
"""

import dataclasses
import io
import math
import random
import xml.etree.ElementTree as ET
from functools import cache

import pypdf
import pypdfium2
import pytest

from seminar_reg.certificates.pdf import DEFAULT_FONTS
from seminar_reg.reports.charts import PALETTE, Bar, bar_chart, column_chart
from seminar_reg.reports.pdf import (
    CHART_BARS,
    DEFAULT_LABELS,
    CountryReport,
    CountryRow,
    render_country_report,
)
from tests.conftest import service_unavailable

SVG = "{http://www.w3.org/2000/svg}"
SERIES = ["Attended", "Registered, did not attend"]
SCRIPT = "<script>alert(1)</script>"
TITLE = (
    "China-Germany-Mongolia-UNESCO Joint TVET Leadership Seminar on Digital and Green Transitions"
)
A4_LANDSCAPE = (841.89, 595.28)  # points


def chart(bars, **options):
    options = {"series": SERIES, "title": "Attendees by country", "description": "…", **options}
    return bar_chart(bars, **options)


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 - the module's own output


def bar_groups(svg: ET.Element) -> list[ET.Element]:
    return [g for g in svg.iter(f"{SVG}g") if "chart-bar" in g.get("class", "").split()]


def texts(element: ET.Element) -> list[str]:
    return [text.text or "" for text in element.iter(f"{SVG}text")]


def tooltip(group: ET.Element) -> str:
    return group.find(f"{SVG}title").text


def filled_rects(group: ET.Element) -> list[ET.Element]:
    return [rect for rect in group.iter(f"{SVG}rect") if rect.get("fill-opacity") != "0"]


def countries(count: int) -> list[Bar]:
    return [Bar(f"Country {n}", (n, 1)) for n in range(count)]


# The SVG bar chart


def test_the_chart_is_an_image_with_a_title_and_a_description():
    svg = parse(chart([Bar("Mongolia", (134, 66))], description="Attendees of 1 country"))

    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("width") == "100%"
    assert svg.get("viewBox").startswith("0 0 720 ")
    assert svg.get("font-family") == "inherit"
    assert svg[0].tag == f"{SVG}title" and svg[0].text == "Attendees by country"
    assert svg[1].tag == f"{SVG}desc" and svg[1].text == "Attendees of 1 country"


def test_one_bar_per_country_each_with_its_tooltip_and_note():
    bars = [
        Bar("Mongolia", (134, 66), "134 of 200 (67%)"),
        Bar("Pakistan", (20, 5), "20 of 25 (80%)"),
        Bar("Cambodia", (7, 0), "7 of 7 (100%)"),
    ]

    groups = bar_groups(parse(chart(bars, stacked=True)))

    assert [texts(group)[0] for group in groups] == ["Mongolia", "Pakistan", "Cambodia"]
    assert tooltip(groups[0]) == (
        "Mongolia — Attended: 134; Registered, did not attend: 66 — 134 of 200 (67%)"
    )
    assert "134 of 200 (67%)" in texts(groups[0])


def test_the_legend_names_each_series_in_its_colour():
    svg = parse(chart([Bar("Mongolia", (134, 66))]))

    items = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "chart-legend-item"]
    assert [texts(item) for item in items] == [[name] for name in SERIES]
    assert [item.find(f"{SVG}rect").get("fill") for item in items] == list(PALETTE[:2])


def test_stacked_segments_are_as_long_as_their_values():
    group = bar_groups(parse(chart([Bar("Mongolia", (150, 50))], stacked=True)))[0]

    attended, absent = (float(rect.get("width")) for rect in filled_rects(group))
    assert attended == pytest.approx(3 * absent, rel=0.01)
    assert float(filled_rects(group)[1].get("x")) == pytest.approx(
        float(filled_rects(group)[0].get("x")) + attended, abs=0.1
    )


def test_grouped_bars_start_together_one_per_series():
    group = bar_groups(parse(chart([Bar("Mongolia", (200, 50))])))[0]

    registered, attended = filled_rects(group)
    assert registered.get("x") == attended.get("x")
    assert float(registered.get("width")) == pytest.approx(4 * float(attended.get("width")), 0.01)
    assert registered.get("y") != attended.get("y")


def test_labels_are_text_never_markup():
    markup = str(chart([Bar(SCRIPT, (1, 2), note='" onload="alert(2)')]))
    svg = parse(markup)

    assert SCRIPT not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert SCRIPT in texts(svg)
    assert not list(svg.iter(f"{SVG}script"))
    assert tooltip(bar_groups(svg)[0]).startswith(SCRIPT)


def test_nothing_runs_or_loads():
    svg = parse(chart([Bar(SCRIPT, (1, 2)), Bar("onclick", (3, 0))], stacked=True))

    for element in svg.iter():
        assert element.tag.removeprefix(SVG) not in {"script", "foreignObject", "image", "use"}
        for name in element.attrib:
            assert not name.lower().startswith("on")
            assert "href" not in name and name != "style"


def test_cyrillic_and_chinese_names_come_through_whole():
    svg = parse(chart([Bar("Монгол Улс", (5, 1)), Bar("中华人民共和国", (3, 1))]))

    assert {"Монгол Улс", "中华人民共和国"} <= set(texts(svg))


def test_a_long_name_is_shortened_and_whole_in_its_tooltip():
    name = "United Kingdom of Great Britain and Northern Ireland"

    group = bar_groups(parse(chart([Bar(name, (5, 1))])))[0]

    assert texts(group)[0].endswith("…")
    assert name.startswith(texts(group)[0].removesuffix("…"))
    assert tooltip(group).startswith(name)


def test_all_zero_values_draw_no_bars_and_one_tick():
    svg = parse(chart([Bar("Mongolia", (0, 0)), Bar("Pakistan", (0, 0))], stacked=True))

    assert [filled_rects(group) for group in bar_groups(svg)] == [[], []]
    axis = next(g for g in svg.iter(f"{SVG}g") if g.get("class") == "chart-axis")
    assert texts(axis) == ["0"]


def test_negative_nan_and_infinite_values_count_as_zero():
    bars = [
        Bar("Mongolia", (math.nan, -5)),
        Bar("Pakistan", (math.inf, 10)),
        Bar("Cambodia", (None, 10)),
    ]

    groups = bar_groups(parse(chart(bars, stacked=True)))

    assert [len(filled_rects(group)) for group in groups] == [0, 1, 1]
    assert tooltip(groups[0]) == "Mongolia — Attended: 0; Registered, did not attend: 0"


def test_one_bar():
    svg = parse(chart([Bar("Mongolia", (1, 0))]))

    assert len(bar_groups(svg)) == 1


def test_past_max_bars_the_first_are_shown_and_the_rest_summed():
    bars = countries(200)[::-1]  # most attendees first

    groups = bar_groups(parse(chart(bars, stacked=True, max_bars=30)))

    assert len(groups) == 31
    shown = [texts(group)[0] for group in groups[:30]]
    assert shown == [f"Country {n}" for n in range(199, 169, -1)]
    others = groups[30]
    assert others.get("class") == "chart-bar chart-others"
    assert texts(others)[0] == "170 others"
    assert filled_rects(others) == []
    assert tooltip(others) == (
        f"170 others — Attended: {sum(range(170)):,}; Registered, did not attend: 170"
    )


def test_one_bar_too_many_is_shown_rather_than_summed():
    groups = bar_groups(parse(chart(countries(31), max_bars=30)))

    assert len(groups) == 31
    assert "chart-others" not in groups[-1].get("class")


def test_the_others_row_may_be_named_for_plural_forms():
    def others(count):
        return f"{count} other country" if count == 1 else f"{count} other countries"

    groups = bar_groups(parse(chart(countries(5), max_bars=2, others_label=others)))

    assert texts(groups[-1])[0] == "3 other countries"


def test_each_bar_needs_one_value_per_series():
    with pytest.raises(ValueError, match="3 values for 2 series"):
        chart([Bar("Mongolia", (1, 2, 3))])


def test_the_colours_stand_out_against_white():
    # WCAG 2.1 non-text contrast (1.4.11): 3:1 for the parts of a graphic.
    def luminance(colour):
        red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        linear = [
            c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour in PALETTE:
        assert 1.05 / (luminance(colour) + 0.05) >= 3, colour


# The SVG column chart


def sessions_chart(count, labels=None, **options):
    labels = labels or [f"S{n}" for n in range(1, count + 1)]
    columns = [Bar(label, (10 + n, 2), str(10 + n)) for n, label in enumerate(labels)]
    return parse(
        column_chart(
            columns,
            series=["Present", "Absent"],
            title="Attendees per session",
            description="…",
            stacked=True,
            **options,
        )
    )


@pytest.mark.parametrize("count", [1, 20])
def test_one_column_per_session(count):
    svg = sessions_chart(count)

    groups = bar_groups(svg)
    assert len(groups) == count
    assert [texts(group)[-1] for group in groups] == [f"S{n}" for n in range(1, count + 1)]
    assert svg.get("role") == "img"
    assert all(len(filled_rects(group)) == 2 for group in groups)


def test_long_session_titles_turn_and_stay_whole_in_tooltips():
    title = "Digital transformation of TVET in China: policies, platforms and teachers' skills"

    groups = bar_groups(sessions_chart(8, ["Opening", title, *(f"S{n}" for n in range(3, 9))]))

    label = groups[1].findall(f"{SVG}text")[-1]
    assert label.get("transform", "").startswith("rotate(-45")
    assert label.text.endswith("…")
    assert tooltip(groups[1]).startswith(title)


def test_short_session_titles_wrap_under_their_columns():
    labels = ["Opening remarks", "Greening TVET", "开幕式", *(f"S{n}" for n in range(4, 9))]

    groups = bar_groups(sessions_chart(8, labels))

    assert texts(groups[0])[-2:] == ["Opening", "remarks"]
    assert "开幕式" in texts(groups[2])
    assert not [t for g in groups for t in g.iter(f"{SVG}text") if t.get("transform")]


# The PDF report


def require_debian_fonts() -> None:
    missing = [
        str(script.candidates[0].path)
        for script in (DEFAULT_FONTS.main, *DEFAULT_FONTS.fallbacks)
        if not script.candidates[0].path.is_file()
    ]
    if missing:
        service_unavailable("Debian fonts-noto-core and fonts-noto-cjk", ", ".join(missing))


def country(name: str, registered: int, attended: int, sessions: int = 4) -> CountryRow:
    women = attended // 2
    return CountryRow(
        country=name,
        institutions=registered // 3 + 1,
        institutions_attending=attended // 4,
        registered=registered,
        attended=attended,
        rate=attended / registered,
        per_session=[attended - n for n in range(sessions)],
        minutes=attended * 95,
        women=women,
        men=attended - women - 1,
        other=0,
        undisclosed=1,
        certificates=attended - 2,
    )


def totals(rows: list[CountryRow]) -> CountryRow:
    registered, attended = sum(r.registered for r in rows), sum(r.attended for r in rows)
    return CountryRow(
        country="Total",
        institutions=sum(r.institutions for r in rows),
        institutions_attending=sum(r.institutions_attending for r in rows),
        registered=registered,
        attended=attended,
        rate=attended / registered,
        per_session=[sum(numbers) for numbers in zip(*(r.per_session for r in rows), strict=True)],
        minutes=sum(r.minutes for r in rows),
        women=sum(r.women for r in rows),
        men=sum(r.men for r in rows),
        other=sum(r.other for r in rows),
        undisclosed=sum(r.undisclosed for r in rows),
        certificates=sum(r.certificates for r in rows),
    )


def report(rows: list[CountryRow], sessions: int = 4, **changes) -> CountryReport:
    return CountryReport(
        seminar_title=TITLE,
        dates="18–19 April 2023",
        scope="Whole seminar",
        generated="20 April 2023, 10:00 (Asia/Ulaanbaatar)",
        session_labels=[f"S{n}" for n in range(1, sessions + 1)],
        rows=rows,
        totals=totals(rows),
        labels=DEFAULT_LABELS,
        **changes,
    )


SMALL = report(
    [
        country("Монгол", 200, 134),
        country("Mongolia", 180, 120),
        country("Pakistan", 25, 20),
        country("Cambodia", 12, 7),
    ]
)


def many_countries() -> CountryReport:
    """60 countries and 10 sessions: more than one page holds at a legible size."""
    rng = random.Random(7)
    rows = []
    for n in range(60):
        registered = rng.randint(5, 400)
        rows.append(country(f"Country {n:02}", registered, rng.randint(10, registered), 10))
    return report(rows, sessions=10)


def pdf_of(content: CountryReport) -> bytes:
    require_debian_fonts()
    return render_country_report(content)


@cache
def small_pdf() -> bytes:
    return pdf_of(SMALL)


def pypdf_lines(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text().splitlines()


def test_the_report_is_one_a4_landscape_page():
    reader = pypdf.PdfReader(io.BytesIO(small_pdf()))

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_LANDSCAPE, abs=0.01)


def test_the_report_shows_the_seminar_and_a_row_per_country():
    lines = pypdf_lines(small_pdf())

    text = "\n".join(lines)
    assert TITLE in text
    assert "Scope: Whole seminar" in text
    assert any(line.startswith("Монгол 67 33 200 134 67%") for line in lines)
    assert any(line.startswith("Mongolia 61 30 180 120 67%") for line in lines)
    assert "134 of 200 (67%)" in text  # the chart's note


def test_the_totals_row_has_every_figure():
    total = SMALL.totals
    figures = [
        total.institutions,
        total.institutions_attending,
        total.registered,
        total.attended,
        "67%",
        *total.per_session,
        f"{total.minutes:,}",
        total.women,
        total.men,
        total.other,
        total.undisclosed,
        total.certificates,
    ]

    lines = pypdf_lines(small_pdf())

    assert "Total " + " ".join(map(str, figures)) in lines


def test_60_countries_and_10_sessions_stay_on_one_page():
    content = many_countries()

    lines = pypdf_lines(pdf_of(content))

    # A row of the table: its name, then 21 figures, which the chart's rows do not have.
    rows = [line.split() for line in lines if len(line.split()) >= 22 and " of " not in line]
    shown = [row for row in rows if row[0] == "Country"]
    others = [row for row in rows if row[1:3] == ["other", "countries"]]
    assert len(others) == 1
    assert len(shown) + int(others[0][0]) == 60
    assert len(shown) >= 20
    # The countries shown are those with the most attendees.
    attended = sorted((row.attended for row in content.rows), reverse=True)
    assert sorted((int(row[5]) for row in shown), reverse=True) == attended[: len(shown)]
    assert [row[0] for row in rows[-2:]] == [others[0][0], "Total"]
    assert "S10" in " ".join(lines)
    # The chart: the countries with the most attendees, e.g. "Country 13 308 of 327 (94%)".
    bars = [line.split() for line in lines if line.startswith("Country ") and " of " in line]
    assert [int(bar[2]) for bar in bars] == attended[:CHART_BARS]
    assert any(line.startswith(f"{60 - CHART_BARS} other countries Attended: ") for line in lines)


def test_chinese_country_names_are_drawn():
    content = report(
        [
            country("中国", 40, 30),
            country("中华人民共和国香港特别行政区", 20, 10),
            country("Mongolia", 5, 5),
        ]
    )

    pdf = pdf_of(content)

    page = pypdfium2.PdfDocument(pdf)[0]
    text = page.get_textpage().get_text_range()
    assert "中国" in text
    assert "中华人民共和国香港特别行政区" in text
    fonts = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    names = {font.get_object()["/BaseFont"].split("+", 1)[1] for font in fonts.values()}
    assert "NotoSansCJKSC" in names


def test_a_missing_label_is_an_error():
    labels = {key: value for key, value in DEFAULT_LABELS.items() if key != "minutes"}

    with pytest.raises(ValueError, match="minutes"):
        render_country_report(dataclasses.replace(SMALL, labels=labels))


def test_per_session_figures_must_match_the_sessions():
    with pytest.raises(ValueError, match="3 sessions"):
        render_country_report(dataclasses.replace(SMALL, session_labels=["S1", "S2", "S3"]))
