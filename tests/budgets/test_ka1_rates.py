"""The KA1 rates file: it loads, every figure carries a source and says whether it is confirmed."""

from pathlib import Path

import pytest
import yaml

from webapp.budgets import ka1_rates

ROOT = Path(__file__).resolve().parents[2]
RATES_FILE = ROOT / "workflows" / "rates" / "erasmus-ka1" / "2026.yaml"


def test_the_2026_file_loads():
    rates = ka1_rates.rates_for(2026)
    assert rates.call_year == 2026
    assert set(rates.actions) == {"KA121-SCH", "KA122-SCH"}
    assert rates.travel.bands[0].key == "10-99"
    assert set(rates.individual_support.agencies) >= {"SE01"}


def figures(node, path=()):
    """Every mapping of the file that holds a figure (amount, days, percent, max, a country list)."""
    if isinstance(node, dict):
        if {"amount", "days", "percent", "max", "countries", "category"} & set(node) and "min" not in node:
            yield path, node
        for key, value in node.items():
            yield from figures(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from figures(item, (*path, index))


def test_every_figure_has_a_source_in_docs_sources_and_says_if_it_is_confirmed():
    data = yaml.safe_load(RATES_FILE.read_text(encoding="utf-8"))
    found = list(figures(data))
    assert len(found) > 40
    for path, figure in found:
        where = ".".join(map(str, path))
        assert isinstance(figure.get("confirmed"), bool), f"{where} says nothing of confirmed"
        assert str(figure.get("source", "")).startswith("docs/sources/"), f"{where} cites no docs/sources/ file"


def test_uncertain_figures_are_not_confirmed():
    rates = ka1_rates.rates_for(2026)
    se01 = rates.individual_support.agencies["SE01"].daily
    assert [se01["staff"][group].amount for group in (1, 2, 3)] == [172, 152, 133]
    assert [se01["pupils"][group].amount for group in (1, 2, 3)] == [85, 74, 64]
    assert not any(rate.confirmed for by_group in se01.values() for rate in by_group.values())
    assert not any(band.standard.confirmed or band.green.confirmed for band in rates.travel.bands)
    assert not rates.individual_support.rate_of["accompanying"].confirmed
    groups = {group.group: group for group in rates.individual_support.country_groups}
    assert groups[1].confirmed and not groups[2].confirmed and not groups[3].confirmed
    assert not any(amount.confirmed for amount in rates.organisational_support.per_activity.values())


def test_the_4000_band_is_1188_not_the_icelandic_pages_1180():
    band = ka1_rates.rates_for(2026).travel.band("4000-7999")
    assert band.standard.amount == band.green.amount == 1188
    assert "1,180" in band.standard.source and "1 180" in band.standard.note.sv


def test_every_destination_country_is_in_exactly_one_group():
    groups = ka1_rates.rates_for(2026).individual_support.country_groups
    countries = [country for group in groups for country in group.countries]
    assert len(countries) == len(set(countries)) == 33  # EU-27 and the six associated countries


def test_the_activity_types_are_those_of_the_ka122_form():
    choices = yaml.safe_load((ROOT / "workflows" / "choices.yaml").read_text(encoding="utf-8"))
    form_types = {choice["value"] for choice in choices["lists"]["ka122_activity_types"]}
    assert set(ka1_rates.rates_for(2026).activities) == form_types


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda d: d.update(surprise=1), "Extra inputs are not permitted"),
        (lambda d: d["travel"]["bands"][0]["standard"].update(amount=28.5), "quoted decimal"),
        (lambda d: d["travel"]["bands"][0]["standard"].pop("source"), "source"),
        (lambda d: d["travel"]["bands"][1].update(min_km=101), "must start at the km after"),
        (lambda d: d["individual_support"]["agencies"]["SE01"]["daily"]["staff"].pop(3), "agency SE01"),
        (lambda d: d["individual_support"]["country_groups"][1]["countries"].append("SE"), "SE is in groups"),
    ],
)
def test_a_faulty_file_is_refused_naming_the_file(tmp_path, change, message):
    data = yaml.safe_load(RATES_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "2026.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ka1_rates.RatesFileError, match=message) as refused:
        ka1_rates.load_rates(path)
    assert str(path) in str(refused.value)
