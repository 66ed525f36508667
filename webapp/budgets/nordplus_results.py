"""What a Nordplus Junior budget is computed from besides the stored items (the organisations,
the domestic travel) and what it comes to, as plain frozen data for the pages to show."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from ..programmes.base import Localised

# --- Inputs besides the stored items -----------------------------------------------------------


@dataclass(frozen=True)
class Organisation:
    """One organisation of the project: its participant key as the mobility table stores it in
    `sending_organisation` ("applicant" or "partner-<id>", rules.Participant.key), its country code
    (XS for Southern Schleswig) and whether it is the coordinator."""

    key: str
    country: str
    coordinator: bool = False


@dataclass(frozen=True)
class DomesticTravel:
    """Whether an activity's participants get the domestic top-up, per side: `home` (the sending
    organisation to its station of international departure) and `host` (the station of arrival to
    the host). Answer yes/no, or give the one-way distance in km (then more than the rates file's
    `over_km_one_way` decides); not both for one side."""

    home: bool | None = None
    host: bool | None = None
    home_km: int | float | Decimal | None = None
    host_km: int | float | Decimal | None = None


# --- Results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Input the calculator cannot use: `item` is the index of the mobility table's item (None for
    the organisations), `field` the item's field (or "organisations", "domestic_home", ...), `code`
    a stable key for a translated message, `message` the English text naming the limit, and the
    limit itself in `minimum`/`maximum`/`allowed`."""

    item: int | None
    field: str
    code: str
    message: str
    minimum: int | None = None
    maximum: int | None = None
    allowed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Line:
    """One line of the budget: quantity × rate = amount, with its arithmetic as text."""

    key: str  # travel | domestic_home | domestic_host | subsistence | project_management_coordinator | project_management_partner
    quantity: int
    unit: str  # participant | teacher | organisation
    rate: Decimal
    amount: Decimal
    arithmetic: str
    source: str
    confirmed: bool


@dataclass(frozen=True)
class TravelRate:
    amount: Decimal
    zone: str  # the zone key whose rate applies
    reason: str
    source: str
    confirmed: bool


@dataclass(frozen=True)
class Stay:
    """One staff member's subsistence for a stay of `days`: whole `months`, `weeks` and `extra_days`
    (the rest at the day rate); `part` is what the stay apart from its whole months comes to before
    the month cap, `capped` whether the cap applied."""

    days: int
    months: int
    weeks: int
    extra_days: int
    part: Decimal
    capped: bool
    amount: Decimal
    arithmetic: str
    source: str
    confirmed: bool


@dataclass(frozen=True)
class ActivityBudget:
    index: int
    activity_type: str
    sending_organisation: str
    sending_country: str
    host_country: str
    pupils: int
    teachers: int
    days: int
    travel: TravelRate
    stay: Stay
    lines: tuple[Line, ...]
    total: Decimal
    ignored: tuple[str, ...]  # fields stored but not counted (pupils outside a class exchange)

    @property
    def participants(self) -> int:
        return self.pupils + self.teachers


@dataclass(frozen=True)
class Instalment:
    key: Literal["in_full", "advance", "balance"]
    percent: int
    amount: Decimal
    arithmetic: str


@dataclass(frozen=True)
class Payment:
    in_full: bool
    instalments: tuple[Instalment, ...]
    arithmetic: str
    source: str
    confirmed: bool


@dataclass(frozen=True)
class ProjectManagement:
    applies: bool  # the mobility budget is more than the threshold
    lines: tuple[Line, ...]  # empty when it does not apply, or when no single coordinator is marked
    total: Decimal
    arithmetic: str
    source: str
    confirmed: bool


@dataclass(frozen=True)
class MobilityBudget:
    """The project: each valid activity, their sum, project management, the grant and its payment.
    Items with problems are left out of the sums; `complete` says whether there were none."""

    currency: str
    activities: tuple[ActivityBudget, ...]
    mobility_total: Decimal
    project_management: ProjectManagement
    total: Decimal
    payment: Payment
    problems: tuple[Problem, ...]

    @property
    def complete(self) -> bool:
        return not self.problems

    def problems_for(self, item: int | None) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.item == item)


@dataclass(frozen=True)
class RatesUnknown:
    """No rates to compute with: `message` says so, `note` is the rates file's note {sv, en}."""

    known: Literal[False]
    message: str
    note: Localised | str | None
    source: str
