"""A teacher takes a KA210-SCH application from the chooser through the four stages in the browser."""

from __future__ import annotations

import re

from flask_babel import force_locale
from playwright.sync_api import expect

from test_pages import check_accessibility, sign_in, use_language
from webapp.applications.models import Application
from webapp.chooser.services import recommend
from webapp.lifecycle import STAGES, Stage
from webapp.sections import services as sections

SPECIAL = {
    "duration_months": "12",
    "years_experience": "15",
    "grant": "30000",
    "start_date": "2027-09-01",
    "end_date": "2027-10-15",
    "title_en": "Sport schools in Europe",
}


def fill_form(page, text: str) -> None:
    """Answers every visible question of the section form: text, numbers, dates, choices."""
    form = page.locator("form.section-form")
    for field in form.locator(
        "textarea:visible, input[type=text]:visible, input[type=date]:visible, input:not([type]):visible"
    ).all():
        name = field.get_attribute("name") or ""
        key = name.split("-")[-1]
        field.fill(SPECIAL.get(key, text))
    for select in form.locator("select:visible").all():
        values = [o for o in select.locator("option").evaluate_all("els => els.map(e => e.value)") if o]
        select.select_option(values[0])  # the lump sum of €30,000, which the one activity's €30,000 adds up to
    for group in form.locator(".checkbox-list:visible").all():
        group.locator("input[type=checkbox]").first.check()
    for radio in form.locator("input[type=radio][value=no]:visible").all():
        radio.check()


def walk_stage(page, base, application_id, stage, screenshot_dir, text):
    page.goto(f"{base}/applications/{application_id}/stages/{stage}")
    first = page.locator(".section-list h3 a").first
    first.click()
    while True:
        if (
            page.locator("form.section-form button[value=add]").count()
            and not page.locator("fieldset.repeat-item").count()
        ):
            page.locator("form.section-form button[value=add]").click()
        fill_form(page, text)
        check_accessibility(page, f"ka210 {stage} {page.url.rsplit('/', 1)[-1]}", screenshot_dir)
        page.locator("button[name=action][value=next]").click()
        assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
        if page.url.endswith(f"/applications/{application_id}/stages/{stage}"):  # the stage's last section
            break
    expect(page.locator("h1")).to_have_count(1)


def expect_stage(page, base, application_id, stage):
    expect(page).to_have_url(f"{base}/applications/{application_id}/stages/{stage}")


def test_teacher_fills_a_ka210_application_through_the_four_stages(live_server, page, screenshot_dir, db):
    sign_in(page, live_server, "teacher@example.org")
    use_language(page, "sv")
    page.get_by_role("link", name="Starta en ny ansökan").first.click()

    # Idea: the chooser recommends KA210 for a first European cooperation and explains why.
    page.get_by_label("Nej, det här är första gången").check()
    page.get_by_label("Samarbeta: utveckla något tillsammans med skolor i andra länder").check()
    page.get_by_label("En", exact=True).check()
    page.get_by_label("I andra EU-länder").check()
    page.get_by_role("button", name="Visa vad som passar").click()
    with force_locale("sv"):
        answers = {"experience": "first_time", "kind": "cooperation", "partners": "one", "region": "europe"}
        reason = next(r.reason for r in recommend(answers) if r.definition.key == "KA210-SCH")
    ka210 = page.locator(".cards .app-card").filter(has=page.locator(".action-key", has_text="KA210-SCH"))
    expect(ka210).to_contain_text(reason)  # the chooser's reason for it, from chooser.yaml
    check_accessibility(page, "chooser results", screenshot_dir)
    page.locator("a[href$='action=KA210-SCH']").click()
    page.get_by_label("Arbetstitel").fill("Idrott och studier i Europa")
    page.get_by_role("button", name="Skapa ansökan").click()
    application_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    with force_locale("sv"):
        expect(page.locator(".next-step")).to_contain_text(str(STAGES[Stage.IDEA].next_step))

    # Autosave keeps the text without leaving the page.
    page.goto(f"{live_server}/applications/{application_id}/sections/needs")
    page.locator("#need").fill("Eleverna på idrottsprogrammet hinner inte med studierna.")
    expect(page.locator(".autosave-status")).to_have_text(re.compile(r"\b\d\d\.\d\d\b"))  # saved at hh.mm
    expect(page.locator("#need-counter .count")).to_have_text("56")

    walk_stage(page, live_server, application_id, "idea", screenshot_dir, "Vi vill stärka elevernas studier.")
    page.get_by_role("button", name="Markera steget som klart och gå vidare").click()
    expect_stage(page, live_server, application_id, "partners")

    # Partners: the rule counts confirmed partners only.
    db.session.rollback()
    with force_locale("sv"):
        shortfall = sections.report(db.session.get(Application, int(application_id))).stage("partners").problems[0]
        assert shortfall.page == "partners"
    expect(page.locator("main")).to_contain_text(shortfall.message)
    page.get_by_role("link", name=re.compile(r"^Partner \(0\)")).click()
    page.get_by_role("link", name="Lägg till en partner").click()
    page.get_by_label("Organisation", exact=True).fill("Liceo Sportivo Bologna")
    page.get_by_label("Land").select_option("IT")
    page.get_by_label("Läge").select_option("confirmed")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".pipeline")).to_contain_text("Liceo Sportivo Bologna")
    check_accessibility(page, "partners", screenshot_dir)
    walk_stage(page, live_server, application_id, "partners", screenshot_dir, "Ett gott samarbete mellan skolorna.")
    page.get_by_role("button", name="Markera steget som klart och gå vidare").click()
    expect_stage(page, live_server, application_id, "organisation")

    walk_stage(page, live_server, application_id, "organisation", screenshot_dir, "Lärarna skuggar varandra en vecka.")
    page.get_by_role("button", name="Markera steget som klart och gå vidare").click()
    expect_stage(page, live_server, application_id, "submission")

    walk_stage(page, live_server, application_id, "submission", screenshot_dir, "Kort och tydligt.")
    page.goto(f"{live_server}/applications/{application_id}")
    expect(page.locator("#left-heading")).to_have_count(1)
    expect(page.locator("main ul.problems")).to_have_count(0)  # nothing is left
    check_accessibility(page, "ka210 overview complete", screenshot_dir)

    page.goto(f"{live_server}/applications/{application_id}/copy")
    expect(page.locator("section.copy-section").first).to_be_visible()
    check_accessibility(page, "copy view", screenshot_dir)
    page.goto(f"{live_server}/applications/{application_id}/self-assessment")
    check_accessibility(page, "self assessment", screenshot_dir)
