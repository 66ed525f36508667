"""Every transition of the lifecycle: from which states, to which, who may take it (a permission of
webapp.core.access), what must hold first (named requirements), and what follows (named effects).
Features register the requirement and effect functions under these names (engine.requirement,
engine.effect); programme-specific requirements stay in the programme definitions."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .stages import Stage
from .states import STATES, Status


@dataclass(frozen=True)
class Transition:
    key: str
    label: str
    sources: frozenset[Status]
    target: Status | None  # None: the status stays (completing a stage moves the stage, not the status)
    permission: str
    requires: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    comment_required: bool = False
    stage: Stage | None = None  # the stage a stage completion completes
    done_message: str = ""


_WRITABLE = frozenset(s for s, state in STATES.items() if state.editable)


def _complete(stage: Stage) -> Transition:
    return Transition(
        key=f"complete_{stage.value}",
        label=_l("Mark the stage complete and go on"),
        sources=_WRITABLE,
        target=None,
        permission="application.edit_content",
        requires=("in_its_stage", "stage_complete"),
        effects=("advance_stage",),
        stage=stage,
        done_message=_l("Well done: the stage is complete."),
    )


TRANSITIONS: dict[str, Transition] = {
    t.key: t for t in (_complete(Stage.IDEA), _complete(Stage.PARTNERS), _complete(Stage.ORGANISATION))
}


def completing(stage: Stage) -> Transition | None:
    """The transition that completes `stage` (none for the last stage)."""
    return TRANSITIONS.get(f"complete_{stage.value}")
