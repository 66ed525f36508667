"""A teacher splits a KA210 lump sum over the activities in the browser: the box above the fields
adds up what is typed as it is typed, in Swedish and English, and what is saved is what the
submission stage checks (docs/sources/erasmus-plus-school-2026.md#ka210-sch)."""

from __future__ import annotations

from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from test_pages import check_accessibility, sign_in, use_language
from webapp.applications.models import Application
from webapp.sections import services as sections

TITLE = "Klimatsmart skolmat med Gladsaxe"  # the demo's KA210 (€60,000), open for changes


def _application(db) -> Application:
    db.session.rollback()
    return db.session.scalar(db.select(Application).where(Application.title == TITLE))


def _said(message: str, language: str, **values) -> str:
    with force_locale(language):
        return gettext(message, **values)


def _grants(db) -> list:
    return [item["grant"] for item in sections.answers(_application(db))["activities"]["items"]]


def test_the_split_adds_up_as_it_is_typed(live_server, page, db, screenshot_dir):
    application = _application(db)
    editor = f"{live_server}/applications/{application.id}/sections/activities"
    sign_in(page, live_server, "teacher@example.org")
    use_language(page, "sv")
    page.goto(editor)
    left = page.locator("#split .split-left")
    expect(left).to_have_text(_said("adds up exactly", "sv"))  # the demo's 30 000 + 30 000 = 60 000
    page.locator("#items-0-grant").fill("25000")  # 25 000 + 30 000 = 55 000: 5 000 left
    expect(left).to_have_text(_said("%(amount)s still to allocate", "sv", amount="5\u00a0000\u00a0€"))
    expect(page.locator("#split .split-total")).to_have_text("55\u00a0000\u00a0€")
    page.locator("#items-1-grant").fill("35000")  # 25 000 + 35 000 = 60 000
    expect(left).to_have_text(_said("adds up exactly", "sv"))
    check_accessibility(page, "budget split sv", screenshot_dir)
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_load_state()
    assert _grants(db) == [25000, 35000]

    use_language(page, "en")
    page.goto(editor)
    page.locator("#items-1-grant").fill("35001")  # 25,000 + 35,001 = 60,001: €1 too much
    expect(left).to_have_text(_said("%(amount)s too much", "en", amount="€1"))
    check_accessibility(page, "budget split en", screenshot_dir)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    assert _grants(db) == [25000, 35001]
    page.goto(f"{live_server}/applications/{application.id}/stages/submission")
    expect(page.locator("#check")).to_contain_text("€1 too much (KA210-SCH)")
    check_accessibility(page, "budget split check en", screenshot_dir)
