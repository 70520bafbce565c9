"""The public pages in all four languages: accessible by axe-core's rules and usable on a phone.

axe-core (from the npm registry, ``make test`` installs it into node_modules/) is injected into
each page as Chromium renders it; a serious or critical violation fails the test, with what axe
says and where. Each page must also fit a 360-pixel-wide screen without sideways scrolling, and
the registration form, sent empty, must put the keyboard focus on its first wrong field and tie
every error to its field.
"""

from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from seminar_reg.extensions import db
from seminar_reg.i18n import LANGUAGE_NAMES
from seminar_reg.partners import services as partner_services
from seminar_reg.partners.models import Partner
from seminar_reg.registration.models import Registration
from seminar_reg.registration.tokens import manage_token
from seminar_reg.seminars.models import Seminar
from tests.conftest import service_unavailable
from tests.e2e.conftest import PHONE

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
UPCOMING = "demo-tvet-leadership-ai"
APRIL = "tvet-leadership-digital-green-2023"
COACTION = "unevoc-coaction-digital-transformation-2023"
PHONE_WIDTH = PHONE["viewport"]["width"]
BLOCKING = {"serious", "critical"}
#: axe's violations on the page, with up to three places each
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    where: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": " + n.failureSummary),
  }));
}"""


@pytest.fixture(scope="module")
def axe_source() -> Path:
    if not AXE.exists():
        service_unavailable(f"axe-core at {AXE}", "run `make test`, which runs `npm ci`")
    return AXE


def private_links(app) -> tuple[str, str]:
    """A demo participant's manage link token and a Coaction partner's report token."""
    with app.app_context():
        registration = db.session.execute(
            sa.select(Registration)
            .join(Seminar)
            .where(Seminar.slug == UPCOMING)
            .order_by(Registration.id)
            .limit(1)
        ).scalar_one()
        partner = db.session.execute(
            sa.select(Partner).join(Seminar).where(Seminar.slug == COACTION).limit(1)
        ).scalar_one()
        report = partner_services.issue_report_link(partner)
        db.session.commit()
        return manage_token(registration), report


def public_paths(app) -> list[str]:
    manage, report = private_links(app)
    return [
        "/",
        f"/seminars/{UPCOMING}/",
        f"/seminars/{APRIL}/",
        f"/seminars/{UPCOMING}/register",
        f"/seminars/{UPCOMING}/register/group",
        f"/seminars/{UPCOMING}/link",
        f"/seminars/{APRIL}/check-in",
        f"/r/{manage}",
        f"/r/{manage}/details",
        f"/r/{manage}/cancel",
        f"/r/{manage}/erase",
        f"/p/{report}/",
        f"/p/{report}/attendance",
        "/login",
        "/seminars/no-such-seminar/",
    ]


def violations(page: Page, axe: Path) -> list[dict]:
    # Evaluated through the browser's debugging protocol, not as a <script>: the pages'
    # Content-Security-Policy refuses inline scripts, and must stay on while axe checks them.
    page.evaluate(axe.read_text(encoding="utf-8"))
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]


def choose_language(page: Page, base: str, locale: str) -> None:
    """Press the language's button in the header, as a visitor would."""
    page.goto(f"{base}/")
    if locale != "en":
        page.get_by_role("button", name=LANGUAGE_NAMES[locale], exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", locale.replace("_", "-"))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("locale", list(LANGUAGE_NAMES))
def test_public_pages_pass_axe_and_fit_a_phone(
    make_app, serve, browser, axe_source, screenshot, locale
):
    app = make_app()
    seeded = app.test_cli_runner().invoke(args=["seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    base = serve(app)
    context = browser.new_context(**PHONE, locale="en-GB", timezone_id="Europe/Berlin")
    context.set_default_timeout(15_000)
    page = context.new_page()
    # The Content-Security-Policy allows only this site's files: a page that needs more says so.
    refused = []
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    try:
        choose_language(page, base, locale)
        found, too_wide = {}, {}
        for path in public_paths(app):
            page.goto(base + path)
            expect(page.locator("html")).to_have_attribute("lang", locale.replace("_", "-"))
            blocking = violations(page, axe_source)
            if blocking:
                found[path] = blocking
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE_WIDTH:
                too_wide[path] = width
        screenshot(page, "accessibility")
        assert not found, found
        assert not refused, refused
        assert not too_wide, f"pages wider than {PHONE_WIDTH}px: {too_wide}"
    finally:
        context.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_form_sent_with_errors_focuses_the_first_and_ties_each_to_its_field(
    make_app, serve, phone_page, axe_source
):
    app = make_app()
    seeded = app.test_cli_runner().invoke(args=["seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    base = serve(app)
    page = phone_page
    page.goto(f"{base}/seminars/{UPCOMING}/register")
    page.locator("form.stacked button[type=submit]").last.click()
    invalid = page.locator("[aria-invalid=true]")
    expect(invalid.first).to_be_focused()
    assert invalid.count() >= 3
    for index in range(invalid.count()):
        field = invalid.nth(index)
        described = (field.get_attribute("aria-describedby") or "").split()
        errors = [page.locator(f"#{error_id}") for error_id in described]
        assert any(error.count() and error.inner_text().strip() for error in errors), (
            f"{field.get_attribute('name')} is marked wrong without a message tied to it"
        )
        labelled = field.evaluate("el => el.labels.length > 0 || el.hasAttribute('aria-label')")
        assert labelled, f"{field.get_attribute('name')} has no label"
    assert not violations(page, axe_source)
