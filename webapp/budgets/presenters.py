"""What the budget section's editor, the dossier and the copy view show of a unit-cost budget:
each activity's lines in words with their arithmetic, the totals, and what is not yet computed
and why, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from ..core.i18n import current_language, format_euro, format_number
from ..programmes import lump_sums
from . import answers

_KA1_ITEMS = {
    "travel": _l("Travel"),
    "individual_support": _l("Individual support"),
    "organisational_support": _l("Organisational support"),
}
_REDUCED = _l("reduced rate from day 15")
_KINDS = {"pupils": _l("pupils"), "staff": _l("staff"), "accompanying": _l("accompanying persons")}
_NORDPLUS_ITEMS = {
    "travel": _l("Travel"),
    "domestic_home": _l("Domestic travel top-up, home"),
    "domestic_host": _l("Domestic travel top-up, host"),
    "subsistence": _l("Staff subsistence"),
    "project_management_coordinator": _l("Project management, coordinator"),
    "project_management_partner": _l("Project management, partner"),
}


@dataclass(frozen=True)
class LineView:
    label: str
    arithmetic: str  # "85 × 20 × 9 = 15300": rate × count (× days), in euros
    amount: Decimal
    confirmed: bool


@dataclass(frozen=True)
class ItemView:
    anchor: str
    heading: str
    lines: tuple[LineView, ...]
    total: Decimal | None  # None: not computed
    distance: str | None  # "1 713 km, worked out from the cities"
    messages: tuple[str, ...]  # why it is not computed


@dataclass(frozen=True)
class BudgetView:
    items: tuple[ItemView, ...]
    extra: tuple[LineView, ...]  # Nordplus: project management
    total: Decimal
    counted: int | None  # KA1: participants toward the cap
    cap: int | None
    uncertain: tuple[str, ...]  # what is left out or unsure, in the reader's language
    rates_year: int | None = None
    call_year: int | None = None


def _said(text, language: str) -> str:
    """A note of a rates file in `language` (the KA1 file's texts have no `get`)."""
    return getattr(text, language, None) or text.en


def _ka1_label(line) -> str:
    label = str(_KA1_ITEMS.get(line.item, line.item))
    if line.kind:
        label += f", {_KINDS.get(line.kind, line.kind)}"
    if line.tier == "reduced":
        label += f" ({_REDUCED})"
    return label


def _lines(budget, rates: str) -> tuple[LineView, ...]:
    if rates == "erasmus-ka1":
        return tuple(LineView(_ka1_label(x), x.arithmetic, x.amount, x.confirmed) for x in budget.lines)
    return tuple(
        LineView(str(_NORDPLUS_ITEMS.get(x.key, x.key)), _plain(x.rate, x.quantity, x.amount), x.amount, x.confirmed)
        for x in budget.lines
    )


def _plain(rate: Decimal, count: int, amount: Decimal) -> str:
    """ "330 × 5 = 1650": the calculators' Nordplus arithmetic is in English words; the figures alone
    read the same in every language (the KA1 lines already are)."""

    def figure(value: Decimal) -> str:
        return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.2f}"

    return f"{figure(rate)} × {count} = {figure(amount)}"


def budget_view(definition, section, stored: dict, participants, messages_for) -> BudgetView | None:
    """The view of `section` when it is the definition's unit-cost section; `messages_for(item,
    issue)` words an issue (programmes.budget_checks)."""
    rule = definition.unit_costs
    if rule is None or rule.section != section.key:
        return None
    budget = answers.unit_cost_budget(definition, stored, participants)
    if budget is None:
        return None
    language = current_language()
    items, uncertain = [], {}
    kept = (stored.get(section.key) or {}).get("items") if isinstance(stored.get(section.key), dict) else None
    kept = kept if isinstance(kept, list) else []
    for i, item in enumerate(budget.items):
        distance = None
        if item.distance_km is not None:
            how = _l("worked out from the cities") if item.distance_computed else _l("as entered")
            distance = f"{format_number(round(item.distance_km))} km, {how}"
            note = kept[i].get("distance_note") if i < len(kept) and isinstance(kept[i], dict) else None
            if note and not item.distance_computed:
                distance += f": {note}"
        b = item.budget
        for note in getattr(b, "uncertain", ()) or ():
            uncertain[_said(note.note, language)] = True
        items.append(
            ItemView(
                item.anchor,
                item.heading,
                _lines(b, budget.rates) if b else (),
                b.total if b else None,
                distance,
                tuple(messages_for(item, issue) for issue in item.issues),
            )
        )
    project = budget.project
    extra = ()
    if budget.rates == "nordplus-junior" and project is not None:
        extra = _lines(project.project_management, budget.rates)
    counted = getattr(project, "participants_counted", None)
    cap = getattr(project, "participant_cap", None)
    for cost in getattr(project, "other_costs", ()) or ():
        uncertain[_said(cost.note, language)] = True
    return BudgetView(
        tuple(items), extra, budget.total, counted, cap, tuple(uncertain), budget.rates_year, definition.call_year
    )


def budget_table(definition, stored: dict, participants) -> dict | None:
    """The budget as plain text for the dossier and the copy view (PDF templates get plain values):
    rows of (what, calculation, amount), the total, and what is left or uncertain."""
    language = current_language()
    split = lump_sums.split(definition, stored, participants)
    if split is not None and split.lines:
        rows = []
        for line in split.lines:
            section = definition.section(line.section)
            what = line.heading or (section.title.get(language) if section else line.section)
            rows.append((what, "", format_euro(line.amount) if line.amount is not None else "–"))
        notes = []
        if split.lump_sum is not None and split.left:
            notes.append(str(_l("Left to allocate: %(amount)s", amount=format_euro(split.left))))
        notes += [f"{s.name}: {format_euro(s.amount)} ({format_number(s.percent)} %)" for s in split.shares]
        lump = format_euro(split.lump_sum) if split.lump_sum is not None else "–"
        return {"rows": rows, "total": format_euro(split.total), "of": lump, "notes": notes}
    rule = definition.unit_costs
    section = definition.section(rule.section) if rule else None
    view = budget_view(definition, section, stored, participants, lambda *_: "") if section else None
    if view is None or not view.items:
        return None
    rows = []
    for item in view.items:
        if not item.lines:
            rows.append((item.heading, str(_l("not computed yet")), "–"))
        for line in item.lines:
            rows.append((f"{item.heading}: {line.label}", line.arithmetic, format_euro(line.amount)))
    rows += [(line.label, line.arithmetic, format_euro(line.amount)) for line in view.extra]
    return {"rows": rows, "total": format_euro(view.total), "of": None, "notes": list(view.uncertain)}
