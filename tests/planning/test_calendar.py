from datetime import date

import pytest

from webapp.planning.calendar import is_working_day, working_days_before


@pytest.mark.parametrize(
    "start,count,expected",
    [
        (date(2027, 9, 15), 0, date(2027, 9, 15)),
        (date(2027, 9, 13), 1, date(2027, 9, 10)),  # Monday back over the weekend to Friday
        (date(2027, 4, 1), 3, date(2027, 3, 25)),  # over Easter Monday 29 March and Good Friday 26 March
        (date(2027, 3, 30), 1, date(2027, 3, 25)),  # Tuesday after Easter: back to Maundy Thursday
        (date(2027, 6, 28), 1, date(2027, 6, 24)),  # over Midsummer Eve (Fri 25 June) and Midsummer Day
        (date(2027, 6, 28), 2, date(2027, 6, 23)),
        (date(2027, 1, 4), 2, date(2026, 12, 29)),  # over New Year's Day and New Year's Eve 2026
        (date(2026, 12, 28), 1, date(2026, 12, 23)),  # over Christmas Eve and Christmas Day 2026
    ],
)
def test_working_days_before(start, count, expected):
    assert working_days_before(start, count) == expected


@pytest.mark.parametrize(
    "day,working",
    [
        (date(2027, 3, 26), False),  # Good Friday
        (date(2027, 3, 29), False),  # Easter Monday
        (date(2027, 3, 25), True),  # Maundy Thursday: a working day (only the afternoon is short)
        (date(2027, 6, 25), False),  # Midsummer Eve: de facto a holiday, which holidays.Sweden marks so
        (date(2027, 12, 24), False),  # Christmas Eve
        (date(2027, 12, 31), False),  # New Year's Eve
        (date(2027, 5, 7), True),  # the Friday after Ascension: a bank "squeeze day", still a working day
        (date(2027, 9, 12), False),  # a Sunday
        (date(2027, 9, 11), False),  # a Saturday
    ],
)
def test_swedish_working_days(day, working):
    assert is_working_day(day) is working


def test_counting_back_from_minus_one_is_refused():
    with pytest.raises(ValueError):
        working_days_before(date(2027, 1, 4), -1)
