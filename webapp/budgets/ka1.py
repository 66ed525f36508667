"""The budget of Erasmus+ KA1 mobility in school education (KA121-SCH, KA122-SCH): travel,
individual support and organisational support per activity and for a whole project.

Pure computation: no database, request or app. Every rate comes from a rates file
(`workflows/rates/erasmus-ka1/<call year>.yaml`, its shape `Ka1Rates` in ka1_rates.py); this module holds no
figure of its own. Money is `Decimal` in euros: the rates are exact decimal amounts and 70 % of
them has cents, which binary floats would not keep exactly; a reduced daily rate is rounded to the
cent (half up) once, then multiplied.

How the days are read (docs/sources/erasmus-plus-school-2026.md#ka1-travel): individual support is
paid for the days of the activity plus the funded travel days, the travel days a participant
actually needs capped at the rates file's maximum (2 standard, 6 green); those days are counted
together from day 1, and the reduced rate applies from the `from_day`-th day on (day 15: days
1-14 full, 15 onwards reduced).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from . import distances
from .ka1_inputs import Activity, BudgetInputError, Problem, validate_activity
from .ka1_rates import KINDS, Agency, Ka1Rates, Kind
from .ka1_results import ActivityBudget, Line, ProjectBudget, Uncertain

CENT = Decimal("0.01")


# --- Computation --------------------------------------------------------------------------------


def _counted(activity: Activity, rates: Ka1Rates) -> int:
    cap = rates.participant_cap
    if activity.kind in cap.not_counting_activities:
        return 0
    return sum(activity.count(kind) for kind in KINDS if kind not in cap.not_counting_kinds)


def participants_counted(activities: Iterable[Activity], rates: Ka1Rates) -> int:
    """The participants the cap per application counts (accompanying persons and preparatory visits
    not counted, as the rates file says), to compare with `rates.participant_cap.max`."""
    return sum(_counted(activity, rates) for activity in activities)


def _agency(rates: Ka1Rates, agency: str) -> Agency:
    found = rates.individual_support.agencies.get(agency)
    if found is None:
        known = sorted(rates.individual_support.agencies)
        raise BudgetInputError(
            [Problem("agency", "unknown", f"no rates for national agency {agency!r} (known: {known})")]
        )
    return found


def activity_budget(
    activity: Activity, rates: Ka1Rates, agency: str = "SE01", *, index: int | None = None
) -> ActivityBudget:
    """The budget of one activity; raises `BudgetInputError` naming every field at fault."""
    agency_rates = _agency(rates, agency)
    if problems := validate_activity(activity, rates, index=index):
        raise BudgetInputError(problems)
    rule = rates.activities[activity.kind]
    travel = rates.travel
    support = rates.individual_support
    lines: list[Line] = []
    uncertain: list[Uncertain] = []
    everyone = sum(activity.count(kind) for kind in KINDS)

    # Travel: one unit cost per participant for the return trip, by the one-way distance's band.
    if activity.band is not None:
        band = travel.band(activity.band)
    else:
        band = distances.band_for(activity.distance_km, travel.bands)
    travel_rate = Decimal(0)
    if band is not None:
        cost = band.green if activity.green_travel else band.standard
        travel_rate = cost.amount
        lines.append(
            Line(
                "travel",
                None,
                cost.amount,
                everyone,
                None,
                cost.amount * everyone,
                cost.source,
                cost.confirmed,
                note=cost.note,
            )
        )

    # Individual support: per day, activity days plus funded travel days, reduced from `from_day`.
    days_rule = travel.funded_travel_days.green if activity.green_travel else travel.funded_travel_days.standard
    funded = min(activity.travel_days, days_rule.days)
    support_days = activity.activity_days + funded
    reduction = support.reduction
    full_days = min(support_days, reduction.from_day - 1)
    reduced_days = support_days - full_days
    group = support.group_of(activity.destination_country)
    per_participant: dict[Kind, Decimal] | None = None
    support_total: Decimal | None = None
    if rule.individual_support == "daily":
        per_participant, support_total = {}, Decimal(0)
        for kind in KINDS:
            count = activity.count(kind)
            if not count:
                continue
            daily = agency_rates.daily[support.rate_of[kind].category][group.group]
            reduced_rate = (daily.amount * reduction.percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
            confirmed = daily.confirmed and support.rate_of[kind].confirmed and group.confirmed
            source = "; ".join(dict.fromkeys((daily.source, support.rate_of[kind].source, group.source)))
            one = daily.amount * full_days + reduced_rate * reduced_days
            per_participant[kind] = one
            support_total += one * count
            lines.append(
                Line(
                    "individual_support",
                    kind,
                    daily.amount,
                    count,
                    full_days,
                    daily.amount * count * full_days,
                    source,
                    confirmed,
                    "full",
                    daily.note,
                )
            )
            if reduced_days:
                lines.append(
                    Line(
                        "individual_support",
                        kind,
                        reduced_rate,
                        count,
                        reduced_days,
                        reduced_rate * count * reduced_days,
                        f"{source}; {reduction.source}",
                        confirmed and reduction.confirmed,
                        "reduced",
                    )
                )
    else:
        uncertain.append(Uncertain("individual_support", rule.note, rule.source))

    # Organisational support: per participant, where the rates file ties an amount to the activity.
    organisational = rates.organisational_support
    org_rate: Decimal | None = None
    org_total: Decimal | None = None
    org = organisational.per_activity.get(activity.kind)
    if org is not None:
        count = sum(activity.count(kind) for kind in KINDS if kind not in organisational.not_counting_kinds)
        org_rate, org_total = org.amount, org.amount * count
        lines.append(
            Line(
                "organisational_support",
                None,
                org.amount,
                count,
                None,
                org_total,
                org.source,
                org.confirmed,
                note=org.note,
            )
        )
    else:
        uncertain.append(Uncertain("organisational_support", organisational.unknown, organisational.source))

    travel_total = travel_rate * everyone
    total = travel_total + (support_total or 0) + (org_total or 0)
    return ActivityBudget(
        activity=activity,
        band=band,
        country_group=group.group,
        funded_travel_days=funded,
        support_days=support_days,
        full_rate_days=full_days,
        reduced_rate_days=reduced_days,
        lines=tuple(lines),
        travel_per_participant=travel_rate,
        travel_total=travel_total,
        individual_support_per_participant=per_participant,
        individual_support_total=support_total,
        organisational_support_per_participant=org_rate,
        organisational_support_total=org_total,
        participants_counted=_counted(activity, rates),
        total=total,
        uncertain=tuple(uncertain),
    )


def project_budget(activities: Sequence[Activity], rates: Ka1Rates, agency: str = "SE01") -> ProjectBudget:
    """The budget of every activity and their totals; raises `BudgetInputError` naming every
    field at fault in every activity (`Problem.activity` is its index)."""
    _agency(rates, agency)
    problems = [
        problem
        for index, activity in enumerate(activities)
        for problem in validate_activity(activity, rates, index=index)
    ]
    if problems:
        raise BudgetInputError(problems)
    budgets = tuple(activity_budget(activity, rates, agency, index=index) for index, activity in enumerate(activities))
    travel = sum((budget.travel_total for budget in budgets), Decimal(0))
    support = sum((budget.individual_support_total or Decimal(0) for budget in budgets), Decimal(0))
    org = sum((budget.organisational_support_total or Decimal(0) for budget in budgets), Decimal(0))
    return ProjectBudget(
        call_year=rates.call_year,
        agency=agency,
        activities=budgets,
        travel_total=travel,
        individual_support_total=support,
        organisational_support_total=org,
        total=travel + support + org,
        participants_counted=sum(budget.participants_counted for budget in budgets),
        participant_cap=rates.participant_cap.max,
        other_costs=tuple(cost for cost in rates.other_costs if cost.basis == "unknown"),
    )
