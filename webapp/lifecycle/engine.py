"""The lifecycle engine: which transitions a user may take on an application now (each with the
reason when not), and performing one: check, change, audit, effects. Nothing here commits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..core import access, audit
from ..core.errors import NotAllowed
from ..core.models import versioned_write
from .stages import STAGES, Stage
from .states import STATES, Status
from .transitions import TRANSITIONS, Transition

COMMENT_LIMIT = 2000

#: name -> function(application, transition, user) -> Decision (user: who would take it; None when unknown)
_REQUIREMENTS: dict[str, Callable] = {}
#: name -> function(user, application, transition, step: Step) -> None
_EFFECTS: dict[str, Callable] = {}


def _registrar(table: dict, kind: str, name: str):
    def register(function):
        if name in table:
            raise RuntimeError(f"{kind} {name} is registered twice")
        table[name] = function
        return function

    return register


def requirement(name: str):
    """Registers the check `name` that transitions may require: (application, transition, user) -> Decision."""
    return _registrar(_REQUIREMENTS, "requirement", name)


def effect(name: str):
    """Registers the effect `name` that transitions may have: (user, application, transition, step)."""
    return _registrar(_EFFECTS, "effect", name)


@requirement("in_its_stage")
def _in_its_stage(application, transition, user=None) -> access.Decision:
    """A stage is completed from that stage: not one already behind, not one still ahead."""
    order = list(Stage)
    here, there = order.index(Stage(application.stage)), order.index(transition.stage)
    if there < here:
        return access.Decision.deny(_l("This stage is already complete."))
    if there > here:
        return access.Decision.deny(
            _l("Complete the stage %(stage)s first.", stage=STAGES[Stage(application.stage)].label)
        )
    return access.Decision.allow()


@dataclass(frozen=True)
class Step:
    """What the user gave with a transition: the reason, the ticked declaration, a form's values."""

    comment: str = ""
    declared: bool = False
    details: dict | None = None


@dataclass(frozen=True)
class Option:
    transition: Transition
    decision: access.Decision
    permitted: bool  # the user's role and the state allow it; only a requirement may still be missing


def decide(user, application, transition: Transition) -> access.Decision:
    """Whether `user` may take `transition` now: state first, then permission, then requirements."""
    status = Status(application.status)
    if status not in transition.sources:
        return access.Decision.deny(STATES[status].locked_reason or _l("Not possible in this state."))
    decision = access.can(transition.permission, application, user)
    if not decision:
        return decision
    for name in transition.requires:
        decision = _REQUIREMENTS[name](application, transition, user)
        if not decision:
            return decision
    return access.Decision.allow()


def destination(application, transition: Transition, user=None) -> Status | None:
    """The status the transition leads to for this application: the first `target_when` whose
    requirement holds, else its `target`."""
    for name, status in transition.target_when:
        if _REQUIREMENTS[name](application, transition, user):
            return status
    return transition.target


def available(user, application) -> list[Option]:
    """Every transition that leaves the application's current state, allowed or with its reason."""
    status = Status(application.status)
    return [
        Option(t, decide(user, application, t), bool(access.can(t.permission, application, user)))
        for t in TRANSITIONS.values()
        if status in t.sources
    ]


def perform(user, application, key: str, comment: str = "", declared: bool = False, details: dict | None = None):
    transition = TRANSITIONS.get(key)
    if transition is None:
        raise NotAllowed(access.Decision.deny(_l("There is no such step.")), status=404)
    decision = decide(user, application, transition)
    if not decision:
        raise NotAllowed(decision)
    comment = comment.strip()
    if transition.comment_required and not comment:
        raise NotAllowed(access.Decision.deny(_l("Write a reason for this step.")), status=422)
    if len(comment) > COMMENT_LIMIT:
        raise NotAllowed(access.Decision.deny(_l("Keep the reason under %(max)d characters.", max=COMMENT_LIMIT)), 422)
    if transition.declaration and not declared:
        raise NotAllowed(access.Decision.deny(_l("Tick the declaration on honour to sign.")), status=422)
    if transition.form and details is None:
        raise NotAllowed(access.Decision.deny(_l("Fill in the form of this step.")), status=422)
    step = Step(comment, declared, details)
    before = {"status": application.status, "stage": application.stage}
    with versioned_write(application):  # someone else changing the record meanwhile: Conflict, not a 500
        target = destination(application, transition, user)
        if target is not None:
            application.status = target
        for name in transition.effects:
            _EFFECTS[name](user, application, transition, step)
    audit.record(
        user,
        f"lifecycle.{transition.key}",
        application,
        application.organisation_id,
        before,
        {"status": application.status, "stage": application.stage, **({"comment": comment} if comment else {})},
    )
    return transition


def check_names() -> None:
    """Fails start-up when a transition names a requirement or effect nobody registered."""
    for transition in TRANSITIONS.values():
        missing = [n for n in (*transition.requires, *(n for n, _ in transition.target_when)) if n not in _REQUIREMENTS]
        missing += [n for n in transition.effects if n not in _EFFECTS]
        if missing:
            raise RuntimeError(f"lifecycle transition {transition.key} names unregistered {missing}")
