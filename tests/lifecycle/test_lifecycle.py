"""The lifecycle as a table: every state's flags, and state × role × transition → allowed or why not."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from pages import numbers
from uploads import attach_annexes
from webapp import demo
from webapp.applications.models import Outcome
from webapp.auth.models import Role
from webapp.core import access
from webapp.core.audit import AuditEvent
from webapp.core.errors import NotAllowed
from webapp.lifecycle import STAGES, STATES, TRANSITIONS, Stage, Status, available, engine, perform
from webapp.lifecycle.engine import check_names, decide
from webapp.partners.models import PartnerStatus

# status: (editable, counts_down, sent, in_play, writing_done, waits_for_principal, waits_for_coordinator),
# written out by hand
FLAGS = {
    Status.DRAFT: (True, True, False, True, False, False, False),
    Status.AWAITING_APPROVAL: (False, True, False, True, False, True, False),
    Status.CHANGES_REQUESTED: (True, True, False, True, False, False, False),
    Status.APPROVED: (False, True, False, True, True, False, False),
    Status.AWAITING_SIGNOFF: (False, True, False, True, True, False, True),
    Status.SUBMITTED: (False, False, True, True, True, False, False),
    Status.GRANTED: (False, False, True, True, True, False, False),
    Status.REJECTED: (False, False, True, False, True, False, False),
    Status.REPORTING: (False, False, True, True, True, False, False),
    Status.CLOSED: (False, False, True, False, True, False, False),
    Status.WITHDRAWN: (False, False, False, False, True, False, False),
    Status.DECLINED: (False, False, False, False, True, False, False),
    Status.RESERVE_LIST: (False, False, True, True, True, False, False),
}


@pytest.mark.parametrize("status", list(Status))
def test_every_state_has_its_flags(status):
    state = STATES[status]
    assert (
        state.editable,
        state.counts_down,
        state.sent,
        state.in_play,
        state.writing_done,
        state.waits_for_principal,
        state.waits_for_coordinator,
    ) == FLAGS[status]
    assert state.tone in ("neutral", "attention", "info", "success", "danger")
    assert state.editable or state.locked_reason, "a locked state must say why"


def test_the_tables_hang_together(app):
    assert set(STATES) == set(Status) and set(STAGES) == set(Stage)
    check_names()  # every requirement and effect a transition names is registered
    for transition in TRANSITIONS.values():
        assert transition.permission in access.registered(), transition.key
        assert transition.sources <= set(Status)
    labels = [s.label for s in STATES.values()] + [t.label for t in TRANSITIONS.values()]
    labels += [s.locked_reason for s in STATES.values() if s.locked_reason] + [i.label for i in STAGES.values()]
    with force_locale("en"):
        english = [str(label) for label in labels]
    with force_locale("sv"):
        swedish = [str(label) for label in labels]
    same_in_both = {"Organisation"}
    untranslated = [e for e, s in zip(english, swedish, strict=True) if e == s and e not in same_in_both]
    assert not untranslated, untranslated


# Who may complete a stage of an application whose stage is complete, by role (the owner writes it).
WRITERS = {"owner": True, "co_writer": True, "principal": True, "reader": False, "coordinator": False, "admin": False}
EDITABLE = {Status.DRAFT, Status.CHANGES_REQUESTED}


@pytest.fixture
def people(make):
    school = make.school()
    owner = make.user(Role.TEACHER, school=school)
    return school, {
        "owner": owner,
        "co_writer": make.user(Role.TEACHER, school=school),
        "principal": make.user(Role.PRINCIPAL, school=school),
        "reader": make.user(Role.TEACHER, school=school),
        "coordinator": make.user(Role.COORDINATOR, organisation=school.organisation),
        "admin": make.user(Role.ADMIN, organisation=school.organisation),
    }


def _idea_written(make, school, people):
    application = make.application(school, owner=people["owner"], team=[people["co_writer"]])
    demo._write_answers(application, people["owner"], ["Eleverna behöver läsa mer."], complete=False)
    return application


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("role", sorted(WRITERS))
def test_completing_a_stage_by_state_and_role(app, make, people, status, role):
    school, users = people
    application = _idea_written(make, school, users)
    application.status = status
    decision = decide(users[role], application, TRANSITIONS["complete_idea"])
    assert bool(decision) is (status in EDITABLE and WRITERS[role])
    if status not in EDITABLE:
        assert decision.reason == STATES[status].locked_reason  # the state speaks first
    elif not WRITERS[role]:
        assert decision.reason == access.can("application.edit", application, users[role]).reason


def test_a_user_of_another_organisation_is_told_nothing(app, make, people):
    school, users = people
    application = _idea_written(make, school, users)
    outsider = make.user(Role.PRINCIPAL)
    decision = decide(outsider, application, TRANSITIONS["complete_idea"])
    assert not decision and decision.hidden


def test_an_incomplete_stage_says_how_much_is_left(app, make, people):
    from webapp.sections import services as sections

    school, users = people
    application = make.application(school, owner=users["owner"])
    with force_locale("en"):
        decision = decide(users["owner"], application, TRANSITIONS["complete_idea"])
        left = len(sections.report(application).stage("idea").problems)
        assert not decision and left > 0
        assert decision.reason == sections.stage_is_complete(application, TRANSITIONS["complete_idea"]).reason
        assert numbers(str(decision.reason)) == [left]  # how much is left
    options = {o.transition.key: bool(o.decision) for o in available(users["owner"], application)}
    assert options == {
        "complete_idea": False,
        "complete_partners": False,
        "complete_organisation": False,
        "send_to_principal": False,
        "withdraw": True,
    }


def test_a_stage_is_completed_from_that_stage_only(app, make, people):
    """Not one still ahead (that would skip the partners' rule), not one already behind."""
    school, users = people
    application = make.application(school, owner=users["owner"])
    ahead = decide(users["owner"], application, TRANSITIONS["complete_organisation"])
    assert not ahead and ahead.reason == engine._in_its_stage(application, TRANSITIONS["complete_organisation"]).reason
    application.stage = Stage.SUBMISSION
    behind = decide(users["owner"], application, TRANSITIONS["complete_idea"])
    assert not behind and behind.reason == engine._in_its_stage(application, TRANSITIONS["complete_idea"]).reason
    assert ahead.reason != behind.reason


def test_perform_moves_the_stage_and_records_it(app, make, people, db):
    school, users = people
    application = _idea_written(make, school, users)
    perform(users["owner"], application, "complete_idea")
    assert application.stage == Stage.PARTNERS and application.status == Status.DRAFT
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "lifecycle.complete_idea"))
    assert event.object_id == application.id and event.changes == {"stage": ["idea", "partners"]}
    with pytest.raises(NotAllowed):  # the stage is behind it now
        perform(users["owner"], application, "complete_idea")
    assert application.stage == Stage.PARTNERS


def test_perform_refuses_with_the_reason_and_changes_nothing(app, make, people):
    school, users = people
    application = _idea_written(make, school, users)
    application.status = Status.SUBMITTED
    with pytest.raises(NotAllowed) as refused:
        perform(users["owner"], application, "complete_idea")
    assert refused.value.decision.reason == STATES[Status.SUBMITTED].locked_reason
    assert application.stage == Stage.IDEA
    with pytest.raises(NotAllowed) as unknown:
        perform(users["owner"], application, "no_such_step")
    assert unknown.value.status == 404


# transition: (the states it leaves from, the roles that may take it), written out by hand
WHO_AND_WHEN = {
    "complete_idea": (EDITABLE, {"owner", "co_writer", "principal"}),
    "send_to_principal": (EDITABLE, {"owner", "co_writer", "principal"}),
    "request_changes": ({Status.AWAITING_APPROVAL}, {"principal"}),
    "approve": ({Status.AWAITING_APPROVAL}, {"principal"}),
    "decline": ({Status.AWAITING_APPROVAL}, {"principal"}),
    "reopen": ({Status.APPROVED, Status.AWAITING_SIGNOFF, Status.DECLINED}, {"principal"}),
    "sign_off": ({Status.AWAITING_SIGNOFF}, {"coordinator"}),
    "return_to_team": ({Status.AWAITING_SIGNOFF}, {"coordinator"}),
    "withdraw": (
        {Status.DRAFT, Status.CHANGES_REQUESTED, Status.AWAITING_APPROVAL, Status.APPROVED, Status.AWAITING_SIGNOFF},
        {"owner", "co_writer", "principal"},
    ),
    "register_submission": ({Status.APPROVED}, {"owner", "co_writer", "principal"}),
    "record_grant": ({Status.SUBMITTED, Status.RESERVE_LIST}, {"owner", "co_writer", "principal", "coordinator"}),
    "record_reserve_list": ({Status.SUBMITTED}, {"owner", "co_writer", "principal", "coordinator"}),
    "record_rejection": ({Status.SUBMITTED, Status.RESERVE_LIST}, {"owner", "co_writer", "principal", "coordinator"}),
    "start_project": ({Status.GRANTED}, {"owner", "co_writer", "principal"}),
    # with an interim report the grant agreement asks for and nobody registered yet
    "send_interim_report": ({Status.REPORTING}, {"owner", "co_writer", "principal"}),
    "close_project": ({Status.REPORTING}, {"owner", "co_writer", "principal"}),
}


def ready_to_send(make, school, users):
    """A KA210 application with every stage complete, standing at the submission stage."""
    from webapp.sections import services as sections

    application = make.application(school, owner=users["owner"], team=[users["co_writer"]], action_key="KA210-SCH")
    make.partner(application, country="DK", status=PartnerStatus.CONFIRMED)
    demo._write_answers(application, users["owner"], ["Eleverna behöver läsa mer och skriva mer."], complete=True)
    application.stage = Stage.SUBMISSION
    assert sections.report(application).problems == []
    attach_annexes(application)
    return application


def test_every_transition_is_in_the_table():
    assert set(WHO_AND_WHEN) | {"complete_partners", "complete_organisation"} == set(TRANSITIONS)


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("key", sorted(WHO_AND_WHEN))
def test_who_may_take_each_transition_in_each_state(app, make, people, key, status):
    school, users = people
    application = _idea_written(make, school, users) if key == "complete_idea" else ready_to_send(make, school, users)
    application.status = status
    application.outcome = Outcome(granted=True, interim_report_due=date(2027, 9, 30))
    sources, roles = WHO_AND_WHEN[key]
    for role, user in users.items():
        decision = decide(user, application, TRANSITIONS[key])
        assert bool(decision) is (status in sources and role in roles), (role, decision.reason)
        assert decision or decision.reason  # a refusal always says why
