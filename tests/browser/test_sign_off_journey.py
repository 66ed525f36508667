"""The whole lifecycle in the browser, as the people who take each step: the teacher sends the
application to the principal; the principal comments on one section and asks for changes; the teacher sees the comment on that section, fixes it and sends
again; the principal sees what changed and approves with the declaration on honour; the team
uploads the signed declaration on honour and registers the submission with its PDF; the coordinator records the grant; the team starts the
project and sends the final report; an anonymous visitor finds the project on the organisation's
public portfolio. Every page it passes has zero axe-core violations, in Swedish and in English."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from playwright.sync_api import expect

from test_pages import check_accessibility, sign_in, use_language
from uploads import pdf_bytes
from webapp.applications.lifecycle import current_signature
from webapp.applications.models import Application
from webapp.documents.models import Document, DocumentKind
from webapp.lifecycle import TRANSITIONS, Status
from webapp.review.models import SectionComment
from webapp.sections import services as sections

TITLE = "Klimatsmart skolmat med Gladsaxe"  # the demo's application sent back to its teacher for changes
REMARK = "Förtydliga hur ni mäter att fler elever når examen."
FIX = "Vi följer andelen elever med examen varje termin och jämför med de tre senaste åren."
SUMMARY = "Tolv lärare skuggade varandra i Solna och Bologna; metodbanken används nu av sex skolor."


def _application(db) -> Application:
    db.session.rollback()  # a fresh snapshot: the server writes in its own connection
    return db.session.scalar(db.select(Application).where(Application.title == TITLE))


def _label(key: str, language: str) -> str:
    with force_locale(language):
        return str(TRANSITIONS[key].label)


def _new_page(browser):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15000)
    return page


def _take_step_with_form(page, overview: str, key: str) -> None:
    page.goto(overview)
    page.locator(f"p.action-{key} a").click()
    page.wait_for_url(f"{overview}/transitions/{key}")


def test_from_the_principals_remark_to_the_public_portfolio(live_server, browser, db, tmp_path, screenshot_dir):
    application = _application(db)
    assert application.status == Status.CHANGES_REQUESTED
    overview = f"{live_server}/applications/{application.id}"
    section = "needs"  # the KA210 section the principal remarks on

    # The teacher checks the whole application and sends it to the principal.
    teacher = _new_page(browser)
    sign_in(teacher, live_server, "teacher@example.org")
    use_language(teacher, "en")
    teacher.goto(f"{overview}/stages/submission")
    assert teacher.locator("#check .problems li").count() == 0  # nothing left: ready to send
    check_accessibility(teacher, "journey teacher sends en", screenshot_dir)
    teacher.locator("form.stage-complete button[type=submit]").click()
    teacher.wait_for_load_state()
    assert _application(db).status == Status.AWAITING_APPROVAL

    # The principal reviews, comments on one section and asks for changes.
    principal = _new_page(browser)
    sign_in(principal, live_server, "principal@example.org")
    use_language(principal, "sv")
    principal.goto(f"{overview}/review")
    check_accessibility(principal, "journey principal review sv", screenshot_dir)
    principal.locator(f"#section-{section} details.comment-form-wrap summary").click()
    principal.locator(f"#section-{section} textarea").fill(REMARK)
    principal.locator(f"#section-{section} form.comment-form button[type=submit]").click()
    expect(principal.locator(f"#section-{section} .comment-list")).to_contain_text(REMARK)
    principal.goto(overview)
    principal.locator("details.action-details summary", has_text=_label("request_changes", "sv")).click()
    principal.locator("#comment-request_changes").fill("Se min kommentar om behoven.")
    principal.locator("form.action-request_changes button[type=submit]").click()
    principal.wait_for_url(overview)
    assert _application(db).status == Status.CHANGES_REQUESTED

    # The teacher (in English) sees the remark on that very section, fixes it and sends again.
    teacher.goto(f"{overview}/sections/{section}")
    expect(teacher.locator(".comment-list")).to_contain_text(REMARK)
    check_accessibility(teacher, "journey teacher sees the remark en", screenshot_dir)
    need = teacher.locator("form.section-form textarea").first
    need.fill(need.input_value() + " " + FIX)
    teacher.locator("button[name=action][value=save]").click()
    teacher.wait_for_load_state()
    teacher.locator(".comment-list li", has_text=REMARK).locator("form button[type=submit]").click()  # resolved
    teacher.wait_for_load_state()
    stored = _application(db)
    assert FIX in sections.answers(stored)[section][need.get_attribute("name")]
    assert db.session.scalar(db.select(SectionComment.resolved_at).where(SectionComment.body == REMARK))
    teacher.goto(f"{overview}/stages/submission")
    check_accessibility(teacher, "journey teacher checks before sending en", screenshot_dir)
    assert teacher.locator("#check .problems li").count() == 0  # nothing left: ready to send
    teacher.locator("form.stage-complete button[type=submit]").click()
    teacher.wait_for_load_state()
    assert _application(db).status == Status.AWAITING_APPROVAL

    # The principal (now in English) sees exactly what changed, and approves and signs.
    use_language(principal, "en")
    principal.goto(f"{overview}/review")
    changed = principal.locator(f"#section-{section}")
    expect(changed.locator(".review-change")).to_have_text(_changed_label())
    expect(changed.locator("ins")).to_contain_text("jämför med de tre senaste åren")
    marks = principal.locator(".review-section .review-change").all_inner_texts()
    assert [m.strip() for m in marks].count(_changed_label()) == 1  # only the section the teacher fixed
    check_accessibility(principal, "journey principal sees the diff en", screenshot_dir)
    principal.goto(overview)
    principal.locator("#declaration-approve").check()
    principal.locator("form.action-approve button[type=submit]").click()
    principal.wait_for_url(overview)
    signed = _application(db)
    assert signed.status == Status.APPROVED
    assert current_signature(signed).signatory_name in principal.locator("#signature").inner_text()
    check_accessibility(principal, "journey approved en", screenshot_dir)

    # The submission waits for the declaration on honour the principal signed: the teacher uploads it.
    teacher.goto(overview)
    expect(teacher.locator("form.action-register_submission .reason")).to_contain_text(signed.school.name)
    teacher.locator("#annexes a").click()
    teacher.wait_for_url(f"{overview}/annexes")
    declaration = tmp_path / "hedersforsakran.pdf"
    declaration.write_bytes(pdf_bytes(title="Hedersförsäkran, underskriven"))
    slot = teacher.locator('[id="slot-declaration_of_honour.applicant"]')
    slot.locator("input[type=file]").set_input_files(str(declaration))
    check_accessibility(teacher, "journey annexes en", screenshot_dir)
    slot.locator("button[type=submit]").click()
    expect(teacher.locator("#annexes-complete")).to_be_visible()
    expect(slot).to_contain_text("hedersforsakran.pdf")
    check_accessibility(teacher, "journey annexes uploaded en", screenshot_dir)

    # The teacher registers the submission with the PDF the programme's form gave.
    submitted_pdf = tmp_path / "KA210-ansokan.pdf"
    submitted_pdf.write_bytes(pdf_bytes(title="Inlämnad ansökan"))
    _take_step_with_form(teacher, overview, "register_submission")
    teacher.locator("#reference").fill("KA210-SCH-7F3A21C4")
    teacher.locator("#submitted_on").fill(date.today().isoformat())
    teacher.locator("#submitted_time").fill("00:00")
    teacher.locator("#submitted_pdf").set_input_files(str(submitted_pdf))
    check_accessibility(teacher, "journey register the submission en", screenshot_dir)
    teacher.locator("form.step-form button[type=submit]").click()
    teacher.wait_for_url(overview)
    assert _application(db).status == Status.SUBMITTED
    expect(teacher.locator("#documents")).to_contain_text("KA210-ansokan.pdf")

    # The coordinator records the grant (in Swedish).
    coordinator = _new_page(browser)
    sign_in(coordinator, live_server, "coordinator@example.org")
    use_language(coordinator, "sv")
    _take_step_with_form(coordinator, overview, "record_grant")
    coordinator.locator("#amount_eur").fill("60000")
    coordinator.locator("#project_number").fill("2027-1-SE01-KA210-SCH-000123456")
    coordinator.locator("#project_start").fill("2027-09-01")
    coordinator.locator("#project_end").fill("2028-08-31")
    check_accessibility(coordinator, "journey record the grant sv", screenshot_dir)
    coordinator.locator("form.step-form button[type=submit]").click()
    coordinator.wait_for_url(overview)
    assert _application(db).status == Status.GRANTED
    expect(coordinator.locator("#report-final")).to_be_visible()
    check_accessibility(coordinator, "journey granted sv", screenshot_dir)

    # The team starts the project, then sends the final report and makes the project public.
    teacher.goto(overview)
    teacher.locator("form.action-start_project button[type=submit]").click()
    teacher.wait_for_url(overview)
    assert _application(db).status == Status.REPORTING
    report_pdf = tmp_path / "slutrapport.pdf"
    report_pdf.write_bytes(pdf_bytes(title="Slutrapport"))
    _take_step_with_form(teacher, overview, "close_project")
    teacher.locator("#summary").fill(SUMMARY)
    teacher.locator("#report_pdf").set_input_files(str(report_pdf))
    teacher.locator("#public").check()
    check_accessibility(teacher, "journey final report en", screenshot_dir)
    teacher.locator("form.step-form button[type=submit]").click()
    teacher.wait_for_url(overview)
    closed = _application(db)
    assert closed.status == Status.CLOSED
    kinds = db.session.scalars(db.select(Document.kind).where(Document.application_id == closed.id))
    assert sorted(kinds) == sorted([DocumentKind.ANNEX, DocumentKind.SUBMITTED_APPLICATION, DocumentKind.FINAL_REPORT])

    # Anyone, signed in or not, finds it on the public portfolio, in both languages.
    visitor = _new_page(browser)
    visitor.goto(f"{live_server}/portfolio/{closed.organisation_id}")
    for language in ("sv", "en"):
        use_language(visitor, language)
        project = visitor.locator("li.portfolio-project", has_text=TITLE)
        expect(project).to_contain_text(SUMMARY)
        check_accessibility(visitor, f"journey public portfolio {language}", screenshot_dir)
    with visitor.expect_download() as download:
        visitor.locator("li.portfolio-project", has_text=TITLE).locator("a[href*='/final-reports/']").click()
    assert download.value.path().read_bytes() == report_pdf.read_bytes()
    assert "principal@example.org" not in visitor.content() and "teacher@example.org" not in visitor.content()


def _changed_label() -> str:
    from webapp.review import presenters

    with force_locale("en"):
        return str(presenters.CHANGED.label)
