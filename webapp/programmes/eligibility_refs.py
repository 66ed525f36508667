"""What a definition's eligibility rules and its lump-sum split name, checked against its own form
and the catalogue when the definitions load (a misspelt name would silently check nothing). Each function answers the
loader's Faults, made by `sources.fault(path, message)` so they name the file and line."""

from __future__ import annotations


def round_cap_faults(definition, sources, catalogue, actions_complete: bool) -> list:
    """A cap per round counts the definition's own action (else it would never warn on it) and names
    only actions that exist (checked once every action loaded: a broken one is not unknown)."""
    faults = []
    for i, cap in enumerate(definition.eligibility.round_caps):
        where = ("eligibility", "round_caps", i, "counts")
        if definition.key not in cap.counts:
            faults.append(sources.fault(where, f"does not count {definition.key} itself"))
        unknown = sorted(set(cap.counts) - set(catalogue.actions))
        if actions_complete and unknown:
            faults.append(sources.fault(where, f"names unknown actions {unknown}"))
    return faults


def activity_rule_faults(definition, sources, catalogue, actions_complete: bool) -> list:
    """The activity limits, organisation roles and own-application choices name sections, fields and
    choices of this form (a misspelt name would silently check nothing)."""
    faults = []
    eligibility = definition.eligibility

    def choices_of(field) -> set[str] | None:
        if field is None or field.type not in ("choice", "multichoice"):
            return None
        source = field.choices if field.choices is not None else catalogue.choices.lists.get(field.choices_from, [])
        return {c.value for c in source}

    for i, limit in enumerate(eligibility.activity_limits):
        where = ("eligibility", "activity_limits", i)
        section = definition.section(limit.section)
        if section is None or not section.repeat or section.repeat.per_organisation:
            faults.append(sources.fault((*where, "section"), f"{limit.section} is not a freely repeated section"))
            continue
        numbers = [("field", limit.field)] + ([("ratio", limit.ratio.field)] if limit.ratio else [])
        for key, name in numbers:
            field = section.field(name)
            if field is None or field.type != "number":
                faults.append(sources.fault((*where, key), f"{section.key}.{name} is not a number field"))
        if limit.when:
            offered = choices_of(section.field(limit.when.field))
            if offered is None:
                faults.append(
                    sources.fault((*where, "when"), f"{section.key}.{limit.when.field} is not a choice field")
                )
            elif set(limit.when.equals) - offered:
                unknown = sorted(set(limit.when.equals) - offered)
                faults.append(
                    sources.fault((*where, "when"), f"{section.key}.{limit.when.field} has no choices {unknown}")
                )
    roles = eligibility.organisation_roles
    if roles:
        where = ("eligibility", "organisation_roles")
        section = definition.section(roles.section)
        if section is None or not section.repeat or not section.repeat.per_organisation:
            faults.append(sources.fault((*where, "section"), f"{roles.section} is not repeated per organisation"))
        else:
            offered = choices_of(section.field(roles.role_field))
            if offered is None or roles.coordinator not in offered:
                faults.append(
                    sources.fault(
                        (*where, "coordinator"), f"{section.key}.{roles.role_field} has no choice {roles.coordinator!r}"
                    )
                )
            offered = choices_of(section.field(roles.type_field))
            named = set(roles.coordinator_types) | set(roles.partner_types or [])
            if offered is None or named - offered:
                faults.append(
                    sources.fault(
                        (*where, "type_field"),
                        f"{section.key}.{roles.type_field} has no choices {sorted(named - (offered or set()))}",
                    )
                )
    for i, rule in enumerate(eligibility.own_application):
        where = ("eligibility", "own_application", i)
        section_key, field_key = rule.answer.split(".")
        field = definition.section(section_key).field(field_key) if definition.section(section_key) else None
        if field is None or field.type != "multichoice":
            faults.append(sources.fault((*where, "answer"), f"{rule.answer} is not a multiple-choice field"))
        if actions_complete and rule.action not in catalogue.actions:
            faults.append(sources.fault((*where, "action"), f"names unknown action {rule.action}"))
    return faults


def lump_sum_faults(definition, sources, catalogue, actions_complete: bool) -> list:
    """The lump-sum split names fields of this form of the right kinds: a choice of euro amounts,
    number fields that add up, caps among them, an organisation field beside a repeated part."""
    rule = definition.lump_sum_split
    if rule is None:
        return []
    faults = []

    def field_of(reference: str):
        section_key, field_key = reference.split(".")
        section = definition.section(section_key)
        return section, section.field(field_key) if section else None

    _section, choice = field_of(rule.lump_sum)
    if choice is None or choice.type != "choice" or not all(c.value.isdigit() for c in choice.choices or []):
        faults.append(sources.fault(("lump_sum_split", "lump_sum"), f"{rule.lump_sum} is not a choice of euro amounts"))
    for i, part in enumerate(rule.parts):
        _section, field = field_of(part)
        if field is None or field.type != "number":
            faults.append(sources.fault(("lump_sum_split", "parts", i), f"{part} is not a number field"))
    for i, cap in enumerate(rule.caps):
        if cap.amount not in rule.parts:
            faults.append(
                sources.fault(("lump_sum_split", "caps", i, "amount"), f"{cap.amount} is not one of the parts")
            )
    if rule.share_by:
        section, field = field_of(rule.share_by)
        repeated_parts = {p.split(".")[0] for p in rule.parts}
        if field is None or field.type != "organisation" or section.key not in repeated_parts or not section.repeat:
            faults.append(
                sources.fault(
                    ("lump_sum_split", "share_by"), f"{rule.share_by} is not an organisation field of a repeated part"
                )
            )
    return faults


def unit_cost_faults(definition, sources, catalogue, actions_complete: bool) -> list:
    """The unit-cost budget reads a freely repeated section of this form."""
    rule = definition.unit_costs
    section = definition.section(rule.section) if rule else None
    if rule is None or (section is not None and section.repeat and not section.repeat.per_organisation):
        return []
    return [sources.fault(("unit_costs", "section"), f"{rule.section} is not a freely repeated section")]
