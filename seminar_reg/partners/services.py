"""A seminar's partners: who they are, whom they hear about, and how."""

from dataclasses import dataclass

from seminar_reg.extensions import db
from seminar_reg.institutions.models import Institution
from seminar_reg.partners.models import NotificationMode, Partner, PartnerRole
from seminar_reg.seminars.models import Seminar
from seminar_reg.tokens import new_nonce, plausible, signed_token, token_hash

_REPORT_LINK = "partner-reports"


@dataclass(frozen=True)
class PartnerDetails:
    organisation: str
    role: PartnerRole
    country: str | None
    website: str
    contact_emails: list[str]
    scope_countries: list[str]
    scope_institution_ids: list[int]
    notification_mode: NotificationMode


def _apply(partner: Partner, details: PartnerDetails) -> None:
    partner.organisation = details.organisation
    partner.role = details.role
    partner.country = details.country
    partner.website = details.website
    partner.contact_emails = list(details.contact_emails)
    partner.scope_countries = sorted(set(details.scope_countries))
    partner.scope_institutions = list(
        db.session.execute(
            db.select(Institution).where(Institution.id.in_(details.scope_institution_ids))
        ).scalars()
    )
    partner.notification_mode = details.notification_mode


def add_partner(seminar: Seminar, details: PartnerDetails) -> Partner:
    partner = Partner(position=len(seminar.partners) + 1)
    _apply(partner, details)
    seminar.partners.append(partner)
    issue_report_link(partner)
    db.session.commit()
    return partner


def update_partner(partner: Partner, details: PartnerDetails) -> None:
    _apply(partner, details)
    db.session.commit()


def delete_partner(partner: Partner) -> None:
    partners = partner.seminar.partners
    partners.remove(partner)
    for number, other in enumerate(partners, start=1):
        other.position = number
    db.session.commit()


def report_token(partner: Partner) -> str | None:
    """The token of the partner's private link to its reports; None until one is made."""
    if not partner.report_token_hash:
        return None
    return signed_token(_REPORT_LINK, partner.id, partner.report_token_nonce)


def issue_report_link(partner: Partner) -> str:
    """Give the partner a new private report link (the old one stops working); not committed."""
    if partner.id is None:
        db.session.flush()
    partner.report_token_nonce = new_nonce()
    token = signed_token(_REPORT_LINK, partner.id, partner.report_token_nonce)
    partner.report_token_hash = token_hash(token)
    return token


def partner_for_report_token(token: str) -> Partner | None:
    if not plausible(token):
        return None
    return db.session.execute(
        db.select(Partner).where(Partner.report_token_hash == token_hash(token))
    ).scalar_one_or_none()
