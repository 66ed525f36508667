"""Charts as plain geometry: rows of numbers in, bars, axis ticks, category labels and a legend out,
in the coordinates of an SVG viewBox. Pure functions (no Flask, no database): the template draws
what these return, and the tests measure it. Values are whole numbers (counts, whole euros)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH = 640  # the viewBox's width; the stylesheet scales the drawing to the page
FONT = 12  # text size in viewBox units
CHAR = 7  # about how wide a character of that size is, to lay out labels without a browser
MOST_TICKS = 5  # steps above zero on a value axis, at most
LABEL_CHARS = 28  # a row's label longer than this is shortened (the table has it whole)

Format = Callable[[int], str]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str  # what the bar stands for, in words: "2026, Erasmus+"
    series: int  # its legend entry, which gives its colour and pattern
    text: str  # the value as written beside it


@dataclass(frozen=True)
class Tick:
    value: int
    position: float  # y on a vertical value axis, x on a horizontal one
    text: str


@dataclass(frozen=True)
class Category:
    label: str
    position: float  # the middle of its group of bars (x) or of its row (y)
    text: str = ""  # written at the row's end: its total
    end: float = 0.0  # where the row's bar ends (x), for that text


@dataclass(frozen=True)
class LegendEntry:
    label: str
    series: int
    x: float
    y: float


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    left: float  # the plot area, inside the axes
    top: float
    right: float
    bottom: float
    horizontal: bool
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    categories: tuple[Category, ...]
    legend: tuple[LegendEntry, ...]


def axis(maximum: int, most: int = MOST_TICKS) -> tuple[int, int]:
    """The value axis' top and step for values up to `maximum`: the step the smallest of 1, 2 or 5
    times a power of ten that reaches `maximum` in at most `most` steps, the top a whole number of
    steps, so every tick is a round number."""
    magnitude = 1
    while True:
        for multiple in (1, 2, 5):
            step = multiple * magnitude
            if step * most >= maximum:
                return -(-maximum // step) * step, step
        magnitude *= 10


def _ticks(top: int, step: int, at: Callable[[int], float], fmt: Format) -> tuple[Tick, ...]:
    return tuple(Tick(value, at(value), fmt(value)) for value in range(0, top + 1, step))


def _legend(labels: Sequence[str], left: float, right: float, y: float) -> tuple[tuple[LegendEntry, ...], float]:
    """The legend's entries in rows from `y`, wrapped at `right`; and where the rows end."""
    entries, x, row = [], left, y
    for index, label in enumerate(labels):
        width = FONT + 6 + len(label) * CHAR + 18  # swatch, gap, text, space to the next
        if x > left and x + width > right:
            x, row = left, row + FONT + 10
        entries.append(LegendEntry(label, index, x, row))
        x += width
    return tuple(entries), row + FONT + 4


def _shortened(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _largest(values: Sequence[Sequence[int]]) -> int:
    return max((value for row in values for value in row), default=0)


def grouped_bars(
    categories: Sequence[str], series: Sequence[str], values: Sequence[Sequence[int]], fmt: Format = str
) -> Chart | None:
    """Vertical bars, a group per category (a call year) with one bar per series (a programme):
    `values[c][s]`, each with its value above it where it fits. None when there is nothing to draw
    (no category, or every value zero)."""
    largest = _largest(values)
    if not categories or not series or largest <= 0:
        return None
    top, step = axis(largest)
    left, right = 8 + max(len(fmt(top)), 1) * CHAR + 8, WIDTH - 12
    legend, legend_end = _legend(series, left, right, 8)
    plot_top, height = legend_end + FONT + 12, 320.0
    plot_bottom = height - FONT - 20

    def y_of(value: int) -> float:
        return plot_bottom - (plot_bottom - plot_top) * value / top

    group = (right - left) / len(categories)
    bar = min(48.0, group * 0.7 / len(series))
    room = group / len(series)  # a value wider than its bar's share of the group is not written
    bars, labels = [], []
    for c, category in enumerate(categories):
        start = left + group * c + (group - bar * len(series)) / 2
        labels.append(Category(category, left + group * c + group / 2))
        texts = [fmt(value) if len(fmt(value)) * CHAR <= room else "" for value in values[c]]
        for s in range(1, len(series)):  # a value written over its neighbour's at the same height is left out
            wide = (len(texts[s - 1]) + len(texts[s])) * CHAR / 2 > bar
            if texts[s - 1] and texts[s] and wide and abs(y_of(values[c][s]) - y_of(values[c][s - 1])) < FONT + 4:
                texts[s if values[c][s] <= values[c][s - 1] else s - 1] = ""
        for s, name in enumerate(series):
            value = values[c][s]
            y = y_of(value)
            bars.append(Bar(start + bar * s, y, bar, plot_bottom - y, value, f"{category}, {name}", s, texts[s]))
    return Chart(
        WIDTH,
        height,
        left,
        plot_top,
        right,
        plot_bottom,
        False,
        tuple(bars),
        _ticks(top, step, y_of, fmt),
        tuple(labels),
        legend,
    )


ROW = 28  # a row of the stacked chart
ROW_BAR = 18  # the bar inside it


def stacked_rows(
    rows: Sequence[str], series: Sequence[str], values: Sequence[Sequence[int]], fmt: Format = str
) -> Chart | None:
    """Horizontal bars, one per row (a school), each split into one segment per series (an
    outcome): `values[r][s]`; the row's total is written at its end. Segments of zero are left out.
    None when there is nothing to draw."""
    totals = [sum(row) for row in values]
    largest = max(totals, default=0)
    if not rows or not series or largest <= 0:
        return None
    top, step = axis(largest)
    left = 8 + min(max(len(_shortened(row)) for row in rows), LABEL_CHARS) * CHAR + 8
    right = WIDTH - 8 - max(len(fmt(total)) for total in totals) * CHAR - 8
    legend, legend_end = _legend(series, 8, WIDTH - 8, 8)
    plot_top = legend_end + 8
    plot_bottom = plot_top + ROW * len(rows)

    def x_of(value: int) -> float:
        return left + (right - left) * value / top

    bars, labels = [], []
    for r, row in enumerate(rows):
        y = plot_top + ROW * r + (ROW - ROW_BAR) / 2
        labels.append(Category(_shortened(row), plot_top + ROW * r + ROW / 2, fmt(totals[r]), x_of(totals[r])))
        done = 0
        for s, name in enumerate(series):
            value = values[r][s]
            if value:
                x = x_of(done)
                bars.append(Bar(x, y, x_of(done + value) - x, ROW_BAR, value, f"{row}, {name}", s, fmt(value)))
            done += value
    return Chart(
        WIDTH,
        plot_bottom + FONT + 16,
        left,
        plot_top,
        right,
        plot_bottom,
        True,
        tuple(bars),
        _ticks(top, step, x_of, fmt),
        tuple(labels),
        legend,
    )
