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
