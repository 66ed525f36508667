"""Each demo user signs in through the real form and visits their pages in Swedish and English;
axe-core finds no WCAG 2.1 A/AA violation on any of them."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask_babel import force_locale, gettext

WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
axe = Axe()

PAGES = {
    "teacher@example.org": [
        "/",
        "/applications/",
        "/applications/new",
        "/applications/chooser",
        "/applications/1",
        "/applications/1/edit",
        "/applications/1/stages/idea",
        "/applications/1/sections/needs",
        "/applications/1/partners/",
        "/applications/1/partners/new",
        "/applications/2/stages/organisation",
        "/applications/2/sections/work_packages",
        "/applications/2/sections/organisation_profiles",
        "/applications/2/self-assessment",
        "/applications/2/copy",
        "/applications/2/stages/submission",
        "/account",
    ],
    "principal@example.org": ["/", "/applications/", "/applications/3", "/applications/3/sections/activities"],
    "coordinator@example.org": ["/", "/applications/", "/applications/4"],
    "admin@example.org": [
        "/",
        "/admin/organisation",
        "/admin/schools",
        "/admin/schools/new",
        "/admin/schools/1",
        "/admin/users",
        "/admin/users/invite",
        "/admin/users/1",
        "/admin/audit",
    ],
}


def check_accessibility(page, label: str, screenshot_dir) -> None:
    results = axe.run(page, options=WCAG)
    if screenshot_dir:
        name = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
        page.screenshot(path=str(screenshot_dir / f"{name}.png"), full_page=True)
    assert results.violations_count == 0, f"{label}:\n{results.generate_report()}"


def sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/sign-in")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill("grantpath-demo")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(base + "/")


def use_language(page, language: str) -> None:
    if page.locator("html").get_attribute("lang") != language:
        page.get_by_role("button", name={"sv": "Svenska", "en": "English"}[language]).click()
        page.wait_for_load_state()


def heading_in(language: str) -> str:
    """The sign-in page's heading (its gettext message) in `language`."""
    with force_locale(language):
        return gettext("Sign in to Grantpath")


def test_sign_in_page_in_both_languages(live_server, page, screenshot_dir):
    page.goto(live_server + "/sign-in")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("h1").inner_text() == heading_in("sv")
    check_accessibility(page, "sign-in sv", screenshot_dir)
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == heading_in("en") != heading_in("sv")
    check_accessibility(page, "sign-in en", screenshot_dir)


def test_wrong_password_shows_the_error_and_keeps_the_email(live_server, page, screenshot_dir):
    page.goto(live_server + "/sign-in")
    page.get_by_label("E-post").fill("teacher@example.org")
    page.get_by_label("Lösenord").fill("wrong")
    page.get_by_role("button", name="Logga in").click()
    assert page.locator(".error-summary li").count() == 1  # one message for the whole form
    assert page.locator("p.error, [aria-invalid=true]").count() == 0  # no field singled out
    assert page.get_by_label("E-post").input_value() == "teacher@example.org"
    check_accessibility(page, "sign-in error", screenshot_dir)


@pytest.mark.parametrize("email", sorted(PAGES))
def test_each_demo_user_sees_accessible_pages_in_both_languages(live_server, page, email, screenshot_dir):
    sign_in(page, live_server, email)
    role = email.split("@")[0]
    first = page.locator("html").get_attribute("lang")  # the user's own language
    for language in (first, {"sv": "en", "en": "sv"}[first]):
        for path in PAGES[email]:
            response = page.goto(live_server + path)
            assert response.status == 200, path
            assert page.locator("html").get_attribute("lang") == language
            assert page.locator("h1").count() == 1, path
            check_accessibility(page, f"{role} {language} {path}", screenshot_dir)
        if language == first:
            page.goto(live_server + "/")
            page.get_by_role("button", name="English" if first == "sv" else "Svenska").click()
            page.wait_for_load_state()


def test_teacher_starts_an_application(live_server, page, screenshot_dir):
    sign_in(page, live_server, "teacher@example.org")
    use_language(page, "sv")
    page.get_by_role("link", name="Starta en ny ansökan").first.click()
    page.get_by_role("link", name="Jag vet redan vilket program: starta ansökan").click()
    page.get_by_role("button", name="Skapa ansökan").click()  # nothing filled in yet
    assert page.locator("#title-error").is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    check_accessibility(page, "new application error", screenshot_dir)
    page.get_by_label("Arbetstitel").fill("Läsning utan gränser")
    page.get_by_label("Program och ansökningsomgång").select_option("KA210-SCH/2027-R1")
    page.get_by_role("button", name="Skapa ansökan").click()
    assert page.locator("h1").inner_text() == "Läsning utan gränser"
    assert "KA210-SCH" in page.locator(".app-header").inner_text()
    # 4 March 2027, 12:00 in Brussels
    assert page.locator(".app-deadline time").get_attribute("datetime") == "2027-03-04T11:00:00+00:00"


def test_narrow_screen_has_no_horizontal_scroll(live_server, browser):
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, live_server, "coordinator@example.org")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
    finally:
        context.close()
