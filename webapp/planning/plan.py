"""An application's plan: its deadline in the call's zone and in Stockholm, the milestones planned
backwards from it in Swedish working days, which are done or overdue, and the risks in words.

Whether a milestone is done is read from the lifecycle's state flags and the order of the stages,
never from status names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import LazyString, lazy_ngettext
from flask_babel import lazy_gettext as _l

from ..core.i18n import STOCKHOLM, current_language, days_until, today_in_stockholm
from ..lifecycle.stages import Stage
from ..lifecycle.states import STATES, Status
from ..programmes.base import Localised
from ..programmes.schema import CallRound
from .calendar import working_days_before
from .milestones import MAX_LEAD_DAYS, Milestone
from .milestones import defaults as default_milestones

#: A milestone not done this many days (or fewer) before its date is a risk.
RISK_DAYS = 10

#: What is still open while a milestone is not done, by what it stands for.
OPEN = {
    "partners_stage": _l("Partner stage open"),
    "every_stage": _l("Stages still open"),
    "approved": _l("Not yet approved by the principal"),
    "signed_off": _l("Not yet signed off by the coordinator"),
}


@dataclass(frozen=True)
class Deadline:
    utc: datetime
    call_round: CallRound
    local: datetime  # in the call's zone, as the call states it
    stockholm: datetime
    days_left: int

    @property
    def zone(self) -> str:
        return self.call_round.timezone

    @property
    def differs_in_stockholm(self) -> bool:
        """Whether Stockholm's clock reads otherwise than the call's (Helsinki does, Brussels never)."""
        return self.local.replace(tzinfo=None) != self.stockholm.replace(tzinfo=None)


@dataclass(frozen=True)
class PlannedMilestone:
    key: str
    label: Localised
    done_when: str
    lead_days: int
    due: date  # `lead_days` Swedish working days before the deadline's date in Stockholm
    days_left: int  # calendar days from today to `due`; negative once past
    done: bool

    @property
    def overdue(self) -> bool:
        return not self.done and self.days_left < 0


@dataclass(frozen=True)
class Plan:
    deadline: Deadline
    milestones: tuple[PlannedMilestone, ...]


@dataclass(frozen=True)
class Risk:
    key: str  # the milestone's
    text: LazyString


@dataclass(frozen=True)
class Overview:
    """What the application's overview shows: the plan and its risks."""

    plan: Plan
    risks: list[Risk]


def lead_days(organisation, milestones: tuple[Milestone, ...]) -> dict[str, int]:
    """Each milestone's lead time: the organisation's own where it set a valid one, else the default."""
    own = (organisation.milestone_lead_days if organisation is not None else None) or {}
    valid = {
        key: value
        for key, value in own.items()
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_LEAD_DAYS
    }
    return {m.key: valid.get(m.key, m.lead_days) for m in milestones}


def _stage_passed(application, stage: Stage) -> bool:
    order = list(Stage)
    current = Stage(application.stage) if application.stage in set(Stage) else Stage.IDEA
    return order.index(current) > order.index(stage)


def _done_in(state, done_when: str) -> bool:
    """Whether a milestone counts done in `state`, whatever the stage."""
    approved = state.writing_done and (state.counts_down or state.sent)  # not declined or withdrawn
    if done_when == "signed_off":
        return approved and not state.waits_for_coordinator
    if done_when == "approved":
        return approved
    return approved or state.waits_for_principal  # every_stage, partners_stage


#: The milestones that also count done once the application's stage is past this one.
DONE_BY_STAGE = {"partners_stage": Stage.PARTNERS}


def done_statuses(done_when: str) -> tuple[Status, ...]:
    """The statuses in which a milestone counts done whatever the stage: for SQL filters."""
    return tuple(state.status for state in STATES.values() if _done_in(state, done_when))


def stages_after(done_when: str) -> tuple[Stage, ...]:
    """The stages in which a milestone counts done whatever the status (none for most): for SQL."""
    stage = DONE_BY_STAGE.get(done_when)
    order = list(Stage)
    return tuple(order[order.index(stage) + 1 :]) if stage else ()


def is_done(done_when: str, application) -> bool:
    """Whether the application is past what a milestone stands for."""
    if _done_in(STATES[Status(application.status)], done_when):
        return True
    stage = DONE_BY_STAGE.get(done_when)
    return stage is not None and _stage_passed(application, stage)


def _wanted(organisation, milestones) -> tuple[Milestone, ...]:
    return tuple(m for m in milestones if m.only_if is None or getattr(organisation, m.only_if, False))


def plan(application, definition, organisation, today: date, milestones=None) -> Plan | None:
    """The application's deadline and milestones; None when its call round is unknown."""
    call_round = definition.call_round(application.call_round) if definition is not None else None
    if call_round is None:
        return None
    utc = application.deadline or call_round.deadline_utc
    stockholm = utc.astimezone(STOCKHOLM)
    deadline = Deadline(
        utc=utc,
        call_round=call_round,
        local=utc.astimezone(ZoneInfo(call_round.timezone)),
        stockholm=stockholm,
        days_left=days_until(utc, today),
    )
    milestones = default_milestones() if milestones is None else milestones
    wanted = _wanted(organisation, milestones)
    leads = lead_days(organisation, wanted)
    planned = []
    for m in wanted:
        due = working_days_before(stockholm.date(), leads[m.key])
        planned.append(
            PlannedMilestone(
                key=m.key,
                label=m.label,
                done_when=m.done_when,
                lead_days=leads[m.key],
                due=due,
                days_left=(due - today).days,
                done=is_done(m.done_when, application),
            )
        )
    return Plan(deadline=deadline, milestones=tuple(planned))


def _label(localised: Localised) -> LazyString:
    return LazyString(lambda: localised.get(current_language()))


def risks(plan: Plan | None, application) -> list[Risk]:
    """Each milestone not done that is overdue or at most RISK_DAYS days away, in words; none once
    the deadline no longer applies (submitted, declined, withdrawn) or has passed (the call is
    closed: nothing left to catch up on)."""
    if plan is None or not STATES[Status(application.status)].counts_down or plan.deadline.days_left < 0:
        return []
    found = []
    for m in plan.milestones:
        if m.done or m.days_left > RISK_DAYS:
            continue
        names = {"open": OPEN[m.done_when], "milestone": _label(m.label)}
        if m.days_left < 0:
            text = lazy_ngettext(
                "%(open)s: the milestone “%(milestone)s” is %(num)d day overdue",
                "%(open)s: the milestone “%(milestone)s” is %(num)d days overdue",
                -m.days_left,
                **names,
            )
        elif m.days_left == 0:
            text = _l("%(open)s: the milestone “%(milestone)s” is today", **names)
        else:
            text = lazy_ngettext(
                "%(open)s, %(num)d day to the milestone “%(milestone)s”",
                "%(open)s, %(num)d days to the milestone “%(milestone)s”",
                m.days_left,
                **names,
            )
        found.append(Risk(m.key, text))
    return found


@dataclass(frozen=True)
class RiskThreshold:
    """An organisation's milestone is a risk today for every application whose milestone is not done
    and whose deadline is before `deadline_before`: the same rule as `risks`, for SQL."""

    done_when: str
    deadline_before: datetime  # UTC


def _last_deadline_day(lead: int, latest_due: date) -> date:
    """The last deadline date whose milestone, `lead` working days earlier, falls on `latest_due`
    or before (the milestone's date never decreases as the deadline's moves later)."""
    day = latest_due
    while working_days_before(day + timedelta(days=1), lead) <= latest_due:
        day += timedelta(days=1)
    return day


def start_of(day: date) -> datetime:
    """The first moment of `day` in Stockholm, in UTC: deadlines before it fall on an earlier day."""
    return datetime.combine(day, time(), tzinfo=STOCKHOLM).astimezone(UTC)


def risk_thresholds(organisation, today: date, milestones=None) -> list[RiskThreshold]:
    """For each of the organisation's milestones, the deadlines before which it is a risk today
    (its date at most RISK_DAYS days away, or past)."""
    milestones = _wanted(organisation, default_milestones() if milestones is None else milestones)
    leads = lead_days(organisation, milestones)
    found = []
    for m in milestones:
        last = _last_deadline_day(leads[m.key], today + timedelta(days=RISK_DAYS))
        found.append(RiskThreshold(m.done_when, start_of(last + timedelta(days=1))))
    return found


def risk_horizon(organisation, today: date) -> datetime:
    """No application of the organisation whose deadline is this late or later is at risk today."""
    return max(threshold.deadline_before for threshold in risk_thresholds(organisation, today))


def overview(application, definition, today: date | None = None) -> Overview | None:
    """The overview's plan card, while the call's deadline still applies to the application."""
    if not STATES[Status(application.status)].counts_down:
        return None
    today = today or today_in_stockholm()
    found = plan(application, definition, application.school.organisation, today)
    return Overview(found, risks(found, application)) if found else None
