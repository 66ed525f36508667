"""A long unbroken title or name wraps instead of widening the page (issue 11: 2,935 px)."""

from __future__ import annotations

from test_pages import sign_in
from webapp.applications.models import Application
from webapp.auth.models import User

LONG = "Internationaliseringsutvecklingsprojektsansökningsformulärsgenomgång" * 4  # 272 letters, no break


def test_a_long_title_does_not_widen_any_page(live_server, page, db):
    teacher = db.session.scalar(db.select(User).where(User.email == "teacher@example.org"))
    application = db.session.scalar(db.select(Application).where(Application.owner_id == teacher.id))
    original = application.title
    application.title = LONG
    db.session.commit()
    try:
        sign_in(page, live_server, teacher.email)
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            for url in (
                "/",
                "/applications/",
                f"/applications/{application.id}",
                f"/applications/{application.id}/partners/",
            ):
                page.goto(live_server + url)
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= width, (url, width, scroll)
    finally:
        db.session.rollback()
        db.session.get(Application, application.id).title = original
        db.session.commit()
