"""A teacher starts a Nordplus Junior application, finds a school in a twin town among the
directory's suggestions, adds it, confirms it and uploads its signed letter of intent as a phone
photo: in Swedish, with the suggestions checked in English too, and zero axe violations."""

from __future__ import annotations

import io

from flask_babel import force_locale, gettext
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from test_pages import check_accessibility, sign_in, use_language
from webapp.applications.models import Application
from webapp.documents.models import Document
from webapp.partners.models import Partner

TITLE = "Läsning över gränserna"
TWIN_SCHOOL = "Pirkkalan yhteiskoulu"  # in Pirkkala, Solna's twin town since 1980 (the demo's directory)


def _said(message: str, language: str, **values) -> str:
    with force_locale(language):
        return gettext(message, **values)


def _signed_letter_photo(path) -> None:
    """What a partner sends back: a photo of the signed page."""
    image = Image.new("RGB", (900, 1200), "white")
    ImageDraw.Draw(image).text((80, 100), "Letter of intent - signed, Pirkkala", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())


def test_a_twin_town_partner_from_the_suggestions_confirmed_with_its_letter(
    live_server, page, db, screenshot_dir, tmp_path
):
    sign_in(page, live_server, "teacher@example.org")
    use_language(page, "sv")
    page.goto(f"{live_server}/applications/new?action=NPJ-MOBILITY")
    page.locator("#title").fill(TITLE)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    db.session.rollback()
    application = db.session.scalar(db.select(Application).where(Application.title == TITLE))
    assert application is not None and application.action_key == "NPJ-MOBILITY"

    page.goto(f"{live_server}/applications/{application.id}/partners/")
    page.get_by_role("link", name=_said("Suggested partners", "sv")).first.click()
    page.wait_for_load_state()
    first = page.locator("ol.suggestions > li", has=page.get_by_role("heading", name=TWIN_SCHOOL))
    reasons = first.locator("ul.reasons")
    expect(reasons).to_contain_text(
        _said("In %(city)s, a twin town: %(town)s.", "sv", city="Pirkkala", town="Pirkkala")
    )
    expect(reasons).to_contain_text(_said("Topics in common: %(topics)s.", "sv", topics="läsning"))
    check_accessibility(page, "suggestions sv", screenshot_dir)
    use_language(page, "en")
    expect(first.locator("ul.reasons")).to_contain_text("In Pirkkala, a twin town: Pirkkala.")
    check_accessibility(page, "suggestions en", screenshot_dir)
    use_language(page, "sv")

    first.get_by_role("button").click()  # "Lägg till i ansökan"
    page.wait_for_load_state()
    card = page.locator(".partner-card", has_text=TWIN_SCHOOL)
    expect(card).to_contain_text(_said("In the directory", "sv"))
    card.get_by_role("link", name=_said("Edit", "sv")).click()
    page.locator("#status").select_option("confirmed")
    page.locator("#next_step").fill("Skicka avsiktsförklaringen till Aino")
    page.get_by_role("button", name=_said("Save", "sv"), exact=True).click()
    page.wait_for_load_state()
    confirmed = page.locator(".pipeline-column", has=page.locator("#col-confirmed"))
    expect(confirmed).to_contain_text(TWIN_SCHOOL)
    check_accessibility(page, "partners pipeline sv", screenshot_dir)

    db.session.rollback()
    partner = db.session.scalar(
        db.select(Partner).where(Partner.application_id == application.id, Partner.name == TWIN_SCHOOL)
    )
    assert partner.status == "confirmed" and partner.directory_entry_id is not None
    page.goto(f"{live_server}/applications/{application.id}/annexes")
    slot = page.locator(f"#slot-letter_of_intent\\.partner-{partner.id}")
    photo = tmp_path / "avsiktsforklaring.png"
    _signed_letter_photo(photo)
    slot.locator("input[type=file]").set_input_files(str(photo))
    slot.get_by_role("button", name=_said("Upload", "sv")).click()
    page.wait_for_load_state()
    expect(page.locator(f"#slot-letter_of_intent\\.partner-{partner.id}")).to_contain_text(_said("Uploaded", "sv"))
    check_accessibility(page, "annexes with the letter sv", screenshot_dir)
    db.session.rollback()
    (letter,) = db.session.scalars(
        db.select(Document).where(
            Document.application_id == application.id, Document.annex_for == f"partner-{partner.id}"
        )
    )
    assert letter.annex_key == "letter_of_intent" and letter.filename.endswith(".png")
