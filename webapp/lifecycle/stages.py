"""The four stages of writing an application, in order: idea → partners → organisation → submission."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


class Stage(enum.StrEnum):
    IDEA = "idea"
    PARTNERS = "partners"
    ORGANISATION = "organisation"
    SUBMISSION = "submission"


@dataclass(frozen=True)
class StageInfo:
    stage: Stage
    label: str
    next_step: str  # what a draft in this stage should do next
    lead: str  # the stage page's introduction
    checklist: bool = False  # the stage page shows the programme's checklist and annexes


STAGES: dict[Stage, StageInfo] = {
    info.stage: info
    for info in (
        StageInfo(
            Stage.IDEA,
            _l("Idea"),
            _l("Describe the idea"),
            _l(
                "Start with the school's needs. Then write why the project matters: these answers feed the "
                "relevance criterion."
            ),
        ),
        StageInfo(
            Stage.PARTNERS,
            _l("Partners"),
            _l("Find and confirm partners"),
            _l("Find partners and confirm them. Only confirmed partners count towards the programme's rules."),
        ),
        StageInfo(
            Stage.ORGANISATION,
            _l("Organisation"),
            _l("Plan the project organisation"),
            _l("Plan how the project runs: activities, who does what, and how you will know it worked."),
        ),
        StageInfo(
            Stage.SUBMISSION,
            _l("Submission"),
            _l("Send to the principal"),
            _l("The last details of the official form, the summary, the annexes and the checklist."),
            checklist=True,
        ),
    )
}


def following(stage: Stage) -> Stage | None:
    order = list(Stage)
    index = order.index(stage)
    return order[index + 1] if index + 1 < len(order) else None
