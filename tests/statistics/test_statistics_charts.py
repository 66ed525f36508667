"""The charts' geometry: bars as high (or long) as their values, ticks at round numbers, and
nothing drawn when there is nothing to draw."""

from __future__ import annotations

import pytest

from webapp.statistics import charts


@pytest.mark.parametrize(
    "maximum,top,step",
    [
        (1, 1, 1),
        (3, 3, 1),
        (5, 5, 1),
        (7, 8, 2),
        (10, 10, 2),
        (11, 15, 5),
        (48, 50, 10),
        (30_000, 30_000, 10_000),
        (123_456, 150_000, 50_000),
    ],
)
def test_the_axis_ends_on_a_round_number_in_at_most_five_steps(maximum, top, step):
    assert charts.axis(maximum) == (top, step)


def test_grouped_bars_are_as_high_as_their_values_on_one_baseline():
    chart = charts.grouped_bars(["2026", "2027"], ["Erasmus+", "Nordplus Junior"], [[3, 1], [6, 0]])
    heights = {bar.label: bar.height for bar in chart.bars}
    assert heights["2026, Erasmus+"] == pytest.approx(3 * heights["2026, Nordplus Junior"])
    assert heights["2027, Erasmus+"] == pytest.approx(2 * heights["2026, Erasmus+"])
    assert heights["2027, Nordplus Junior"] == 0
    assert [bar.y + bar.height for bar in chart.bars] == pytest.approx([chart.bottom] * 4)
    assert [bar.series for bar in chart.bars] == [0, 1, 0, 1]
    assert [bar.text for bar in chart.bars] == ["3", "1", "6", "0"]
    # the two groups side by side, each bar inside the plot area
    assert all(chart.left <= bar.x and bar.x + bar.width <= chart.right for bar in chart.bars)
    first, second = chart.categories
    assert (first.label, second.label) == ("2026", "2027") and first.position < second.position
    assert [entry.label for entry in chart.legend] == ["Erasmus+", "Nordplus Junior"]


def test_the_ticks_are_round_numbers_from_the_baseline_to_the_top():
    chart = charts.grouped_bars(["2027"], ["Erasmus+"], [[47_500]], fmt=lambda value: f"€{value:,}")
    assert [tick.value for tick in chart.ticks] == [0, 10_000, 20_000, 30_000, 40_000, 50_000]
    assert chart.ticks[0].position == pytest.approx(chart.bottom)
    assert chart.ticks[-1].position == pytest.approx(chart.top)
    assert chart.ticks[1].text == "€10,000"
    (bar,) = chart.bars
    assert bar.height == pytest.approx((chart.bottom - chart.top) * 47_500 / 50_000)


def test_a_value_that_does_not_fit_above_its_bar_is_left_to_the_table():
    years = [str(year) for year in range(2020, 2028)]
    chart = charts.grouped_bars(years, ["A", "B"], [[1_234_567, 1]] * len(years), fmt=lambda value: f"€{value:,}")
    assert {bar.text for bar in chart.bars} == {"", "€1"}
    assert {bar.value for bar in chart.bars} == {1_234_567, 1}


def test_stacked_rows_are_as_long_as_their_totals_split_by_series():
    chart = charts.stacked_rows(
        ["Råsunda skola", "Ekensbergsskolan"], ["Granted", "Not granted", "Writing"], [[2, 0, 2], [1, 1, 0]]
    )
    assert chart.horizontal
    first = [bar for bar in chart.bars if bar.label.startswith("Råsunda")]
    second = [bar for bar in chart.bars if bar.label.startswith("Ekensberg")]
    assert [bar.series for bar in first] == [0, 2]  # the zero segment is left out
    assert sum(bar.width for bar in first) == pytest.approx(2 * sum(bar.width for bar in second))
    assert first[0].x == pytest.approx(chart.left) and first[1].x == pytest.approx(first[0].x + first[0].width)
    assert [category.text for category in chart.categories] == ["4", "2"]
    assert chart.categories[0].end == pytest.approx(first[-1].x + first[-1].width)
    assert [tick.value for tick in chart.ticks] == [0, 1, 2, 3, 4]
    assert chart.ticks[-1].position == pytest.approx(chart.right)


def test_a_long_row_label_is_shortened_but_the_bar_keeps_the_whole_name():
    name = "Skolan med ett mycket långt namn i Solna stad"
    chart = charts.stacked_rows([name], ["Granted"], [[1]])
    assert chart.categories[0].label.endswith("…") and len(chart.categories[0].label) <= charts.LABEL_CHARS
    assert chart.bars[0].label == f"{name}, Granted"


@pytest.mark.parametrize(
    "categories,series,values",
    [([], ["Erasmus+"], []), (["2027"], [], [[]]), (["2026", "2027"], ["Erasmus+"], [[0], [0]])],
)
def test_nothing_to_draw_gives_no_chart(categories, series, values):
    assert charts.grouped_bars(categories, series, values) is None
    assert charts.stacked_rows(categories, series, values) is None


def test_the_legend_wraps_inside_the_drawing():
    series = [f"Series with a long name {n}" for n in range(6)]
    chart = charts.grouped_bars(["2027"], series, [[1] * 6])
    assert len({entry.y for entry in chart.legend}) > 1
    assert all(entry.x + 20 + len(entry.label) * charts.CHAR <= chart.width for entry in chart.legend)
    assert chart.top > max(entry.y for entry in chart.legend)
