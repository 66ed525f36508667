"""The principal's sign-off in the browser: the principal asks for a change with a reason, the
teacher sees it and sends the application again, the principal approves and signs. Every page it
passes has zero axe-core violations, in Swedish and in English."""

from __future__ import annotations

from flask_babel import force_locale

from test_pages import check_accessibility, sign_in, use_language
from webapp.applications.lifecycle import current_signature
from webapp.applications.models import Application
from webapp.lifecycle import TRANSITIONS, Status

TITLE = "Metodutveckling för idrottsgymnasier i Europa"  # the demo's application waiting for the principal


def _application(db):
    db.session.rollback()
    return db.session.scalar(db.select(Application).where(Application.title == TITLE))


def _label(key: str, language: str) -> str:
    with force_locale(language):
        return str(TRANSITIONS[key].label)


def test_ask_for_changes_send_again_approve(live_server, browser, db, screenshot_dir):
    application = _application(db)
    assert application.status == Status.AWAITING_APPROVAL
    overview = f"{live_server}/applications/{application.id}"

    principal = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(principal, live_server, "principal@example.org")
    use_language(principal, "sv")
    check_accessibility(principal, "sign-off principal start sv", screenshot_dir)
    principal.goto(overview)
    check_accessibility(principal, "sign-off principal overview sv", screenshot_dir)
    principal.locator("details.action-details summary", has_text=_label("request_changes", "sv")).click()
    principal.locator("#comment-request_changes").fill("Förtydliga målen i projektbeskrivningen.")
    principal.locator("form.action-request_changes button[type=submit]").click()
    principal.wait_for_url(overview)
    assert _application(db).status == Status.CHANGES_REQUESTED

    teacher = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(teacher, live_server, "teacher@example.org")
    use_language(teacher, "en")
    teacher.goto(overview)
    assert "Förtydliga målen i projektbeskrivningen." in teacher.locator("#latest-comment").inner_text()
    check_accessibility(teacher, "sign-off teacher sees the comment en", screenshot_dir)
    teacher.goto(f"{overview}/stages/submission")
    check_accessibility(teacher, "sign-off teacher checks before sending en", screenshot_dir)
    assert teacher.locator("#check .problems li").count() == 0  # nothing left: ready to send
    teacher.locator("form.stage-complete button[type=submit]").click()
    teacher.wait_for_load_state()
    assert _application(db).status == Status.AWAITING_APPROVAL

    use_language(principal, "en")
    principal.goto(overview)
    check_accessibility(principal, "sign-off principal decides en", screenshot_dir)
    principal.locator("form.action-approve button[type=submit]").click()  # the declaration is not ticked yet
    assert _application(db).status == Status.AWAITING_APPROVAL  # the browser's own check holds it back
    principal.locator("#declaration-approve").check()
    principal.locator("form.action-approve button[type=submit]").click()
    principal.wait_for_url(overview)
    signed = _application(db)
    assert signed.status == Status.APPROVED
    assert current_signature(signed).signatory_name in principal.locator("#signature").inner_text()
    check_accessibility(principal, "sign-off approved en", screenshot_dir)
