"""Checks that turn a definition and what the team wrote into user-facing messages.

Every figure comes from the definition (workflows/*.yaml); this module only knows how to count and
how to say what is missing. Messages are built when asked for, in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

from ..core.i18n import current_language, format_number, territory_names
from .schema import FieldDef, SectionDef

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
    kind: str = "school"  # organisations.models.SchoolKind
    city: str = ""  # where travel starts from (the KA1 distance)


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


def country_list():
    """workflows/countries.yaml, as the registry loaded it."""
    from . import registry  # the registry loads definitions through programmes.checks, which imports this

    return registry.countries()


def country_name(code: str) -> str:
    """The country's name in the reader's language; a region without an ISO code (Southern
    Schleswig) by its name in workflows/countries.yaml."""
    language = current_language()
    return country_list().name(code, language) or territory_names(language).get(code, code)


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


def field_label(fdef: FieldDef) -> str:
    return fdef.label.get(current_language())


def field_choices(fdef: FieldDef | None) -> list:
    if fdef is None or fdef.type not in ("choice", "multichoice"):
        return []
    if fdef.choices is not None:
        return fdef.choices
    from . import registry  # the registry loads definitions through programmes.checks, which imports this

    return registry.choices().lists.get(fdef.choices_from, [])


def choice_label(fdef: FieldDef | None, value) -> str:
    """A choice's label in the reader's language; a value the form no longer offers as it is stored."""
    for choice in field_choices(fdef):
        if choice.value == value:
            return choice.label.get(current_language())
    return str(value)


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
                    _("%(where)s%(field)s: not answered yet", where=prefix, field=field_label(fdef)),
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
                        field=field_label(fdef),
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
