"""The Nordplus Junior rates file's schema and its loading, apart from the budget that computes
with it: the schema is what `workflows/rates/nordplus-junior/2026.yaml` must say.

The file sits in a folder of its own because the definitions loader reads every
`workflows/*/*.yaml` as a programme definition. The schema is strict: an unknown key is refused and
every figure has a `source` citing docs/sources/ and `confirmed`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BeforeValidator, Field, field_validator, model_validator

from ..programmes.base import KEY, Localised, Sourced, Strict

RATES_FILE = Path(__file__).resolve().parents[2] / "workflows" / "rates" / "nordplus-junior" / "2026.yaml"

COUNTRY = r"^[A-Z]{2}$"


# --- The rates file's schema -------------------------------------------------------------------


def _no_float(value: Any) -> Any:
    """YAML reads 330.5 as a float, which cannot hold every amount exactly: ask for a string."""
    if isinstance(value, (bool, float)):
        raise ValueError('write an amount as a whole number or a quoted decimal ("330.50"), not a float')
    return value


Money = Annotated[Decimal, BeforeValidator(_no_float), Field(ge=0, decimal_places=2)]


class Rate(Sourced):
    """A figure of the rates file: its `source` must cite docs/sources/ first (workflows/README.md)."""

    @field_validator("source")
    @classmethod
    def _cites_docs_sources(cls, value: str) -> str:
        if not value.startswith("docs/sources/"):
            raise ValueError("must cite docs/sources/<file>.md#<heading> first")
        return value


class Zone(Rate):
    key: str = Field(pattern=KEY)
    label: Localised
    amount: Money
    countries: list[str] = Field(min_length=1)

    @field_validator("countries")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        bad = [code for code in value if not re.match(COUNTRY, code)]
        if bad:
            raise ValueError(f"not two-letter country codes: {bad}")
        return value


class ZoneReading(Rate):
    """A country no route of the sources names, placed in a zone by Grantpath's reading."""

    country: str = Field(pattern=COUNTRY)
    zone: str = Field(pattern=KEY)


class RouteRule(Rate):
    rule: Literal["higher_end"]


class Travel(Strict):
    zones: list[Zone] = Field(min_length=1)
    readings: list[ZoneReading] = []
    route_rule: RouteRule

    @model_validator(mode="after")
    def _each_country_once(self) -> Travel:
        keys = [z.key for z in self.zones]
        if len(set(keys)) != len(keys):
            raise ValueError(f"zone keys repeat: {keys}")
        placed = [c for z in self.zones for c in z.countries] + [r.country for r in self.readings]
        twice = sorted({c for c in placed if placed.count(c) > 1})
        if twice:
            raise ValueError(f"countries in more than one zone or reading: {twice}")
        unknown = [r.zone for r in self.readings if r.zone not in keys]
        if unknown:
            raise ValueError(f"readings name unknown zones: {unknown}")
        return self

    def zone_of(self, country: str) -> tuple[Zone, ZoneReading | None] | None:
        """The country's zone and, when Grantpath's reading placed it there, that reading."""
        for zone in self.zones:
            if country in zone.countries:
                return zone, None
        for reading in self.readings:
            if reading.country == country:
                return next(z for z in self.zones if z.key == reading.zone), reading
        return None

    def countries(self) -> tuple[str, ...]:
        return tuple(c for z in self.zones for c in z.countries) + tuple(r.country for r in self.readings)


class DomesticTopUpRate(Rate):
    amount: Money
    over_km_one_way: int = Field(ge=0)
    sides: list[Literal["home", "host"]] = Field(min_length=1)


class DayRate(Rate):
    amount: Money


class WeekRate(Rate):
    amount: Money
    days: int = Field(ge=1)
    counts_from_days: int = Field(ge=1)

    @model_validator(mode="after")
    def _within_week(self) -> WeekRate:
        if self.counts_from_days > self.days:
            raise ValueError("counts_from_days must be at most days")
        return self


class MonthRate(Rate):
    amount: Money
    days: int = Field(ge=1)
    caps_shorter_stays: bool


class StaffSubsistence(Strict):
    day: DayRate
    week: WeekRate
    month: MonthRate
    note: Localised | None = None

    @model_validator(mode="after")
    def _month_longer_than_week(self) -> StaffSubsistence:
        if self.month.days <= self.week.days:
            raise ValueError("a month must have more days than a week")
        return self


class ActivityRate(Rate):
    type: str = Field(pattern=KEY)
    pupils: bool


class Limit(Rate):
    min: int = Field(ge=0)
    max: int | None = Field(default=None, ge=0)


class Limits(Strict):
    days: Limit
    pupils: Limit
    teachers: Limit


class ProjectManagementRates(Rate):
    over_budget: Money
    coordinator: Money
    partner: Money


class PaymentRule(Rate):
    in_full_up_to: Money
    advance_percent: int = Field(ge=0, le=100)
    balance_percent: int = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _adds_up(self) -> PaymentRule:
        if self.advance_percent + self.balance_percent != 100:
            raise ValueError("advance_percent and balance_percent must add up to 100")
        return self


class DevelopmentProjectRates(Rate):
    known: Literal[False]


class NordplusJuniorRates(Strict):
    programme: Literal["nordplus_junior"]
    call_year: int = Field(ge=2023)
    currency: Literal["EUR"]
    travel: Travel
    domestic_top_up: DomesticTopUpRate
    staff_subsistence: StaffSubsistence
    activities: list[ActivityRate] = Field(min_length=1)
    limits: Limits
    project_management: ProjectManagementRates
    payment: PaymentRule
    development_project: DevelopmentProjectRates

    def activity(self, activity_type: str) -> ActivityRate | None:
        return next((a for a in self.activities if a.type == activity_type), None)

    def figures(self) -> list[tuple[str, Rate]]:
        """Every sourced figure of the file with its key path (for tests and a sources page)."""
        found: list[tuple[str, Rate]] = []

        def walk(node: Any, path: str) -> None:
            if isinstance(node, Rate):
                found.append((path, node))
            if isinstance(node, Strict):
                for name in type(node).model_fields:
                    walk(getattr(node, name), f"{path}.{name}" if path else name)
            elif isinstance(node, list):
                for i, item in enumerate(node):
                    walk(item, f"{path}[{i}]")

        walk(self, "")
        return found


class RatesFileError(ValueError):
    """The rates file is missing, not YAML, or does not fit the schema; the message names the file."""


def load_rates(path: Path | str | None = None) -> NordplusJuniorRates:
    """The rates file, read and validated once per path."""
    return _load(Path(path) if path is not None else RATES_FILE)


@lru_cache(maxsize=8)
def _load(path: Path) -> NordplusJuniorRates:
    from pydantic import ValidationError

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RatesFileError(f"{path}: {exc}") from None
    try:
        return NordplusJuniorRates.model_validate(data)
    except ValidationError as exc:
        lines = [f"{path}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise RatesFileError("\n".join(lines)) from None
