"""What a KA1 budget comes to: its lines with their arithmetic and sources, what it leaves out,
and the totals per activity and project, as plain frozen data for the pages to show."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from .ka1_inputs import Activity
from .ka1_rates import Kind, Localised, OtherCost, TravelBand

# --- Results ------------------------------------------------------------------------------------


def _text(amount: Decimal) -> str:
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


@dataclass(frozen=True)
class Line:
    """One line of a budget: `rate` × `count` (× `days`) = `amount`, in euros, with the rate's
    source and whether it is confirmed. `item` is travel, individual_support or
    organisational_support; `kind` the participants it is for (None: all of them); `tier` full
    or reduced for individual support."""

    item: str
    kind: Kind | None
    rate: Decimal
    count: int
    days: int | None
    amount: Decimal
    source: str
    confirmed: bool
    tier: Literal["full", "reduced"] | None = None
    note: Localised | None = None

    @property
    def arithmetic(self) -> str:
        """E.g. `85 × 20 × 7 = 11900` or `309 × 22 = 6798` (euros, no locale: the UI formats)."""
        days = f" × {self.days}" if self.days is not None else ""
        return f"{_text(self.rate)} × {self.count}{days} = {_text(self.amount)}"


@dataclass(frozen=True)
class Uncertain:
    """Something the budget leaves out or is unsure of, in both languages, with its source."""

    item: str
    note: Localised
    source: str


@dataclass(frozen=True)
class ActivityBudget:
    activity: Activity
    band: TravelBand | None  # None below the lowest band: no travel grant
    country_group: int
    funded_travel_days: int
    support_days: int  # activity days + funded travel days
    full_rate_days: int
    reduced_rate_days: int
    lines: tuple[Line, ...]
    travel_per_participant: Decimal
    travel_total: Decimal
    individual_support_per_participant: dict[Kind, Decimal] | None  # None: unknown for this activity
    individual_support_total: Decimal | None
    organisational_support_per_participant: Decimal | None  # None: its mapping is unknown
    organisational_support_total: Decimal | None
    participants_counted: int  # toward the cap per application
    total: Decimal  # of the known items
    uncertain: tuple[Uncertain, ...] = ()

    @property
    def complete(self) -> bool:
        """Whether every item was computed (False: `uncertain` says what is left out)."""
        return self.individual_support_total is not None and self.organisational_support_total is not None


@dataclass(frozen=True)
class ProjectBudget:
    call_year: int
    agency: str
    activities: tuple[ActivityBudget, ...]
    travel_total: Decimal
    individual_support_total: Decimal  # of the activities where it is known
    organisational_support_total: Decimal  # of the activities where it is known
    total: Decimal
    participants_counted: int
    participant_cap: int
    other_costs: tuple[OtherCost, ...] = field(default=())  # items not computed (amounts unknown)

    @property
    def complete(self) -> bool:
        return all(budget.complete for budget in self.activities)
