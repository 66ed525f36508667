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


def _countries():
    from . import registry  # registry imports this module (STAGE_CHECKS)

    return registry.countries()


def country_name(code: str) -> str:
    """The country's name in the reader's language; a region without an ISO code (Southern
    Schleswig) by its name in workflows/countries.yaml."""
    language = current_language()
    return _countries().name(code, language) or Locale.parse(language).territories.get(code, code)


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


def may_be_partner(definition: ActionDefinition, code: str, eligible: set[str]) -> bool:
    """Whether an organisation in `code` may take part as a partner: an eligible country, or one of the
    definition's `partner_only_countries` (EL is read as GR)."""
    countries = _countries()
    return countries.normalise(code) in eligible or countries.contains(
        definition.eligibility.partnership.partner_only_countries, code
    )


def partnership_problems(
    definition: ActionDefinition, participants: list[Participant], eligible: set[str], answers: dict | None = None
) -> list[Problem]:
    """The programme's minimum partnership, counted over the applicant and the confirmed partners.
    Organisations from the definition's `partner_only_countries` may be partners, never the applicant,
    and count towards none of the minimums (the minimum is met by eligible countries alone)."""
    rule = definition.eligibility.partnership
    countries = _countries()
    problems = []
    counted = [o for o in participants if o.confirmed or o.key == "applicant"]
    codes = {o.key: countries.normalise(o.country) for o in counted}
    partner_only = {
        o.key
        for o in counted
        if codes[o.key] not in eligible and countries.contains(rule.partner_only_countries, o.country)
    }
    for org in counted:
        code = codes[org.key]
        if org.key == "applicant" and org.key in partner_only:
            problems.append(
                Problem(
                    _(
                        "%(name)s is in %(country)s (%(code)s): organisations there may take part in %(action)s "
                        "as partners only, never as the applicant or coordinator",
                        name=org.name,
                        country=country_name(code),
                        code=code,
                        action=definition.key,
                    ),
                    page="partners",
                )
            )
        elif code not in eligible and org.key not in partner_only:
            problems.append(
                Problem(
                    _(
                        "%(name)s is in %(country)s (%(code)s), which is not an eligible country for %(action)s",
                        name=org.name,
                        country=country_name(code),
                        code=code,
                        action=definition.key,
                    ),
                    page="partners",
                )
            )
    eligible_orgs = [o for o in counted if codes[o.key] in eligible]
    present = {codes[o.key] for o in eligible_orgs}
    organisations_ok = len(eligible_orgs)
    if organisations_ok < rule.min_organisations or len(present) < rule.min_countries:
        message = _(
            "Partners: %(confirmed)d confirmed of at least %(min_orgs)d, from at least %(min_countries)d "
            "eligible countries (%(action)s)",
            confirmed=organisations_ok,
            min_orgs=rule.min_organisations,
            min_countries=rule.min_countries,
            action=definition.key,
        )
        message += " " + ngettext(
            "So far %(num)d country: %(list)s.",
            "So far %(num)d countries: %(list)s.",
            len(present),
            list=", ".join(sorted(present)) or "–",
        )
        extra = sorted({codes[k] for k in partner_only if k != "applicant"})
        if extra:
            message += " " + _(
                "Partners from %(list)s take part but do not count towards this minimum.", list=", ".join(extra)
            )
        problems.insert(0, Problem(message, page="partners"))
    return problems


def participant_cap_problems(
    definition: ActionDefinition, participants: list[Participant], eligible: set[str], answers: dict | None = None
) -> list[Problem]:
    """At most `max_participants` per application, summed over every item of the section named by
    `participants_counted` (not per item), leaving out the items it does not count."""
    eligibility = definition.eligibility
    counted = eligibility.participants_counted
    if counted is None or eligibility.max_participants is None:
        return []
    section_key, field_key = counted.items.split(".")
    data = (answers or {}).get(section_key) or {}
    items = data.get("items") if isinstance(data.get("items"), list) else []
    total = 0
    for values in items:
        values = values if isinstance(values, dict) else {}
        left_out = counted.not_counting
        if left_out and str(values.get(left_out.field) or "") in left_out.equals:
            continue
        number = values.get(field_key)
        if isinstance(number, (int, float)) and not isinstance(number, bool):
            total += number
        elif isinstance(number, str):
            try:
                total += float(number)
            except ValueError:
                continue
    if total <= eligibility.max_participants:
        return []
    section = definition.section(section_key)
    fdef = section.field(field_key) if section else None
    return [
        Problem(
            _(
                "%(field)s: at most %(max)s participants per application (%(action)s), counted over all "
                "activities; these activities have %(count)s",
                field=_label(fdef) if fdef else field_key,
                max=format_number(eligibility.max_participants),
                action=definition.key,
                count=format_number(total),
            ),
            section_key,
            field_key,
        )
    ]


def language_problems(
    definition: ActionDefinition, participants: list[Participant], eligible: set[str], answers: dict | None = None
) -> list[Problem]:
    """The application's language when an organisation from one of the rule's countries takes part
    (counted over the applicant and the confirmed partners). An unanswered field is left to `required`."""
    rule = definition.eligibility.language
    if rule is None:
        return []
    countries = _countries()
    section_key, field_key = rule.answer.split(".")
    data = (answers or {}).get(section_key) or {}
    chosen = data.get(field_key) if isinstance(data, dict) else None
    if not chosen or chosen == rule.must_be:
        return []
    present = sorted(
        {
            countries.normalise(o.country)
            for o in participants
            if (o.confirmed or o.key == "applicant") and countries.contains(rule.when_countries, o.country)
        }
    )
    if not present:
        return []
    section = definition.section(section_key)
    fdef = section.field(field_key) if section else None
    language = current_language()
    labels = {c.value: c.label.get(language) for c in (fdef.choices or [])} if fdef else {}
    return [
        Problem(
            _(
                "%(field)s: an application with a partner from %(countries)s is written in %(required)s "
                "(%(action)s); it is set to %(chosen)s",
                field=_label(fdef) if fdef else field_key,
                countries=", ".join(f"{country_name(c)} ({c})" for c in present),
                required=labels.get(rule.must_be, rule.must_be),
                action=definition.key,
                chosen=labels.get(chosen, chosen),
            ),
            section_key,
            field_key,
        )
    ]


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
        problems = STAGE_CHECKS[check](definition, participants, eligible, answers) + problems
    touched = any(r.state != NOT_STARTED for r in sections)
    state = COMPLETE if not problems else (IN_PROGRESS if touched else NOT_STARTED)
    return StageReport(stage, state, problems, sections)


#: The named checks a definition's `stage_checks` may ask for:
#: (definition, participants, eligible countries, answers per section) -> problems.
STAGE_CHECKS = {
    "partnership": partnership_problems,
    "participant_cap": participant_cap_problems,
    "language": language_problems,
}
