"""The checks over a form's repeated activities (named in STAGE_CHECKS of programmes.checks): the
participant cap counted over all activities, each activity's numbers within `activity_limits`, and
a choice that is an application of its own (`own_application`)."""

from __future__ import annotations

import math

from flask_babel import gettext as _

from ..core.i18n import current_language, format_number
from .rules import Participant, Problem, choice_label, field_label, is_visible, repeat_items
from .schema import ActionDefinition


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
                field=field_label(fdef) if fdef else field_key,
                max=format_number(eligibility.max_participants),
                action=definition.key,
                count=format_number(total),
            ),
            section_key,
            field_key,
        )
    ]


def _number(value) -> float | None:
    """A stored number (a form stores numbers, older drafts may hold their text); None when not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def activity_limit_problems(
    definition: ActionDefinition, participants: list[Participant], eligible: set[str], answers: dict | None = None
) -> list[Problem]:
    """Each activity's numbers within the definition's `activity_limits` (Nordplus: teachers per pupils,
    days, staff on a study visit), one message per item and limit, pointing at the item. An item whose
    activity type or number is unanswered is left to `required`."""
    problems = []
    for limit in definition.eligibility.activity_limits:
        section = definition.section(limit.section)
        fdef = section.field(limit.field) if section and section.repeat else None
        if fdef is None:
            continue
        when = section.field(limit.when.field) if limit.when else None
        for anchor, heading, values in repeat_items(section, (answers or {}).get(section.key) or {}, participants):
            values = values if isinstance(values, dict) else {}
            kind = str(values.get(limit.when.field) or "") if limit.when else ""
            number = _number(values.get(limit.field))
            if (limit.when and kind not in limit.when.equals) or number is None or not is_visible(fdef, values):
                continue
            said = {
                "where": f"{heading} ({choice_label(when, kind)}): " if limit.when else f"{heading}: ",
                "field": field_label(fdef),
                "count": format_number(number),
                "kind": choice_label(when, kind).lower() if limit.when else "",
                "action": definition.key,
            }
            found = []
            if limit.min is not None and number < limit.min:
                found.append(
                    _("%(where)s%(field)s: %(count)s, at least %(min)s for a %(kind)s (%(action)s)", **said,
                      min=format_number(limit.min))
                    if limit.when
                    else _("%(where)s%(field)s: %(count)s, at least %(min)s (%(action)s)", **said,
                           min=format_number(limit.min))
                )  # fmt: skip
            if limit.max is not None and number > limit.max:
                found.append(
                    _("%(where)s%(field)s: %(count)s, at most %(max)s for a %(kind)s (%(action)s)", **said,
                      max=format_number(limit.max))
                    if limit.when
                    else _("%(where)s%(field)s: %(count)s, at most %(max)s (%(action)s)", **said,
                           max=format_number(limit.max))
                )  # fmt: skip
            ratio = limit.ratio
            base = _number(values.get(ratio.field)) if ratio else None
            if ratio and base is not None and base > 0 and number > ratio.at_most * math.ceil(base / ratio.per):
                found.append(
                    _(
                        "%(where)s%(field)s: %(count)s, at most %(max)s for a %(kind)s with %(base)s %(unit)s "
                        "(%(at_most)s per %(per)s %(unit)s, a started %(per)s counting as a whole) (%(action)s)",
                        **said,
                        max=format_number(ratio.at_most * math.ceil(base / ratio.per)),
                        base=format_number(base),
                        unit=ratio.unit.get(current_language()),
                        at_most=format_number(ratio.at_most),
                        per=format_number(ratio.per),
                    )
                )
            problems += [Problem(message, section.key, limit.field, anchor) for message in found]
    return problems


def own_application_problems(
    definition: ActionDefinition, participants: list[Participant], eligible: set[str], answers: dict | None = None
) -> list[Problem]:
    """A choice that is an action of its own (`own_application`: a Nordplus preparatory visit) is not
    offered by the form any more; a stored answer that still has it, alone or with others, is told so."""
    problems = []
    for rule in definition.eligibility.own_application:
        section_key, field_key = rule.answer.split(".")
        chosen = definition.answer(answers or {}, rule.answer)
        if not isinstance(chosen, list) or rule.value not in chosen:
            continue
        section = definition.section(section_key)
        fdef = section.field(field_key) if section else None
        problems.append(
            Problem(
                _(
                    "%(field)s: %(choice)s cannot be combined with other activities in %(action)s; it needs an "
                    "application of its own (%(other)s)",
                    field=field_label(fdef) if fdef else field_key,
                    choice=rule.label.get(current_language()),
                    action=definition.key,
                    other=rule.action,
                ),
                section_key,
                field_key,
            )
        )
    return problems
