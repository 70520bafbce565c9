"""Report pages and their exports: for a seminar's organisers, and for each partner through its
private link, restricted to the partner's scope.

The same view functions serve both: ``Viewer`` says whose reports they are and builds the links,
so a partner's page can only ever link to, and show, its own scope.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

import click
import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import selectinload

from seminar_reg.accounts.access import sign_in_required
from seminar_reg.countries import is_country
from seminar_reg.extensions import db, limiter
from seminar_reg.partners.models import Partner
from seminar_reg.partners.notifications import partner_scope
from seminar_reg.partners.services import partner_for_report_token
from seminar_reg.registration.models import Gender
from seminar_reg.reports import charts, exports, services
from seminar_reg.reports.models import ExportRecord
from seminar_reg.reports.services import Scope
from seminar_reg.seminars.access import managed_seminar_or_abort
from seminar_reg.seminars.models import Seminar
from seminar_reg.spreadsheets import csv_rows

bp = Blueprint(
    "reports", __name__, url_prefix="/manage/seminars/<slug>/reports", cli_group="report"
)
sign_in_required(bp)
partner_bp = Blueprint("partner_reports", __name__, url_prefix="/p/<token>")
# A wrong token costs the guesser a lookup; a limit keeps them from making millions.
limiter.limit("120/minute")(partner_bp)

ATTENDANCE_PAGE_SIZE = 50


@dataclass(frozen=True)
class Viewer:
    """Whose reports a page shows, and how its links are made."""

    scope: Scope
    blueprint: str
    url_values: dict
    partner: Partner | None = None

    @property
    def seminar(self) -> Seminar:
        return self.scope.seminar

    def url(self, name: str, **values) -> str:
        return url_for(f"{self.blueprint}.{name}", **self.url_values, **values)


def _organiser(slug: str) -> Viewer:
    seminar = managed_seminar_or_abort(slug)
    return Viewer(Scope(seminar), "reports", {"slug": seminar.slug})


def _partner(token: str) -> Viewer:
    partner = partner_for_report_token(token)
    if partner is None:
        abort(404)
    return Viewer(partner_scope(partner), "partner_reports", {"token": token}, partner)


def report_page(rule: str):
    """Register the view on the organisers' blueprint and on the partners' one."""

    def register(view: Callable) -> Callable:
        @wraps(view)
        def for_organiser(slug: str, **values):
            return view(_organiser(slug), **values)

        @wraps(view)
        def for_partner(token: str, **values):
            response = view(_partner(token), **values)
            return _private(response)

        bp.add_url_rule(rule, view_func=for_organiser)
        partner_bp.add_url_rule(rule, view_func=for_partner)
        return view

    return register


def _private(response):
    """A partner's pages: kept out of caches and search engines; the token stays in the URL."""
    response = current_app.make_response(response)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _country_filter(*, announce: bool = True) -> str | None:
    """The ``country`` query value when it names a country; else None, with a message."""
    value = request.args.get("country", "").strip()
    if not value:
        return None
    code = value.upper()
    if len(code) == 2 and is_country(code):
        return code
    if announce:
        flash(
            _("“%(value)s” is not a country code; every country is shown.", value=value[:20]),
            "warning",
        )
    return None


def _page_number() -> int:
    number = request.args.get("page", "1")
    return int(number) if number.isdigit() and 0 < int(number) < 1_000_000 else 1


@bp.app_template_global("percent")
def percent(part: int, whole: int) -> float:
    return exports.percent(part, whole)


# Pages


@report_page("/")
def countries(viewer: Viewer):
    scope = viewer.scope
    report = services.by_country(scope, exports.country_label)
    return render_template(
        "reports/countries.html",
        viewer=viewer,
        headline=services.headline(scope, report),
        report=report,
        chart=_country_chart(report),
    )


@report_page("/institutions")
def institutions(viewer: Viewer):
    scope = viewer.scope
    country = _country_filter()
    report = services.by_institution(scope, country)
    return render_template(
        "reports/institutions.html",
        viewer=viewer,
        report=report,
        country=country,
        countries=_country_choices(scope),
    )


@report_page("/sessions")
def sessions(viewer: Viewer):
    report = services.by_session(viewer.scope)
    codes = {code for line in report for code in line.by_country}
    countries = sorted(
        ((code, exports.country_label(code)) for code in codes), key=lambda p: p[1].casefold()
    )
    return render_template(
        "reports/sessions.html",
        viewer=viewer,
        report=report,
        countries=countries,
        chart=_session_chart(report),
    )


@report_page("/groups")
def groups(viewer: Viewer):
    report = services.by_group(viewer.scope, exports.role_label, exports.gender_label)
    return render_template(
        "reports/groups.html", viewer=viewer, report=report, chart=_group_chart(report)
    )


@dataclass(frozen=True)
class RowPage:
    """A page of rows, with what the pagination macro reads (Flask-SQLAlchemy pages ORM objects)."""

    page: int
    per_page: int
    total: int
    items: list

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _row_page(query, total: int, number: int, per_page: int) -> RowPage:
    number = min(number, max(1, -(-total // per_page)))
    rows = db.session.execute(query.limit(per_page).offset((number - 1) * per_page)).all()
    return RowPage(number, per_page, total, rows)


@report_page("/attendance")
def attendance(viewer: Viewer):
    scope = viewer.scope
    country = _country_filter()
    query = services.attendance_list(scope, country)
    total = services.attendance_list_count(scope, country)
    page = _row_page(query, total, _page_number(), ATTENDANCE_PAGE_SIZE)
    return render_template(
        "reports/attendance.html",
        viewer=viewer,
        page=page,
        attended=[
            services.attended_sessions(services.list_bits(row), len(scope.sessions))
            for row in page.items
        ],
        country=country,
        countries=_country_choices(scope),
        role_label=exports.role_label,
        status_label=exports.status_label,
        exports_made=_exports_made(viewer),
    )


#: reports that list people; every export of one is logged
PERSONAL = ("attendance",)


def _log_export(viewer: Viewer, report: str, file_format: str) -> None:
    """Who took which list of people out, when, and how many rows it held."""
    if report not in PERSONAL:
        return
    country = _country_filter(announce=False)
    db.session.add(
        ExportRecord(
            seminar_id=viewer.seminar.id,
            organiser_id=None if viewer.partner is not None else current_user.id,
            partner_id=viewer.partner.id if viewer.partner is not None else None,
            report=report,
            format=file_format,
            country=country or "",
            rows=services.attendance_list_count(viewer.scope, country),
        )
    )
    db.session.commit()


def _exports_made(viewer: Viewer) -> list[ExportRecord]:
    """The latest exports of the seminar's lists, for its organisers (partners see none)."""
    if viewer.partner is not None:
        return []
    return list(
        db.session.execute(
            sa.select(ExportRecord)
            .where(ExportRecord.seminar_id == viewer.seminar.id)
            .options(selectinload(ExportRecord.organiser), selectinload(ExportRecord.partner))
            .order_by(ExportRecord.at.desc(), ExportRecord.id.desc())
            .limit(EXPORTS_SHOWN)
        ).scalars()
    )


EXPORTS_SHOWN = 20


def _country_choices(scope: Scope) -> list[tuple[str, str]]:
    names = [(code, exports.country_label(code)) for code in services.countries_in(scope)]
    return sorted(names, key=lambda pair: pair[1].casefold())


# Charts: the tables' figures drawn, for those who would rather look than read


def _did_not_attend() -> list[str]:
    return [_("Attended"), _("Registered, did not attend")]


def _share(part: int, whole: int) -> str:
    return _(
        "%(part)d of %(whole)d (%(percent)s%%)",
        part=part,
        whole=whole,
        percent=exports.percent(part, whole),
    )


def _country_chart(report: services.Grouped):
    bars = [
        charts.Bar(
            row.label,
            (row.attended, row.registered - row.attended),
            _share(row.attended, row.registered),
        )
        for row in report.rows
    ]
    return charts.bar_chart(
        bars,
        series=_did_not_attend(),
        title=_("Participants by country"),
        description=_(
            "For each country, participants who attended and who registered but did not"
            " attend; the table below gives the figures."
        ),
        stacked=True,
        others_label=lambda count: ngettext(
            "%(num)d other country", "%(num)d other countries", count
        ),
    )


def _session_chart(report: list[services.SessionRow]):
    columns = [
        charts.Bar(
            _("Session %(number)d", number=line.session.position),
            (line.attended, line.registered - line.attended),
            _share(line.attended, line.registered),
        )
        for line in report
    ]
    return charts.column_chart(
        columns,
        series=_did_not_attend(),
        title=_("Participants by session"),
        description=_(
            "For each session, participants who attended and who had a place but did not"
            " attend; the table below gives the figures."
        ),
        stacked=True,
    )


def _group_chart(report: services.Grouped):
    genders = list(exports.GENDER_COLUMNS)
    by_role: dict[str, list[int]] = {}
    for row in report.rows:
        role, gender = row.key.split(":")
        by_role.setdefault(role, [0] * len(genders))[genders.index(Gender(gender))] += row.attended
    bars = [
        charts.Bar(exports.role_label(role), values, str(sum(values)))
        for role, values in sorted(by_role.items(), key=lambda item: -sum(item[1]))
    ]
    return charts.bar_chart(
        bars,
        series=[str(label) for label in exports.GENDER_COLUMNS.values()],
        title=_("Attendees by role and gender"),
        description=_("For each role, the attendees by gender; the table below gives the figures."),
        stacked=True,
    )


# Exports

REPORTS = ("countries", "institutions", "sessions", "groups", "attendance")


def report_table(viewer: Viewer, report: str) -> exports.Table:
    scope = viewer.scope
    if report == "countries":
        return exports.countries_table(scope, services.by_country(scope, exports.country_label))
    if report == "institutions":
        country = _country_filter(announce=False)
        return exports.institutions_table(scope, services.by_institution(scope, country))
    if report == "sessions":
        return exports.sessions_table(scope, services.by_session(scope))
    if report == "groups":
        report_rows = services.by_group(scope, exports.role_label, exports.gender_label)
        return exports.groups_table(scope, report_rows)
    return exports.attendance_table(scope, _country_filter(announce=False))


def export_name(viewer: Viewer, report: str, extension: str) -> str:
    """``<seminar>-<report>[-<partner>][-<country>].<extension>``, in ASCII."""
    parts = [viewer.seminar.slug, report]
    if viewer.partner is not None:
        parts.append(f"partner{viewer.partner.position}")
    country = _country_filter(announce=False) if report in _FILTERED else None
    if country:
        parts.append(country)
    return "-".join(parts) + "." + extension


_FILTERED = ("institutions", "attendance")


def _download(body, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@report_page("/<report>.csv")
def export_csv(viewer: Viewer, report: str):
    if report not in REPORTS:
        abort(404)
    _log_export(viewer, report, "csv")
    table = report_table(viewer, report)
    chunks = stream_with_context(csv_rows(table.header, table.rows))
    return _download(chunks, "text/csv; charset=utf-8", export_name(viewer, report, "csv"))


@report_page("/<report>.xlsx")
def export_xlsx(viewer: Viewer, report: str):
    if report not in REPORTS:
        abort(404)
    _log_export(viewer, report, "xlsx")
    table = report_table(viewer, report)
    return _download(exports.xlsx_file(table), exports.XLSX, export_name(viewer, report, "xlsx"))


@report_page("/countries.pdf")
def export_pdf(viewer: Viewer):
    scope = viewer.scope
    body = exports.countries_pdf(scope, services.by_country(scope, exports.country_label))
    return _download(body, "application/pdf", export_name(viewer, "countries", "pdf"))


# For scripts


@bp.cli.command("countries")
@click.argument("slug")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "xlsx", "json"]),
    default="csv",
    show_default=True,
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    default="-",
    help="A file to write; standard output by default.",
)
def countries_command(slug: str, output_format: str, output: str) -> None:
    """Write SLUG's per-country report as CSV, XLSX or JSON."""
    seminar = db.session.execute(db.select(Seminar).filter_by(slug=slug)).scalar_one_or_none()
    if seminar is None:
        raise click.ClickException(f"No seminar has the slug {slug!r}.")
    scope = Scope(seminar)
    report = services.by_country(scope, exports.country_label)
    table = exports.countries_table(scope, report)
    if output_format == "json":
        data = exports.countries_json(scope, report).encode()
    elif output_format == "xlsx":
        if output == "-" and click.get_binary_stream("stdout").isatty():
            raise click.ClickException("An XLSX file is binary: give --output FILE.")
        data = exports.xlsx_file(table)
    else:
        data = b"".join(csv_rows(table.header, table.rows))
    with click.open_file(output, "wb") as target:
        target.write(data)
