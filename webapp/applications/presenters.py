"""What pages show of an application, asked of the lifecycle: the stage stepper, the status badge,
the next step and the deadline countdown. Plain values, so templates compare no status or stage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..core.audit import AuditEvent
from ..core.i18n import today_in_stockholm
from ..extensions import db
from ..lifecycle import STAGES, STATES, TRANSITIONS, Stage, State, Status, available
from .models import Application


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


def state_of(application: Application) -> State:
    return STATES[Status(application.status)]


def stage_steps(application: Application, report=None) -> list[StageStep]:
    """The stepper: stages before the application's current one are done (all of them once the
    writing is done); with a report, each stage's own state is shown as well."""
    order = list(Stage)
    current = order.index(Stage(application.stage))
    done = state_of(application).writing_done
    steps = []
    for index, stage in enumerate(order):
        if index < current or (done and index == current):
            state = "complete"
        elif index == current:
            state = "current"
        else:
            state = "upcoming"
        progress = report.stage(stage).state if report else None
        steps.append(StageStep(stage, str(STAGES[stage].label), state, progress))
    return steps


def next_step(application: Application) -> NextStep | None:
    state = state_of(application)
    if state.next_step:
        return NextStep(str(state.next_step), state.next_step_actionable)
    if state.editable:
        return NextStep(str(STAGES[Stage(application.stage)].next_step), True)
    return None


def last_saved(application: Application) -> datetime:
    """The last time anything of the application was saved: the record, a section, a partner, the
    checklist or the scores (each keeps its own time, so concurrent saves never share a row)."""
    moments = [application.updated_at]
    moments += [row.updated_at for row in application.answers]
    moments += [p.updated_at for p in application.partners]
    moments += [row.updated_at for row in (application.checklist, application.self_assessment) if row is not None]
    return max(m for m in moments if m is not None)


def overview_actions(user, application: Application):
    """The lifecycle steps the overview offers this user: those their role may take in this state,
    each allowed or with what is still missing (stage completions sit on their stage's page); a step that does
    not apply to this application at all (no interim report is due) is left out."""
    return [
        o
        for o in available(user, application)
        if o.transition.on_overview and o.permitted and (o.decision or not o.decision.hidden)
    ]


@dataclass(frozen=True)
class StepTaken:
    label: str
    by: str
    at: datetime
    comment: str


def latest_comment(application: Application) -> StepTaken | None:
    """The last lifecycle step someone explained (asking for changes, declining, reopening ...), while
    it still concerns the team: once the application is submitted it is history (the activity log)."""
    if state_of(application).sent:
        return None
    events = db.session.scalars(
        db.select(AuditEvent)
        .where(
            AuditEvent.object_type == "application",
            AuditEvent.object_id == application.id,
            AuditEvent.action.like("lifecycle.%"),
        )
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.id.desc())
        .limit(20)
    )
    for event in events:
        comment = (event.changes or {}).get("comment")
        transition = TRANSITIONS.get(event.action.removeprefix("lifecycle."))
        if comment and transition:
            return StepTaken(str(transition.label), event.actor.name if event.actor else "", event.at, comment[1])
    return None


#: A granted project that has not closed yet: its reports are still ahead.
_REPORTING_AHEAD = (Status.GRANTED, Status.REPORTING)


@dataclass(frozen=True)
class ReportDeadline:
    key: str  # "interim" or "final"
    label: str
    due: date
    days_left: int | None  # None once the report is registered
    sent_on: date | None = None


def report_deadlines(application: Application, today: date | None = None) -> list[ReportDeadline]:
    """The interim and final report dates of a granted project still running, with the days left."""
    outcome = application.outcome
    if outcome is None or not outcome.granted or Status(application.status) not in _REPORTING_AHEAD:
        return []
    today = today or today_in_stockholm()
    deadlines = []
    if outcome.interim_report_due:
        sent = outcome.interim_report_sent_on
        left = None if sent else (outcome.interim_report_due - today).days
        deadlines.append(ReportDeadline("interim", str(_l("Interim report")), outcome.interim_report_due, left, sent))
    if outcome.final_report_due:
        left = (outcome.final_report_due - today).days
        deadlines.append(ReportDeadline("final", str(_l("Final report")), outcome.final_report_due, left))
    return deadlines
