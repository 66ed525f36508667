from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from wtforms.validators import DataRequired, InputRequired

from pages import field_errors, form_errors, invalid_fields, numbers, parse, refusal, say, validator_message
from querycount import count_queries
from webapp.applications import presenters
from webapp.applications.forms import ApplicationForm
from webapp.applications.models import Application
from webapp.auth.models import Role
from webapp.core.audit import AuditEvent
from webapp.lifecycle import STAGES, STATES, Stage, Status
from webapp.programmes import registry


def test_create_application_from_a_call_round(login, make, db):
    teacher = make.user(Role.TEACHER)
    client = login(teacher)
    page = client.get("/applications/new?action=KA210-SCH").get_data(as_text=True)
    assert '<option selected value="KA210-SCH/2027-R1">' in page
    assert "KA210-SCH/2026-R1" not in page  # closed rounds are not offered
    response = client.post(
        "/applications/new",
        data={"title": "Idrott i Europa", "call": "KA210-SCH/2027-R1", "school_id": teacher.memberships[0].school_id},
    )
    assert response.status_code == 302
    application = db.session.scalar(db.select(Application))
    assert (application.title, application.action_key, application.call_round) == (
        "Idrott i Europa",
        "KA210-SCH",
        "2027-R1",
    )
    assert application.deadline == datetime(2027, 3, 4, 11, 0, tzinfo=UTC)  # 12:00 Brussels
    assert application.team == [teacher] and application.stage == Stage.IDEA and application.status == Status.DRAFT
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "application.created"))
    assert event.actor_id == teacher.id and event.changes["title"] == [None, "Idrott i Europa"]


def _required(form_field, kind):
    return lambda message: say(validator_message(form_field, kind)) in message


@pytest.mark.parametrize(
    "data,field,check",
    [
        ({"title": "", "call": "KA210-SCH/2027-R1"}, "title", _required(ApplicationForm.title, DataRequired)),
        ({"title": "x" * 301, "call": "KA210-SCH/2027-R1"}, "title", lambda message: numbers(message) == [300]),
        ({"title": "Ok", "call": "KA210-SCH/2026-R1"}, "call", None),  # a closed round is not an option
        ({"title": "Ok", "call": "NOPE/2027-R1"}, "call", None),
        ({"title": "Ok", "call": ""}, "call", _required(ApplicationForm.call, InputRequired)),
    ],
)
def test_create_rejects_bad_input_next_to_the_field_and_keeps_it(app, login, make, db, data, field, check):
    teacher = make.user(Role.TEACHER)
    payload = {**data, "school_id": teacher.memberships[0].school_id}
    response = login(teacher).post("/applications/new", data=payload)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    school = teacher.memberships[0].school
    expected = form_errors(
        app, lambda: ApplicationForm(action_rounds=registry.open_rounds_now(), schools=[school]), payload
    )
    assert set(expected) == {field} and field_errors(page) == expected  # the form's message, next to that field
    assert invalid_fields(page) == {field}
    assert check is None or check(expected[field])  # the rule meant to refuse it (the limit it names)
    if data["title"]:
        assert data["title"] in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == 0


def test_the_same_form_sent_twice_creates_one_application(login, make, db):
    """Back, then Send again, created a second application (issue 11)."""
    teacher = make.user(Role.TEACHER)
    client = login(teacher)
    page = client.get("/applications/new").get_data(as_text=True)
    key = page.split('name="form_key" type="hidden" value="')[1].split('"')[0]
    data = {"title": "Idrott i Europa", "call": "KA210-SCH/2027-R1", "school_id": teacher.memberships[0].school_id}
    first = client.post("/applications/new", data={**data, "form_key": key})
    again = client.post("/applications/new", data={**data, "form_key": key})
    assert first.status_code == again.status_code == 302 and first.headers["Location"] == again.headers["Location"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == 1
    fresh = client.get("/applications/new").get_data(as_text=True)
    other_key = fresh.split('name="form_key" type="hidden" value="')[1].split('"')[0]
    assert other_key != key  # a new form is a new application
    client.post("/applications/new", data={**data, "form_key": other_key})
    assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == 2


def test_teacher_cannot_create_for_another_school(login, make, db):
    teacher = make.user(Role.TEACHER)
    other = make.school(teacher.memberships[0].organisation)
    response = login(teacher).post(
        "/applications/new", data={"title": "X", "call": "KA210-SCH/2027-R1", "school_id": other.id}
    )
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == 0


def test_edit_changes_title_round_and_team(login, make, db):
    application = make.application(call_round="2027-R1", action_key="KA220-SCH")
    colleague = make.user(Role.TEACHER, school=application.school, name="Lena")
    client = login(application.owner)
    response = client.post(
        f"/applications/{application.id}/edit",
        data={
            "title": "Nytt namn",
            "call": "KA220-SCH/2027-R1",
            "school_id": application.school_id,
            "team": [colleague.id],
            "version": application.version,
        },
    )
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.title == "Nytt namn"
    assert {u.id for u in application.team} == {application.owner_id, colleague.id}  # the owner stays
    # The colleague may now edit it too.
    assert login(colleague).get(f"/applications/{application.id}/edit").status_code == 200


def test_concurrent_edit_is_detected_and_nothing_is_lost(login, make, db):
    application = make.application(title="Original")
    client = login(application.owner)
    stale_version = application.version
    base = {"call": "KA210-SCH/2027-R1", "school_id": application.school_id, "team": [application.owner_id]}
    first = client.post(
        f"/applications/{application.id}/edit", data={**base, "title": "Första", "version": stale_version}
    )
    assert first.status_code == 302
    second = client.post(
        f"/applications/{application.id}/edit", data={**base, "title": "Andra", "version": stale_version}
    )
    page = second.get_data(as_text=True)
    assert second.status_code == 409
    conflict = parse(page).find(cls="conflict")
    assert conflict is not None and conflict.attrs["role"] == "alert"
    assert "Första" in conflict.text() and 'value="Andra"' in page  # both texts are on the page
    db.session.refresh(application)
    assert application.title == "Första"
    # Saving again from the conflict page (it carries the new version) is a deliberate overwrite.
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    third = client.post(f"/applications/{application.id}/edit", data={**base, "title": "Andra", "version": version})
    assert third.status_code == 302
    db.session.refresh(application)
    assert application.title == "Andra"


def test_stale_write_at_the_database_is_refused(app, make, db):
    """Even without the form's check, a lost update is refused by the database layer: the version
    counter on PostgreSQL; on SQLite already the stale read snapshot (WAL), before any write."""
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import StaleDataError

    application = make.application(title="A")
    db.session.commit()
    with Session(db.engine) as other:
        theirs = other.get(Application, application.id)
        application.title = "Mine"
        db.session.commit()
        theirs.title = "Theirs"
        refused = StaleDataError if db.engine.dialect.name == "postgresql" else (StaleDataError, OperationalError)
        with pytest.raises(refused):
            other.commit()
    db.session.expire_all()
    assert db.session.get(Application, application.id).title == "Mine"


def test_submitted_application_cannot_be_edited(login, make):
    application = make.application(status=Status.SUBMITTED)
    response = login(application.owner).get(f"/applications/{application.id}/edit")
    assert response.status_code == 403
    with force_locale("sv"):
        reason = str(STATES[Status.SUBMITTED].locked_reason)
    assert refusal(response.get_data(as_text=True)) == reason  # the refusal says why


def test_list_shows_only_visible_and_filters(login, make):
    teacher = make.user(Role.TEACHER)
    school = teacher.memberships[0].school
    mine = make.application(school, owner=teacher, title="Min ansökan", action_key="KA220-SCH")
    make.application(school, title="Kollegans", action_key="KA210-SCH")
    make.application(make.school(school.organisation), title="Annan skola")
    make.application(title="Annan kommun")
    client = login(teacher)
    page = client.get("/applications/").get_data(as_text=True)
    assert "Min ansökan" in page and "Kollegans" in page
    assert "Annan skola" not in page and "Annan kommun" not in page
    filtered = client.get("/applications/?action=KA220-SCH").get_data(as_text=True)
    assert "Min ansökan" in filtered and "Kollegans" not in filtered
    assert client.get("/applications/?status=nonsense&school=abc").status_code == 200
    assert mine.id


def _add_applications(make, school, n):
    for _ in range(n):
        owner = make.user(Role.TEACHER, school=school)
        make.application(school, owner=owner, team=[make.user(Role.TEACHER, school=school)])


@pytest.mark.parametrize(
    "path,role", [("/applications/", Role.COORDINATOR), ("/", Role.COORDINATOR), ("/", Role.PRINCIPAL)]
)
def test_list_pages_make_a_constant_number_of_queries(login, make, db, path, role):
    school = make.school()
    user = make.user(role, school=school if role.needs_school else None, organisation=school.organisation)
    _add_applications(make, school, 2)
    client = login(user)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    _add_applications(make, school, 12)
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert len(many) == len(few), many


def _section(page, heading_id):
    """The start page's part under the heading with this id."""
    heading = parse(page).find(id=heading_id)
    assert heading is not None, heading_id
    node = heading
    while node.tag != "section":
        node = node.parent
    return node


def _card(part, application):
    """The card of one application in a part of the start page."""
    return next(c for c in part.find_all("article", cls="app-card") if f"/applications/{application.id}" in c.links())


def test_start_page_per_role(login, make):
    school = make.school()
    teacher = make.user(Role.TEACHER, school=school)
    principal = make.user(Role.PRINCIPAL, school=school)
    coordinator = make.user(Role.COORDINATOR, organisation=school.organisation)
    waiting = make.application(
        school, owner=teacher, title="Väntar", status=Status.AWAITING_APPROVAL, stage=Stage.SUBMISSION
    )
    draft = make.application(school, owner=teacher, title="Utkastet")
    teacher_page = login(teacher).get("/").get_data(as_text=True)
    mine = _section(teacher_page, "mine-heading")
    with force_locale("sv"):
        draft_step, waiting_step = presenters.next_step(draft), presenters.next_step(waiting)
    assert draft_step.actionable and not waiting_step.actionable
    assert draft_step.label in _card(mine, draft).find("a", cls="button").text()  # what to do next
    assert _card(mine, waiting).find("p", cls="waiting").text() == waiting_step.label  # what it waits for
    assert "/applications/chooser" in mine.links()  # teachers start applications here
    principal_page = login(principal).get("/").get_data(as_text=True)
    awaiting = _section(principal_page, "awaiting-heading").links()
    assert f"/applications/{waiting.id}" in awaiting and f"/applications/{draft.id}" not in awaiting
    coordinator_page = login(coordinator).get("/").get_data(as_text=True)
    overview = _section(coordinator_page, "overview-heading").links()
    assert f"/applications/{draft.id}" in overview and f"/applications/{waiting.id}" in overview
    assert parse(coordinator_page).find(id="mine-heading") is None  # coordinators do not write applications
    assert "/applications/chooser" not in parse(coordinator_page).links()  # nor start them


def test_stage_steps_and_next_step(make):
    application = make.application(stage=Stage.PARTNERS)
    states = [s.state for s in presenters.stage_steps(application)]
    assert states == ["complete", "current", "upcoming", "upcoming"]
    for language in ("en", "sv"):  # the partners stage's own next step, in the reader's language
        with force_locale(language):
            expected = presenters.NextStep(str(STAGES[Stage.PARTNERS].next_step), True)
            assert presenters.next_step(application) == expected
    application.status = Status.AWAITING_APPROVAL
    assert presenters.next_step(application).actionable is False
    application.status = Status.GRANTED
    application.stage = Stage.SUBMISSION
    assert [s.state for s in presenters.stage_steps(application)] == ["complete"] * 4
    application.status = Status.CLOSED
    assert presenters.next_step(application) is None


def test_overview_shows_brussels_and_stockholm_deadline(login, make):
    """One of the few tests on copy: the Swedish date format and the deadline's time zone are the point."""
    application = make.application(action_key="NPJ-MOBILITY", call_round="2027-R1")
    page = login(application.owner).get(f"/applications/{application.id}").get_data(as_text=True)
    assert "1 februari 2027 kl. 23.59" in page  # CET and Stockholm agree in winter
    assert "1 februari 2027 kl. 23.59 CET" in page  # as the Nordplus call states it
    erasmus = make.application(owner=application.owner, school=application.school, action_key="KA220-SCH")
    assert "4 mars 2027 kl. 12.00 (Bryssel)" in login(application.owner).get(f"/applications/{erasmus.id}").get_data(
        as_text=True
    )
