"""What pages show of an application, asked of the lifecycle: the stage stepper, the status badge,
the next step and the deadline countdown. Plain values, so templates compare no status or stage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from ..core.audit import AuditEvent
from ..core.i18n import days_until, format_moment, today_in_stockholm
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


@dataclass(frozen=True)
class DeadlineCell:
    """A deadline as `macros/ui.html`'s `deadline(short=True)` shows it: the moment, and the days
    left while the state counts down (`days_class` and `days_text`, else None)."""

    iso: str
    text: str
    days_class: str | None = None
    days_text: str | None = None


@dataclass(frozen=True)
class TableRow:
    """One row of `applications/_table.html`, every value worked out in Python."""

    id: int
    href: str
    title: str
    school: str
    action_key: str
    stage: str
    status: str
    tone: str
    deadline: DeadlineCell | None
    risk: object = None  # the first risk's text (Markup), or None
    more: str | None = None  # "(and 2 more)" when there are others


URGENT_DAYS, SOON_DAYS = 14, 45  # a countdown's tone: urgent within two weeks, soon within 45 days


def deadline_cell(moment: datetime, count: bool = True, today: date | None = None, days: dict | None = None):
    """A deadline as every page shows it (`macros/ui.html`'s `deadline`, the applications table):
    the moment in Stockholm, and while the state counts down the days left and their tone. `days`
    keeps the "N days left" texts a page has worded already."""
    text = format_moment(moment)
    left = days_until(moment, today or today_in_stockholm()) if count else None
    if left is None:
        return DeadlineCell(moment.isoformat(), text)
    if left < 0:
        return DeadlineCell(moment.isoformat(), text, "days days-past", _("closed"))
    if left == 0:
        return DeadlineCell(moment.isoformat(), text, "days days-urgent", _("today"))
    days = {} if days is None else days
    if left not in days:
        days[left] = ngettext("%(num)d day left", "%(num)d days left", left)
    tone = "days-urgent" if left <= URGENT_DAYS else "days-soon" if left <= SOON_DAYS else ""
    return DeadlineCell(moment.isoformat(), text, f"days {tone}".strip(), days[left])


#: A number no application id reaches: where it stands in one url_for result, the ids go.
_ID_MARK = 2_147_483_647


def table_rows(applications: list[Application], labels: dict, risks: dict | None = None) -> list[TableRow]:
    """The rows of the applications table (the overview's and the start page's): the link, labels,
    badge tone and deadline countdown of each, translated and formatted once per distinct value on
    the page. `labels` as `views.table_labels`; `risks` each application's risks by id, if shown."""
    head, tail = url_for("applications.show", application_id=_ID_MARK).split(str(_ID_MARK))
    today = today_in_stockholm()
    tones = {key: state.tone for key, state in STATES.items()}
    counting = {key for key, state in STATES.items() if state.counts_down}
    cells: dict[tuple, DeadlineCell] = {}
    days: dict[int, str] = {}
    more: dict[int, str] = {}

    rows = []
    for application in applications:
        status = application.status
        moment = application.deadline
        deadline = None
        if moment:
            key = (moment, status in counting)
            if key not in cells:
                cells[key] = deadline_cell(moment, key[1], today, days)
            deadline = cells[key]
        risk = extra = None
        found = risks.get(application.id) if risks is not None else None
        if found:
            risk = found[0].text
            if len(found) > 1:
                others = len(found) - 1
                if others not in more:
                    more[others] = ngettext("(and %(num)d more)", "(and %(num)d more)", others)
                extra = more[others]
        rows.append(
            TableRow(
                application.id,
                f"{head}{application.id}{tail}",
                application.title,
                application.school.name,
                application.action_key,
                labels["stages"][application.stage],
                labels["states"][status],
                tones[status],
                deadline,
                risk,
                extra,
            )
        )
    return rows
