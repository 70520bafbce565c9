"""Loads the demo data; running it again changes nothing."""

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app

from seminar_reg.accounts.models import Organiser
from seminar_reg.demo import data, registrations
from seminar_reg.demo.attendance import seed_attendance
from seminar_reg.extensions import db
from seminar_reg.institutions.services import InstitutionDetails, create_institution, find_match
from seminar_reg.partners.models import NoticeKind, Partner, PartnerNotice
from seminar_reg.partners.services import issue_report_link
from seminar_reg.seminars.models import Seminar, SeminarSession, SeminarStatus, Speaker
from seminar_reg.timezones import local_to_utc, zone


@dataclass
class SeedReport:
    login_email: str = ""
    login_password: str = ""
    seminars_created: list[str] = field(default_factory=list)
    seminars_kept: list[str] = field(default_factory=list)
    institutions_created: int = 0
    institutions_kept: int = 0
    registrations_created: int = 0
    sessions_recorded: int = 0


def seed_demo(now: datetime) -> SeedReport:
    report = SeedReport()
    organiser = _demo_organiser(report)
    _institutions(report)
    for spec in (data.LEADERSHIP_2023, data.COACTION_2023, _upcoming_spec(now)):
        existing = db.session.execute(
            db.select(Seminar.id).where(Seminar.slug == spec["slug"])
        ).scalar_one_or_none()
        if existing is not None:
            report.seminars_kept.append(spec["slug"])
        else:
            _seminar(spec, organiser, now)
            report.seminars_created.append(spec["slug"])
    report.registrations_created = registrations.seed_registrations(now)
    report.sessions_recorded = seed_attendance(organiser.id)
    return report


def _login_file() -> Path:
    return Path(current_app.instance_path) / "demo-login.txt"


def _demo_organiser(report: SeedReport) -> Organiser:
    """The demo admin; its password is made once and kept in the instance folder."""
    organiser = db.session.execute(
        db.select(Organiser).where(Organiser.email == data.DEMO_ORGANISER_EMAIL)
    ).scalar_one_or_none()
    login_file = _login_file()
    password = login_file.read_text().split("\n")[1] if login_file.exists() else ""
    if organiser is None or not password or not organiser.check_password(password):
        password = secrets.token_urlsafe(12)
        if organiser is None:
            organiser = Organiser(
                email=data.DEMO_ORGANISER_EMAIL, name=data.DEMO_ORGANISER_NAME, is_admin=True
            )
            db.session.add(organiser)
        organiser.set_password(password)
        db.session.commit()
        login_file.write_text(f"{organiser.email}\n{password}\n")
        login_file.chmod(0o600)
    report.login_email, report.login_password = organiser.email, password
    return organiser


def _institutions(report: SeedReport) -> None:
    for name, acronym, country, kind in (
        *data.mongolian_institutions(),
        *data.COACTION_INSTITUTIONS,
    ):
        if find_match(country, name, acronym) is not None:
            report.institutions_kept += 1
            continue
        create_institution(InstitutionDetails(name, acronym, country, kind), is_demo=True)
        report.institutions_created += 1


def _upcoming_spec(now: datetime) -> dict:
    tz = zone("Asia/Ulaanbaatar")
    first = (now.astimezone(tz) + timedelta(days=21)).date()
    opens = (now.astimezone(tz) - timedelta(days=2)).strftime("%Y-%m-%d 09:00")
    closes = f"{first - timedelta(days=1)} 18:00"
    return data.upcoming_demo(
        str(first), str(first + timedelta(days=1)), str(first + timedelta(days=7)), opens, closes
    )


def _instant(local: str, tz_name: str) -> datetime:
    return local_to_utc(datetime.fromisoformat(local), zone(tz_name))


#: the longest retention a seminar may set (SeminarForm)
DEMO_RETENTION_MONTHS = 120


def _seminar(spec: dict, organiser: Organiser, now: datetime) -> Seminar:
    tz = spec["timezone"]
    opens, closes = spec["registration"]
    seminar = Seminar(
        slug=spec["slug"],
        title=spec["title"],
        description=spec["description"],
        format=spec["format"],
        venue=spec.get("venue", ""),
        timezone=tz,
        registration_opens_at=_instant(opens, tz),
        registration_closes_at=_instant(closes, tz),
        capacity=spec["capacity"],
        contact_email=spec["contact_email"],
        certificate_threshold_value=50,
        status=SeminarStatus.ARCHIVED if spec["archived"] else SeminarStatus.PUBLISHED,
        published_at=_instant(opens, tz) if spec["archived"] else now,
        is_demo=True,
        # The 2023 seminars ended long ago: the demo keeps their people for the longest period
        # a seminar may set, so that the scheduler does not erase what the demo is there to show.
        retention_months=DEMO_RETENTION_MONTHS,
        organisers=[organiser],
    )
    for position, session_spec in enumerate(spec["sessions"], start=1):
        seminar.sessions.append(
            SeminarSession(
                position=position,
                title=session_spec["title"],
                theme=session_spec["theme"],
                starts_at=_instant(session_spec["start"], tz),
                ends_at=_instant(session_spec["end"], tz),
                join_url=session_spec.get("join_url", ""),
                speakers=[
                    Speaker(position=number, **{**speaker, "country": speaker["country"] or None})
                    for number, speaker in enumerate(session_spec["speakers"], start=1)
                ],
            )
        )
    for position, (organisation, role, country, website, contacts, scope, mode) in enumerate(
        spec["partners"], start=1
    ):
        seminar.partners.append(
            Partner(
                position=position,
                organisation=organisation,
                role=role,
                country=country,
                website=website,
                contact_emails=list(contacts),
                scope_countries=list(scope),
                notification_mode=mode,
            )
        )
    db.session.add(seminar)
    db.session.flush()
    # The demo's partners were told what they would have been told; nobody writes to them now.
    told = [NoticeKind.PUBLISHED]
    if spec["archived"]:
        told += [NoticeKind.REGISTRATION_CLOSED, NoticeKind.FINAL_SUMMARY]
    for partner in seminar.partners:
        issue_report_link(partner)
        db.session.add_all(PartnerNotice(partner_id=partner.id, kind=kind) for kind in told)
    db.session.commit()
    return seminar
