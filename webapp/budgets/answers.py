"""A unit-cost budget from what the team wrote: reads a definition's `unit_costs` section as stored
(one item per activity) into the calculators' inputs, computes every item that is filled in, and
says for the others what keeps their budget from being computed. Pure: no database, no request."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..programmes.rules import Participant, repeat_items
from ..programmes.schema import ActionDefinition
from . import distances, ka1, ka1_rates, nordplus, nordplus_rates, nordplus_results
from .ka1_inputs import Activity, validate_activity

#: the KA122 form's fields the KA1 calculator reads, by the calculator's names
KA1_FIELDS = {
    "kind": "activity_type",
    "destination_country": "destination_country",
    "activity_days": "duration_days",
    "travel_days": "travel_days",
    "green_travel": "green_travel",
    "participants": "participants",
    "pupils": "participants",
    "staff": "participants",
    "accompanying": "accompanying_persons",
    "distance_km": "distance_km",
}


@dataclass(frozen=True)
class Issue:
    """Why an item's budget is not computed: the form field to fix, a code, the limit if any,
    and the place that could not be found (code `not_found`)."""

    field: str
    code: str
    limit: object = None
    place: str | None = None


@dataclass(frozen=True)
class Item:
    anchor: str  # "items-0"
    heading: str  # "Activity 1"
    budget: object | None  # the calculator's activity budget; None when not computed
    issues: tuple[Issue, ...] = ()
    distance_km: float | None = None  # the distance used for KA1
    distance_computed: bool = False  # worked out from the cities, not entered


@dataclass(frozen=True)
class UnitCostBudget:
    rates: str  # "erasmus-ka1" or "nordplus-junior"
    items: tuple[Item, ...]
    total: Decimal  # of the computed items (for Nordplus with project management)
    project: object | None  # the calculator's project budget, of the computed items
    rates_year: int | None = None  # the call year of the rates used (earlier than the call: not yet published)


def _whole(value) -> int | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def _ka1_item(anchor, heading, values, rates, applicant: Participant) -> Item:
    get = {name: values.get(field) for name, field in KA1_FIELDS.items()}
    kind, country = get["kind"], get["destination_country"]
    numbers = {name: _whole(get[name]) for name in ("activity_days", "travel_days", "participants", "accompanying")}
    if not kind or not country or None in numbers.values() or get["green_travel"] not in ("yes", "no"):
        return Item(anchor, heading, None)  # not filled in yet: the section's own completeness says so
    rule = rates.activities.get(kind)
    counts = {"pupils": 0, "staff": 0}
    counts["pupils" if rule and "pupils" in rule.participants else "staff"] = numbers["participants"]
    distance, computed = get["distance_km"], False
    if distance in (None, ""):
        distance = distances.distance_between(
            applicant.city, applicant.country, values.get("destination_city"), country
        )
        computed = distance is not None
        if distance is None:
            issue = Issue("distance_km", "not_found", place=f"{values.get('destination_city') or '–'} ({country})")
            return Item(anchor, heading, None, (issue,))
    activity = Activity(
        kind=kind,
        destination_country=country,
        activity_days=numbers["activity_days"],
        travel_days=numbers["travel_days"],
        green_travel=get["green_travel"] == "yes",
        accompanying=numbers["accompanying"] if rule and "accompanying" in rule.participants else 0,
        distance_km=float(distance),
        **counts,
    )
    problems = validate_activity(activity, rates)
    if problems:
        return Item(
            anchor, heading, None, tuple(Issue(KA1_FIELDS.get(p.field, p.field), p.code, p.limit) for p in problems)
        )
    return Item(anchor, heading, ka1.activity_budget(activity, rates), (), float(distance), computed)


def _ka1(definition, section, data, participants) -> UnitCostBudget | None:
    year = ka1_rates.latest_year(definition.call_year)
    if year is None:
        return None
    rates = ka1_rates.rates_for(year)
    applicant = next(p for p in participants if p.key == "applicant")
    items = tuple(
        _ka1_item(anchor, heading, values, rates, applicant)
        for anchor, heading, values in repeat_items(section, data, participants)
    )
    done = [item.budget.activity for item in items if item.budget is not None]
    agency = definition.unit_costs.agency or "SE01"
    project = ka1.project_budget(done, rates, agency) if done else None
    return UnitCostBudget("erasmus-ka1", items, project.total if project else Decimal(0), project, year)


def _nordplus(definition, section, data, participants) -> UnitCostBudget:
    stored = data.get("items") if isinstance(data.get("items"), list) else []
    organisations = [
        nordplus_results.Organisation(p.key, p.country, p.key == "applicant")
        for p in participants
        if p.confirmed or p.key == "applicant"
    ]
    items = [v if isinstance(v, dict) else {} for v in stored]
    domestic = {
        i: nordplus_results.DomesticTravel(home=v.get("domestic_home") == "yes", host=v.get("domestic_host") == "yes")
        for i, v in enumerate(items)
        if "yes" in (v.get("domestic_home"), v.get("domestic_host"))
    }
    project = nordplus.mobility_budget(items, organisations, domestic)
    by_index = {budget.index: budget for budget in project.activities}
    problems: dict[int, list] = {}
    for problem in project.problems:
        if problem.item is not None:
            problems.setdefault(problem.item, []).append(Issue(problem.field, problem.code, _limit(problem)))
    shown = []
    for i, (anchor, heading, _values) in enumerate(repeat_items(section, data, participants)):
        issues = tuple(problems.get(i, ()))
        budget = by_index.get(i) if not issues else None
        shown.append(Item(anchor, heading, budget, issues))
    year = int(nordplus_rates.RATES_FILE.stem)
    return UnitCostBudget("nordplus-junior", tuple(shown), project.total, project, year)


def _limit(problem):
    return next((v for v in (problem.maximum, problem.minimum) if v is not None), None)


def unit_cost_budget(
    definition: ActionDefinition, answers: dict, participants: list[Participant]
) -> UnitCostBudget | None:
    """The budget of an action with `unit_costs`, as the answers stand; None for any other action."""
    rule = definition.unit_costs
    section = definition.section(rule.section) if rule else None
    if section is None:
        return None
    data = answers.get(section.key) if isinstance(answers.get(section.key), dict) else {}
    return (_ka1 if rule.rates == "erasmus-ka1" else _nordplus)(definition, section, data, participants)
