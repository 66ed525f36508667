"""The demo's answers: every section of a form filled the way a team would, from a few sentences
per application (tests use it too, for applications that must pass the completeness check)."""

from __future__ import annotations

from ..applications.models import Application
from ..auth.models import User
from ..lifecycle import Stage
from ..programmes import registry
from ..sections import services as sections
from ..sections.models import SectionAnswer


def write_answers(
    application: Application,
    author: User,
    sentences: list[str],
    complete: bool,
    title: str | None = None,
    english_title: str | None = None,
) -> None:
    """Fills the form the way the team would: every section, or only the idea stage's; the form's own
    title fields carry the application's title, in Swedish and English."""
    definition = sections.definition_of(application)
    title_section, english = definition.title_en.split(".") if definition.title_en else (None, None)
    orgs = sections.participants(application)
    counter = iter(range(10_000))
    written = []
    for section in definition.sections:
        if not complete and section.stage != Stage.IDEA:
            continue
        if section.repeat and section.repeat.per_organisation:
            data = {"items": {o.key: _values(section, sentences, counter, orgs) for o in orgs if o.confirmed}}
        elif section.repeat:
            data = {"items": [_values(section, sentences, counter, orgs) for _ in range(max(section.repeat.min, 2))]}
        else:
            data = _values(section, sentences, counter, orgs)
        data = _within_rules(definition, section, data)
        if title and section.key == title_section:
            data = {**data, "title": title, english: english_title or title}
        written.append(SectionAnswer(section_key=section.key, data=data, updated_by=author))
    _split_lump_sum(definition, {row.section_key: row.data for row in written})
    _plan_trips(definition, {row.section_key: row.data for row in written})
    application.answers.extend(written)
    sections.start_history(written)


def _values(section, sentences, counter, orgs) -> dict:
    values = {}
    for f in section.fields:
        n = next(counter)
        if f.type in ("text", "textarea"):
            count = 1 if f.type == "text" else 3
            text = " ".join(sentences[(n + i) % len(sentences)] for i in range(count))
            values[f.key] = text[: f.max_chars] if f.max_chars else text
        elif f.type == "number":
            low, high = f.min or 0, f.max if f.max is not None else (f.min or 0) + 20000
            values[f.key] = int(low + (high - low) // 2)
        elif f.type == "date":
            values[f.key] = "2027-09-01"
        elif f.type == "yesno":
            values[f.key] = "no"
        elif f.type in ("choice", "multichoice"):
            source = f.choices if f.choices is not None else registry.choices().lists[f.choices_from]
            picked = (
                [c.value for c in source][-1:]
                if f.type == "choice"
                else [c.value for c in source][: min(2, f.max_selected or 2)]
            )
            values[f.key] = picked[0] if f.type == "choice" else picked
        elif f.type == "organisation":
            values[f.key] = "applicant"
        else:
            values[f.key] = [o.key for o in orgs if o.confirmed]
    return values


def _within_rules(definition, section, data: dict) -> dict:
    """The answers a team would give where the definition's stage checks read them: the applicant
    coordinates and every organisation is of a type its role allows (`organisation_roles`), and each
    activity's numbers lie within its `activity_limits`."""
    roles = definition.eligibility.organisation_roles
    if roles and roles.section == section.key and isinstance(data.get("items"), dict):
        role_field = section.field(roles.role_field)
        partner = next((c.value for c in role_field.choices or [] if c.value != roles.coordinator), None)
        for key, values in data["items"].items():
            coordinates = key == "applicant"
            values[roles.role_field] = roles.coordinator if coordinates else partner
            values[roles.type_field] = (
                roles.coordinator_types if coordinates else roles.partner_types or roles.coordinator_types
            )[0]
    for limit in definition.eligibility.activity_limits:
        if limit.section != section.key or not isinstance(data.get("items"), list):
            continue
        for values in data["items"]:
            if limit.when and values.get(limit.when.field) not in limit.when.equals:
                continue
            number = values.get(limit.field)
            if not isinstance(number, (int, float)):
                continue
            if limit.max is not None:
                number = min(number, int(limit.max))
            if limit.min is not None:
                number = max(number, int(limit.min))
            base = values.get(limit.ratio.field) if limit.ratio else None
            if isinstance(base, (int, float)) and base > 0:
                number = min(number, limit.ratio.at_most * -(-int(base) // limit.ratio.per))
            values[limit.field] = number
    return data


def _split_lump_sum(definition, answers: dict) -> None:
    """The amounts add up to the chosen lump sum as a team's would (`lump_sum_split`): a capped part
    gets half its cap, the others share the rest, the last taking what division leaves."""
    rule = definition.lump_sum_split
    section_key, field_key = rule.lump_sum.split(".") if rule else (None, None)
    lump_sum = (answers.get(section_key) or {}).get(field_key) if rule else None
    if not str(lump_sum or "").isdigit():
        return
    total, slots = int(lump_sum), []
    for part in rule.parts:
        key, field = part.split(".")
        data = answers.get(key)
        if data is not None:
            slots += [(item, field, part) for item in data["items"]] if "items" in data else [(data, field, part)]
    capped = {cap.amount: cap.percent for cap in rule.caps}
    for values, field, part in slots:
        if part in capped:
            values[field] = int(total * capped[part] / 200)
    rest = [(values, field) for values, field, part in slots if part not in capped]
    left = total - sum(values[field] for values, field, part in slots if part in capped)
    for i, (values, field) in enumerate(rest):
        values[field] = left - (len(rest) - 1) * (left // len(rest)) if i == len(rest) - 1 else left // len(rest)


#: the demo's KA1 activities: a pupils' group trip and job shadowing in a twin town the gazetteer can place
DEMO_TRIPS = (
    {"activity_type": "pupil_group", "participants": 15, "accompanying_persons": 2},
    {"activity_type": "job_shadowing", "participants": 2, "accompanying_persons": 0},
)
DEMO_TRIP = {"destination_country": "IT", "destination_city": "Bologna", "duration_days": 5, "travel_days": 2}


def _plan_trips(definition, answers: dict) -> None:
    """A unit-cost activity is one a team would plan, to a place the budget can find."""
    rule = definition.unit_costs
    data = answers.get(rule.section) if rule and rule.rates == "erasmus-ka1" else None
    for i, values in enumerate((data or {}).get("items", [])):
        planned = {**DEMO_TRIP, **DEMO_TRIPS[i % len(DEMO_TRIPS)], "distance_km": None}
        values.update({k: v for k, v in planned.items() if k in values})
