"""The reports as tables for CSV and XLSX files: the same rows as the pages, in the same order.

A table's rows may be a generator (the attendance list streams from the database), so a table is
written once. Every cell goes through ``seminar_reg.spreadsheets``, which keeps text a participant
typed from ever being evaluated as a formula.
"""

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from seminar_reg.countries import country_name
from seminar_reg.extensions import db, utcnow
from seminar_reg.i18n import date_range, format_in_zone, locale_name, zone_label
from seminar_reg.registration.labels import GENDER_LABELS, ROLE_LABELS
from seminar_reg.registration.models import Gender, RegistrationStatus, RoleCategory
from seminar_reg.reports import services
from seminar_reg.reports.pdf import CountryReport, CountryRow, render_country_report
from seminar_reg.reports.services import Grouped, Row, Scope, SessionRow
from seminar_reg.spreadsheets import Sheet, xlsx_bytes

#: how the gender of people who attended is counted in the reports
GENDER_COLUMNS = {
    Gender.FEMALE: _l("Women"),
    Gender.MALE: _l("Men"),
    Gender.OTHER: _l("Other"),
    Gender.UNDISCLOSED: _l("Undisclosed"),
}
STATUS_LABELS = {
    RegistrationStatus.CONFIRMED: _l("Confirmed"),
    RegistrationStatus.WAITLISTED: _l("Waiting list"),
}
#: rows of the attendance list fetched from the database at a time
STREAM_BATCH = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    #: the worksheet's title; also part of the file name
    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]


def country_label(code: str | None) -> str:
    return country_name(code, locale_name())


def session_heading(position: int) -> str:
    return _("Session %(number)d", number=position)


def percent(part: int, whole: int) -> float:
    """``part`` of ``whole`` in per cent, to one decimal, as the pages show it."""
    return round(100 * part / whole, 1) if whole else 0.0


def _measure_header(scope: Scope, *, institutions: bool = True) -> list[str]:
    header = [_("Institutions registered"), _("Institutions attending")] if institutions else []
    header += [_("Registered"), _("Attended"), _("Attendance rate (%)")]
    header += [session_heading(session.position) for session in scope.sessions]
    header += [_("Minutes attended"), *(str(label) for label in GENDER_COLUMNS.values())]
    header.append(_("Eligible for a certificate"))
    return header


def _measures(row: Row, *, institutions: bool = True) -> list[object]:
    cells: list[object] = [row.institutions, row.institutions_attending] if institutions else []
    cells += [row.registered, row.attended, percent(row.attended, row.registered)]
    cells += row.per_session
    cells += [row.minutes, row.women, row.men, row.other, row.undisclosed, row.eligible]
    return cells


def countries_table(scope: Scope, report: Grouped) -> Table:
    header = [_("Country code"), _("Country"), *_measure_header(scope)]
    rows = [[row.key, row.label, *_measures(row)] for row in report.rows]
    rows.append(["", _("Total"), *_measures(report.total)])
    return Table(_("Countries"), header, rows)


def _measures_json(row: Row, scope: Scope) -> dict:
    return {
        "institutions": row.institutions,
        "institutions_attending": row.institutions_attending,
        "registered": row.registered,
        "attended": row.attended,
        "attendance_rate": percent(row.attended, row.registered),
        "attended_per_session": dict(
            zip((str(s.position) for s in scope.sessions), row.per_session, strict=True)
        ),
        "minutes": row.minutes,
        "women": row.women,
        "men": row.men,
        "other": row.other,
        "undisclosed": row.undisclosed,
        "eligible": row.eligible,
    }


def countries_json(scope: Scope, report: Grouped) -> str:
    """The per-country report for scripts: stable English keys, names in the locale."""
    seminar = scope.seminar
    document = {
        "seminar": {"slug": seminar.slug, "title": seminar.title},
        "sessions": [
            {"number": s.position, "title": s.title, "starts_at": s.starts_at.isoformat()}
            for s in scope.sessions
        ],
        "countries": [
            {"code": row.key, "name": row.label, **_measures_json(row, scope)}
            for row in report.rows
        ],
        "total": _measures_json(report.total, scope),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def xlsx_file(table: Table) -> bytes:
    return xlsx_bytes([Sheet(table.name, table.header, table.rows)])


def _pdf_labels() -> dict[str, str]:
    return {
        "heading": _("Registration and attendance by country"),
        "scope": _("Scope"),
        "generated": _("Generated"),
        "country": _("Country"),
        "institutions": _("Institutions"),
        "institutions_attending": _("Institutions attending"),
        "registered": _("Registered"),
        "attended": _("Attended"),
        "absent": _("Registered, did not attend"),
        "rate": _("Attendance rate"),
        "per_session": _("Attendees per session"),
        "minutes": _("Minutes attended"),
        "gender": _("Attendees by gender"),
        "women": _("Women"),
        "men": _("Men"),
        "other": _("Other"),
        "undisclosed": _("Undisclosed"),
        "certificates": _("Eligible for a certificate"),
        # The PDF fills in these names in braces: keep them as they are.
        "chart_note": _("{attended} of {registered} ({rate})"),
        "other_countries": _("{count} other countries"),
        "sessions_not_shown": _(
            "{count} more sessions are not shown here; the web report has them."
        ),
        "footnote": _(
            "Registered: confirmed registrations. Attended: present at one session or more."
            " Attendance rate: attended ÷ registered. Minutes and gender: of those who attended."
            " Eligible: attendees who qualify for a certificate."
        ),
    }


def _pdf_row(row: Row, name: str) -> CountryRow:
    return CountryRow(
        country=name,
        institutions=row.institutions,
        institutions_attending=row.institutions_attending,
        registered=row.registered,
        attended=row.attended,
        rate=row.rate,
        per_session=row.per_session,
        minutes=row.minutes,
        women=row.women,
        men=row.men,
        other=row.other,
        undisclosed=row.undisclosed,
        certificates=row.eligible,
    )


def countries_pdf(scope: Scope, report: Grouped) -> bytes:
    """The per-country report on one A4 page, with its chart, in the current language."""
    seminar = scope.seminar
    zone = seminar.zone
    now = utcnow()
    dates = date_range(seminar.starts_at, seminar.ends_at, zone) if seminar.sessions else ""
    document = CountryReport(
        seminar_title=seminar.title,
        dates=dates,
        scope=scope.description or _("Whole seminar"),
        generated=f"{format_in_zone(now, zone, 'd MMM y, HH:mm')} {zone_label(now, zone)}",
        session_labels=[_("S%(number)d", number=s.position) for s in scope.sessions],
        rows=[_pdf_row(row, row.label) for row in report.rows],
        totals=_pdf_row(report.total, _("Total")),
        labels=_pdf_labels(),
        language=locale_name(),
    )
    return render_country_report(document)


def institutions_table(scope: Scope, report: Grouped) -> Table:
    header = [_("Institution"), _("Country code"), _("Country")]
    header += _measure_header(scope, institutions=False)
    rows = [
        [row.label, row.country, country_label(row.country), *_measures(row, institutions=False)]
        for row in report.rows
    ]
    rows.append([_("Total"), "", "", *_measures(report.total, institutions=False)])
    return Table(_("Institutions"), header, rows)


def role_label(role: str) -> str:
    return str(ROLE_LABELS[RoleCategory(role)])


def status_label(status: str) -> str:
    return str(STATUS_LABELS[RegistrationStatus(status)])


def gender_label(gender: Gender) -> str:
    return str(GENDER_COLUMNS[gender])


def groups_table(scope: Scope, report: Grouped) -> Table:
    header = [_("Role"), _("Gender"), *_measure_header(scope)]
    rows = []
    for row in report.rows:
        role, gender = row.key.split(":")
        rows.append([role_label(RoleCategory(role)), gender_label(Gender(gender)), *_measures(row)])
    rows.append([_("Total"), "", *_measures(report.total)])
    return Table(_("Roles and gender"), header, rows)


def sessions_table(scope: Scope, report: list[SessionRow]) -> Table:
    """Per session a line for all countries, then one per country."""
    zone = scope.seminar.zone
    header = [
        _("Session"),
        _("Title"),
        _("Starts"),
        _("Country code"),
        _("Country"),
        _("Registered"),
        _("Attended"),
        _("Attendance rate (%)"),
        _("Average minutes"),
        _("Longest minutes"),
    ]
    rows: list[list[object]] = []
    for line in report:
        session = line.session
        starts = session.starts_at.astimezone(zone)
        first = [session.position, session.title, starts]
        rows.append(
            [
                *first,
                "",
                _("All countries"),
                line.registered,
                line.attended,
                percent(line.attended, line.registered),
                round(line.average_minutes, 1) if line.longest_minutes else None,
                line.longest_minutes or None,
            ]
        )
        for code, (registered, attended) in line.by_country.items():
            rows.append(
                [
                    *first,
                    code,
                    country_label(code),
                    registered,
                    attended,
                    percent(attended, registered),
                    None,
                    None,
                ]
            )
    return Table(_("Sessions"), header, rows)


def attendance_header(scope: Scope) -> list[str]:
    return [
        _("Given name"),
        _("Family name"),
        _("Email"),
        _("Institution"),
        _("Country code"),
        _("Country"),
        _("Position"),
        _("Role"),
        _("Gender"),
        _("Status"),
        _("Sessions registered"),
        _("Sessions attended"),
        _("Minutes attended"),
        *(session_heading(session.position) for session in scope.sessions),
        _("Eligible for a certificate"),
        _("Certificate code"),
    ]


class AttendanceLines:
    """Lines of the attendance list from rows of ``services.attendance_list``.

    The labels are translated once, not once per row: a list of 100,000 rows would otherwise
    spend most of its time looking up the same few words.
    """

    def __init__(self, scope: Scope) -> None:
        self.sessions = len(scope.sessions)
        self.roles = {role.value: str(label) for role, label in ROLE_LABELS.items()}
        self.genders = {gender.value: str(label) for gender, label in GENDER_LABELS.items()}
        self.statuses = {status.value: str(label) for status, label in STATUS_LABELS.items()}
        self.countries: dict[str, str] = {}

    def country(self, code: str) -> str:
        name = self.countries.get(code)
        if name is None:
            name = self.countries[code] = country_label(code)
        return name

    def __call__(self, row) -> list[object]:
        (
            _id,
            given_name,
            family_name,
            email,
            institution,
            acronym,
            country,
            position,
            role,
            gender,
            status,
            sessions_registered,
            sessions,
            minutes,
            eligible,
            certificate,
            *bits,
        ) = row
        if institution and acronym:
            institution = f"{institution} ({acronym})"
        return [
            given_name,
            family_name,
            email,
            institution or "",
            country,
            self.country(country),
            position,
            self.roles[role],
            self.genders[gender] if gender else "",
            self.statuses[status],
            sessions_registered,
            sessions,
            int(minutes or 0),
            *services.attended_sessions(bits, self.sessions),
            bool(eligible),
            certificate or "",
        ]


def attendance_rows(scope: Scope, country: str | None = None) -> Iterator[list[object]]:
    """The attendance list, fetched in batches: memory stays flat however long it is."""
    query = services.attendance_list(scope, country).execution_options(yield_per=STREAM_BATCH)
    line = AttendanceLines(scope)
    for row in db.session.execute(query):
        yield line(row)


def attendance_table(scope: Scope, country: str | None = None) -> Table:
    return Table(_("Attendance"), attendance_header(scope), attendance_rows(scope, country))
