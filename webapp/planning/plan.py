"""An application's plan: its deadline in the call's zone and in Stockholm, the milestones planned
backwards from it in Swedish working days, which are done or overdue, and the risks in words.

Whether a milestone is done is read from the lifecycle's state flags and the order of the stages,
never from status names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import LazyString, lazy_ngettext
from flask_babel import lazy_gettext as _l

from ..core.i18n import STOCKHOLM, current_language, days_until
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


def is_done(done_when: str, application) -> bool:
    """Whether the application is past what a milestone stands for."""
    state = STATES[Status(application.status)]
    approved = state.writing_done and (state.counts_down or state.sent)  # not declined or withdrawn
    if done_when == "signed_off":
        return approved and not state.waits_for_coordinator
    if done_when == "approved":
        return approved
    if done_when == "every_stage":
        return approved or state.waits_for_principal
    return approved or state.waits_for_principal or _stage_passed(application, Stage.PARTNERS)


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
    wanted = [m for m in milestones if m.only_if is None or getattr(organisation, m.only_if, False)]
    leads = lead_days(organisation, tuple(wanted))
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
    the deadline no longer applies (submitted, declined, withdrawn)."""
    if plan is None or not STATES[Status(application.status)].counts_down:
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


def overview(application, definition, today: date | None = None) -> Overview | None:
    """The overview's plan card, while the call's deadline still applies to the application."""
    if not STATES[Status(application.status)].counts_down:
        return None
    today = today or datetime.now(STOCKHOLM).date()
    found = plan(application, definition, application.school.organisation, today)
    return Overview(found, risks(found, application)) if found else None
