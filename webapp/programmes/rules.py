"""Checks that turn a definition and what the team wrote into user-facing messages.

Every figure comes from the definition (workflows/*.yaml); this module only knows how to count and
how to say what is missing. Messages are built when asked for, in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from babel import Locale
from flask_babel import gettext as _
from flask_babel import ngettext

from ..core.i18n import current_language, format_number
from .schema import ActionDefinition, FieldDef, SectionDef

NOT_STARTED, IN_PROGRESS, COMPLETE = "not_started", "in_progress", "complete"


def count_characters(text: str | None) -> int:
    """Characters as the official web forms count them, as far as known: every Unicode character
    once, a line break once (browsers send CR LF; it is stored and counted as one LF)."""
    return len((text or "").replace("\r\n", "\n"))


@dataclass(frozen=True)
class Participant:
    """The applicant school or a partner organisation, as the rules see it."""

    key: str  # "applicant" or "partner-<id>"
    name: str
    country: str
    confirmed: bool


@dataclass
class Problem:
    message: str
    section: str | None = None  # the section where it is fixed
    field: str | None = None
    item: str | None = None  # the repeat item's anchor, e.g. "items-0"
    page: str | None = None  # or the page where it is fixed: "partners" (the partner list)


@dataclass
class SectionReport:
    section: SectionDef
    state: str
    problems: list[Problem] = field(default_factory=list)
    characters: int = 0


@dataclass
class StageReport:
    stage: str
    state: str
    problems: list[Problem]
    sections: list[SectionReport]

    @property
    def complete(self) -> bool:
        return self.state == COMPLETE


def country_name(code: str) -> str:
    return Locale.parse(current_language()).territories.get(code, code)


def is_visible(fdef: FieldDef, values: dict) -> bool:
    if fdef.show_if is None:
        return True
    return str(values.get(fdef.show_if.field) or "") in fdef.show_if.equals


def _filled(value) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, dict)):
        return bool(value)
    return True


def _label(fdef: FieldDef) -> str:
    return fdef.label.get(current_language())


def repeat_items(section: SectionDef, data: dict, participants: list[Participant]) -> list[tuple[str, str, dict]]:
    """(anchor, heading, values) for each item of a repeated section, in display order."""
    language = current_language()
    if section.repeat.per_organisation:
        stored = data.get("items") if isinstance(data.get("items"), dict) else {}
        return [
            (f"org-{org.key}", org.name, stored.get(org.key, {}))
            for org in participants
            if org.confirmed or org.key == "applicant"
        ]
    stored = data.get("items") if isinstance(data.get("items"), list) else []
    label = section.repeat.item_label.get(language)
    return [(f"items-{i}", f"{label} {i + 1}", values or {}) for i, values in enumerate(stored)]


def _field_problems(section: SectionDef, values: dict, anchor: str | None, heading: str | None) -> list[Problem]:
    problems = []
    prefix = f"{heading}: " if heading else ""
    for fdef in section.fields:
        if not is_visible(fdef, values):
            continue
        value = values.get(fdef.key)
        if fdef.required and not _filled(value):
            problems.append(
                Problem(
                    _("%(where)s%(field)s: not answered yet", where=prefix, field=_label(fdef)),
                    section.key,
                    fdef.key,
                    anchor,
                )
            )
        elif fdef.max_chars and fdef.is_text and count_characters(value) > fdef.max_chars:
            problems.append(
                Problem(
                    _(
                        "%(where)s%(field)s: %(count)s characters, %(over)s over the limit of %(max)s",
                        where=prefix,
                        field=_label(fdef),
                        count=format_number(count_characters(value)),
                        over=format_number(count_characters(value) - fdef.max_chars),
                        max=format_number(fdef.max_chars),
                    ),
                    section.key,
                    fdef.key,
                    anchor,
                )
            )
    return problems


def section_report(section: SectionDef, data: dict | None, participants: list[Participant]) -> SectionReport:
    data = data or {}
    problems: list[Problem] = []
    characters = 0
    if section.repeat:
        items = repeat_items(section, data, participants)
        anything = any(_filled(v) for _, _, values in items for v in values.values())
        for anchor, heading, values in items:
            problems += _field_problems(section, values, anchor, heading)
            characters += sum(count_characters(values.get(f.key)) for f in section.fields if f.is_text)
        if not section.repeat.per_organisation and len(items) < section.repeat.min:
            problems.insert(
                0,
                Problem(
                    ngettext(
                        "%(section)s: at least %(num)d item is needed, %(have)d so far",
                        "%(section)s: at least %(num)d items are needed, %(have)d so far",
                        section.repeat.min,
                        section=section.title.get(current_language()),
                        have=len(items),
                    ),
                    section.key,
                ),
            )
    else:
        anything = any(_filled(v) for v in data.values())
        problems = _field_problems(section, data, None, None)
        characters = sum(count_characters(data.get(f.key)) for f in section.fields if f.is_text)
    state = COMPLETE if not problems else (IN_PROGRESS if anything else NOT_STARTED)
    return SectionReport(section, state, problems, characters)


def partnership_problems(
    definition: ActionDefinition, participants: list[Participant], eligible: set[str]
) -> list[Problem]:
    """The programme's minimum partnership, counted over the applicant and the confirmed partners."""
    rule = definition.eligibility.partnership
    problems = []
    counted = [o for o in participants if o.confirmed or o.key == "applicant"]
    for org in counted:
        if org.country not in eligible:
            problems.append(
                Problem(
                    _(
                        "%(name)s is in %(country)s (%(code)s), which is not an eligible country for %(action)s",
                        name=org.name,
                        country=country_name(org.country),
                        code=org.country,
                        action=definition.key,
                    ),
                    page="partners",
                )
            )
    countries = {o.country for o in counted if o.country in eligible}
    organisations_ok = sum(1 for o in counted if o.country in eligible)
    if organisations_ok < rule.min_organisations or len(countries) < rule.min_countries:
        problems.insert(
            0,
            Problem(
                _(
                    "Partners: %(confirmed)d confirmed of at least %(min_orgs)d, from at least %(min_countries)d "
                    "eligible countries (%(action)s)",
                    confirmed=organisations_ok,
                    min_orgs=rule.min_organisations,
                    min_countries=rule.min_countries,
                    action=definition.key,
                )
                + " "
                + ngettext(
                    "So far %(num)d country: %(list)s.",
                    "So far %(num)d countries: %(list)s.",
                    len(countries),
                    list=", ".join(sorted(countries)) or "–",
                ),
                page="partners",
            ),
        )
    return problems


def stage_report(
    definition: ActionDefinition,
    stage: str,
    answers: dict[str, dict],
    participants: list[Participant],
    eligible: set[str],
) -> StageReport:
    sections = [section_report(s, answers.get(s.key), participants) for s in definition.sections_of(stage)]
    problems = [p for report in sections for p in report.problems]
    for check in reversed(definition.stage_checks.get(stage, [])):
        problems = STAGE_CHECKS[check](definition, participants, eligible) + problems
    touched = any(r.state != NOT_STARTED for r in sections)
    state = COMPLETE if not problems else (IN_PROGRESS if touched else NOT_STARTED)
    return StageReport(stage, state, problems, sections)


#: The named checks a definition's `stage_checks` may ask for: (definition, participants, eligible countries) -> problems.
STAGE_CHECKS = {"partnership": partnership_problems}


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
