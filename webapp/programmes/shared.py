"""The typed shape of the data beside the definitions in workflows/: programmes.yaml, countries.yaml,
choices.yaml and chooser.yaml."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .schema import KEY, Choice, Localised, Strict


class Pattern(Strict):
    """The shape of an identifier a programme hands out, to catch a mistyped one."""

    regex: str = Field(min_length=2)
    example: str
    source: str = Field(min_length=3)
    confirmed: bool = True

    @model_validator(mode="after")
    def _example_fits(self):
        if not re.fullmatch(self.regex, self.example):
            raise ValueError(f"the example {self.example!r} does not match {self.regex!r}")
        return self


class FinalReport(Strict):
    """When the final report is usually due; the grant agreement's own date rules over it."""

    days_after_end: int = Field(ge=0, le=366, description="the default due date: the project's end plus this")
    source: str = Field(min_length=3)
    confirmed: bool = True

    def due(self, project_end: date) -> date:
        return project_end + timedelta(days=self.days_after_end)


class Programme(Strict):
    """A funding programme (Erasmus+, Nordplus Junior): what every one of its actions shares."""

    name: str = Field(min_length=1)
    partner_document: Literal["letter_of_intent", "mandate"] = Field(
        description="what each partner signs: Nordplus asks for a letter of intent, Erasmus+ for a mandate"
    )
    partner_document_label: Localised
    source: str = Field(min_length=3)
    project_number: Pattern | None = Field(default=None, description="the grant agreement's project number")
    final_report: FinalReport


class Programmes(Strict):
    """workflows/programmes.yaml: the programmes, and how each deadline time zone is named beside a time."""

    programmes: dict[str, Programme]
    deadline_zones: dict[str, Localised] = Field(
        description="zone -> label with %(moment)s, e.g. '%(moment)s (Brussels)'"
    )

    @field_validator("deadline_zones")
    @classmethod
    def _zones_with_moment(cls, value: dict[str, Localised]) -> dict[str, Localised]:
        for zone, label in value.items():
            if "%(moment)s" not in label.sv or "%(moment)s" not in label.en:
                raise ValueError(f"the label of {zone} must contain %(moment)s in both languages")
        return value


class CountryGroup(Strict):
    source: str
    countries: list[str] = Field(min_length=1)

    @field_validator("countries")
    @classmethod
    def _iso_codes(cls, values: list[str]) -> list[str]:
        bad = [c for c in values if len(c) != 2 or not c.isupper()]
        if bad:
            raise ValueError(f"not ISO 3166 alpha-2 codes: {', '.join(bad)}")
        return values


class Countries(Strict):
    groups: dict[str, CountryGroup]

    def all_codes(self) -> list[str]:
        return sorted({c for g in self.groups.values() for c in g.countries})

    def codes(self, group_names: list[str]) -> set[str]:
        return {c for name in group_names for c in self.groups[name].countries}


class SharedChoices(Strict):
    """Option lists several forms share (priorities, topics), in workflows/choices.yaml."""

    lists: dict[str, list[Choice]]
    sources: dict[str, str]


class ChooserQuestion(Strict):
    key: str = Field(pattern=KEY)
    label: Localised
    help: Localised | None = None
    choices: list[Choice] = Field(min_length=2)


class Recommendation(Strict):
    action: str
    when: dict[str, list[str]] = Field(description="question key -> answers for which this applies; all must hold")
    reason: Localised


class Chooser(Strict):
    """The idea stage's guided chooser (workflows/chooser.yaml): questions, then recommendations in order."""

    questions: list[ChooserQuestion] = Field(min_length=1)
    recommendations: list[Recommendation] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_answers(self):
        answers = {q.key: {c.value for c in q.choices} for q in self.questions}
        for rec in self.recommendations:
            for key, values in rec.when.items():
                if key not in answers:
                    raise ValueError(f"recommendation for {rec.action} asks about unknown question {key}")
                if set(values) - answers[key]:
                    raise ValueError(
                        f"recommendation for {rec.action}: {key} has no answer {sorted(set(values) - answers[key])}"
                    )
        return self
