"""What partners hear: each registration in scope, a daily digest, and the seminar's milestones.

Scope: a registration is a partner's when its country or institution is in the partner's scope,
or when the partner's scope is empty (the whole seminar). A partner never hears of anyone else.
Milestone and digest emails are claimed in ``partner_notices`` first, so that two schedulers
running at once send each of them once.
"""

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from seminar_reg.countries import country_name
from seminar_reg.extensions import db, insert_once
from seminar_reg.i18n import locale_name
from seminar_reg.institutions.models import Institution
from seminar_reg.mail.messages import Attachment, queue_email
from seminar_reg.partners.models import (
    NoticeKind,
    NotificationMode,
    Partner,
    PartnerNotice,
    partner_scope_institutions,
)
from seminar_reg.partners.services import issue_report_link, report_token
from seminar_reg.registration.emails import person_view, seminar_view, session_views
from seminar_reg.registration.models import (
    EventKind,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
)
from seminar_reg.reports import exports, services
from seminar_reg.reports.services import Scope
from seminar_reg.seminars.models import Seminar, SeminarSession, SeminarStatus
from seminar_reg.urls import external_url

#: days back a digest is still sent for, when the scheduler was not running
DIGEST_CATCH_UP_DAYS = 3


def in_scope(partner: Partner):
    """A SQL condition on Registration: the registrations this partner may hear of."""
    conditions = []
    if partner.scope_countries:
        conditions.append(Registration.country.in_(partner.scope_countries))
    institution_ids = [institution.id for institution in partner.scope_institutions]
    if institution_ids:
        conditions.append(Registration.institution_id.in_(institution_ids))
    return sa.or_(*conditions) if conditions else sa.true()


def told_of_each(seminar: Seminar, country: str, institution_id: int | None) -> list[Partner]:
    """The partners who want to hear of every registration and whose scope holds one from this
    country and institution. A scope country decides without the institutions; the others'
    institutions are read in one statement for all of them, as ids (a registration needs no
    more of them), unless they are loaded already. A registration asks before it takes the
    seminar's lock, which is a queue."""
    listening = [
        partner
        for partner in seminar.partners
        if partner.notification_mode == NotificationMode.EACH_REGISTRATION
        and partner.contact_emails
    ]
    institution_ids = _scope_institution_ids(
        [partner for partner in listening if country not in partner.scope_countries]
    )
    return [
        partner
        for partner in listening
        if country in partner.scope_countries
        or institution_id in institution_ids[partner.id]
        or not (partner.scope_countries or institution_ids[partner.id])  # the whole seminar
    ]


def _scope_institution_ids(partners: list[Partner]) -> dict[int, set[int]]:
    ids = {partner.id: set() for partner in partners}
    unloaded = []
    for partner in partners:
        if "scope_institutions" in sa.inspect(partner).unloaded:
            unloaded.append(partner.id)
        else:
            ids[partner.id] = {institution.id for institution in partner.scope_institutions}
    if unloaded:
        # Nothing pending bears on it: no flush for it (the commit writes them all at once).
        with db.session.no_autoflush:
            rows = db.session.execute(
                sa.select(
                    partner_scope_institutions.c.partner_id,
                    partner_scope_institutions.c.institution_id,
                ).where(partner_scope_institutions.c.partner_id.in_(unloaded))
            ).all()
        for partner_id, institution_id in rows:
            ids[partner_id].add(institution_id)
    return ids


def _language() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def partner_scope(partner: Partner) -> Scope:
    """The partner's part of its seminar, for the reports."""
    if partner.covers_whole_seminar:
        return Scope(partner.seminar, None, partner.organisation)
    names = [country_name(code, locale_name()) for code in partner.scope_countries]
    names += [institution.display_name for institution in partner.scope_institutions]
    return Scope(partner.seminar, in_scope(partner), f"{partner.organisation}: {', '.join(names)}")


def _send(
    partner: Partner,
    kind: str,
    subject,
    template: str,
    context: dict,
    attachments=(),
    registration_id: int | None = None,
    later: bool = False,
) -> None:
    """Queue the email to each of the partner's contacts; ``registration_id`` names the person
    it is about, so that erasing their data erases it too. With ``later`` the context is plain
    data, and the email is rendered when it is delivered (``mail.messages.queue_email``)."""
    seminar = partner.seminar
    about = (
        {"partner": {"organisation": partner.organisation}, "seminar": seminar_view(seminar)}
        if later
        else {"partner": partner, "seminar": seminar}
    )
    for address in partner.contact_emails:
        queue_email(
            kind=kind,
            to=address,
            language=_language(),
            subject=subject,
            template=template,
            context={
                **about,
                "seminar_url": external_url("public.seminar", slug=seminar.slug),
                **context,
            },
            seminar_id=seminar.id,
            registration_id=registration_id,
            reply_to=seminar.contact_email,
            attachments=tuple(attachments),
            later=later,
        )


def registration_event(
    registration: Registration, kind: EventKind, told: list[Partner] | None = None
) -> None:
    """Tell each partner who wants every registration, and whose scope it is in (``told``, when
    the caller has asked ``told_of_each`` already)."""
    seminar = registration.seminar
    if told is None:
        told = told_of_each(seminar, registration.country, registration.institution_id)
    for partner in told:
        name = registration.full_name
        _send(
            partner,
            "partner_registration",
            lambda name=name: _("%(name)s: %(title)s", name=name, title=seminar.title),
            "partner_registration",
            {
                "registration": person_view(registration),
                "event": kind,
                "sessions": session_views(registration.chosen_sessions),
            },
            registration_id=registration.id,
            later=True,
        )


def _claim(partner: Partner, kind: NoticeKind, key: str = "") -> bool:
    """Take the right to send this notice; False when another run has taken it."""
    return insert_once(PartnerNotice, partner_id=partner.id, kind=kind, key=key) is not None


def scope_totals(partner: Partner) -> dict:
    """Registered and waiting per country and per institution in the partner's scope, in SQL."""
    seminar_id = partner.seminar_id
    active = Registration.status.in_((RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED))
    where = (Registration.seminar_id == seminar_id, active, in_scope(partner))
    confirmed = sa.func.count().filter(Registration.status == RegistrationStatus.CONFIRMED)
    waiting = sa.func.count().filter(Registration.status == RegistrationStatus.WAITLISTED)
    countries = db.session.execute(
        sa.select(Registration.country, confirmed, waiting)
        .where(*where)
        .group_by(Registration.country)
        .order_by(confirmed.desc(), Registration.country)
    ).all()
    institutions = db.session.execute(
        sa.select(Institution.name, Registration.country, confirmed, waiting)
        .join(Institution, Registration.institution_id == Institution.id)
        .where(*where)
        .group_by(Institution.name, Registration.country)
        .order_by(confirmed.desc(), Institution.name)
    ).all()
    return {
        "countries": countries,
        "institutions": institutions,
        "confirmed": sum(row[1] for row in countries),
        "waiting": sum(row[2] for row in countries),
    }


def published(seminar: Seminar) -> None:
    """When a seminar is published: each partner gets its details, their scope and their mode."""
    for partner in seminar.partners:
        if partner.contact_emails and _claim(partner, NoticeKind.PUBLISHED):
            _send(
                partner,
                "partner_published",
                lambda: _("Published: %(title)s", title=seminar.title),
                "partner_published",
                {"sessions": seminar.sessions},
            )


def _digest_days(seminar: Seminar, now: datetime):
    """Complete days (in the seminar's zone) a digest may be owed for, oldest first."""
    today = now.astimezone(seminar.zone).date()
    for back in range(DIGEST_CATCH_UP_DAYS, 0, -1):
        day = today - timedelta(days=back)
        start = datetime.combine(day, time(), seminar.zone)
        yield day, start, start + timedelta(days=1)


def _day_events(partner: Partner, start: datetime, end: datetime) -> list[tuple]:
    """Each registration in scope that changed that day, with what happened last."""
    latest = (
        sa.select(RegistrationEvent.registration_id, sa.func.max(RegistrationEvent.id).label("id"))
        .where(
            RegistrationEvent.seminar_id == partner.seminar_id,
            RegistrationEvent.at >= start,
            RegistrationEvent.at < end,
        )
        .group_by(RegistrationEvent.registration_id)
        .subquery()
    )
    return db.session.execute(
        sa.select(Registration, RegistrationEvent.kind)
        .join(latest, latest.c.registration_id == Registration.id)
        .join(RegistrationEvent, RegistrationEvent.id == latest.c.id)
        .where(in_scope(partner))
        .order_by(Registration.country, Registration.family_name, Registration.given_name)
        .options(selectinload(Registration.institution))
    ).all()


def send_digests(now: datetime) -> int:
    """One email per digest partner and day with changes in scope; none on a quiet day."""
    sent = 0
    partners = db.session.execute(
        sa.select(Partner)
        .join(Seminar)
        .where(
            Partner.notification_mode == NotificationMode.DAILY_DIGEST,
            Seminar.status.in_((SeminarStatus.PUBLISHED, SeminarStatus.REGISTRATION_CLOSED)),
        )
    ).scalars()
    for partner in partners:
        if not partner.contact_emails:
            continue
        seminar = partner.seminar
        for day, start, end in _digest_days(seminar, now):
            rows = _day_events(partner, start, end)
            if not rows or not _claim(partner, NoticeKind.DIGEST, day.isoformat()):
                continue
            groups = {kind: [r for r, k in rows if k == kind] for kind in EventKind}
            _send(
                partner,
                "partner_digest",
                lambda day=day, title=seminar.title: _(
                    "Registrations on %(day)s: %(title)s", day=day.isoformat(), title=title
                ),
                "partner_digest",
                {
                    "day": day,
                    "new": groups[EventKind.REGISTERED] + groups[EventKind.WAITLISTED],
                    "changed": groups[EventKind.CHANGED] + groups[EventKind.PROMOTED],
                    "cancelled": groups[EventKind.CANCELLED],
                    "totals": scope_totals(partner),
                },
            )
            sent += 1
    db.session.commit()
    return sent


def _milestone(partner: Partner, kind: NoticeKind, subject, template: str) -> int:
    if not partner.contact_emails or not _claim(partner, kind):
        return 0
    _send(partner, kind.value, subject, template, {"totals": scope_totals(partner)})
    return 1


def registration_closed(seminar: Seminar) -> int:
    """Who registered, in each partner's scope, once registration is closed."""
    title = seminar.title
    subject = lambda: _("Registration closed: %(title)s", title=title)  # noqa: E731
    kind, template = NoticeKind.REGISTRATION_CLOSED, "partner_registration_closed"
    return sum(_milestone(partner, kind, subject, template) for partner in seminar.partners)


def final_summary(seminar: Seminar) -> int:
    """Who took part, in each partner's scope, after the last session: the per-country report
    in the email, as PDF and XLSX attachments, and the private link to all the reports."""
    title = seminar.title
    subject = lambda: _("Summary: %(title)s", title=title)  # noqa: E731
    sent = 0
    for partner in seminar.partners:
        if not partner.contact_emails or not _claim(partner, NoticeKind.FINAL_SUMMARY):
            continue
        token = report_token(partner) or issue_report_link(partner)
        scope = partner_scope(partner)
        report = services.by_country(scope, exports.country_label)
        table = exports.countries_table(scope, report)
        name = f"{seminar.slug}-countries"
        attachments = [
            Attachment(f"{name}.pdf", "application/pdf", exports.countries_pdf(scope, report)),
            Attachment(f"{name}.xlsx", exports.XLSX, exports.xlsx_file(table)),
        ]
        context = {
            "headline": services.headline(scope, report),
            "report": report,
            "report_url": external_url("partner_reports.countries", token=token),
        }
        _send(partner, "final_summary", subject, "partner_final_summary", context, attachments)
        sent += 1
    return sent


def send_milestones(now: datetime) -> int:
    """Registration closed (by status or by its closing time) and the last session over."""
    last_end = (
        sa.select(SeminarSession.seminar_id, sa.func.max(SeminarSession.ends_at).label("ends_at"))
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )
    ends_at = sa.type_coerce(last_end.c.ends_at, Seminar.registration_closes_at.type)
    seminars = db.session.execute(
        sa.select(Seminar, ends_at)
        .join(last_end, last_end.c.seminar_id == Seminar.id)
        .where(Seminar.status != SeminarStatus.DRAFT)
    ).all()
    sent = 0
    for seminar, seminar_ends_at in seminars:
        if seminar.status != SeminarStatus.PUBLISHED or seminar.registration_closes_at <= now:
            sent += registration_closed(seminar)
        if seminar_ends_at <= now:
            sent += final_summary(seminar)
    db.session.commit()
    return sent
