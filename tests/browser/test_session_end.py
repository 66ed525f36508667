"""A session that ends while a teacher writes loses no text: the autosave says they are signed out,
and the save that then goes to the sign-in page comes back with the text restored."""

from __future__ import annotations

from playwright.sync_api import expect

from test_pages import check_accessibility, sign_in
from webapp.applications.models import Application
from webapp.auth.models import User
from webapp.lifecycle import STATES
from webapp.sections import services as sections

TEXT = "Eleverna skriver dagbok om sina utbyten, och vi delar den med partnerskolan varje vecka."


def test_text_typed_after_the_session_ended_survives_signing_in_again(live_server, page, db, screenshot_dir):
    teacher = db.session.scalar(db.select(User).where(User.email == "teacher@example.org"))
    editable = [s for s, state in STATES.items() if state.editable]
    application = db.session.scalar(
        db.select(Application)
        .where(Application.owner_id == teacher.id, Application.status.in_(editable))
        .order_by(Application.id)
    )
    sign_in(page, live_server, teacher.email)
    page.goto(f"{live_server}/applications/{application.id}/stages/{application.stage}")
    page.locator(".section-list h3 a").first.click()
    section_url = page.url
    textarea = page.locator("form.section-form textarea").first
    name = textarea.get_attribute("name")

    page.context.clear_cookies()  # the session ends (expired, or signed out in another tab)
    textarea.fill(TEXT)
    status = page.locator(".autosave-status")
    expect(status).to_contain_text("utloggad", timeout=10000)
    check_accessibility(page, "autosave signed out", screenshot_dir)

    page.locator("button[name=action][value=save]").click()  # the save goes to the sign-in page
    page.get_by_label("E-post").fill(teacher.email)
    page.get_by_label("Lösenord").fill("grantpath-demo")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(section_url)
    expect(page.locator(f"form.section-form [name='{name}']")).to_have_value(TEXT)
    expect(status).to_contain_text("Texten du inte hann spara är tillbaka")

    page.locator("button[name=action][value=save]").click()
    expect(page.locator(".flash, .flashes, [role=alert]").first).to_be_visible()
    db.session.rollback()  # a fresh snapshot: the server wrote in its own connection
    stored = sections.answers(db.session.get(Application, application.id)).get(section_url.rsplit("/", 1)[-1], {})
    assert TEXT in _texts(stored)


def _texts(value) -> list[str]:
    """Every text stored in a section's answers, repeated items included."""
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return [value] if isinstance(value, str) else []
