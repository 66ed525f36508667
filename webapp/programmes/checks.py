"""The checks a definition's `stage_checks` name (STAGE_CHECKS): rules that span a stage rather
than one field, each reading its figures from the definition's `eligibility` (partnership minimums,
partner-only countries, the participant cap, the application's language, activity limits, who may
coordinate, choices that are applications of their own). Each answers Problems that name the figure
and the action, in the reader's language; `stage_report` runs a stage's sections, then its checks."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from ..core.i18n import current_language, format_euro, format_number
from . import lump_sums
from .activity_checks import activity_limit_problems, own_application_problems, participant_cap_problems
from .budget_checks import unit_cost_problems
from .rules import (
    COMPLETE,
    IN_PROGRESS,
    NOT_STARTED,
    Participant,
    Problem,
    StageReport,
    choice_label,
    country_list,
    country_name,
    field_label,
    repeat_items,
    section_report,
)
from .schema import ActionDefinition, Localised


def may_be_partner(definition: ActionDefinition, code: str, eligible: set[str]) -> bool:
    """Whether an organisation in `code` may take part as a partner: an eligible country, or one of the
    definition's `partner_only_countries` (EL is read as GR)."""
    countries = country_list()
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
    countries = country_list()
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


def language_problems(
    definition: ActionDefinition, participants: list[Participant], eligible: set[str], answers: dict | None = None
) -> list[Problem]:
    """The application's language when an organisation from one of the rule's countries takes part
    (counted over the applicant and the confirmed partners). An unanswered field is left to `required`."""
    rule = definition.eligibility.language
    if rule is None:
        return []
    countries = country_list()
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
                field=field_label(fdef) if fdef else field_key,
                countries=", ".join(f"{country_name(c)} ({c})" for c in present),
                required=labels.get(rule.must_be, rule.must_be),
                action=definition.key,
                chosen=labels.get(chosen, chosen),
            ),
            section_key,
            field_key,
        )
    ]


def organisation_role_problems(
    definition: ActionDefinition, participants: list[Participant], eligible: set[str], answers: dict | None = None
) -> list[Problem]:
    """Who may coordinate (`organisation_roles`): exactly one coordinator, of a type that may coordinate,
    and partners of the types the action allows. Counted over the applicant and the confirmed partners;
    an unanswered role or type is left to `required` (no coordinator is only said once every role is
    answered)."""
    rule = definition.eligibility.organisation_roles
    section = definition.section(rule.section) if rule else None
    if rule is None or section is None or not section.repeat:
        return []
    items = repeat_items(section, (answers or {}).get(section.key) or {}, participants)
    role_def, type_def = section.field(rule.role_field), section.field(rule.type_field)
    note = rule.note.get(current_language()) if rule.note and not isinstance(rule.note, str) else ""
    problems, coordinators, unanswered = [], [], False
    for anchor, heading, values in items:
        values = values if isinstance(values, dict) else {}
        role, kind = values.get(rule.role_field), values.get(rule.type_field)
        if not role:
            unanswered = True
            continue
        if role == rule.coordinator:
            coordinators.append(heading)
            allowed = rule.coordinator_types
        else:
            allowed = rule.partner_types
        if not kind or allowed is None or kind in allowed:
            continue
        said = {
            "where": heading,
            "field": field_label(type_def) if type_def else rule.type_field,
            "type": choice_label(type_def, kind),
            "action": definition.key,
            "allowed": ", ".join(choice_label(type_def, t) for t in allowed),
        }
        if role == rule.coordinator:
            message = _(
                "%(where)s: %(field)s: %(type)s, but the coordinator of %(action)s must be one of: %(allowed)s", **said
            )
            message += f". {note}" if note else ""
        else:
            message = _(
                "%(where)s: %(field)s: %(type)s, but the partners of %(action)s must be one of: %(allowed)s", **said
            )
        problems.append(Problem(message, section.key, rule.type_field, anchor))
    coordinator_label = choice_label(role_def, rule.coordinator).lower()
    if len(coordinators) > 1:
        problems.insert(
            0,
            Problem(
                _(
                    "%(field)s: exactly one organisation is the %(role)s of %(action)s; %(count)s are: %(list)s",
                    field=field_label(role_def) if role_def else rule.role_field,
                    role=coordinator_label,
                    action=definition.key,
                    count=format_number(len(coordinators)),
                    list=", ".join(coordinators),
                ),
                section.key,
                rule.role_field,
            ),
        )
    elif not coordinators and items and not unanswered:
        problems.insert(
            0,
            Problem(
                _(
                    "%(field)s: exactly one organisation is the %(role)s of %(action)s; none is so far",
                    field=field_label(role_def) if role_def else rule.role_field,
                    role=coordinator_label,
                    action=definition.key,
                ),
                section.key,
                rule.role_field,
            ),
        )
    return problems


def _counted(requirements, organisations, language: str) -> tuple[bool, str]:
    """Whether `organisations` hold every KindCount of `requirements`, and what they hold, in words."""
    held = []
    for need in requirements:
        have = sum(1 for o in organisations if o.kind in need.kinds)
        held.append((have >= need.min, f"{need.label.get(language)} {format_number(have)}/{format_number(need.min)}"))
    return all(ok for ok, _said in held), ", ".join(said for _ok, said in held)


def composition_problems(
    definition: ActionDefinition, participants: list[Participant], eligible: set[str], answers: dict | None = None
) -> list[Problem]:
    """The mix of organisations per country (`composition`, KA240): the coordinator's own country
    with its schools, and enough other countries that each bring an authority and its schools."""
    rule = definition.eligibility.composition
    applicant = next((o for o in participants if o.key == "applicant"), None)
    if rule is None or applicant is None:
        return []
    language, countries = current_language(), country_list()
    counted = [o for o in participants if o.confirmed or o.key == "applicant"]
    home = countries.normalise(applicant.country)
    by_country: dict[str, list[Participant]] = {}
    for org in counted:
        by_country.setdefault(countries.normalise(org.country), []).append(org)
    problems = []
    ok, held = _counted(rule.own_country, [o for o in by_country.get(home, []) if o.key != "applicant"], language)
    if not ok:
        problems.append(
            Problem(
                _(
                    "%(action)s: the coordinator's own country, %(country)s, takes part with too few "
                    "organisations besides the coordinator (so far/needed: %(held)s)",
                    action=definition.key,
                    country=country_name(home),
                    held=held,
                ),
                page="partners",
            )
        )
    others = {
        code: _counted(rule.each_other_country, orgs, language) for code, orgs in by_country.items() if code != home
    }
    enough = sum(1 for ok, _held in others.values() if ok)
    if enough < rule.other_countries:
        wanted = ", ".join(f"{need.label.get(language)} {format_number(need.min)}" for need in rule.each_other_country)
        so_far = "; ".join(f"{country_name(code)}: {held}" for code, (_ok, held) in sorted(others.items())) or "–"
        problems.append(
            Problem(
                ngettext(
                    "%(action)s: at least %(num)d other country takes part with %(wanted)s; so far %(so_far)s",
                    "%(action)s: at least %(num)d other countries take part, each with %(wanted)s; so far %(so_far)s",
                    rule.other_countries,
                    action=definition.key,
                    wanted=wanted,
                    so_far=so_far,
                ),
                page="partners",
            )
        )
    if problems and isinstance(rule.note, Localised):
        problems[-1].message += f". {rule.note.get(language)}"
    return problems


def lump_sum_problems(
    definition: ActionDefinition, participants: list[Participant], eligible: set[str], answers: dict | None = None
) -> list[Problem]:
    """The amounts add up exactly to the chosen lump sum, and a capped part stays within its share
    (`lump_sum_split`). Nothing while no lump sum is chosen: the field's `required` says so."""
    result = lump_sums.split(definition, answers or {}, participants)
    if result is None or result.lump_sum is None:
        return []
    language = current_language()
    first = result.lines[0] if result.lines else None
    where = definition.section(first.section) if first else None
    problems = []
    if result.left != 0:
        said = {
            "parts": ", ".join(
                dict.fromkeys(definition.section(line.section).title.get(language) for line in result.lines)
            )
            or "–",
            "total": format_euro(result.total),
            "lump_sum": format_euro(result.lump_sum),
            "difference": format_euro(abs(result.left)),
            "action": definition.key,
        }
        message = (
            _("%(parts)s: the amounts add up to %(total)s, the lump sum is %(lump_sum)s: %(difference)s still to "
              "allocate (%(action)s)", **said)
            if result.left > 0
            else _("%(parts)s: the amounts add up to %(total)s, the lump sum is %(lump_sum)s: %(difference)s too "
                   "much (%(action)s)", **said)
        )  # fmt: skip
        problems.append(Problem(message, where.key if where else None, first.field if first else None, first.anchor))
    for check in result.caps:
        if check.within:
            continue
        section_key, field_key = check.cap.amount.split(".")
        section = definition.section(section_key)
        fdef = section.field(field_key) if section else None
        problems.append(
            Problem(
                _(
                    "%(field)s: %(amount)s is %(share)s %% of the lump sum %(lump_sum)s; at most %(percent)s %% "
                    "(%(limit)s) (%(action)s)",
                    field=field_label(fdef) if fdef else check.cap.amount,
                    amount=format_euro(check.amount),
                    share=format_number(round(check.amount * 100 / result.lump_sum, 1)),
                    lump_sum=format_euro(result.lump_sum),
                    percent=format_number(check.cap.percent),
                    limit=format_euro(check.limit),
                    action=definition.key,
                ),
                section_key,
                field_key,
            )
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
        problems = STAGE_CHECKS[check](definition, participants, eligible, answers) + problems
    touched = any(r.state != NOT_STARTED for r in sections)
    state = COMPLETE if not problems else (IN_PROGRESS if touched else NOT_STARTED)
    return StageReport(stage, state, problems, sections)


#: The named checks a definition's `stage_checks` may ask for:
#: (definition, participants, eligible countries, answers per section) -> problems.
STAGE_CHECKS = {
    "partnership": partnership_problems,
    "composition": composition_problems,
    "lump_sum_split": lump_sum_problems,
    "unit_costs": unit_cost_problems,
    "participant_cap": participant_cap_problems,
    "language": language_problems,
    "activity_limits": activity_limit_problems,
    "organisation_roles": organisation_role_problems,
    "own_application": own_application_problems,
}
