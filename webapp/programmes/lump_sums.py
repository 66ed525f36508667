"""A lump-sum action's budget (KA210, KA220, KA240): how the amounts the team gave its activities
or work packages split the chosen lump sum, what is left to allocate, each capped part's share and
each organisation's share. A pure function of the definition's `lump_sum_split` and the answers:
no database, no request, no figure of its own."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .rules import Participant, repeat_items
from .schema import ActionDefinition, ShareCap

ZERO = Decimal(0)


def _euros(value) -> Decimal | None:
    """A stored amount as exact euros (a form stores numbers; older drafts may hold their text)."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


@dataclass(frozen=True)
class Line:
    """One amount of the split: a section's field, or one item of a repeated section."""

    section: str
    field: str
    anchor: str | None  # the item's anchor, "items-0"; None for a section of its own
    heading: str | None  # the item's heading ("Activity 2"); None for a section of its own
    amount: Decimal | None  # None: not given yet
    organisation: str | None = None  # the `share_by` organisation's key, when the line names one


@dataclass(frozen=True)
class CapCheck:
    cap: ShareCap
    amount: Decimal
    limit: Decimal  # the most the part may be: percent × lump sum

    @property
    def within(self) -> bool:
        return self.amount <= self.limit


@dataclass(frozen=True)
class Share:
    organisation: str  # the participant's key
    name: str
    amount: Decimal
    percent: Decimal  # of the lump sum, one decimal


@dataclass(frozen=True)
class Split:
    lump_sum: Decimal | None  # None: not chosen yet
    lines: tuple[Line, ...]
    caps: tuple[CapCheck, ...]
    shares: tuple[Share, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.amount is not None), ZERO)

    @property
    def left(self) -> Decimal | None:
        """Still to allocate (negative: allocated too much); None while no lump sum is chosen."""
        return None if self.lump_sum is None else self.lump_sum - self.total


def _value(answers: dict, reference: str):
    section, field = reference.split(".")
    data = answers.get(section) or {}
    return data.get(field) if isinstance(data, dict) else None


def _lines(definition: ActionDefinition, answers: dict, participants: list[Participant], reference: str, share_by):
    section_key, field_key = reference.split(".")
    section = definition.section(section_key)
    if section is None:
        return []
    data = answers.get(section_key) if isinstance(answers.get(section_key), dict) else {}
    if not section.repeat:
        return [Line(section_key, field_key, None, None, _euros(data.get(field_key)))]
    by = share_by.split(".")[1] if share_by and share_by.split(".")[0] == section_key else None
    return [
        Line(section_key, field_key, anchor, heading, _euros(values.get(field_key)), values.get(by) if by else None)
        for anchor, heading, values in repeat_items(section, data, participants)
    ]


def split(definition: ActionDefinition, answers: dict, participants: list[Participant]) -> Split | None:
    """The split of the lump sum as the answers stand; None for an action without one."""
    rule = definition.lump_sum_split
    if rule is None:
        return None
    lump_sum = _euros(_value(answers, rule.lump_sum))
    lines = tuple(
        line for part in rule.parts for line in _lines(definition, answers, participants, part, rule.share_by)
    )
    caps = []
    if lump_sum is not None:
        for cap in rule.caps:
            amount = sum((line.amount or ZERO for line in lines if f"{line.section}.{line.field}" == cap.amount), ZERO)
            caps.append(CapCheck(cap, amount, lump_sum * Decimal(str(cap.percent)) / 100))
    names = {p.key: p.name for p in participants}
    totals: dict[str, Decimal] = {}
    for line in lines:
        if line.organisation in names and line.amount is not None:
            totals[line.organisation] = totals.get(line.organisation, ZERO) + line.amount
    shares = tuple(
        Share(key, names[key], amount, (amount * 100 / lump_sum).quantize(Decimal("0.1")) if lump_sum else ZERO)
        for key, amount in sorted(totals.items(), key=lambda item: (-item[1], names[item[0]]))
    )
    return Split(lump_sum, lines, tuple(caps), shares)
