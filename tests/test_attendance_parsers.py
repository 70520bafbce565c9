"""The attendance-report parser: real exports, synthetic reports for every quirk, and properties.

The real exports are in tests/fixtures/attendance, with their sources in its README (a copy of
the workplace's shared fixtures, so that a clone tests on its own). The figures asserted
for them were counted by reading the decoded files by hand (``iconv -f UTF-16BE`` for Teams).
"""

import codecs
import itertools
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seminar_reg.attendance.parsers import (
    PLATFORM_LABELS,
    ParsedReport,
    ReportFormatError,
    attended_seconds,
    merge_intervals,
    parse_duration,
    parse_report,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "attendance"


def fixture(name: str) -> ParsedReport:
    path = FIXTURES / name
    # Fail, never skip: the fixtures are part of the repository.
    assert path.is_file(), f"missing attendance fixture {path}"
    return parse_report(path.read_bytes())


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def people(report: ParsedReport) -> set[str]:
    return {row.email or row.name for row in report.rows}


def rows_by_line(report: ParsedReport) -> dict:
    return {row.line: row for row in report.rows}


def intervals_of(report: ParsedReport, email: str) -> list[tuple[datetime, datetime]]:
    return [(row.joined_at, row.left_at) for row in report.rows if row.email == email]


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


# The real exports


def test_zoom_meeting_participants_1_summary():
    report = fixture("zoom_meeting_participants_1.csv")

    assert (report.platform, report.platform_label) == (
        "zoom_meeting",
        "Zoom meeting participants report",
    )
    assert (report.encoding, report.delimiter) == ("utf-8", ",")
    assert report.title == "Heroes meeting"
    assert report.meeting_start == at("2021-11-19 10:00:00")
    assert report.meeting_end == at("2021-11-19 12:00:00")
    # "11/19/2021": 19 cannot be a month.
    assert (report.date_order, report.date_order_ambiguous) == ("mdy", False)


def test_zoom_meeting_participants_1_rows():
    report = fixture("zoom_meeting_participants_1.csv")

    # 35 lines (no final newline): summary header, values, ",,,,,,", table header, then lines
    # 5 to 35. People are numbered 001 to 027; 003, 010, 017 and 022 appear twice: 31 - 4 = 27,
    # which is also the summary's "Participants".
    assert len(report.rows) == 31
    assert len(people(report)) == 27
    assert report.problems == []
    first, last = report.rows[0], report.rows[-1]
    assert (first.line, first.name, first.email) == (
        5,
        "015_Loki (Loki Laufeyson)",
        "loki_asgardian@example.com",
    )
    # Loki joined before the scheduled start; Zoom rounds 127 min 44 s up to 128.
    assert (first.joined_at, first.left_at) == (
        at("2021-11-19 09:54:15"),
        at("2021-11-19 12:01:59"),
    )
    assert first.duration_seconds == 128 * 60
    assert (first.role, first.alt_email, first.attended) == ("attendee", "", None)
    # The last line is out of time order in the file.
    assert (last.line, last.name, last.email) == (
        35,
        "026_Redeemer II",
        "redeemer-ii_unknown@example.net",
    )
    assert (last.joined_at, last.left_at) == (at("2021-11-19 10:24:30"), at("2021-11-19 12:01:51"))
    assert last.duration_seconds == 98 * 60


def test_zoom_meeting_participants_1_host_is_the_summary_user_email():
    report = fixture("zoom_meeting_participants_1.csv")

    hosts = [row for row in report.rows if row.role == "host"]

    assert [(row.line, row.name) for row in hosts] == [(11, "011_Green Goblin (Norman Osborn)")]


def test_zoom_meeting_participants_1_overlapping_and_separate_connections():
    report = fixture("zoom_meeting_participants_1.csv")

    # Power Girl: 10:08:26-12:01:58 and 10:11:31-12:01:58 overlap (two devices): 1 h 53 min 32 s.
    power_girl = intervals_of(report, "power-girl_kryptonian@example.org")
    # Dazzler: 11:01:02-11:02:35 (93 s) and 11:02:46-11:29:38 (26 min 52 s), 11 s apart.
    dazzler = intervals_of(report, "dazzler_mutant@example.com")

    assert attended_seconds(power_girl) == 6812
    assert len(merge_intervals(dazzler)) == 2
    assert attended_seconds(dazzler) == 93 + 1612


def test_zoom_meeting_participants_2_unique_users():
    report = fixture("zoom_meeting_participants_2.csv")

    assert report.platform == "zoom_meeting"
    assert (report.encoding, report.delimiter) == ("utf-8", ",")
    assert report.title == "Fall 2020 BSCI:414 Tuesday, Thursday Classroom"
    # "09/05/2020" is the only kind of date in the file: it reads either way.
    assert report.meeting_start == at("2020-09-05 09:03:16")
    assert report.meeting_end == at("2020-09-05 10:13:23")
    assert (report.date_order, report.date_order_ambiguous) == ("mdy", True)
    # Lines 5 to 34. student01..student28 plus two guests without email, "Alfa Bravo" (line 5)
    # and "Echo" (line 14), who is not student02's "Echo": 30 people. The summary says 50.
    assert len(report.rows) == 30
    assert len(people(report)) == 30
    assert report.problems == []
    assert all(row.joined_at is None and row.left_at is None for row in report.rows)
    # The "Total Duration (Minutes)" column adds up to 837.
    assert sum(row.duration_seconds for row in report.rows) == 837 * 60
    assert {row.role for row in report.rows} == {"attendee"}  # host@example.edu is not listed


def test_zoom_meeting_participants_2_guests_without_email():
    rows = rows_by_line(fixture("zoom_meeting_participants_2.csv"))

    assert (rows[5].name, rows[5].email, rows[5].duration_seconds) == ("Alfa Bravo", "", 600)
    assert (rows[7].name, rows[7].email) == ("Echo", "student02@example.com")
    assert (rows[14].name, rows[14].email, rows[14].duration_seconds) == ("Echo", "", 52 * 60)
    assert (rows[34].name, rows[34].email) == ("Bravo3 Charlie3", "student28@example.com")


def test_zoom_meeting_participants_2_date_order_from_the_organiser():
    path = FIXTURES / "zoom_meeting_participants_2.csv"

    report = parse_report(path.read_bytes(), date_order="dmy")

    assert report.meeting_start == at("2020-05-09 09:03:16")
    assert (report.date_order, report.date_order_ambiguous) == ("dmy", False)


def test_zoom_webinar_attendee_1():
    report = fixture("zoom_webinar_attendee_1.csv")

    assert (report.platform, report.platform_label) == (
        "zoom_webinar",
        "Zoom webinar attendee report",
    )
    assert (report.encoding, report.delimiter) == ("utf-8", ",")
    assert report.title == "Freedom With AI Masterclass"
    assert report.meeting_start == at("2025-03-22 19:13")
    assert report.meeting_end is None
    # Host line 7; panelist lines 10-12 (Pavel Panelov twice); attendee lines 15-17.
    assert len(report.rows) == 7
    assert len(people(report)) == 6
    assert report.problems == []
    assert {row.line: row.role for row in report.rows} == {
        7: "host",
        10: "panelist",
        11: "panelist",
        12: "panelist",
        15: "attendee",
        16: "attendee",
        17: "attendee",
    }


def test_zoom_webinar_attendee_1_rows():
    rows = rows_by_line(fixture("zoom_webinar_attendee_1.csv"))

    host = rows[7]
    assert (host.name, host.email, host.attended) == (
        "Hana Hostly",
        "hana.hostly97@example.com",
        True,
    )
    assert (host.joined_at, host.left_at) == (at("2025-03-22 19:13:27"), at("2025-03-22 23:55:19"))
    assert host.duration_seconds == 282 * 60
    # Registered, never came: "--" for the times, duration and guest columns.
    no_show = rows[15]
    assert (no_show.name, no_show.email, no_show.attended) == ("Ajax", "ajax@example.com", False)
    assert (no_show.joined_at, no_show.left_at, no_show.duration_seconds) == (None, None, None)
    came = rows[17]
    assert (came.name, came.email, came.attended) == (
        "sam sample",
        "samsample2789@example.com",
        True,
    )
    assert (came.joined_at, came.left_at) == (at("2025-03-22 19:52:01"), at("2025-03-22 19:52:39"))
    assert came.duration_seconds == 60


def test_zoom_webinar_attendee_1_panelist_rejoin_counts_once():
    report = fixture("zoom_webinar_attendee_1.csv")

    # 19:28:32-23:55:19 contains 20:52:29-23:55:19: 4 h 26 min 47 s, not the sum.
    assert attended_seconds(intervals_of(report, "ppanelov@example.com")) == 16007


def test_teams_attendance_1_summary():
    report = fixture("teams_attendance_1.csv")

    assert (report.platform, report.platform_label) == (
        "teams",
        "Microsoft Teams attendance report",
    )
    assert (report.encoding, report.delimiter) == ("utf-16-be", "\t")
    assert report.title == "Scrum Meeting"
    assert report.meeting_start == at("2022-11-15 09:30:17")
    assert report.meeting_end == at("2022-11-15 09:41:47")
    # "15/11/22": 15 cannot be a month.
    assert (report.date_order, report.date_order_ambiguous) == ("dmy", False)


def test_teams_attendance_1_rows_come_from_in_meeting_activities():
    report = fixture("teams_attendance_1.csv")

    # Section 3 is lines 22-29: 8 people, one connection each, although the summary says 9.
    assert [row.line for row in report.rows] == list(range(22, 30))
    assert len(people(report)) == 8
    assert report.problems == []
    first, last = report.rows[0], report.rows[-1]
    assert (first.name, first.email, first.role) == (
        "TESTER TOM (EXT)",
        "tom.tester.ext@example.org",
        "organizer",
    )
    assert (first.joined_at, first.left_at) == (
        at("2022-11-15 09:30:47"),
        at("2022-11-15 09:41:46"),
    )
    assert first.duration_seconds == 10 * 60 + 59
    assert (last.name, last.email) == ("STUBBS Radu", "radu@example.org")
    assert (last.joined_at, last.left_at) == (at("2022-11-15 09:37:01"), at("2022-11-15 09:41:47"))
    assert last.duration_seconds == 4 * 60 + 46
    assert [row.role for row in report.rows].count("presenter") == 7
    assert "Muñoz Pérez, Ana" in {row.name for row in report.rows}


def test_teams_attendance_1_upn_from_the_participants_section():
    report = fixture("teams_attendance_1.csv")

    alternatives = {row.email: row.alt_email for row in report.rows if row.alt_email}

    assert alternatives == {
        "alex.sample@example.com": "alex.sample@example.net",
        "beafixture@example.com": "bea.fixture@example.net",
    }


def test_teams_attendance_2():
    report = fixture("teams_attendance_2.csv")

    assert report.platform == "teams"
    assert (report.encoding, report.delimiter) == ("utf-16-le", "\t")
    assert report.title == (
        "Get to know your Tech Centers: Aachen, Germany – "
        "Meet the AaTC projects and greet the teams"
    )
    assert report.meeting_start == at("2022-02-18 14:47:02")
    assert report.meeting_end == at("2022-02-18 16:02:16")
    # "2/18/2022": 18 cannot be a month.
    assert (report.date_order, report.date_order_ambiguous) == ("mdy", False)
    # Lines 9-12: Bo Rejoiner twice. The summary says 291 participants; upstream cut the file.
    assert [row.line for row in report.rows] == [9, 10, 11, 12]
    assert len(people(report)) == 3
    assert report.problems == []


def test_teams_attendance_2_rows():
    rows = rows_by_line(fixture("teams_attendance_2.csv"))

    presenter = rows[9]
    assert (presenter.name, presenter.email, presenter.alt_email, presenter.role) == (
        "Pat Presenter",
        "ppat@example.com",
        "",
        "presenter",
    )
    assert (presenter.joined_at, presenter.left_at) == (
        at("2022-02-18 14:47:02"),
        at("2022-02-18 15:02:16"),
    )
    # The stated "1h 15m" is kept although the times span 15 min 14 s.
    assert presenter.duration_seconds == 75 * 60
    assert (rows[10].role, rows[10].duration_seconds) == ("attendee", 14)


def test_teams_attendance_2_rejoin_leaves_a_gap():
    report = fixture("teams_attendance_2.csv")

    # 14:47:20-14:48:09 (49 s) and 15:13:16-16:02:16 (49 min).
    assert attended_seconds(intervals_of(report, "rbo@example.com")) == 49 + 49 * 60


# Zoom variants

ZOOM_HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"


def zoom(*lines: str) -> bytes:
    return utf8(ZOOM_HEADER + "\n".join(lines))


def test_names_in_any_script_survive():
    report = parse_report(
        zoom(
            "Батбаяр Должин,batbayar@example.mn,03/14/2024 9:00 AM,03/14/2024 10:00 AM,60,No",
            "王芳,wang.fang@example.cn,03/14/2024 9:01 AM,03/14/2024 10:00 AM,59,No",
            "عائشہ خان,,03/14/2024 9:02 AM,03/14/2024 10:00 AM,58,Yes",
        )
    )

    assert [row.name for row in report.rows] == ["Батбаяр Должин", "王芳", "عائشہ خان"]
    assert report.rows[2].email == ""


def test_names_are_nfc_and_trimmed_and_emails_lower_case():
    report = parse_report(
        zoom(
            "  Jose\u0301 Nun\u0303ez , Jose@Example.COM ,03/14/2024 9:00 AM,03/14/2024 9:30 AM,30,"
        )
    )

    assert (report.rows[0].name, report.rows[0].email) == ("José Nuñez", "jose@example.com")


def test_utf8_bom_and_crlf():
    data = codecs.BOM_UTF8 + zoom(
        "Ana,ana@example.org,03/14/2024 09:00:00 AM,03/14/2024 09:45:00 AM,45,No",
        "Bo,bo@example.org,03/14/2024 09:05:00 AM,03/14/2024 09:45:00 AM,40,No",
    ).replace(b"\n", b"\r\n")

    report = parse_report(data)

    assert report.encoding == "utf-8-sig"
    assert [(row.line, row.name, row.left_at) for row in report.rows] == [
        (2, "Ana", at("2024-03-14 09:45")),
        (3, "Bo", at("2024-03-14 09:45")),
    ]


def test_cp1252_when_the_file_is_not_utf8():
    data = (ZOOM_HEADER + "René Lévesque,rene@example.ca,03/14/2024 9:00 AM,,,No\n").encode(
        "cp1252"
    )

    report = parse_report(data)

    assert report.encoding == "cp1252"
    assert report.rows[0].name == "René Lévesque"


def test_tab_separated_zoom():
    data = zoom("Ana,ana@example.org,03/14/2024 09:00:00 AM,03/14/2024 09:45:00 AM,45,No")

    report = parse_report(data.replace(b",", b"\t"))

    assert (report.platform, report.delimiter) == ("zoom_meeting", "\t")
    assert report.rows[0].duration_seconds == 45 * 60


def test_japanese_zoom_headers():
    data = codecs.BOM_UTF8 + utf8(
        "名前 (元の名前),ユーザーメール,参加時刻,退出時刻,所要時間（分）,ゲスト\r\n"
        "山田 太郎,taro.yamada@exa…,2020/12/8 8:35,2020/12/8 9:40,65,いいえ\r\n"
    )

    report = parse_report(data)

    row = report.rows[0]
    assert report.platform == "zoom_meeting"
    assert (row.name, row.email) == ("山田 太郎", "taro.yamada@exa…")
    assert (row.joined_at, row.left_at, row.duration_seconds) == (
        at("2020-12-08 08:35"),
        at("2020-12-08 09:40"),
        65 * 60,
    )


def test_extra_columns_and_trailing_empty_columns_are_ignored():
    data = utf8(
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,"
        "In Waiting Room,Which country are you in?,Your institution,,,\n"
        'Ana,ana@example.org,03/14/2024 09:00 AM,03/14/2024 09:30 AM,30,No,No,"Chile, Santiago",'
        "UCh,,,\n"
    )

    row = parse_report(data).rows[0]

    assert (row.name, row.email, row.duration_seconds) == ("Ana", "ana@example.org", 30 * 60)


def test_participants_table_without_summary_has_no_title():
    report = parse_report(zoom("Ana,ana@example.org,03/14/2024 9:00 AM,03/14/2024 9:30 AM,30,No"))

    assert (report.title, report.meeting_start, report.meeting_end) == (None, None, None)
    assert report.rows[0].role == "attendee"


def test_unreadable_time_is_a_problem_and_the_other_rows_are_kept():
    report = parse_report(
        zoom(
            "Ana,ana@example.org,03/14/2024 09:00 AM,03/14/2024 09:30 AM,30,No",
            "Bo,bo@example.org,yesterday morning,03/14/2024 09:30 AM,30,No",
            "Cy,cy@example.org,03/14/2024 09:10 AM,03/14/2024 09:30 AM,20,No",
        )
    )

    assert [row.name for row in report.rows] == ["Ana", "Cy"]
    assert len(report.problems) == 1
    problem = report.problems[0]
    assert problem.line == 3
    assert problem.reason == "the join time 'yesterday morning' is not a date and time we can read"
    assert problem.text == "Bo,bo@example.org,yesterday morning,03/14/2024 09:30 AM,30,No"


def test_impossible_date_is_a_problem():
    report = parse_report(
        zoom("Ana,ana@example.org,31/02/2023 10:00,31/02/2023 11:00,60,No"), date_order="dmy"
    )

    assert report.rows == []
    assert report.problems[0].reason == (
        "the join time '31/02/2023 10:00' is not a date and time we can read"
    )


def test_leave_before_join_is_a_problem():
    report = parse_report(zoom("Ana,ana@example.org,03/14/2024 10:00 AM,03/14/2024 9:00 AM,0,No"))

    assert report.rows == []
    assert report.problems[0].reason == (
        "the leave time '03/14/2024 9:00 AM' is before the join time '03/14/2024 10:00 AM'"
    )


def test_unreadable_duration_and_missing_identity_are_problems():
    report = parse_report(
        zoom(
            "Ana,ana@example.org,03/14/2024 9:00 AM,03/14/2024 9:30 AM,half an hour,No",
            ",,03/14/2024 9:00 AM,03/14/2024 9:30 AM,30,No",
        )
    )

    assert [problem.reason for problem in report.problems] == [
        "the duration 'half an hour' is not a length of time we can read",
        "the line has neither a name nor an email address",
    ]


def test_long_problem_lines_are_shortened():
    report = parse_report(zoom("Ana" + "x" * 300 + ",ana@example.org,soon,,,No"))

    assert len(report.problems[0].text) == 200
    assert report.problems[0].text.endswith("…")


def test_day_above_twelve_decides_day_first():
    report = parse_report(
        zoom(
            "Ana,ana@example.org,03/04/2024 09:00,03/04/2024 09:30,30,No",
            "Bo,bo@example.org,13/04/2024 09:00,13/04/2024 09:30,30,No",
        )
    )

    assert (report.date_order, report.date_order_ambiguous) == ("dmy", False)
    assert report.rows[0].joined_at == at("2024-04-03 09:00")


def test_date_order_must_be_dmy_or_mdy():
    with pytest.raises(ValueError, match="date_order"):
        parse_report(zoom(), date_order="ymd")


# Zoom webinar sections

WEBINAR = """\
Attendee Report,,,,,
Report Generated:,"Apr 2, 2024 6:26 PM",,,,
Topic,Webinar ID,Actual Start Time,Actual Duration (minutes),,
Climate Finance 101,812 0000 0000,"Apr 2, 2024 2:00 PM",90,,
Host Details,,,,,
Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes)
Yes,Hōst,host@example.org,"Apr 2, 2024 13:55:00","Apr 2, 2024 15:31:00",96
Panelist Details,,,,,
Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes)
Yes,Pánel,panel@example.org,"Apr 2, 2024 14:00:00","Apr 2, 2024 15:30:00",90
Other Attended,,,,,
Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes)
Yes,Walk In,walkin@example.org,"Apr 2, 2024 14:10:00","Apr 2, 2024 15:00:00",50
"""


def test_webinar_section_titles_give_roles_and_unknown_sections_are_attendees():
    report = parse_report(utf8(WEBINAR))

    assert [(row.name, row.role, row.attended) for row in report.rows] == [
        ("Hōst", "host", True),
        ("Pánel", "panelist", True),
        ("Walk In", "attendee", True),
    ]
    assert report.title == "Climate Finance 101"
    assert report.meeting_start == at("2024-04-02 14:00")


# Teams variants

TEAMS_2022 = """\
Meeting Summary
Total Number of Participants\t2
Meeting Title\tWeekly sync
Meeting Start Time\t3/1/2024, 9:00:00 AM
Meeting End Time\t3/1/2024, 10:00:00 AM

Full Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\tParticipant ID (UPN)
Ayesha Siddiqui\t3/1/2024, 9:00 AM\t3/1/2024, 9:40 AM\t40m\tayesha@ex.pk\tOrganizer\tayesha@ms.pk
Lars Co\t3/1/2024, 9:05 AM\t3/1/2024, 10:00 AM\t55m\tlars@example.se\tCo-organizer\tlars@example.se
"""


def test_utf16_le_with_bom():
    report = parse_report(codecs.BOM_UTF16_LE + TEAMS_2022.encode("utf-16-le"))

    assert (report.platform, report.encoding, report.delimiter) == ("teams", "utf-16-le", "\t")
    assert report.title == "Weekly sync"
    # "3/1/2024" reads both ways; the 12-hour clock says US English, so month first.
    assert (report.date_order, report.date_order_ambiguous) == ("mdy", True)
    assert report.meeting_start == at("2024-03-01 09:00")
    assert [(row.role, row.alt_email) for row in report.rows] == [
        ("organizer", "ayesha@ms.pk"),
        ("co-organizer", ""),
    ]


def test_utf16_without_bom_is_recognised_by_its_nul_bytes():
    report = parse_report(TEAMS_2022.encode("utf-16-le"))

    assert report.encoding == "utf-16-le"
    assert len(report.rows) == 2


def test_teams_rejoins_in_in_meeting_activities_are_separate_rows():
    data = (
        "1. Summary\nMeeting title\tLab\nStart time\t1/3/24, 14:00:00\n\n"
        "2. Participants\n"
        "Name\tFirst join\tLast leave\tIn-meeting duration\tEmail\tParticipant ID (UPN)\tRole\n"
        "Batbayar\t1/3/24, 14:00\t1/3/24, 15:00\t50m\tbat@example.mn\tbat@example.net\tAttendee\n"
        "\n3. In-Meeting activities\n"
        "Name\tJoin time\tLeave time\tDuration\tEmail\tRole\n"
        "Batbayar\t1/3/24, 14:00:00\t1/3/24, 14:20:00\t20m\tbat@example.mn\tAttendee\n"
        "Batbayar\t1/3/24, 14:30:00\t1/3/24, 15:00:00\t30m\tbat@example.mn\tAttendee\n"
    )

    report = parse_report(utf8(data))

    # 24-hour clock and nothing above 12: day first, and the organiser is asked.
    assert (report.date_order, report.date_order_ambiguous) == ("dmy", True)
    assert [(row.joined_at, row.left_at, row.alt_email) for row in report.rows] == [
        (at("2024-03-01 14:00"), at("2024-03-01 14:20"), "bat@example.net"),
        (at("2024-03-01 14:30"), at("2024-03-01 15:00"), "bat@example.net"),
    ]


TEAMS_LEGACY = """\
Full Name\tUser Action\tTimestamp
Anna Lehrerin\tJoined\t11/12/2020, 12:27:24
Ben Schüler\tJoined before\t11/12/2020, 12:27:24
Ben Schüler\tLeft\t11/12/2020, 12:50:02
Carla Gast\tLeft\t11/12/2020, 12:31:00
Ben Schüler\tJoined\t11/12/2020, 12:55:10
Anna Lehrerin\tLeft\t11/12/2020, 13:30:00
"""


def test_unreadable_meeting_start_is_a_problem():
    data = TEAMS_2022.replace("Meeting Start Time\t3/1/2024, 9:00:00 AM", "Meeting Start Time\tTBC")

    report = parse_report(utf8(data))

    assert report.meeting_start is None
    assert [(problem.line, problem.reason) for problem in report.problems] == [
        (4, "the meeting start time 'TBC' is not a date and time we can read")
    ]
    assert len(report.rows) == 2


def test_teams_legacy_event_log_pairs_joins_and_leaves():
    report = parse_report(codecs.BOM_UTF16_LE + TEAMS_LEGACY.encode("utf-16-le"))

    assert report.platform == "teams"
    assert (report.date_order, report.date_order_ambiguous) == ("dmy", True)
    assert [(row.line, row.name, row.joined_at, row.left_at) for row in report.rows] == [
        (2, "Anna Lehrerin", at("2020-12-11 12:27:24"), at("2020-12-11 13:30:00")),
        (3, "Ben Schüler", at("2020-12-11 12:27:24"), at("2020-12-11 12:50:02")),
        (5, "Carla Gast", None, at("2020-12-11 12:31:00")),  # left with no join before
        (6, "Ben Schüler", at("2020-12-11 12:55:10"), None),  # never left
    ]
    assert {(row.email, row.duration_seconds, row.role) for row in report.rows} == {
        ("", None, "attendee")
    }


def test_teams_legacy_comma_separated_with_12_hour_clock():
    data = codecs.BOM_UTF8 + utf8(
        'Full Name,User Action,Timestamp\n"Ana","Joined","11/4/2020, 9:50:12 AM"\n'
        '"Ana","Left","11/4/2020, 10:20:00 AM"\n"Bo","Waved","11/4/2020, 10:21:00 AM"\n'
    )

    report = parse_report(data)

    assert report.delimiter == ","
    assert [(row.joined_at, row.left_at) for row in report.rows] == [
        (at("2020-11-04 09:50:12"), at("2020-11-04 10:20:00"))
    ]
    assert [(problem.line, problem.reason) for problem in report.problems] == [
        (4, "the action 'Waved' is neither 'Joined' nor 'Left'")
    ]


# Google Meet and Webex


def test_google_meet_2020_times_of_day_only():
    data = utf8(
        "Name,Email,Duration,Time Joined,Time Exited\n"
        "Ana Gómez,ana@example.org,1 hr 2 min,10:03 AM,11:05 AM\n"
        "Bo,bo@example.org,35 min,10:10 AM,10:45 AM\n"
        "Cy,,45 sec,10:20 AM,10:20 AM\n"
    )

    report = parse_report(data)

    assert (report.platform, report.has_dates) == ("google_meet", False)
    assert [(row.name, row.duration_seconds) for row in report.rows] == [
        ("Ana Gómez", 3720),
        ("Bo", 2100),
        ("Cy", 45),
    ]
    assert report.rows[0].joined_at == at("1900-01-01 10:03")


def test_google_meet_leave_after_midnight_is_on_the_next_day():
    data = utf8(
        "First name,Last name,Email,Duration,Time joined,Time exited\n"
        "Wang,Fang,wang@example.cn,20 min,11:50 PM,12:10 AM\n"
    )

    row = parse_report(data).rows[0]

    assert row.name == "Wang Fang"
    assert (row.joined_at, row.left_at) == (at("1900-01-01 23:50"), at("1900-01-02 00:10"))


def test_webex_meeting_details_repeat_on_every_line():
    data = utf8(
        "Meeting Name,Meeting Start Time,Meeting End Time,Name,Attendee Email,Join Time,"
        "Leave Time,Attendance Duration,Connection Type\n"
        "Soil health,11/09/2023 10:00 AM,11/09/2023 11:00 AM,Dolgor,dolgor@example.mn,"
        "11/09/2023 10:02 AM,11/09/2023 10:05 AM,3 mins,Desktop app\n"
        "Soil health,11/09/2023 10:00 AM,11/09/2023 11:00 AM,Eve,eve@example.org,"
        "11/09/2023 10:04 AM,11/09/2023 10:59 AM,55 mins,Mobile app\n"
    )

    report = parse_report(data)

    assert (report.platform, report.title) == ("webex", "Soil health")
    assert (report.meeting_start, report.meeting_end) == (
        at("2023-11-09 10:00"),
        at("2023-11-09 11:00"),
    )
    assert (report.date_order, report.date_order_ambiguous) == ("mdy", True)
    assert [(row.name, row.duration_seconds) for row in report.rows] == [
        ("Dolgor", 180),
        ("Eve", 3300),
    ]


def test_webex_iso_dates_are_not_ambiguous():
    data = utf8(
        "Meeting Name,Name,Attendee Email,Join Time,Leave Time,Attendance Duration\n"
        "Soil health,Dolgor,dolgor@example.mn,2023-11-09 10:02:00,2023-11-09 10:05:00,3 mins\n"
    )

    report = parse_report(data)

    assert report.date_order_ambiguous is False
    assert report.rows[0].joined_at == at("2023-11-09 10:02")


# Files that are not reports


def test_unknown_format_lists_the_formats_understood():
    with pytest.raises(ReportFormatError) as caught:
        parse_report(utf8("Student,Mark\nAna,17\n"))

    for label in PLATFORM_LABELS.values():
        assert label in caught.value.message


@pytest.mark.parametrize("data", [b"", b"\n\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE + b" \x00"])
def test_empty_file(data):
    with pytest.raises(ReportFormatError, match="empty"):
        parse_report(data)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml", "Excel workbook (.xlsx)"),
        (b"%PDF-1.7\n", "PDF document"),
    ],
)
def test_binary_file_by_signature(data, kind):
    with pytest.raises(ReportFormatError, match=re.escape(kind)):
        parse_report(data)


def test_binary_file_by_nul_bytes():
    with pytest.raises(ReportFormatError, match="not a text file"):
        parse_report(b"Name,Email\n\x00\x01\x02\x03 binary")


@pytest.mark.parametrize(
    "data",
    [
        utf8(ZOOM_HEADER),
        codecs.BOM_UTF16_LE + TEAMS_2022.split("Ayesha")[0].encode("utf-16-le"),
        utf8("Name,Email,Duration,Time Joined,Time Exited"),
    ],
)
def test_header_without_participants_has_no_rows(data):
    report = parse_report(data)

    assert (report.rows, report.problems) == ([], [])


# Durations


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("128", 128 * 60),
        ("10m 48s", 648),
        ("1h 15m", 4500),
        ("1 hr 2 min", 3720),
        ("35 min", 2100),
        ("45 sec", 45),
        ("3 mins", 180),
        ("11m 31s", 691),
        ("1h 2m 3s", 3723),
        ("00:45:10", 2710),
        ("2 hours, 5 minutes", 7500),
        ("--", None),
        ("", None),
    ],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["soon", "1h 1h", "10 parsecs", "1.5", "-3 min", "12:75:00", "m"])
def test_parse_duration_refuses_garbage(text):
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


# Intervals

NINE = at("2024-03-14 09:00")


def minutes(start: int, end: int) -> tuple[datetime, datetime]:
    return NINE + timedelta(minutes=start), NINE + timedelta(minutes=end)


def test_overlapping_rejoins_count_once():
    intervals = [minutes(0, 30), minutes(20, 50), minutes(60, 70)]

    assert merge_intervals(intervals) == [minutes(0, 50), minutes(60, 70)]
    assert attended_seconds(intervals) == 60 * 60  # not the 70 minutes of the sum


def test_touching_intervals_join_and_reversed_or_empty_ones_are_ignored():
    intervals = [minutes(10, 20), minutes(0, 10), minutes(40, 30), minutes(50, 50)]

    assert merge_intervals(intervals) == [minutes(0, 20)]
    assert attended_seconds([]) == 0


interval_lists = st.lists(
    st.tuples(st.integers(0, 300), st.integers(-30, 120)).map(
        lambda pair: minutes(pair[0], pair[0] + pair[1])
    ),
    max_size=12,
)


def covers(intervals, minute: int) -> bool:
    moment = NINE + timedelta(minutes=minute)
    return any(start <= moment < end for start, end in intervals)


@settings(max_examples=200)
@given(interval_lists)
def test_merge_intervals_is_the_sorted_separate_union(intervals):
    merged = merge_intervals(intervals)

    assert all(start < end for start, end in merged)
    assert all(earlier[1] < later[0] for earlier, later in itertools.pairwise(merged))
    assert all(covers(merged, m) == covers(intervals, m) for m in range(-31, 422))
    assert merge_intervals(merged) == merged


@settings(max_examples=200)
@given(interval_lists)
def test_attended_seconds_lies_between_the_longest_and_the_sum(intervals):
    lengths = [(end - start).total_seconds() for start, end in intervals if end > start]

    assert max(lengths, default=0) <= attended_seconds(intervals) <= sum(lengths)


@settings(max_examples=200)
@given(st.integers(0, 99), st.integers(0, 59), st.integers(0, 59), st.booleans())
def test_parse_duration_reads_what_reports_write(hours, mins, secs, spaced):
    separator = " " if spaced else ""
    parts = [f"{hours}h", f"{mins}m", f"{secs}s"]

    assert parse_duration(separator.join(parts)) == hours * 3600 + mins * 60 + secs
    assert parse_duration(f"{mins} min") == mins * 60
    assert parse_duration(f"{hours} hr {mins} min") == hours * 3600 + mins * 60


# Robustness


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_are_a_report_or_a_format_error(data):
    try:
        report = parse_report(data)
    except ReportFormatError:
        return
    assert report.platform in PLATFORM_LABELS


KNOWN_HEADERS = [
    ZOOM_HEADER,
    "Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes)\n",
    "Full Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\tParticipant ID (UPN)\n",
    "Full Name\tUser Action\tTimestamp\n",
    "Name,Email,Duration,Time Joined,Time Exited\n",
    "Name,Attendee Email,Join Time,Leave Time,Attendance Duration\n",
]
report_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(KNOWN_HEADERS), report_text)
def test_arbitrary_lines_under_a_known_header_never_raise(header, body):
    report = parse_report(utf8(header + body))

    assert report.platform in PLATFORM_LABELS
