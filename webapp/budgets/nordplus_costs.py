"""The Nordplus Junior rules that price one thing each: a return trip, a staff member's stay,
project management and how the grant is paid. Each reads its figures from the rates file; the
project budget (nordplus.py) puts them together.

Money is `Decimal`, in euros: the 80 % advance of a larger grant has cents (rounded half up to the
cent; the balance is the rest, so the instalments add up to the grant exactly).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from .nordplus_rates import NordplusJuniorRates, load_rates
from .nordplus_results import Instalment, Line, Organisation, Payment, ProjectManagement, Stay, TravelRate

CENT = Decimal("0.01")  # the precision money is rounded to, not a rate
PERCENT = Decimal(100)  # a percentage's denominator, not a rate


# --- Arithmetic --------------------------------------------------------------------------------


def eur(amount: Decimal) -> str:
    """€1,350 or €13,200.80: whole euros without cents."""
    if amount == amount.to_integral_value():
        return f"€{int(amount):,}"
    return f"€{amount.quantize(CENT):,}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def travel_rate(sending_country: str, host_country: str, rates: NordplusJuniorRates | None = None) -> TravelRate:
    """The return trip's rate per participant: the higher rate of the trip's two ends."""
    rates = rates or load_rates()
    travel = rates.travel
    ends = [travel.zone_of(sending_country), travel.zone_of(host_country)]
    if ends[0] is None or ends[1] is None:
        raise ValueError(f"no travel zone for {sending_country if ends[0] is None else host_country}")
    (zone_a, reading_a), (zone_b, reading_b) = ends
    zone = zone_b if zone_b.amount >= zone_a.amount else zone_a
    sources = [zone.source]
    confirmed = zone.confirmed
    for reading in (reading_a, reading_b):
        if reading is not None:
            sources.append(reading.source)
            confirmed = confirmed and reading.confirmed
    lowest = min(z.amount for z in travel.zones)
    if zone_a.key != zone_b.key and min(zone_a.amount, zone_b.amount) > lowest:
        # Two remote ends in different zones: the sources name neither combination.
        sources.append(travel.route_rule.source)
        confirmed = confirmed and travel.route_rule.confirmed
    reason = f"{sending_country} → {host_country}: {zone.label.en} {eur(zone.amount)}"
    if zone_a.key != zone_b.key:
        reason += (
            f" (the higher rate of {zone_a.label.en} {eur(zone_a.amount)} and {zone_b.label.en} {eur(zone_b.amount)})"
        )
    return TravelRate(zone.amount, zone.key, reason, "; ".join(dict.fromkeys(sources)), confirmed)


def staff_subsistence(days: int, rates: NordplusJuniorRates | None = None) -> Stay:
    """One staff member's subsistence for a stay of `days` (travel days included), read as
    docs/sources/nordplus-junior-2026.md#staff-subsistence-how-days-are-counted says: whole months
    of `month.days`; the rest in whole weeks of `week.days`, a leftover of `week.counts_from_days`
    or more days counting as one more week and fewer at the day rate; that rest never more than a
    month's rate when `month.caps_shorter_stays`."""
    rates = rates or load_rates()
    s = rates.staff_subsistence
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"days must be a whole number of at least 1, not {days!r}")
    months, rest = divmod(days, s.month.days)
    weeks, extra = divmod(rest, s.week.days)
    leftover = extra if extra >= s.week.counts_from_days else 0
    if leftover:
        weeks, extra = weeks + 1, 0
    part = weeks * s.week.amount + extra * s.day.amount
    capped = s.month.caps_shorter_stays and part > s.month.amount
    amount = months * s.month.amount + (s.month.amount if capped else part)

    units = []
    if months:
        units.append(f"{plural(months, 'month')} of {s.month.days} days")
    if leftover:  # e.g. 2 weeks + 6 days, counted as 3 weeks
        units += [plural(weeks - 1, "week")] if weeks > 1 else []
        units.append(plural(leftover, "day"))
    elif weeks:
        units.append(plural(weeks, "week"))
    if extra:
        units.append(plural(extra, "day"))
    terms = []
    if months:
        terms.append(f"{months} × {eur(s.month.amount)}")
    if capped:
        part_terms = [f"{weeks} × {eur(s.week.amount)}"] if weeks else []
        part_terms += [f"{extra} × {eur(s.day.amount)}"] if extra else []
        rest = "the rest" if months else "the stay"
        terms.append(
            f"{eur(s.month.amount)} ({rest} by weeks and days, {' + '.join(part_terms)} = {eur(part)}, "
            f"is more than a month's rate)"
        )
    else:
        terms += [f"{weeks} × {eur(s.week.amount)}"] if weeks else []
        terms += [f"{extra} × {eur(s.day.amount)}"] if extra else []
    counted_as = "" if units == [plural(days, "day")] else f" = {' + '.join(units)}"
    if leftover:
        counted_as += (
            f", counted as {plural(weeks, 'week')} ({s.week.counts_from_days}–{s.week.days} days count as a week)"
        )
    arithmetic = f"{plural(days, 'day')}{counted_as}: {' + '.join(terms)} = {eur(amount)}"
    parts = [s.day, s.week, s.month]
    source = "; ".join(dict.fromkeys(p.source for p in parts))
    return Stay(days, months, weeks, extra, part, capped, amount, arithmetic, source, all(p.confirmed for p in parts))


def project_management(
    mobility_total: Decimal, organisations: Sequence[Organisation], rates: NordplusJuniorRates | None = None
) -> ProjectManagement:
    """Project management: only when the mobility budget is more than `over_budget`; then the
    coordinator's rate and the partner rate for every other organisation of the project."""
    rates = rates or load_rates()
    pm = rates.project_management
    keys = {o.key for o in organisations}
    coordinators = {o.key for o in organisations if o.coordinator}
    if mobility_total <= pm.over_budget:
        arithmetic = f"{eur(mobility_total)} is not more than {eur(pm.over_budget)}: no project management"
        return ProjectManagement(False, (), Decimal(0), arithmetic, pm.source, pm.confirmed)
    if len(coordinators) != 1:
        arithmetic = f"{eur(mobility_total)} is more than {eur(pm.over_budget)}, but there is no single coordinator"
        return ProjectManagement(True, (), Decimal(0), arithmetic, pm.source, pm.confirmed)
    partners = len(keys) - 1
    lines = (
        Line(
            "project_management_coordinator",
            1,
            "organisation",
            pm.coordinator,
            pm.coordinator,
            f"1 coordinator × {eur(pm.coordinator)} = {eur(pm.coordinator)}",
            pm.source,
            pm.confirmed,
        ),
        Line(
            "project_management_partner",
            partners,
            "organisation",
            pm.partner,
            partners * pm.partner,
            f"{plural(partners, 'partner')} × {eur(pm.partner)} = {eur(partners * pm.partner)}",
            pm.source,
            pm.confirmed,
        ),
    )
    total = sum((line.amount for line in lines), Decimal(0))
    arithmetic = (
        f"{eur(mobility_total)} is more than {eur(pm.over_budget)}: project management "
        f"1 × {eur(pm.coordinator)} + {partners} × {eur(pm.partner)} = {eur(total)}"
    )
    return ProjectManagement(True, lines, total, arithmetic, pm.source, pm.confirmed)


def payment(total: Decimal, rates: NordplusJuniorRates | None = None) -> Payment:
    """How the grant is paid: in full up to `in_full_up_to`, else an advance and a balance."""
    rates = rates or load_rates()
    rule = rates.payment
    if total <= rule.in_full_up_to:
        whole = rule.advance_percent + rule.balance_percent
        arithmetic = f"{eur(total)} is at most {eur(rule.in_full_up_to)}: paid in full at contract"
        instalments = (Instalment("in_full", whole, total, f"{whole} % of {eur(total)} = {eur(total)}"),)
        return Payment(True, instalments, arithmetic, rule.source, rule.confirmed)
    advance = (total * rule.advance_percent / PERCENT).quantize(CENT, rounding=ROUND_HALF_UP)
    balance = total - advance
    instalments = (
        Instalment(
            "advance", rule.advance_percent, advance, f"{rule.advance_percent} % of {eur(total)} = {eur(advance)}"
        ),
        Instalment(
            "balance",
            rule.balance_percent,
            balance,
            f"{eur(total)} − {eur(advance)} = {eur(balance)} ({rule.balance_percent} %)",
        ),
    )
    arithmetic = (
        f"{eur(total)} is more than {eur(rule.in_full_up_to)}: {eur(advance)} at contract "
        f"and {eur(balance)} after the final report"
    )
    return Payment(False, instalments, arithmetic, rule.source, rule.confirmed)
