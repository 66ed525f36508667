"""A teacher builds a KA122 budget in the browser: adds a group mobility to Bologna, sees each line
of the budget with its arithmetic from the unit costs, in Swedish and English, and enters the
distance by hand when Grantpath cannot place a town (docs/sources/erasmus-plus-school-2026.md
#ka1-unit-costs)."""

from __future__ import annotations

from playwright.sync_api import expect

from test_pages import check_accessibility, sign_in, use_language
from webapp.applications.models import Application

TITLE = "Språk och inkludering i grundskolan"  # the demo's KA122 draft at Ulriksdalsskolan (Solna)


def _application(db) -> Application:
    db.session.rollback()
    return db.session.scalar(db.select(Application).where(Application.title == TITLE))


def _save(page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()


def test_a_teacher_builds_a_ka122_budget(live_server, page, db, screenshot_dir):
    application = _application(db)
    editor = f"{live_server}/applications/{application.id}/sections/activities"
    sign_in(page, live_server, "amir.haddad@example.org")
    use_language(page, "sv")
    page.goto(editor)
    page.locator("button[name=action][value=add]").click()
    page.wait_for_load_state()
    page.locator("#items-0-activity_type").select_option("pupil_group")
    page.locator("#items-0-destination_country").select_option("IT")
    page.locator("#items-0-destination_city").fill("Bologna")
    page.locator("#items-0-participants").fill("20")
    page.locator("#items-0-duration_days").fill("7")
    page.locator("#items-0-travel_days").fill("2")
    page.locator("#items-0-accompanying_persons").fill("2")
    page.locator("#items-0-green_travel input[value=no]").check()
    _save(page, "Spara")
    budget = page.locator("#budget")
    # 500-1,999 km: €309 × 22 travellers; 7 + 2 funded travel days: pupils €85 × 20 × 9, accompanying €172 × 2 × 9
    for line in ("309 × 22 = 6798", "85 × 20 × 9 = 15300", "172 × 2 × 9 = 3096"):
        expect(budget).to_contain_text(line)
    expect(budget).to_contain_text("25\u00a0194\u00a0€")
    expect(budget).to_contain_text("Resa")
    check_accessibility(page, "ka122 budget sv", screenshot_dir)

    use_language(page, "en")
    page.goto(editor)
    expect(budget).to_contain_text("Individual support, pupils")
    expect(budget).to_contain_text("€25,194")
    page.locator("#items-0-destination_country").select_option("DK")
    page.locator("#items-0-destination_city").fill("Gladsaxe")  # a municipality GeoNames does not list as a town
    _save(page, "Save")
    expect(budget).to_contain_text("cannot find Gladsaxe (DK)")
    check_accessibility(page, "ka122 budget place not found en", screenshot_dir)
    page.locator("#items-0-distance_km").fill("530")
    page.locator("#items-0-distance_note").fill("The EU distance calculator: Solna–Gladsaxe")
    _save(page, "Save")
    expect(budget).to_contain_text("530 km, as entered: The EU distance calculator: Solna–Gladsaxe")
    expect(budget).to_contain_text("309 × 22 = 6798")
