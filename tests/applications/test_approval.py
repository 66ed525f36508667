"""The principal's sign-off, end to end over HTTP: send, ask for changes, send again, approve with
the declaration on honour, reopen, withdraw; who gets which mail; what is refused and why."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from pages import flashes
from webapp import demo
from webapp.applications.models import Application, Signature
from webapp.auth.models import Role
from webapp.lifecycle import Stage, Status
from webapp.partners.models import PartnerStatus
from webapp.sections import services as sections


@pytest.fixture
def team(make, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://grantpath.example.org")
    school = make.school()
    owner = make.user(Role.TEACHER, school=school, language="sv")
    co_writer = make.user(Role.TEACHER, school=school, language="en")
    principal = make.user(Role.PRINCIPAL, school=school, language="en", name="Mats Berglund")
    application = make.application(school, owner=owner, team=[co_writer], action_key="KA210-SCH")
    make.partner(application, country="DK", status=PartnerStatus.CONFIRMED)
    demo._write_answers(application, owner, ["Eleverna läser och skriver mer tillsammans."], complete=True)
    application.stage = Stage.SUBMISSION
    db.session.commit()
    assert sections.report(application).problems == []
    return application, owner, co_writer, principal


def _take(client, application, key, **data):
    return client.post(f"/applications/{application.id}/transitions/{key}", data=data)


def _status(db, application):
    db.session.rollback()
    return db.session.get(Application, application.id).status


def test_an_incomplete_application_cannot_be_sent(login, make, db):
    application = make.application()
    response = _take(login(application.owner), application, "send_to_principal")
    assert response.status_code == 302 and _status(db, application) == Status.DRAFT
    assert [c for c, _ in flashes(login(application.owner).get("/").get_data(as_text=True))] == ["warning"]


def test_the_whole_sign_off(login, team, db, outbox):
    application, owner, co_writer, principal = team
    teacher = login(owner)
    assert _take(teacher, application, "send_to_principal").status_code == 302
    assert _status(db, application) == Status.AWAITING_APPROVAL
    (to_principal,) = outbox
    assert to_principal["To"] == principal.email
    assert f"https://grantpath.example.org/applications/{application.id}" in to_principal.get_content()
    assert "Waiting for the principal" in to_principal["Subject"]  # in the principal's language (English)
    outbox.clear()

    boss = login(principal)
    assert _take(boss, application, "request_changes", comment="").status_code == 302  # a reason is required
    assert _status(db, application) == Status.AWAITING_APPROVAL and outbox == []
    _take(boss, application, "request_changes", comment="Förtydliga målen i avsnitt D.")
    assert _status(db, application) == Status.CHANGES_REQUESTED
    assert sorted(m["To"] for m in outbox) == sorted([owner.email, co_writer.email])
    swedish = next(m for m in outbox if m["To"] == owner.email)
    assert "Förtydliga målen i avsnitt D." in swedish.get_content() and "Ändringar begärda" in swedish["Subject"]
    page = teacher.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Förtydliga målen i avsnitt D." in page.split('id="latest-comment"')[1]
    outbox.clear()

    _take(teacher, application, "send_to_principal")
    assert _status(db, application) == Status.AWAITING_APPROVAL
    _take(boss, application, "approve")  # without the declaration ticked
    assert _status(db, application) == Status.AWAITING_APPROVAL
    _take(boss, application, "approve", declaration="yes")
    assert _status(db, application) == Status.APPROVED
    (signature,) = db.session.scalars(db.select(Signature).where(Signature.application_id == application.id))
    assert signature.signed_by_id == principal.id and signature.revoked_at is None
    assert principal.name in signature.declaration and application.school.name in signature.declaration
    assert 'id="signature"' in teacher.get(f"/applications/{application.id}").get_data(as_text=True)

    _take(boss, application, "reopen", comment="Budgeten måste ses över.")
    assert _status(db, application) == Status.CHANGES_REQUESTED
    db.session.expire_all()
    assert db.session.get(Signature, signature.id).revoked_at is not None

    _take(teacher, application, "withdraw", comment="Vi söker nästa år i stället.")
    assert _status(db, application) == Status.WITHDRAWN


def test_a_teacher_cannot_decide_and_is_told_why(login, team, db, outbox):
    application, owner, _co_writer, _principal = team
    teacher = login(owner)
    _take(teacher, application, "send_to_principal")
    outbox.clear()
    response = _take(teacher, application, "approve", declaration="yes")
    assert response.status_code == 302 and _status(db, application) == Status.AWAITING_APPROVAL
    page = teacher.get(f"/applications/{application.id}").get_data(as_text=True)
    assert flashes(page)[-1][0] == "warning" and outbox == []
    assert "action-approve" not in page  # the overview does not offer what the role may not take


def test_the_principal_sees_the_decisions_and_the_team_does_not(login, team):
    application, owner, _co_writer, principal = team
    _take(login(owner), application, "send_to_principal")
    offered = set(
        re.findall(
            r'class="action action-([a-z_]+)"',
            login(principal).get(f"/applications/{application.id}").get_data(as_text=True),
        )
    )
    assert offered == {"request_changes", "approve", "decline", "withdraw"}
    offered = set(
        re.findall(
            r'class="action action-([a-z_]+)"',
            login(owner).get(f"/applications/{application.id}").get_data(as_text=True),
        )
    )
    assert offered == {"withdraw"}


def test_a_lost_race_sends_no_mail(login, team, db, outbox, monkeypatch):
    """Someone else changed the record while the step was being taken (here: inside its first effect,
    before the write): only the step's savepoint is undone, so nothing changes and no mail goes out."""
    from webapp.lifecycle import engine

    application, owner, _co_writer, _principal = team
    notify = engine._EFFECTS["notify_principals"]

    def concurrent_writer_then_notify(user, app_, transition, step):
        with db.session.no_autoflush:  # the other writer's change lands before this step's own write
            db.session.execute(text("UPDATE application SET version = version + 1 WHERE id = :id"), {"id": app_.id})
            notify(user, app_, transition, step)

    monkeypatch.setitem(engine._EFFECTS, "notify_principals", concurrent_writer_then_notify)
    response = _take(login(owner), application, "send_to_principal")
    assert response.status_code == 302
    assert _status(db, application) == Status.DRAFT and outbox == []


def test_status_mail_respects_each_persons_choice(login, team, db, outbox):
    from webapp.auth import services as accounts

    application, owner, co_writer, principal = team
    accounts.set_mail_preferences(co_writer, wanted=set())
    db.session.commit()
    _take(login(owner), application, "send_to_principal")
    outbox.clear()
    _take(login(principal), application, "request_changes", comment="Kortare sammanfattning.")
    assert [m["To"] for m in outbox] == [owner.email]  # the co-writer turned status mail off


def test_the_principals_remark_leaves_the_overview_once_the_application_is_submitted(login, team, db):
    application, owner, _co_writer, principal = team
    _take(login(owner), application, "send_to_principal")
    _take(login(principal), application, "request_changes", comment="Kortare sammanfattning.")
    assert 'id="latest-comment"' in login(owner).get(f"/applications/{application.id}").get_data(as_text=True)
    db.session.rollback()
    application = db.session.get(Application, application.id)
    application.status = Status.SUBMITTED  # as after approval and registering the submission
    db.session.commit()
    assert 'id="latest-comment"' not in login(owner).get(f"/applications/{application.id}").get_data(as_text=True)
