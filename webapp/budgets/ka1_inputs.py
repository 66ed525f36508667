"""What a KA1 budget is computed from: an activity as the team plans it, and every problem that
keeps its budget from being computed (checked against the rates file's limits, before any sum)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import distances
from .ka1_rates import KINDS, Ka1Rates, Kind

# --- Input and its problems ---------------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    """One activity as the team plans it.

    `kind` is an activity type of workflows/choices.yaml (ka122_activity_types). `activity_days` are
    the days of the activity itself, travel not included; `travel_days` the days the participants
    need to travel there and back (funded up to the rates file's maximum). The one-way distance is
    `distance_km`, or `band` names a travel band's key (it wins when both are given)."""

    kind: str
    destination_country: str
    activity_days: int
    travel_days: int
    green_travel: bool
    pupils: int = 0
    staff: int = 0
    accompanying: int = 0
    distance_km: float | None = None
    band: str | None = None

    def count(self, kind: Kind) -> int:
        return getattr(self, kind)


@dataclass(frozen=True)
class Problem:
    """A value the budget cannot be computed from: the field, a code (`required`, `min`, `max`,
    `unknown`, `not_allowed`), the limit when there is one, and an English sentence for logs
    and developers (the UI words it from `field`, `code` and `limit`)."""

    field: str
    code: str
    message: str
    limit: int | float | None = None
    activity: int | None = None  # the activity's index in a project


class BudgetInputError(ValueError):
    """Input the budget cannot be computed from; `problems` names every field at fault."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{_where(problem)}{problem.field}: {problem.message}" for problem in self.problems))


def _where(problem: Problem) -> str:
    return f"activity {problem.activity + 1}: " if problem.activity is not None else ""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_activity(activity: Activity, rates: Ka1Rates, *, index: int | None = None) -> tuple[Problem, ...]:
    """Every problem of `activity`, or () when its budget can be computed."""
    problems: list[Problem] = []

    def add(field_: str, code: str, message: str, limit: int | float | None = None) -> None:
        problems.append(Problem(field_, code, message, limit, index))

    limits = rates.input_limits
    rule = rates.activities.get(activity.kind)
    if rule is None:
        add("kind", "unknown", f"activity type {activity.kind!r} is not one of {sorted(rates.activities)}")

    for name, bounds in (("activity_days", limits.activity_days), ("travel_days", limits.travel_days)):
        value = getattr(activity, name)
        if not _is_int(value):
            add(name, "required", f"{name} must be a whole number of days, not {value!r}")
        elif value < bounds.min:
            add(name, "min", f"{name} is {value}, at least {bounds.min}", bounds.min)
        elif value > bounds.max:
            add(name, "max", f"{name} is {value}, at most {bounds.max}", bounds.max)

    bounds = limits.participants_per_kind
    for kind in KINDS:
        value = activity.count(kind)
        if not _is_int(value):
            add(kind, "required", f"{kind} must be a whole number, not {value!r}")
        elif value < bounds.min:
            add(kind, "min", f"{kind} is {value}, at least {bounds.min}", bounds.min)
        elif value > bounds.max:
            add(kind, "max", f"{kind} is {value}, at most {bounds.max}", bounds.max)
        elif value and rule is not None and kind not in rule.participants:
            add(kind, "not_allowed", f"{activity.kind} has no {kind} (it has {', '.join(rule.participants)})")
    counts = [activity.count(kind) for kind in KINDS if kind != "accompanying"]
    if all(_is_int(value) and value >= 0 for value in counts) and sum(counts) < 1:
        add("participants", "min", "an activity needs at least one participant besides accompanying persons", 1)

    if not isinstance(activity.green_travel, bool):
        add("green_travel", "required", f"green_travel must be yes or no, not {activity.green_travel!r}")

    if not isinstance(activity.destination_country, str) or not activity.destination_country.strip():
        add("destination_country", "required", "the destination country is missing")
    elif rates.individual_support.group_of(activity.destination_country) is None:
        add(
            "destination_country",
            "unknown",
            f"{activity.destination_country!r} is in no country group of the individual support",
        )

    if activity.band is not None:
        if rates.travel.band(activity.band) is None:
            keys = [band.key for band in rates.travel.bands]
            add("band", "unknown", f"travel band {activity.band!r} is not one of {keys}")
    elif activity.distance_km is None:
        add("distance_km", "required", "give the one-way distance in km or choose a travel band")
    elif isinstance(activity.distance_km, bool) or not isinstance(activity.distance_km, int | float):
        add("distance_km", "required", f"the distance must be a number of km, not {activity.distance_km!r}")
    elif not activity.distance_km > 0:
        add("distance_km", "min", f"the distance is {activity.distance_km} km, it must be more than 0", 0)
    elif activity.distance_km > distances.MAX_KM:
        limit = round(distances.MAX_KM)
        add(
            "distance_km",
            "max",
            f"the distance is {activity.distance_km} km, no two places are over {limit} km apart",
            limit,
        )
    return tuple(problems)
