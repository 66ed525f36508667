"""The Erasmus+ KA1 rates file's shape (`workflows/rates/erasmus-ka1/<call year>.yaml`) and its
loading, apart from the budget that computes with it: the schema is what a rates file must say.

Amounts are `Decimal` in euros, whole numbers or quoted decimals (a YAML float would be binary).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

RATES_FOLDER = Path(__file__).resolve().parents[2] / "workflows" / "rates" / "erasmus-ka1"

Kind = Literal["pupils", "staff", "accompanying"]
KINDS: tuple[Kind, ...] = ("pupils", "staff", "accompanying")
Category = Literal["pupils", "staff"]


# --- The rates file's shape ---------------------------------------------------------------------


def _no_float(value: object) -> object:
    """Amounts are whole numbers or quoted decimals: a YAML float (85.1) would be binary."""
    if isinstance(value, float):
        raise ValueError(f"write the amount {value} as a whole number or a quoted decimal ('{value}')")
    if isinstance(value, bool):
        raise ValueError("an amount is a number")
    return value


Money = Annotated[Decimal, BeforeValidator(_no_float), Field(ge=0)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localised(Strict):
    sv: str
    en: str


class Amount(Strict):
    """One figure in euros, with where it comes from and whether a primary source confirmed it."""

    amount: Money
    source: str = Field(min_length=1)
    confirmed: bool
    note: Localised | None = None


class DaysFigure(Strict):
    days: int = Field(ge=0)
    source: str = Field(min_length=1)
    confirmed: bool


class Distance(Strict):
    measure: Literal["one_way_great_circle"]
    source: str = Field(min_length=1)
    confirmed: bool


class TravelBand(Strict):
    """A distance band: whole km, both ends included; the last band has no `max_km`."""

    key: str
    min_km: int = Field(ge=0)
    max_km: int | None = None
    standard: Amount
    green: Amount

    @model_validator(mode="after")
    def _ordered(self) -> TravelBand:
        if self.max_km is not None and self.max_km < self.min_km:
            raise ValueError(f"band {self.key}: max_km {self.max_km} is below min_km {self.min_km}")
        return self


class FundedTravelDays(Strict):
    standard: DaysFigure
    green: DaysFigure


class Travel(Strict):
    distance: Distance
    bands: tuple[TravelBand, ...] = Field(min_length=1)
    funded_travel_days: FundedTravelDays

    @model_validator(mode="after")
    def _contiguous(self) -> Travel:
        keys = [band.key for band in self.bands]
        if len(set(keys)) != len(keys):
            raise ValueError(f"band keys repeat: {keys}")
        for before, after in zip(self.bands, self.bands[1:], strict=False):
            if before.max_km is None or after.min_km != before.max_km + 1:
                raise ValueError(f"band {after.key} must start at the km after band {before.key} ends")
        if self.bands[-1].max_km is not None:
            raise ValueError(f"the last band ({self.bands[-1].key}) has no max_km")
        return self

    def band(self, key: str) -> TravelBand | None:
        return next((band for band in self.bands if band.key == key), None)


class Reduction(Strict):
    from_day: int = Field(ge=2)
    percent: int = Field(ge=0, le=100)
    source: str = Field(min_length=1)
    confirmed: bool


class RateOf(Strict):
    category: Category
    source: str = Field(min_length=1)
    confirmed: bool


class CountryGroup(Strict):
    group: int
    countries: tuple[str, ...] = Field(min_length=1)
    source: str = Field(min_length=1)
    confirmed: bool


class Agency(Strict):
    name: str
    daily: dict[Category, dict[int, Amount]]


class IndividualSupport(Strict):
    reduction: Reduction
    rate_of: dict[Kind, RateOf]
    country_groups: tuple[CountryGroup, ...] = Field(min_length=1)
    country_aliases: dict[str, str] = {}
    agencies: dict[str, Agency] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> IndividualSupport:
        if missing := [kind for kind in KINDS if kind not in self.rate_of]:
            raise ValueError(f"rate_of names no rate for {missing}")
        seen: dict[str, int] = {}
        for group in self.country_groups:
            for country in group.countries:
                if country in seen:
                    raise ValueError(f"{country} is in groups {seen[country]} and {group.group}")
                seen[country] = group.group
        groups = {group.group for group in self.country_groups}
        categories = {rate.category for rate in self.rate_of.values()}
        for key, agency in self.agencies.items():
            for category in categories:
                have = set(agency.daily.get(category, {}))
                if have != groups:
                    raise ValueError(f"agency {key}: {category} rates for groups {sorted(have)}, not {sorted(groups)}")
        return self

    def group_of(self, country: str) -> CountryGroup | None:
        code = country.strip().upper()
        code = self.country_aliases.get(code, code)
        return next((group for group in self.country_groups if code in group.countries), None)


class OrganisationalSupport(Strict):
    listed_amounts: tuple[Amount, ...] = ()
    per_activity: dict[str, Amount] = {}
    not_counting_kinds: tuple[Kind, ...] = ()
    unknown: Localised
    source: str = Field(min_length=1)


class OtherCost(Strict):
    key: str
    basis: Literal["unknown", "actual_costs", "per_participant"]
    amount: Money | None = None
    source: str = Field(min_length=1)
    confirmed: bool
    note: Localised

    @model_validator(mode="after")
    def _amount_when_known(self) -> OtherCost:
        if (self.basis == "per_participant") != (self.amount is not None):
            raise ValueError(f"{self.key}: an amount goes with basis per_participant, and only with it")
        return self


class ActivityRule(Strict):
    participants: tuple[Kind, ...] = Field(min_length=1)
    individual_support: Literal["daily", "unknown"]
    note: Localised | None = None
    source: str | None = None

    @model_validator(mode="after")
    def _unknown_says_why(self) -> ActivityRule:
        if self.individual_support == "unknown" and (self.note is None or self.source is None):
            raise ValueError("an activity whose individual support is unknown needs a note and a source")
        return self


class ParticipantCap(Strict):
    actions: tuple[str, ...] = Field(min_length=1)  # the actions it applies to (KA122-SCH, not KA121)
    max: int = Field(ge=1)
    not_counting_kinds: tuple[Kind, ...] = ()
    not_counting_activities: tuple[str, ...] = ()
    source: str = Field(min_length=1)
    confirmed: bool


class Range(Strict):
    min: int
    max: int


class InputLimits(Strict):
    activity_days: Range
    travel_days: Range
    participants_per_kind: Range
    source: str = Field(min_length=1)


class Ka1Rates(Strict):
    """A rates file: workflows/rates/erasmus-ka1/<call year>.yaml."""

    call_year: int
    actions: tuple[str, ...] = Field(min_length=1)
    currency: Literal["EUR"]
    travel: Travel
    individual_support: IndividualSupport
    organisational_support: OrganisationalSupport
    other_costs: tuple[OtherCost, ...] = ()
    activities: dict[str, ActivityRule] = Field(min_length=1)
    participant_cap: ParticipantCap
    input_limits: InputLimits

    @model_validator(mode="after")
    def _activities_named(self) -> Ka1Rates:
        for where, keys in (
            ("organisational_support.per_activity", self.organisational_support.per_activity),
            ("participant_cap.not_counting_activities", self.participant_cap.not_counting_activities),
        ):
            if unknown := sorted(set(keys) - set(self.activities)):
                raise ValueError(f"{where} names activities that `activities` lacks: {unknown}")
        return self


class RatesFileError(ValueError):
    """A rates file that is missing, not YAML, or not of the shape `Ka1Rates`; names the file."""


def load_rates(path: Path | str) -> Ka1Rates:
    """The rates file at `path`, validated (read once per path and process)."""
    return _load(Path(path).resolve())


@cache
def _load(path: Path) -> Ka1Rates:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Ka1Rates.model_validate(data)
    except (OSError, yaml.YAMLError, ValueError) as error:
        raise RatesFileError(f"{path}: {error}") from error


def rates_for(call_year: int, folder: Path | str | None = None) -> Ka1Rates:
    """The rates of a call year: `<folder>/<call year>.yaml`, by default in
    workflows/rates/erasmus-ka1/."""
    rates = load_rates(Path(folder or RATES_FOLDER) / f"{call_year}.yaml")
    if rates.call_year != call_year:
        raise RatesFileError(f"{call_year}.yaml says call_year {rates.call_year}")
    return rates


def latest_year(call_year: int, folder: Path | str | None = None) -> int | None:
    """The newest call year up to `call_year` that has a rates file: a call whose rates are not yet
    published is budgeted with the last ones (the page says which)."""
    years = [int(p.stem) for p in Path(folder or RATES_FOLDER).glob("*.yaml") if p.stem.isdigit()]
    return max((y for y in years if y <= call_year), default=None)
