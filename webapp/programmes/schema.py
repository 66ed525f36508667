"""The typed shape of a programme action's definition (workflows/<action>/<call year>.yaml).

Everything a programme decides lives in that data: call rounds, eligibility, the official form's
sections and questions with their limits, award criteria, checklist and annexes. This module only
says what shape the data has and checks that it hangs together.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from ..lifecycle.stages import Stage
from .base import FIELD_REF, KEY, Localised, Sourced, Strict
from .eligibility import Eligibility


class CallRound(Strict):
    id: str = Field(pattern=r"^\d{4}-[A-Za-z0-9]+$")
    label: Localised
    deadline: datetime = Field(description="Local wall-clock time in `timezone`, as the call states it")
    timezone: str
    confirmed: bool = Field(description="False while the date is expected from earlier years' pattern only")
    hour_confirmed: bool = Field(default=True, description="False when the sources give the day but not the hour")
    source: str = Field(min_length=3)
    note: Localised | str | None = Field(default=None, description="shown to users: Localised (sv/en)")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("deadline")
    @classmethod
    def _wall_clock(cls, value: datetime) -> datetime:
        if value.tzinfo is not None:
            raise ValueError("write the deadline as local time without an offset; the zone goes in `timezone`")
        return value

    @property
    def year(self) -> int:
        return int(self.id[:4])

    @property
    def deadline_utc(self) -> datetime:
        return self.deadline.replace(tzinfo=ZoneInfo(self.timezone)).astimezone(UTC)


class Choice(Strict):
    value: str = Field(min_length=1)
    label: Localised


class ShowIf(Strict):
    """Show a field only when an earlier field of the same section has one of these values."""

    field: str = Field(pattern=KEY)
    equals: list[str] = Field(min_length=1)


#: Grantpath's own cap on a text field the programme gives no limit for: far above any answer a form
#: needs, and small enough that no stored answer makes a page or a PDF slow (issue 11: a 9.4 MB title
#: took the dossier 16-38 s to render).
DEFAULT_CHAR_CAPS = {"text": 300, "textarea": 5000}

FieldType = Literal[
    "text", "textarea", "number", "date", "choice", "multichoice", "yesno", "organisation", "organisations"
]


class FieldDef(Strict):
    key: str = Field(pattern=KEY)
    type: FieldType
    label: Localised
    help: Localised | None = None
    required: bool = False
    max_chars: int | None = Field(default=None, ge=1)
    limit: Sourced | None = Field(default=None, description="where max_chars comes from")
    choices: list[Choice] | None = None
    choices_from: str | None = Field(default=None, description="a shared list in workflows/choices.yaml")
    max_selected: int | None = Field(default=None, ge=1)
    min: float | None = None
    max: float | None = None
    show_if: ShowIf | None = None

    @model_validator(mode="after")
    def _consistent(self):
        has_choices = self.choices is not None or self.choices_from is not None
        if self.type in ("choice", "multichoice") and not has_choices:
            raise ValueError(f"field {self.key}: a {self.type} field needs choices or choices_from")
        if self.type not in ("choice", "multichoice") and has_choices:
            raise ValueError(f"field {self.key}: only choice fields take choices")
        if self.max_chars is not None and self.type not in ("text", "textarea"):
            raise ValueError(f"field {self.key}: max_chars is for text fields")
        if self.max_selected is not None and self.type not in ("multichoice", "organisations"):
            raise ValueError(f"field {self.key}: max_selected is for multiple choices")
        return self

    @property
    def is_text(self) -> bool:
        return self.type in ("text", "textarea")

    @property
    def char_limit(self) -> int | None:
        """The limit a save is held to: the programme's, or Grantpath's own cap for text it leaves open."""
        return self.max_chars or DEFAULT_CHAR_CAPS.get(self.type)


class Repeat(Strict):
    """The official form asks the section's questions again: per item the team adds (`free`), or once
    per participating organisation (`organisation`)."""

    per: Literal["free", "organisation"] = "free"
    min: int = Field(default=0, ge=0)
    max: int | None = Field(default=None, ge=1)
    item_label: Localised

    @property
    def per_organisation(self) -> bool:
        return self.per == "organisation"


class SectionDef(Strict):
    key: str = Field(pattern=KEY)
    stage: Stage
    title: Localised
    form_ref: str = Field(min_length=1, description="where the section sits in the official form")
    intro: Localised | None = None
    criteria: list[str] = Field(default_factory=list, description="award criteria this section feeds")
    repeat: Repeat | None = None
    uncertain: Localised | None = Field(default=None, description="what in this section is not confirmed, and why")
    official: bool = Field(default=True, description="False for Grantpath's own sections (the needs analysis)")
    fields: list[FieldDef] = Field(min_length=1)

    @model_validator(mode="after")
    def _fields_hang_together(self):
        keys = [f.key for f in self.fields]
        if len(keys) != len(set(keys)):
            raise ValueError(f"section {self.key}: field keys must be unique")
        for index, field in enumerate(self.fields):
            if field.show_if and field.show_if.field not in keys[:index]:
                raise ValueError(
                    f"section {self.key}: {field.key}.show_if names {field.show_if.field}, not an earlier field"
                )
        return self

    def field(self, key: str) -> FieldDef | None:
        return next((f for f in self.fields if f.key == key), None)


class Criterion(Strict):
    key: str = Field(pattern=KEY)
    title: Localised
    max_points: int = Field(ge=1)
    threshold: int = Field(ge=0)


class Scoring(Sourced):
    criteria: list[Criterion] = Field(min_length=1)
    pass_mark: int = Field(ge=0)

    @model_validator(mode="after")
    def _thresholds(self):
        for c in self.criteria:
            if c.threshold > c.max_points:
                raise ValueError(f"criterion {c.key}: threshold above the maximum")
        if self.pass_mark > sum(c.max_points for c in self.criteria):
            raise ValueError("pass mark above the total of the criteria")
        return self


class ChecklistItem(Strict):
    key: str = Field(pattern=KEY)
    label: Localised


class Annex(Strict):
    key: str = Field(pattern=KEY)
    label: Localised
    required: bool = True
    per: Literal["applicant", "organisation", "partner"] = "applicant"
    signed_by: Localised | None = None
    source: str | None = None
    note: Localised | None = Field(default=None, description="shown with the annex: what Grantpath does not do for it")


class DatedItems(Strict):
    """A freely repeated section whose items are dated (activities, mobilities): field keys of an item."""

    section: str = Field(pattern=KEY)
    start: str = Field(pattern=KEY)
    end: str | None = Field(default=None, pattern=KEY)
    title: str | None = Field(default=None, pattern=KEY)


class Timeline(Strict):
    """Where the dossier's timeline finds its dates: `section.field` references into the answers."""

    start: str = Field(pattern=FIELD_REF)
    duration_months: str | None = Field(default=None, pattern=FIELD_REF)
    dated_items: list[DatedItems] = Field(default_factory=list)


class ShareCap(Sourced):
    """A part of the split that may be at most `percent` of the lump sum (KA220: project management, 20 %)."""

    amount: str = Field(pattern=FIELD_REF, description="section.field: a number field")
    percent: float = Field(gt=0, le=100)


class LumpSumSplit(Sourced):
    """A lump-sum action's budget: the amounts of `parts` (number fields; of every item when their
    section repeats) add up exactly to the lump sum chosen in `lump_sum` (a choice field whose values
    are euros), `caps` bound single parts, `share_by` (an organisation field of a repeated part's
    section) gives each organisation's share. Computed by programmes.lump_sums."""

    lump_sum: str = Field(pattern=FIELD_REF)
    parts: list[str] = Field(min_length=1)
    caps: list[ShareCap] = Field(default_factory=list)
    share_by: str | None = Field(default=None, pattern=FIELD_REF)

    @field_validator("parts")
    @classmethod
    def _references(cls, parts: list[str]) -> list[str]:
        for part in parts:
            if "." not in part:
                raise ValueError(f"{part!r} is not section.field")
        return parts


class UnitCosts(Sourced):
    """An action budgeted with unit costs: the rates (workflows/rates/<rates>/<call year>.yaml)
    compute the budget of every item of the repeated `section` (webapp/budgets)."""

    rates: Literal["erasmus-ka1", "nordplus-junior"]
    section: str = Field(pattern=KEY)
    agency: str | None = Field(default=None, description="KA1: the national agency whose daily rates apply")


class ActionDefinition(Strict):
    key: str = Field(pattern=r"^[A-Z0-9-]+$")
    programme: str = Field(pattern=KEY, description="a programme of workflows/programmes.yaml")
    action_code: str
    call_year: int = Field(ge=2021, description="The call year whose rules and form this file describes")
    name: Localised
    summary: Localised
    national_agency: str
    call_rounds: list[CallRound] = Field(min_length=1)
    eligibility: Eligibility
    sections: list[SectionDef] = Field(min_length=1)
    scoring: Scoring | None = None
    checklist: list[ChecklistItem] = Field(default_factory=list)
    annexes: list[Annex] = Field(default_factory=list)
    stage_checks: dict[Stage, list[str]] = Field(
        description="named checks of programmes.checks.STAGE_CHECKS that a stage must pass besides its sections",
    )
    title_en: str | None = Field(default=None, pattern=FIELD_REF, description="the answer that holds the English title")
    timeline: Timeline | None = None
    lump_sum_split: LumpSumSplit | None = Field(default=None, description="a lump-sum action's budget")
    unit_costs: UnitCosts | None = Field(default=None, description="a unit-cost action's budget")

    @model_validator(mode="after")
    def _hangs_together(self):
        round_ids = [r.id for r in self.call_rounds]
        if len(round_ids) != len(set(round_ids)):
            raise ValueError("call round ids must be unique")
        wrong_year = [r.id for r in self.call_rounds if r.year != self.call_year]
        if wrong_year:
            raise ValueError(f"call rounds {wrong_year} do not belong to call year {self.call_year}")
        keys = [s.key for s in self.sections]
        if len(keys) != len(set(keys)):
            raise ValueError("section keys must be unique")
        criteria = {c.key for c in self.scoring.criteria} if self.scoring else set()
        for section in self.sections:
            unknown = set(section.criteria) - criteria
            if unknown:
                raise ValueError(f"section {section.key} feeds unknown criteria {sorted(unknown)}")
        refs = [self.title_en] if self.title_en else []
        refs += self._eligibility_refs()
        if self.timeline:
            refs += [r for r in (self.timeline.start, self.timeline.duration_months) if r]
            for dated in self.timeline.dated_items:
                refs += [f"{dated.section}.{k}" for k in (dated.start, dated.end, dated.title) if k]
        for ref in refs:
            section_key, field_key = ref.split(".")
            section = self.section(section_key)
            if section is None or section.field(field_key) is None:
                raise ValueError(f"{ref} names no field of this form")
        return self

    def _eligibility_refs(self) -> list[str]:
        """The answers eligibility rules read, checked to be fields of this form of the right kind."""
        eligibility, refs = self.eligibility, []
        counted = eligibility.participants_counted
        if counted:
            if eligibility.max_participants is None:
                raise ValueError("eligibility.participants_counted needs eligibility.max_participants")
            section = self.section(counted.items.split(".")[0])
            if section is None or not section.repeat or section.repeat.per_organisation:
                raise ValueError(
                    f"eligibility.participants_counted: {counted.items} is not in a freely repeated section"
                )
            number = section.field(counted.items.split(".")[1])
            if number is not None and number.type != "number":
                raise ValueError(f"eligibility.participants_counted: {counted.items} is not a number field")
            if counted.not_counting and section.field(counted.not_counting.field) is None:
                raise ValueError(f"eligibility.participants_counted.not_counting names no field of {section.key}")
            refs.append(counted.items)
        language = eligibility.language
        if language:
            section_key, field_key = language.answer.split(".")
            field = self.section(section_key).field(field_key) if self.section(section_key) else None
            if field is not None and (
                field.type != "choice" or language.must_be not in {c.value for c in field.choices or []}
            ):
                raise ValueError(f"eligibility.language: {language.answer} has no choice {language.must_be!r}")
            refs.append(language.answer)
        return refs

    def answer(self, answers: dict, ref: str | None):
        """The stored value a `section.field` reference points at (None when unanswered)."""
        if not ref:
            return None
        section_key, field_key = ref.split(".")
        data = answers.get(section_key) or {}
        return data.get(field_key) if isinstance(data, dict) else None

    def call_round(self, round_id: str) -> CallRound | None:
        return next((r for r in self.call_rounds if r.id == round_id), None)

    def open_rounds(self, now: datetime) -> list[CallRound]:
        return [r for r in self.call_rounds if r.deadline_utc > now]

    def section(self, key: str) -> SectionDef | None:
        return next((s for s in self.sections if s.key == key), None)

    def sections_of(self, stage: str) -> list[SectionDef]:
        return [s for s in self.sections if s.stage == stage]
