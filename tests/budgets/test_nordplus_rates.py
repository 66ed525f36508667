"""The Nordplus Junior rates file (workflows/rates/nordplus-junior/2026.yaml): it loads, every
figure cites a heading of docs/sources/nordplus-junior-2026.md, its schema refuses what it does not
know, it matches the mobility table's choices, and the calculator holds none of its figures."""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from webapp.budgets import nordplus, nordplus_costs, nordplus_rates, nordplus_results
from webapp.budgets.nordplus_rates import RATES_FILE, RatesFileError, load_rates

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "docs" / "sources" / "nordplus-junior-2026.md"


def anchors(path: Path) -> set[str]:
    """GitHub heading slugs: lower case, spaces to '-', punctuation other than '-' dropped."""
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def test_the_file_loads_with_the_2026_figures():
    rates = load_rates()
    assert {z.key: z.amount for z in rates.travel.zones} == {"mainland": 330, "faroe_iceland": 660, "greenland": 1300}
    assert (rates.domestic_top_up.amount, rates.domestic_top_up.over_km_one_way) == (175, 250)
    s = rates.staff_subsistence
    assert (s.day.amount, s.week.amount, s.month.amount) == (100, 500, 1350)
    assert (s.week.counts_from_days, s.week.days, s.month.days) == (6, 7, 30)
    pm = rates.project_management
    assert (pm.over_budget, pm.coordinator, pm.partner) == (15000, 1000, 500)
    assert (rates.payment.in_full_up_to, rates.payment.advance_percent, rates.payment.balance_percent) == (
        15000,
        80,
        20,
    )
    assert all(isinstance(z.amount, Decimal) for z in rates.travel.zones)


def test_every_figure_has_a_source_in_docs_sources_and_says_whether_it_is_confirmed():
    headings = anchors(SOURCES)
    figures = load_rates().figures()
    assert len(figures) >= 15
    for path, figure in figures:
        match = re.match(r"docs/sources/nordplus-junior-2026\.md#([\w-]+)", figure.source)
        assert match, f"{path}: {figure.source!r} does not cite docs/sources/nordplus-junior-2026.md#…"
        assert match.group(1) in headings, f"{path}: no heading #{match.group(1)}"
        assert isinstance(figure.confirmed, bool)


def test_uncertain_figures_are_marked():
    rates = load_rates()
    unconfirmed = {path for path, figure in rates.figures() if not figure.confirmed}
    assert {
        "staff_subsistence.day",
        "staff_subsistence.week",
        "staff_subsistence.month",
        "payment",
        "development_project",
        "travel.readings[0]",
        "travel.route_rule",
    } <= unconfirmed
    (xs,) = rates.travel.readings
    assert (xs.country, xs.zone, xs.confirmed) == ("XS", "mainland", False)
    assert xs.note is not None and "Southern Schleswig" in xs.note.en


def test_the_zones_cover_exactly_the_mobility_tables_host_countries():
    definition = yaml.safe_load((ROOT / "workflows" / "npj-mobility" / "2026.yaml").read_text(encoding="utf-8"))
    (section,) = [s for s in definition["sections"] if s["key"] == "mobility_activities"]
    fields = {f["key"]: f for f in section["fields"]}
    hosts = {c["value"] for c in fields["host_country"]["choices"]}
    assert set(load_rates().travel.countries()) == hosts
    types = {c["value"] for c in fields["activity_type"]["choices"]}
    assert {a.type for a in load_rates().activities} == types


def _write(tmp_path, change):
    data = yaml.safe_load(RATES_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "rates.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "change,fault",
    [
        (lambda d: d["travel"]["zones"][0].update(ferry=True), "travel.zones.0.ferry: Extra inputs are not permitted"),
        (lambda d: d.update(hotel=1), "hotel: Extra inputs are not permitted"),
        (lambda d: d["travel"]["zones"][0].pop("source"), "travel.zones.0.source: Field required"),
        (lambda d: d["domestic_top_up"].update(amount=175.5), "not a float"),
        (lambda d: d["domestic_top_up"].update(source="nordplusonline.org"), "must cite docs/sources/"),
        (lambda d: d["travel"]["zones"][1]["countries"].append("DK"), "more than one zone"),
        (lambda d: d["travel"]["zones"][0]["countries"].__setitem__(5, False), "Input should be a valid string"),
        (lambda d: d["payment"].update(balance_percent=25), "add up to 100"),
        (lambda d: d["development_project"].update(known=True), "development_project.known"),
    ],
)
def test_the_schema_refuses_a_broken_file(tmp_path, change, fault):
    """Strict: an unknown key, a missing source, a float amount, a country twice, NO read as false."""
    path = _write(tmp_path, change)
    with pytest.raises(RatesFileError, match=re.escape(fault)):
        load_rates(path)


def test_a_quoted_decimal_amount_is_exact(tmp_path):
    path = _write(tmp_path, lambda d: d["domestic_top_up"].update(amount="175.50"))
    assert load_rates(path).domestic_top_up.amount == Decimal("175.50")


def test_the_calculator_holds_no_figure():
    """No number in the module but 0, 1, 2 (cents; the path depth), 100 (a percentage's whole), the cache size and schema
    bounds; every rate, threshold and limit is read from the rates file."""
    modules = (nordplus, nordplus_costs, nordplus_rates, nordplus_results)
    source = "\n".join(Path(module.__file__).read_text(encoding="utf-8") for module in modules)
    tree = ast.parse(source)
    numbers = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and type(node.value) in (int, float) and not isinstance(node.value, bool)
    }
    assert numbers <= {0, 1, 2, 8, 100, 2023}, sorted(numbers)
    texts = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert not {t for t in texts if re.fullmatch(r"\d+(\.\d+)?", t)} - {"0.01"}
