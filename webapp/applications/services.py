"""Creating, changing and listing applications; what the next step of each one is."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import Membership, Role, User
from ..core import audit, policy
from ..core.i18n import current_language
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
    state: str  # "complete", "current" or "upcoming": where the application stands
    progress: str | None = None  # the stage's own state when a report was asked for


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
    definition = registry.for_round(action_key, round_id)
    call_round = definition.call_round(round_id) if definition else None
    return call_round.deadline_utc if call_round else None


def _state(application: Application) -> dict:
    data = audit.snapshot(application, AUDITED_FIELDS[:-1])
    data["team_ids"] = sorted(u.id for u in application.team)
    return data


def create(user: User, school: School, action_key: str, call_round: str, title: str, *,
           copy_from: Application | None = None, copy_partners: bool = False) -> Application:
    definition = registry.for_round(action_key, call_round)
    application = Application(
        school=school,
        action_key=action_key,
        call_round=call_round,
        workflow_version=definition.call_year if definition else 0,
        deadline=deadline_for(action_key, call_round),
        title=title,
        owner=user,
        team=[user],
        stage=Stage.IDEA,
        status=Status.DRAFT,
    )
    db.session.add(application)
    db.session.flush()
    if copy_from is not None and definition is not None:
        from .sections import copy_content

        copy_content(copy_from, application, definition, copy_partners)
    audit.record(user, "application.created", application, school.organisation_id, None,
                 {**_state(application), "copied_from": copy_from.id if copy_from else None})
    return application


def reusable(user: User) -> list[Application]:
    """Earlier applications of the user's schools that a new one may start from."""
    schools = user.school_ids(Role.TEACHER, Role.PRINCIPAL)
    if not schools:
        return []
    query = db.select(Application).where(Application.school_id.in_(schools)).order_by(Application.created_at.desc())
    return list(db.session.scalars(query))


def reusable_by_id(user: User, application_id: int | None) -> Application | None:
    if not application_id:
        return None
    return next((a for a in reusable(user) if a.id == application_id), None)


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
    if (action_key, call_round) != (application.action_key, application.call_round):
        definition = registry.for_round(action_key, call_round)
        application.workflow_version = definition.call_year if definition else 0
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


def stage_steps(application: Application, report=None) -> list[StageStep]:
    """The stepper: stages before the application's current one are done; with a report, each
    stage's own state (complete, in progress, not started) is shown as well."""
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
        progress = report.stage(stage).state if report else None
        steps.append(StageStep(stage, str(STAGE_LABELS[stage]), state, progress))
    return steps


def display_value(fdef, value, organisations) -> str:
    """An answer as text for reading and copying: choice labels instead of their codes."""
    language = current_language()
    if value in (None, "", []):
        return ""
    if fdef.type in ("choice", "multichoice"):
        source = fdef.choices if fdef.choices is not None else registry.choices().lists[fdef.choices_from]
        labels = {c.value: c.label.get(language) for c in source}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, v) for v in values)
    if fdef.type in ("organisation", "organisations"):
        names = {o.key: o.name for o in organisations}
        values = value if isinstance(value, list) else [value]
        return ", ".join(names.get(v, "?") for v in values)
    if fdef.type == "yesno":
        return str(_l("Yes")) if value == "yes" else str(_l("No"))
    return str(value)


@dataclass(frozen=True)
class Recommendation:
    definition: object
    reason: str
    next_round: object


def recommend(answers: dict) -> list[Recommendation]:
    """The chooser's recommendations (workflows/chooser.yaml) whose conditions all hold."""
    language = current_language()
    now = utcnow()
    result = []
    for rec in registry.chooser().recommendations:
        if all(answers.get(key) in values for key, values in rec.when.items()):
            rounds = [(d, r) for d, rs in registry.open_rounds(now) if d.key == rec.action for r in rs]
            definition = rounds[0][0] if rounds else registry.get(rec.action)
            result.append(Recommendation(definition, rec.reason.get(language), rounds[0][1] if rounds else None))
    return result


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
    """(definition, [rounds still open]) for every programme action and call year, for the create form."""
    return registry.open_rounds(now or utcnow())
