"""Working days in Sweden: Monday to Friday, except the public holidays and the three days Swedish
law treats as holidays (Midsummer Eve, Christmas Eve, New Year's Eve: `holidays` calls them
de facto), when schools and offices are closed and nobody signs an application.

Weekends are ruled out before the holiday list is asked, so it makes no difference that some
versions of `holidays.Sweden` count every Sunday as a holiday."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays

#: The categories of `holidays.Sweden` that close a working day; not `bank` (half days such as
#: Maundy Thursday afternoon) and not `optional`.
CATEGORIES = (holidays.PUBLIC, holidays.DE_FACTO)


@cache
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Sweden(years=year, categories=CATEGORIES))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


@cache
def working_days_before(day: date, count: int) -> date:
    """The date `count` working days before `day` (`day` itself for 0): 3 before Thursday
    1 April 2027 is Thursday 25 March, over Easter Monday and Good Friday."""
    if count < 0:
        raise ValueError("count working days back from 0 on")
    while count:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day
