"""The Nordplus Junior mobility-project budget, worked out from the mobility table as stored.

Pure computation: no database, no request, no figure of its own. Every rate, threshold and limit
comes from `workflows/rates/nordplus-junior/2026.yaml` (its schema in nordplus_rates.py). The
readings the sources leave open are written, with their reasons, in
docs/sources/nordplus-junior-2026.md#mobility-project-funding-2026.

Entry points:

- `nordplus.mobility_budget(items, organisations, domestic=None, rates=None) -> MobilityBudget`
- `nordplus_costs.staff_subsistence(days, rates=None) -> Stay` (one staff member's subsistence for a stay)
- `nordplus_costs.travel_rate(sending_country, host_country, rates=None) -> TravelRate`
- `nordplus_costs.project_management(mobility_total, organisations, rates=None) -> ProjectManagement`
- `nordplus_costs.payment(total, rates=None) -> Payment`
- `nordplus.development_project_budget(rates=None) -> RatesUnknown`
- `nordplus_rates.load_rates(path=None) -> NordplusJuniorRates`
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from .nordplus_costs import eur, payment, plural, project_management, staff_subsistence, travel_rate
from .nordplus_rates import Limit, NordplusJuniorRates, load_rates
from .nordplus_results import ActivityBudget, DomesticTravel, Line, MobilityBudget, Organisation, Problem, RatesUnknown

# --- Reading the stored items ------------------------------------------------------------------


class _Bad(ValueError):
    pass


def _whole(value: Any) -> int | None:
    """A stored number as a whole number: None when empty; _Bad when not a whole number. A form
    stores int or float; older drafts may hold text."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _Bad(value)
    if isinstance(value, int):
        return value
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _Bad(value) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise _Bad(value)
    return int(number)


def _distance(value: Any) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise _Bad(value)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _Bad(value) from None
    if not number.is_finite() or number < 0:
        raise _Bad(value)
    return number


def _count(item: Mapping, index: int, field: str, limit: Limit, required: bool, problems: list[Problem]) -> int | None:
    label = {"pupils": "pupils", "teachers": "teachers or other staff", "days": "days"}[field]
    try:
        value = _whole(item.get(field))
    except _Bad:
        problems.append(Problem(index, field, "not_whole", f"Enter the number of {label} as a whole number."))
        return None
    if value is None:
        if required:
            problems.append(Problem(index, field, "missing", f"Enter the number of {label}."))
        return None
    if value < limit.min or (limit.max is not None and value > limit.max):
        if limit.max is None:
            message = f"The number of {label} must be at least {limit.min}."
        else:
            message = f"The number of {label} must be from {limit.min} to {limit.max}."
        problems.append(Problem(index, field, "out_of_range", message, limit.min, limit.max))
        return None
    return value


def _top_up_applies(
    legs: DomesticTravel, side: str, rates: NordplusJuniorRates, index: int, problems: list[Problem]
) -> tuple[bool, str]:
    answer, km = getattr(legs, side), getattr(legs, f"{side}_km")
    threshold = rates.domestic_top_up.over_km_one_way
    field = f"domestic_{side}"
    if answer is not None and km is not None:
        problems.append(
            Problem(index, field, "answer_and_distance", "Give either yes/no or the distance in km, not both.")
        )
        return False, ""
    if km is not None:
        try:
            distance = _distance(km)
        except _Bad:
            problems.append(
                Problem(index, field, "out_of_range", "Enter the one-way distance in km, 0 or more.", minimum=0)
            )
            return False, ""
        if distance > threshold:
            return True, f"{distance:,} km one way, more than {threshold} km"
        return False, ""
    if answer:
        return True, f"more than {threshold} km one way"
    return False, ""


# --- The project -------------------------------------------------------------------------------


def mobility_budget(
    items: Sequence[Mapping[str, Any]],
    organisations: Sequence[Organisation],
    domestic: Mapping[int, DomesticTravel] | None = None,
    rates: NordplusJuniorRates | None = None,
) -> MobilityBudget:
    """The budget of a Nordplus Junior mobility project.

    `items`: the `mobility_activities` section's items as stored (`answers["items"]`: dicts with
    activity_type, sending_organisation, host_country, pupils, teachers, days; other keys ignored).
    `organisations`: every organisation of the project (the applicant and each confirmed partner),
    exactly one of them the coordinator. `domestic`: the domestic top-up per item index (missing:
    none). Items with problems are reported and left out of the sums.
    """
    rates = rates or load_rates()
    domestic = domestic or {}
    problems: list[Problem] = []
    by_key: dict[str, Organisation] = {}
    for org in organisations:
        if org.key in by_key:
            problems.append(
                Problem(None, "organisations", "duplicate_organisation", f"The organisation {org.key} is listed twice.")
            )
        by_key[org.key] = org
        if rates.travel.zone_of(org.country) is None:
            problems.append(
                Problem(
                    None,
                    "organisations",
                    "unknown_country",
                    f"The organisation {org.key} is in {org.country}, which has no Nordplus travel rate; "
                    f"the countries are {', '.join(rates.travel.countries())}.",
                    allowed=rates.travel.countries(),
                )
            )
    coordinators = [o for o in organisations if o.coordinator]
    if len(coordinators) != 1:
        problems.append(
            Problem(
                None,
                "organisations",
                "one_coordinator",
                f"A project has exactly one coordinator; {len(coordinators)} are marked.",
                minimum=1,
                maximum=1,
            )
        )
    for index in domestic:
        if not (isinstance(index, int) and 0 <= index < len(items)):
            problems.append(
                Problem(
                    None,
                    "domestic",
                    "no_such_activity",
                    f"The domestic top-up names activity {index!r}, which does not exist.",
                )
            )

    activities = [
        activity
        for index, item in enumerate(items)
        if (activity := _activity(index, item, by_key, domestic.get(index), rates, problems)) is not None
    ]
    mobility_total = sum((a.total for a in activities), Decimal(0))

    management = project_management(mobility_total, organisations, rates)
    total = mobility_total + management.total
    return MobilityBudget(
        currency=rates.currency,
        activities=tuple(activities),
        mobility_total=mobility_total,
        project_management=management,
        total=total,
        payment=payment(total, rates),
        problems=tuple(problems),
    )


def _activity(
    index: int,
    item: Any,
    organisations: Mapping[str, Organisation],
    legs: DomesticTravel | None,
    rates: NordplusJuniorRates,
    problems: list[Problem],
) -> ActivityBudget | None:
    if not isinstance(item, Mapping):
        problems.append(Problem(index, "", "not_an_item", "This activity is not readable; enter it again."))
        return None
    before = len(problems)
    types = tuple(a.type for a in rates.activities)
    activity_type = item.get("activity_type")
    kind = rates.activity(activity_type) if isinstance(activity_type, str) else None
    if kind is None:
        code = "missing" if activity_type in (None, "") else "unknown_activity_type"
        problems.append(
            Problem(
                index, "activity_type", code, f"Choose the type of activity: one of {', '.join(types)}.", allowed=types
            )
        )
    sender_key = item.get("sending_organisation")
    sender = organisations.get(sender_key) if isinstance(sender_key, str) else None
    if sender is None:
        if sender_key in (None, ""):
            problems.append(Problem(index, "sending_organisation", "missing", "Choose the sending organisation."))
        else:
            problems.append(
                Problem(
                    index,
                    "sending_organisation",
                    "unknown_organisation",
                    "The sending organisation is not one of the project's organisations.",
                    allowed=tuple(organisations),
                )
            )
    countries = rates.travel.countries()
    host = item.get("host_country")
    if not isinstance(host, str) or rates.travel.zone_of(host) is None:
        problems.append(
            Problem(
                index,
                "host_country",
                "missing" if host in (None, "") else "unknown_host",
                f"Choose a host country with a Nordplus travel rate: one of {', '.join(countries)}.",
                allowed=countries,
            )
        )
    elif sender is not None and sender.country == host:
        problems.append(
            Problem(
                index,
                "host_country",
                "same_country",
                f"The host country is the sending organisation's own country ({host}); Nordplus pays travel between countries only.",
            )
        )
    limits = rates.limits
    counts_pupils = kind.pupils if kind is not None else False
    ignored: tuple[str, ...] = ()
    pupils = 0
    if counts_pupils:
        pupils = _count(item, index, "pupils", limits.pupils, True, problems)
    elif item.get("pupils") not in (None, "", 0) and kind is not None:
        ignored = ("pupils",)  # kept from another activity type; not part of this one
    teachers = _count(item, index, "teachers", limits.teachers, True, problems)
    days = _count(item, index, "days", limits.days, True, problems)
    if isinstance(pupils, int) and isinstance(teachers, int) and pupils + teachers < 1:
        problems.append(
            Problem(index, "teachers", "no_participants", "An activity needs at least one participant.", minimum=1)
        )
    legs = legs or DomesticTravel()
    top_ups = [(side, *_top_up_applies(legs, side, rates, index, problems)) for side in rates.domestic_top_up.sides]
    if len(problems) > before or sender is None or kind is None or not isinstance(host, str):
        return None
    if pupils is None or teachers is None or days is None:
        return None

    travel = travel_rate(sender.country, host, rates)
    participants = pupils + teachers
    who = f"{plural(pupils, 'pupil')} + {plural(teachers, 'teacher')}" if counts_pupils else plural(teachers, "teacher")
    lines = [
        Line(
            "travel",
            participants,
            "participant",
            travel.amount,
            participants * travel.amount,
            f"{plural(participants, 'participant')} ({who}) × {eur(travel.amount)} = {eur(participants * travel.amount)}",
            travel.source,
            travel.confirmed,
        )
    ]
    top_up = rates.domestic_top_up
    for side, applies, why in top_ups:
        if applies:
            amount = participants * top_up.amount
            lines.append(
                Line(
                    f"domestic_{side}",
                    participants,
                    "participant",
                    top_up.amount,
                    amount,
                    f"{plural(participants, 'participant')} × {eur(top_up.amount)} = {eur(amount)} ({side} side: {why})",
                    top_up.source,
                    top_up.confirmed,
                )
            )
    stay = staff_subsistence(days, rates)
    if teachers:
        lines.append(
            Line(
                "subsistence",
                teachers,
                "teacher",
                stay.amount,
                teachers * stay.amount,
                f"{plural(teachers, 'teacher')} × {eur(stay.amount)} ({stay.arithmetic}) = {eur(teachers * stay.amount)}",
                stay.source,
                stay.confirmed,
            )
        )
    return ActivityBudget(
        index=index,
        activity_type=kind.type,
        sending_organisation=sender.key,
        sending_country=sender.country,
        host_country=host,
        pupils=pupils,
        teachers=teachers,
        days=days,
        travel=travel,
        stay=stay,
        lines=tuple(lines),
        total=sum((line.amount for line in lines), Decimal(0)),
        ignored=ignored,
    )


def development_project_budget(rates: NordplusJuniorRates | None = None) -> RatesUnknown:
    """Development projects: their unit costs are not known (rates file `development_project`)."""
    rates = rates or load_rates()
    dev = rates.development_project
    return RatesUnknown(
        known=False,
        message="The development-project unit costs are not known: Grantpath cannot work out this budget.",
        note=dev.note,
        source=dev.source,
    )
