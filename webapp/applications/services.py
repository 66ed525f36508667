"""Commands on the application record: create (optionally reusing an earlier one), edit its own
fields, and the lifecycle effect that moves it to the next stage. Services raise; they never commit."""

from __future__ import annotations

from datetime import datetime

from ..auth.models import User
from ..core import audit
from ..core.errors import Conflict
from ..core.models import utcnow, versioned_write
from ..extensions import db
from ..lifecycle import Stage, Status, effect
from ..lifecycle.stages import following
from ..organisations.models import School
from ..programmes import registry
from ..sections.services import copy_content
from . import queries
from .models import Application

AUDITED_FIELDS = ("title", "action_key", "school_id", "call_round", "deadline", "team_ids")


def deadline_for(action_key: str, round_id: str) -> datetime | None:
    definition = registry.for_round(action_key, round_id)
    call_round = definition.call_round(round_id) if definition else None
    return call_round.deadline_utc if call_round else None


def _state(application: Application) -> dict:
    data = audit.snapshot(application, AUDITED_FIELDS[:-1])
    data["team_ids"] = sorted(u.id for u in application.team)
    return data


def create(
    user: User,
    school: School,
    action_key: str,
    call_round: str,
    title: str,
    *,
    copy_from: Application | None = None,
    copy_partners: bool = False,
) -> Application:
    definition = registry.for_round(action_key, call_round)
    application = Application(
        school=school,
        action_key=action_key,
        call_round=call_round,
        call_year=definition.call_year if definition else 0,
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
        copy_content(copy_from, application, definition, copy_partners)
    audit.record(
        user,
        "application.created",
        application,
        school.organisation_id,
        None,
        {**_state(application), "copied_from": copy_from.id if copy_from else None},
    )
    return application


def reusable_by_id(user: User, application_id: int | None) -> Application | None:
    """An earlier application the user may reuse, or None (also for ids of other schools)."""
    if not application_id:
        return None
    return db.session.scalar(queries.reusable(user).where(Application.id == application_id))


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
    """Applies the edit only if nobody saved the record in between (optimistic locking on `version`)."""
    if expected_version != application.version:
        raise Conflict(application)
    before = _state(application)
    members = {u.id: u for u in team}
    members.setdefault(application.owner_id, application.owner)
    try:
        with versioned_write(application):
            if (action_key, call_round) != (application.action_key, application.call_round):
                definition = registry.for_round(action_key, call_round)
                application.call_year = definition.call_year if definition else 0
            application.title = title
            application.action_key = action_key
            application.call_round = call_round
            application.deadline = deadline_for(action_key, call_round)
            application.school = school
            application.team = sorted(members.values(), key=lambda u: u.name)
            application.updated_at = utcnow()  # a change of the team alone must bump the version too
    except Conflict:
        raise Conflict(application) from None
    audit.record(user, "application.updated", application, school.organisation_id, before, _state(application))
    return application


@effect("advance_stage")
def advance_stage(user, application: Application, transition, step) -> None:
    """Completing a stage moves the application to the next one."""
    application.stage = following(transition.stage) or transition.stage
