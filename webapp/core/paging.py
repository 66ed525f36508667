"""A page of a list the code has counted itself (not a database query's `paginate`), shaped as
the `pager` macro (templates/macros/ui.html) reads a page."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_number(number: int | None, total: int, per_page: int) -> tuple[int, int]:
    """(the page asked for, kept between the first and the last; how many pages there are)."""
    pages = max(math.ceil(total / per_page), 1)
    return min(max(number or 1, 1), pages), pages


def page_of(rows: list, number: int | None, per_page: int) -> Page:
    """Page `number` (1-based; below 1 the first, past the end the last) of `rows` in memory."""
    number, pages = page_number(number, len(rows), per_page)
    return Page(rows[(number - 1) * per_page : number * per_page], number, pages, len(rows))
