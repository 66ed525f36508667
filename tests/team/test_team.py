"""Inviting co-writers from the application (issue 14): a colleague at the school is added, an
address without an account gets one at the school, any other account is refused with one answer
that says nothing about where it is; every invitation is audited and mailed after the commit."""

from __future__ import annotations

import re

import pytest
from flask_babel import gettext

from pages import field_errors, flashes, form_errors, parse, refusal, say
from support import build_app, sign_in_as
from webapp.auth.models import Role, User
from webapp.core.access import can
from webapp.core.audit import AuditEvent
from webapp.extensions import db as _db
from webapp.lifecycle import STATES
from webapp.team import services
from webapp.team.forms import InviteForm


@pytest.fixture
def school(make):
    return make.school(make.organisation("Solna stad"), name="Skytteholmsskolan")


@pytest.fixture
def owner(make, school):
    return make.user(Role.TEACHER, school=school, name="Anna Lind", password="long enough password", language="en")


@pytest.fixture
def application(make, school, owner):
    return make.application(school, owner=owner, title="Vatten i Norden")


def _invite(client, application, **data):
    return client.post(f"/applications/{application.id}/team/invite", data={"language": "sv", **data})


def _team_ids(db, application) -> list[int]:
    db.session.expire_all()
    return sorted(u.id for u in db.session.get(type(application), application.id).team)


def _link(message, path: str) -> str:
    match = re.search(r"http://grantpath\.test(" + re.escape(path) + r"\S*)", message.get_content())
    assert match, message.get_content()
    return match.group(1)


def _input_value(html: str, field_id: str) -> str:
    return parse(html).find("input", id=field_id).attrs.get("value", "")


def test_a_colleague_at_the_school_is_added_and_told_by_mail(login, db, make, school, owner, application, outbox):
    colleague = make.user(
        Role.TEACHER, school=school, email="erik@example.org", name="Erik Berg", password="x" * 12, language="en"
    )
    assert not can("application.edit", application, colleague)
    response = _invite(login(owner), application, email=" Erik@Example.org ")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/applications/{application.id}/team")
    assert _team_ids(db, application) == sorted([owner.id, colleague.id])
    assert can(
        "application.edit", db.session.get(type(application), application.id), db.session.get(User, colleague.id)
    )
    assert [(m["To"], m["Subject"]) for m in outbox] == [
        ("erik@example.org", "You are on the team of “Vatten i Norden”")
    ]
    assert _link(outbox[0], "/applications/") == f"/applications/{application.id}"
    assert "/invitation/" not in outbox[0].get_content() and "Anna Lind" in outbox[0].get_content()
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "team.invited"))
    assert (event.actor_id, event.object_id, event.organisation_id) == (
        owner.id,
        application.id,
        school.organisation_id,
    )
    assert event.changes["team_ids"] == [[owner.id], sorted([owner.id, colleague.id])]
    assert event.changes["invited"] == [None, "erik@example.org"] and event.changes["new_account"] == [None, False]
    page = login(owner).get(f"/applications/{application.id}/team").get_data(as_text=True)
    assert flashes(page) == [("success", "Erik Berg is on the team and gets an email about it.")]
    rows = [r.text() for r in parse(page).find_all("tr", cls="writer")]
    assert any("Erik Berg" in r and "erik@example.org" in r for r in rows)


def test_a_principal_of_the_school_may_be_invited_too(login, db, make, school, owner, application, outbox):
    principal = make.user(Role.PRINCIPAL, school=school, email="rektor@example.org", password="x" * 12)
    assert _invite(login(owner), application, email="rektor@example.org").status_code == 302
    assert principal.id in _team_ids(db, application)
    assert [m["To"] for m in outbox] == ["rektor@example.org"]


def test_an_address_without_an_account_gets_one_at_the_school(app, login, db, make, school, owner, application, outbox):
    response = _invite(login(owner), application, email="Nora@Example.org", name="Nora Sand", language="en")
    assert response.status_code == 302
    nora = db.session.scalar(db.select(User).where(User.email == "nora@example.org"))
    assert (nora.name, nora.language, nora.password_hash) == ("Nora Sand", "en", None)
    assert [(m.organisation_id, m.school_id, m.role) for m in nora.memberships] == [
        (school.organisation_id, school.id, Role.TEACHER)
    ]
    assert nora.id in _team_ids(db, application)
    actions = set(db.session.scalars(db.select(AuditEvent.action)))
    assert {"user.invited", "membership.added", "team.invited"} <= actions
    assert [(m["To"], m["Subject"]) for m in outbox] == [
        ("nora@example.org", "You are invited to write “Vatten i Norden” in Grantpath")
    ]
    body = outbox[0].get_content()
    assert "Vatten i Norden" in body and "Skytteholmsskolan" in body and "Anna Lind" in body
    assert _link(outbox[0], "/applications/") == f"/applications/{application.id}"
    # The invitation's link sets the password; then the application opens for its new co-writer.
    client = app.test_client()
    chosen = client.post(
        _link(outbox[0], "/invitation/"), data={"password": "her own long password", "confirm": "her own long password"}
    )
    assert chosen.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, nora.id).password_hash.startswith("$argon2id$")
    assert client.get(f"/applications/{application.id}/edit").status_code == 200
    page = login(owner).get(f"/applications/{application.id}/team").get_data(as_text=True)
    accepted = {
        r.find("td").text(): r.find("span", cls="badge").classes for r in parse(page).find_all("tr", cls="writer")
    }
    assert "writer-accepted" in accepted["Nora Sand"]


def test_the_invitation_is_in_the_invited_persons_language_and_the_form_offers_the_inviters(
    login, db, owner, application, outbox
):
    page = login(owner).get(f"/applications/{application.id}/team").get_data(as_text=True)
    chosen = parse(page).find("select", id="language").find("option", selected=True)
    assert chosen.attrs["value"] == "en"  # the inviter's language
    _invite(login(owner), application, email="sv@example.org", name="Sara Ek", language="sv")
    assert db.session.scalar(db.select(User.language).where(User.email == "sv@example.org")) == "sv"
    body = outbox[0].get_content()
    assert say(lambda: gettext("Hello %(name)s,", name="Sara Ek"), "sv") in body


def test_a_pending_invitee_is_shown_as_not_accepted_and_invited_again_with_a_link(
    login, db, make, school, owner, application, outbox
):
    pending = make.user(Role.TEACHER, school=school, email="ny@example.org", name="Ny Lärare")
    assert _invite(login(owner), application, email="ny@example.org").status_code == 302
    assert "/invitation/" in outbox[0].get_content()
    page = login(owner).get(f"/applications/{application.id}/team").get_data(as_text=True)
    row = next(r for r in parse(page).find_all("tr", cls="writer") if "Ny Lärare" in r.text())
    assert "writer-pending" in row.find("span", cls="badge").classes
    assert pending.id in _team_ids(db, application)


def test_someone_already_on_the_team_is_not_added_twice(login, db, make, school, owner, application, outbox):
    colleague = make.user(Role.TEACHER, school=school, email="erik@example.org", name="Erik Berg", password="x" * 12)
    application.team.append(colleague)
    db.session.commit()
    response = _invite(login(owner), application, email="erik@example.org", name="Typed Name")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(html) == {"email": say(lambda: services.ALREADY_ON_TEAM % {"name": "Erik Berg"}, "en")}
    assert (_input_value(html, "email"), _input_value(html, "name")) == ("erik@example.org", "Typed Name")
    assert outbox == [] and _team_ids(db, application) == sorted([owner.id, colleague.id])
    again = _invite(login(owner), application, email=owner.email)  # the one who started it is on the team
    assert again.status_code == 422 and "email" in field_errors(again.get_data(as_text=True))


def test_a_new_account_needs_a_name(login, db, owner, application, outbox):
    response = _invite(login(owner), application, email="nobody@example.org", name="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(html) == {"name": say(services.NAME_NEEDED, "en")}
    assert _input_value(html, "email") == "nobody@example.org"
    assert db.session.scalar(db.select(User).where(User.email == "nobody@example.org")) is None and outbox == []


@pytest.mark.parametrize("email", ["not-an-address", "", "a@" + "b" * 260 + ".se"])
def test_a_bad_address_is_refused_at_its_field_with_what_was_typed(app, login, db, owner, application, outbox, email):
    data = {"email": email, "name": "Kim Berg", "language": "en"}
    response = login(owner).post(f"/applications/{application.id}/team/invite", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(html) == form_errors(app, InviteForm, data, "en") and "email" in field_errors(html)
    assert (_input_value(html, "email"), _input_value(html, "name")) == (email, "Kim Berg")
    assert outbox == [] and _team_ids(db, application) == [owner.id]


def test_an_unknown_language_is_refused_at_its_field(login, owner, application):
    response = _invite(login(owner), application, email="x@example.org", name="X", language="de")
    assert response.status_code == 422 and set(field_errors(response.get_data(as_text=True))) == {"language"}


def test_accounts_without_a_role_at_the_school_get_one_answer_and_nobody_is_mailed(
    login, db, make, school, owner, application, outbox
):
    """Another school of the organisation, a coordinator of it, another organisation: the same words,
    naming the school only, so the inviter cannot tell whether the account is another organisation's."""
    other_school = make.school(school.organisation, name="Annan skola")
    make.user(Role.TEACHER, school=other_school, email="sameorg@example.org", name="Sam Org")
    make.user(Role.COORDINATOR, organisation=school.organisation, email="coordinator@example.org")
    foreign = make.user(Role.TEACHER, email="foreign@example.org", name="Frida Främling")
    orphan = make.user(Role.TEACHER, email="orphan@example.org", name="Utan Roll")
    db.session.delete(orphan.memberships[0])  # an account whose roles were all removed
    db.session.commit()
    answers = []
    emails = ("sameorg@example.org", "coordinator@example.org", "foreign@example.org", "orphan@example.org")
    for email in emails:
        response = _invite(login(owner), application, email=email, name="Typed")
        assert response.status_code == 422, email
        answers.append(field_errors(response.get_data(as_text=True)))
    expected = say(lambda: services.NOT_AT_SCHOOL % {"school": "Skytteholmsskolan"}, "en")
    assert answers == [{"email": expected}] * 4
    assert "Frida" not in expected and foreign.memberships[0].organisation.name not in expected
    assert outbox == [] and _team_ids(db, application) == [owner.id]
    db.session.expire_all()
    assert [m.organisation_id for m in db.session.get(User, foreign.id).memberships] == [
        foreign.memberships[0].organisation_id
    ]
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "team.invited")) is None


def test_a_closed_account_at_the_school_is_not_added(login, db, make, school, owner, application, outbox):
    make.user(Role.TEACHER, school=school, email="closed@example.org", active=False)
    response = _invite(login(owner), application, email="closed@example.org")
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {"email": say(services.ACCOUNT_CLOSED, "en")}
    assert outbox == [] and _team_ids(db, application) == [owner.id]


def test_inviting_bumps_the_version_so_an_edit_loaded_before_conflicts(login, db, make, school, owner, application):
    before = application.version
    make.user(Role.TEACHER, school=school, email="erik@example.org", password="x" * 12)
    assert _invite(login(owner), application, email="erik@example.org").status_code == 302
    db.session.expire_all()
    assert db.session.get(type(application), application.id).version == before + 1


def test_another_organisations_application_is_not_found(login, make, owner):
    foreign = make.application(make.school(), title="Not yours")
    client = login(owner)
    assert client.get(f"/applications/{foreign.id}/team").status_code == 404
    assert _invite(client, foreign, email="x@example.org", name="X").status_code == 404


def test_a_colleague_off_the_team_sees_the_team_but_may_not_invite(login, db, make, school, application, outbox):
    reader = make.user(Role.TEACHER, school=school, language="en")
    client = login(reader)
    page = client.get(f"/applications/{application.id}/team")
    assert page.status_code == 200 and parse(page.get_data(as_text=True)).find("form", id="invite-form") is None
    response = _invite(client, application, email="x@example.org", name="X")
    assert response.status_code == 403
    assert refusal(response.get_data(as_text=True)) == say(can("application.edit", application, reader).reason, "en")
    assert outbox == [] and db.session.scalar(db.select(User).where(User.email == "x@example.org")) is None


def test_nobody_is_invited_while_the_content_is_locked(login, db, owner, application, outbox):
    status = next(s for s, state in STATES.items() if not state.editable)
    application.status = status
    db.session.commit()
    client = login(owner)
    page = client.get(f"/applications/{application.id}/team").get_data(as_text=True)
    assert parse(page).find("form", id="invite-form") is None
    response = _invite(client, application, email="x@example.org", name="X")
    assert response.status_code == 403
    assert refusal(response.get_data(as_text=True)) == say(STATES[status].locked_reason, "en")
    assert outbox == []


def test_the_overview_and_the_edit_page_link_to_the_team_page(login, owner, application):
    client = login(owner)
    team = f"/applications/{application.id}/team"
    assert team in parse(client.get(f"/applications/{application.id}").get_data(as_text=True)).links()
    assert team in parse(client.get(f"/applications/{application.id}/edit").get_data(as_text=True)).links()


def test_an_invitation_without_its_form_token_is_refused(db_url, make, school, owner, application, outbox):
    csrf_app = build_app(db_url, WTF_CSRF_ENABLED=True)
    try:
        _db.session.commit()
        client = csrf_app.test_client()
        sign_in_as(client, owner)
        response = _invite(client, application, email="nora@example.org", name="Nora Sand")
        assert response.status_code == 400
        assert _db.session.scalar(_db.select(User).where(User.email == "nora@example.org")) is None
        page = client.get(f"/applications/{application.id}/team").get_data(as_text=True)
        token = parse(page).find("form", id="invite-form").find("input", id="csrf_token").attrs["value"]
        with_token = _invite(client, application, email="nora@example.org", name="Nora Sand", csrf_token=token)
        assert with_token.status_code == 302
    finally:
        with csrf_app.app_context():
            _db.engine.dispose()
    assert _db.session.scalar(_db.select(User).where(User.email == "nora@example.org")) is not None
