"""The coordinator's sign-off, for organisations that ask for it: approving leads to the sign-off
instead of straight to submission; the coordinator signs off or returns it to the team; without the
setting nothing changes."""

from __future__ import annotations

import re

import pytest

from pages import field_errors
from webapp import demo
from webapp.applications.models import Application, Signature, SignatureKind
from webapp.auth.models import Membership, Role
from webapp.lifecycle import STATES, Stage, Status
from webapp.partners.models import PartnerStatus
from webapp.sections import services as sections


@pytest.fixture
def sent(make, db, app, login):
    """A complete KA210 application of an organisation that asks for sign-off, sent to the principal."""
    school = make.school()
    school.organisation.coordinator_signoff = True
    owner = make.user(Role.TEACHER, school=school)
    principal = make.user(Role.PRINCIPAL, school=school, name="Mats Berglund")
    coordinator = make.user(Role.COORDINATOR, organisation=school.organisation, name="Lena Holm", language="en")
    application = make.application(school, owner=owner, action_key="KA210-SCH")
    make.partner(application, country="DK", status=PartnerStatus.CONFIRMED)
    demo._write_answers(application, owner, ["Eleverna läser och skriver mer tillsammans."], complete=True)
    application.stage = Stage.SUBMISSION
    db.session.commit()
    assert sections.report(application).problems == []
    _take(login(owner), application, "send_to_principal")
    assert _status(db, application) == Status.AWAITING_APPROVAL
    return application, owner, principal, coordinator


def _take(client, application, key, **data):
    return client.post(f"/applications/{application.id}/transitions/{key}", data=data)


def _status(db, application):
    db.session.rollback()
    return db.session.get(Application, application.id).status


def _signatures(db, application):
    db.session.expire_all()
    query = db.select(Signature).where(Signature.application_id == application.id).order_by(Signature.id)
    return [(s.kind, s.signed_by_id, s.revoked_at is None) for s in db.session.scalars(query)]


def _offered(client, application):
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    return set(re.findall(r'class="action action-([a-z_]+)"', page))


def test_approval_waits_for_the_coordinator_who_signs_off(login, sent, db, outbox):
    application, owner, principal, coordinator = sent
    outbox.clear()
    _take(login(principal), application, "approve", declaration="yes")
    assert _status(db, application) == Status.AWAITING_SIGNOFF
    assert [m["To"] for m in outbox if m["To"] == coordinator.email] == [coordinator.email]
    assert (
        "Waiting for the coordinator's sign-off" in next(m for m in outbox if m["To"] == coordinator.email)["Subject"]
    )

    desk = login(coordinator)
    start = desk.get("/").get_data(as_text=True)
    assert f"/applications/{application.id}" in start.split('id="signoff-heading"')[1].split("</section>")[0]
    assert _offered(desk, application) == {"sign_off", "return_to_team"}
    assert _offered(login(owner), application) == {"withdraw"}  # the team waits; it cannot sign off
    assert _take(login(owner), application, "sign_off", declaration="yes").status_code == 302
    assert _status(db, application) == Status.AWAITING_SIGNOFF  # refused: not a coordinator

    desk = login(coordinator)  # one client: signing in as the teacher signed the coordinator out
    _take(desk, application, "sign_off")  # without the declaration ticked
    assert _status(db, application) == Status.AWAITING_SIGNOFF
    outbox.clear()
    _take(desk, application, "sign_off", declaration="yes")
    assert _status(db, application) == Status.APPROVED
    assert _signatures(db, application) == [
        (SignatureKind.PRINCIPAL, principal.id, True),
        (SignatureKind.COORDINATOR, coordinator.id, True),
    ]
    signed_off = db.session.scalars(db.select(Signature).where(Signature.kind == SignatureKind.COORDINATOR)).one()
    assert coordinator.name in signed_off.declaration and application.school.organisation.name in signed_off.declaration
    assert sorted(m["To"] for m in outbox) == sorted([owner.email, principal.email])
    assert "register_submission" in _offered(login(owner), application)
    page = login(owner).get(f"/applications/{application.id}").get_data(as_text=True)
    assert 'id="signature"' in page and 'id="signed-off"' in page


def test_the_coordinator_returns_it_with_a_reason_and_both_signatures_lapse(login, sent, db, outbox):
    application, owner, principal, coordinator = sent
    _take(login(principal), application, "approve", declaration="yes")
    desk = login(coordinator)
    _take(desk, application, "return_to_team", comment="")
    assert _status(db, application) == Status.AWAITING_SIGNOFF  # a reason is required
    outbox.clear()
    _take(desk, application, "return_to_team", comment="Kommunens medfinansiering saknas i budgeten.")
    assert _status(db, application) == Status.CHANGES_REQUESTED
    assert _signatures(db, application) == [(SignatureKind.PRINCIPAL, principal.id, False)]
    assert sorted(m["To"] for m in outbox) == sorted([owner.email, principal.email])
    page = login(owner).get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Kommunens medfinansiering saknas i budgeten." in page.split('id="latest-comment"')[1]


def test_without_the_setting_approval_goes_straight_on(login, sent, db, outbox):
    application, _owner, principal, coordinator = sent
    application.school.organisation.coordinator_signoff = False
    db.session.commit()
    outbox.clear()
    _take(login(principal), application, "approve", declaration="yes")
    assert _status(db, application) == Status.APPROVED
    assert coordinator.email not in [m["To"] for m in outbox]
    assert 'id="signoff-heading"' not in login(coordinator).get("/").get_data(as_text=True)


def test_a_coordinator_of_another_organisation_cannot_sign_off(login, sent, make, db):
    application, _owner, principal, _coordinator = sent
    _take(login(principal), application, "approve", declaration="yes")
    stranger = make.user(Role.COORDINATOR)
    db.session.commit()
    assert _take(login(stranger), application, "sign_off", declaration="yes").status_code == 404
    assert _status(db, application) == Status.AWAITING_SIGNOFF
    assert f"/applications/{application.id}" not in login(stranger).get("/").get_data(as_text=True)


def test_the_principal_may_reopen_while_it_waits_for_the_sign_off(login, sent, db):
    application, _owner, principal, _coordinator = sent
    boss = login(principal)
    _take(boss, application, "approve", declaration="yes")
    _take(boss, application, "reopen", comment="Jag vill ändra sammanfattningen.")
    assert _status(db, application) == Status.CHANGES_REQUESTED
    assert STATES[Status.AWAITING_SIGNOFF].locked_reason  # the content stayed locked while it waited


def test_the_administrator_switches_the_sign_off_on(login, make, db):
    admin = make.user(Role.ADMIN)
    organisation = admin.memberships[0].organisation
    make.user(Role.COORDINATOR, organisation=organisation)  # someone who can sign off
    db.session.commit()
    client = login(admin)
    page = client.get("/admin/organisation").get_data(as_text=True)
    assert 'name="coordinator_signoff"' in page
    data = {"name": organisation.name, "kind": organisation.kind, "country": organisation.country}
    assert client.post("/admin/organisation", data={**data, "coordinator_signoff": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(type(organisation), organisation.id).coordinator_signoff is True
    client.post("/admin/organisation", data=data)
    db.session.expire_all()
    assert db.session.get(type(organisation), organisation.id).coordinator_signoff is False


def test_without_an_active_coordinator_approval_does_not_wait_for_nobody(login, sent, db):
    """Found in review: the organisation asked for the sign-off but had no coordinator, so an approved
    application sat in "waiting for the sign-off" with nobody able to move it."""
    application, _owner, principal, coordinator = sent
    coordinator.active = False
    db.session.commit()
    _take(login(principal), application, "approve", declaration="yes")
    assert _status(db, application) == Status.APPROVED


def test_the_administrator_cannot_ask_for_a_sign_off_nobody_can_give(login, make, db):
    admin = make.user(Role.ADMIN)
    organisation = admin.memberships[0].organisation
    db.session.commit()
    data = {"name": organisation.name, "kind": organisation.kind, "country": organisation.country}
    response = login(admin).post("/admin/organisation", data={**data, "coordinator_signoff": "y"})
    assert response.status_code == 422 and "coordinator_signoff" in field_errors(response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(type(organisation), organisation.id).coordinator_signoff is False


def test_the_principal_who_approved_cannot_also_sign_off_for_the_organisation(login, sent, make, db):
    application, _owner, principal, _coordinator = sent
    principal.memberships.append(
        Membership(organisation_id=application.organisation_id, role=Role.COORDINATOR, school_id=None)
    )
    db.session.commit()
    boss = login(principal)
    _take(boss, application, "approve", declaration="yes")
    _take(boss, application, "sign_off", declaration="yes")
    assert _status(db, application) == Status.AWAITING_SIGNOFF
    assert _signatures(db, application) == [(SignatureKind.PRINCIPAL, principal.id, True)]


def test_the_coordinators_card_leads_to_the_review(login, sent, db):
    application, _owner, principal, coordinator = sent
    _take(login(principal), application, "approve", declaration="yes")
    start = login(coordinator).get("/").get_data(as_text=True)
    card = start.split('id="signoff-heading"')[1].split("</section>")[0]
    assert f'href="/applications/{application.id}/review"' in card
