"""Creating, changing and listing applications; what the next step of each one is."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import Membership, Role, User
from ..core import audit, policy
from ..core.models import utcnow
from ..extensions import db
from ..organisations.models import School
from ..workflow import registry
from .models import OPEN_STATUSES, Application, Stage, Status, application_team

AUDITED_FIELDS = ("title", "action_key", "school_id", "call_round", "deadline", "team_ids")

STAGE_LABELS = {
    Stage.IDEA: _l("Idea"),
    Stage.PARTNERS: _l("Partners"),
    Stage.ORGANISATION: _l("Organisation"),
    Stage.SUBMISSION: _l("Submission"),
}

STATUS_LABELS = {
    Status.DRAFT: _l("Draft"),
    Status.AWAITING_APPROVAL: _l("Waiting for the principal"),
    Status.CHANGES_REQUESTED: _l("Changes requested"),
    Status.APPROVED: _l("Approved by the principal"),
    Status.SUBMITTED: _l("Submitted"),
    Status.GRANTED: _l("Granted"),
    Status.REJECTED: _l("Not granted"),
    Status.REPORTING: _l("Project running"),
    Status.CLOSED: _l("Final report done"),
    Status.WITHDRAWN: _l("Withdrawn"),
}


class EditConflict(Exception):
    """Someone saved the application after the editor loaded it; nothing was overwritten."""

    def __init__(self, current: Application):
        super().__init__("edit conflict")
        self.current = current


@dataclass(frozen=True)
class NextStep:
    label: str
    actionable: bool  # False while the application waits for someone else


@dataclass(frozen=True)
class StageStep:
    stage: Stage
    label: str
    state: str  # "complete", "current" or "upcoming"


def _base_query():
    return (
        db.select(Application)
        .join(School, Application.school_id == School.id)
        .options(
            joinedload(Application.school),
            joinedload(Application.owner),
            selectinload(Application.team),
        )
    )


#: Statuses in which the call's deadline still matters: the application is not yet submitted.
BEFORE_SUBMISSION = (*OPEN_STATUSES, Status.AWAITING_APPROVAL, Status.APPROVED)


def counts_down(application: Application) -> bool:
    return application.status in BEFORE_SUBMISSION


def _deadline_order():
    # Applications still racing a deadline first, nearest first; then the rest; ties by title.
    return (
        case((Application.status.in_(BEFORE_SUBMISSION), 0), else_=1),
        Application.deadline.is_(None),
        Application.deadline,
        Application.title,
    )


def visible(user: User, *, school_id=None, status=None, stage=None, action_key=None):
    query = _base_query().where(policy.visible_applications_clause(user))
    if school_id:
        query = query.where(Application.school_id == school_id)
    if status:
        query = query.where(Application.status == status)
    if stage:
        query = query.where(Application.stage == stage)
    if action_key:
        query = query.where(Application.action_key == action_key)
    return list(db.session.scalars(query.order_by(*_deadline_order())).unique())


def written_by(user: User) -> list[Application]:
    """The applications a teacher writes: owned or on the team, still in play."""
    on_team = db.select(application_team.c.application_id).where(application_team.c.user_id == user.id)
    query = _base_query().where(
        policy.visible_applications_clause(user),
        or_(Application.owner_id == user.id, Application.id.in_(on_team)),
        Application.status.notin_((Status.CLOSED, Status.WITHDRAWN, Status.REJECTED)),
    )
    return list(db.session.scalars(query.order_by(*_deadline_order())).unique())


def awaiting_decision(user: User) -> list[Application]:
    schools = user.school_ids(Role.PRINCIPAL)
    if not schools:
        return []
    query = _base_query().where(
        Application.school_id.in_(schools), Application.status == Status.AWAITING_APPROVAL
    )
    return list(db.session.scalars(query.order_by(*_deadline_order())).unique())


def counts_by(user: User, column) -> dict[str, int]:
    query = (
        db.select(column, func.count())
        .select_from(Application)
        .join(School, Application.school_id == School.id)
        .where(policy.visible_applications_clause(user))
        .group_by(column)
    )
    return {key: n for key, n in db.session.execute(query)}


def team_candidates(school: School) -> list[User]:
    """Teachers and principals of the school: the people who can co-write its applications."""
    query = (
        db.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.school_id == school.id, Membership.role.in_((Role.TEACHER, Role.PRINCIPAL)), User.active)
        .order_by(User.name)
    )
    return list(db.session.scalars(query).unique())


def deadline_for(action_key: str, round_id: str) -> datetime | None:
    definition = registry.get(action_key)
    call_round = definition.call_round(round_id) if definition else None
    return call_round.deadline_utc if call_round else None


def _state(application: Application) -> dict:
    data = audit.snapshot(application, AUDITED_FIELDS[:-1])
    data["team_ids"] = sorted(u.id for u in application.team)
    return data


def create(user: User, school: School, action_key: str, call_round: str, title: str) -> Application:
    application = Application(
        school=school,
        action_key=action_key,
        call_round=call_round,
        deadline=deadline_for(action_key, call_round),
        title=title,
        owner=user,
        team=[user],
        stage=Stage.IDEA,
        status=Status.DRAFT,
    )
    db.session.add(application)
    db.session.flush()
    audit.record(user, "application.created", application, school.organisation_id, None, _state(application))
    return application


def update(
    user: User,
    application: Application,
    *,
    expected_version: int,
    title: str,
    action_key: str,
    call_round: str,
    school: School,
    team: list[User],
) -> Application:
    """Applies the edit only if nobody saved in between (optimistic locking on `version`)."""
    if expected_version != application.version:
        raise EditConflict(application)
    before = _state(application)
    application.title = title
    application.action_key = action_key
    application.call_round = call_round
    application.deadline = deadline_for(action_key, call_round)
    application.school = school
    members = {u.id: u for u in team}
    members.setdefault(application.owner_id, application.owner)
    application.team = sorted(members.values(), key=lambda u: u.name)
    db.session.flush()  # bumps version; a concurrent writer makes this raise StaleDataError
    audit.record(user, "application.updated", application, school.organisation_id, before, _state(application))
    return application


def is_editable(application: Application) -> bool:
    return application.status in OPEN_STATUSES


def stage_steps(application: Application) -> list[StageStep]:
    order = list(Stage)
    current = order.index(Stage(application.stage))
    finished = application.status not in OPEN_STATUSES and application.status != Status.AWAITING_APPROVAL
    steps = []
    for index, stage in enumerate(order):
        if index < current or (finished and index == current):
            state = "complete"
        elif index == current:
            state = "current"
        else:
            state = "upcoming"
        steps.append(StageStep(stage, str(STAGE_LABELS[stage]), state))
    return steps


#: The one thing to do next, by status and then by stage; False marks waiting for someone else.
_NEXT_BY_STATUS = {
    Status.AWAITING_APPROVAL: (_l("Waiting for the principal's decision"), False),
    Status.CHANGES_REQUESTED: (_l("Make the changes the principal asked for"), True),
    Status.APPROVED: (_l("Submit in the programme's web form"), True),
    Status.SUBMITTED: (_l("Waiting for the national agency's decision"), False),
    Status.GRANTED: (_l("Start the project"), True),
    Status.REPORTING: (_l("Write the final report"), True),
}
_NEXT_BY_STAGE = {
    Stage.IDEA: _l("Describe the idea"),
    Stage.PARTNERS: _l("Find and confirm partners"),
    Stage.ORGANISATION: _l("Plan the project organisation"),
    Stage.SUBMISSION: _l("Send to the principal"),
}


def next_step(application: Application) -> NextStep | None:
    status = Status(application.status)
    if status in _NEXT_BY_STATUS:
        label, actionable = _NEXT_BY_STATUS[status]
        return NextStep(str(label), actionable)
    if status == Status.DRAFT:
        return NextStep(str(_NEXT_BY_STAGE[Stage(application.stage)]), True)
    return None


def open_rounds(now: datetime | None = None):
    """(action, [rounds still open]) for every programme action, for the create form."""
    now = now or utcnow()
    return [(d, d.open_rounds(now)) for d in registry.all_actions()]
