"""What an application asks for, in whole euros: the lump sum it chose, or the total of its
unit-cost budget as the answers stand. Kept on the application (`Application.requested_eur`) so
that lists add it up in SQL. Pure: no database, no request."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..programmes import lump_sums
from ..programmes.rules import Participant
from ..programmes.schema import ActionDefinition
from .answers import unit_cost_budget


def budget_sections(definition: ActionDefinition) -> set[str]:
    """The sections whose answers change the requested amount."""
    if definition.lump_sum_split is not None:
        return {definition.lump_sum_split.lump_sum.split(".")[0]}
    if definition.unit_costs is not None:
        return {definition.unit_costs.section}
    return set()


def requested_eur(definition: ActionDefinition, answers: dict, participants: list[Participant]) -> int | None:
    """The euros asked for; None while nothing is chosen or computed (and for accreditations)."""
    split = lump_sums.split(definition, answers, participants)
    if split is not None:
        amount = split.lump_sum
    else:
        budget = unit_cost_budget(definition, answers, participants)
        amount = budget.total if budget is not None and budget.items else None
    if amount is None or amount <= 0:
        return None
    return int(Decimal(amount).to_integral_value(ROUND_HALF_UP))
