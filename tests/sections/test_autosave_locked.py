"""An autosave that arrives after the application was locked (sent to the principal) is refused
as JSON with the reason, so the editor stops and keeps the text; nothing is stored."""

from flask_babel import force_locale

from webapp.lifecycle import STATES, Status
from webapp.sections.models import SectionAnswer


def test_a_locked_application_refuses_the_autosave_with_the_reason(login, make, db):
    application = make.application(status=Status.AWAITING_APPROVAL)
    response = login(application.owner).post(
        f"/applications/{application.id}/sections/needs",
        data={"version": "0", "need": "Sent text"},
        headers={"X-Autosave": "1"},
    )
    assert response.status_code == 403
    with force_locale("sv"):
        reason = str(STATES[Status.AWAITING_APPROVAL].locked_reason)
    assert response.get_json() == {"status": "refused", "message": reason}
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(SectionAnswer)) == 0


def test_an_autosave_after_the_session_ended_says_so_as_json(client, make, db):
    """It was redirected to the sign-in page, which the editor read as "no connection"."""
    application = make.application()
    db.session.commit()
    response = client.post(
        f"/applications/{application.id}/sections/needs",
        data={"version": "0", "need": "Text written before the session ended"},
        headers={"X-Autosave": "1"},
    )
    assert response.status_code == 401
    body = response.get_json()
    assert body["status"] == "signed_out" and body["message"]
    assert db.session.scalar(db.select(db.func.count()).select_from(SectionAnswer)) == 0


def test_a_form_sent_after_the_session_ended_returns_to_its_page_after_signing_in(client, make, db):
    application = make.application()
    db.session.commit()
    page = f"/applications/{application.id}/sections/needs"
    response = client.post(page, data={"version": "0", "need": "x"}, headers={"Referer": f"http://localhost{page}"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/sign-in?next=%2Fapplications%2F{application.id}%2Fsections%2Fneeds"
    )
