"""The programme chooser: which actions fit the school's answers (workflows/chooser.yaml), and why."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.i18n import current_language
from ..core.models import utcnow
from ..programmes import registry


@dataclass(frozen=True)
class Recommendation:
    definition: object
    reason: str
    next_round: object


def recommend(answers: dict) -> list[Recommendation]:
    """The recommendations whose conditions all hold, each with the next open round of its action."""
    language = current_language()
    open_rounds = registry.open_rounds(utcnow())
    result = []
    for rec in registry.chooser().recommendations:
        if all(answers.get(key) in values for key, values in rec.when.items()):
            rounds = [(d, r) for d, rs in open_rounds if d.key == rec.action for r in rs]
            definition = rounds[0][0] if rounds else registry.get(rec.action)
            result.append(Recommendation(definition, rec.reason.get(language), rounds[0][1] if rounds else None))
    return result
