"""The team's self-assessment against the programme's award criteria: each criterion with its points,
its threshold, the team's own score and the sections it is judged on."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.i18n import current_language
from .rules import SectionReport
from .schema import ActionDefinition


@dataclass
class CriterionAssessment:
    key: str
    title: str
    max_points: int
    threshold: int
    score: int | None
    sections: list[SectionReport]

    @property
    def below_threshold(self) -> bool:
        return self.score is not None and self.score < self.threshold


def self_assessment(
    definition: ActionDefinition, scores: dict, reports: dict[str, SectionReport]
) -> list[CriterionAssessment]:
    if definition.scoring is None:
        return []
    language = current_language()
    result = []
    for criterion in definition.scoring.criteria:
        score = scores.get(criterion.key)
        result.append(
            CriterionAssessment(
                criterion.key,
                criterion.title.get(language),
                criterion.max_points,
                criterion.threshold,
                score if isinstance(score, int) else None,
                [reports[s.key] for s in definition.sections if criterion.key in s.criteria and s.key in reports],
            )
        )
    return result
