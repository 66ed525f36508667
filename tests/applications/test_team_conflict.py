"""A change of the team alone is a change of the record: a stale edit form cannot undo it silently."""

from webapp.applications import services
from webapp.applications.models import Application
from webapp.auth.models import Role


def test_a_team_change_alone_bumps_the_version(login, make, db):
    application = make.application(title="T")
    colleague = make.user(Role.TEACHER, school=application.school)
    db.session.commit()
    loaded = application.version
    services.update(
        application.owner,
        application,
        expected_version=loaded,
        title="T",
        action_key=application.action_key,
        call_round=application.call_round,
        school=application.school,
        team=[application.owner, colleague],
    )
    db.session.commit()
    assert application.version == loaded + 1
    response = login(application.owner).post(
        f"/applications/{application.id}/edit",
        data={
            "title": "Ny titel",
            "call": f"{application.action_key}/{application.call_round}",
            "school_id": application.school_id,
            "version": loaded,
        },
    )
    assert response.status_code == 409
    db.session.rollback()
    stored = db.session.get(Application, application.id)
    assert stored.title == "T" and colleague in stored.team
