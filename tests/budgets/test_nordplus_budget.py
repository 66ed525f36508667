"""The Nordplus Junior mobility budget (webapp/budgets/nordplus.py), each case with its
arithmetic written out from the 2026 rates of workflows/rates/nordplus-junior/2026.yaml and the
readings of docs/sources/nordplus-junior-2026.md#mobility-project-funding-2026:
travel per participant €330 mainland (Åland and, by reading, Southern Schleswig) / €660 Faroe
Islands, Iceland / €1,300 Greenland; domestic top-up €175 per participant and side; staff
subsistence €100 a day, €500 a week (6–7 days), €1,350 a month (30 days, capping shorter stays);
project management €1,000 + €500 per partner above €15,000; payment in full up to €15,000, else
80 % / 20 %."""

from __future__ import annotations

from decimal import Decimal

import pytest

from webapp.budgets.nordplus import development_project_budget, mobility_budget
from webapp.budgets.nordplus_costs import payment, project_management, staff_subsistence, travel_rate
from webapp.budgets.nordplus_rates import load_rates
from webapp.budgets.nordplus_results import DomesticTravel, Organisation

SE, DK, IS = (
    Organisation("applicant", "SE", coordinator=True),
    Organisation("partner-1", "DK"),
    Organisation("partner-2", "IS"),
)
ORGS = [SE, DK, IS]


DEFAULT = object()


def item(activity_type="class_exchange", sender="applicant", host="DK", pupils=DEFAULT, teachers=1, days=7, **extra):
    """One item of the mobility table as the form stores it (a class exchange has 10 pupils unless
    told otherwise; the other types store no pupils)."""
    if pupils is DEFAULT:
        pupils = 10 if activity_type == "class_exchange" else None
    row = {"activity_type": activity_type, "sending_organisation": sender, "host_country": host}
    row.update(pupils=pupils, teachers=teachers, days=days, content="", **extra)
    return row


# --- Staff subsistence: one staff member, by days of the stay (travel days included) -----------


@pytest.mark.parametrize(
    "days,expected,counted",
    [
        (1, 1 * 100, "1 day"),
        (5, 5 * 100, "5 days at the day rate"),
        (6, 1 * 500, "6–7 days count as one week"),
        (7, 1 * 500, "one week"),
        (8, 1 * 500 + 1 * 100, "1 week + 1 day"),
        (12, 1 * 500 + 5 * 100, "1 week + 5 days"),
        (13, 2 * 500, "1 week + 6 days: the 6 days count as a week"),
        (14, 2 * 500, "2 weeks"),
        (17, 2 * 500 + 3 * 100, "2 weeks + 3 days, below a month's rate"),
        (18, 1350, "2 weeks + 4 days = €1,400, capped at a month's €1,350"),
        (20, 1350, "2 weeks + 6 days = 3 weeks = €1,500, capped at a month's €1,350"),
        (28, 1350, "4 weeks = €2,000, capped at a month's €1,350"),
        (30, 1 * 1350, "1 month of 30 days"),
        (31, 1 * 1350 + 1 * 100, "1 month + 1 day"),
        (45, 1 * 1350 + 2 * 500 + 1 * 100, "1 month + 2 weeks + 1 day"),
        (50, 1 * 1350 + 1350, "1 month + 20 days, the 20 days capped at a month"),
        (60, 2 * 1350, "2 months"),
    ],
)
def test_staff_subsistence_by_days(days, expected, counted):
    stay = staff_subsistence(days)
    assert stay.amount == Decimal(expected), counted
    assert stay.arithmetic.startswith(f"{days} day")
    assert stay.arithmetic.endswith(f"= €{expected:,}")
    assert stay.confirmed is False  # the 2026 subsistence rates are not confirmed


def test_a_nordplus_week_of_six_days_in_an_activity():
    """2 teachers, 6 days SE → DK: travel 2 × €330 = €660; subsistence 2 × €500 = €1,000."""
    budget = mobility_budget([item("teacher_exchange", teachers=2, days=6)], ORGS)
    (activity,) = budget.activities
    lines = {line.key: line for line in activity.lines}
    assert lines["travel"].amount == 2 * 330
    assert lines["subsistence"].amount == 2 * 500
    assert "6 days, counted as 1 week" in lines["subsistence"].arithmetic
    assert activity.total == budget.mobility_total == 2 * 330 + 2 * 500


def test_five_days_are_five_day_rates():
    """1 teacher, 5 days: 5 × €100 = €500 (the same as a week)."""
    stay = staff_subsistence(5)
    assert (stay.weeks, stay.extra_days, stay.amount) == (0, 5, 5 * 100)
    assert stay.arithmetic == "5 days: 5 × €100 = €500"


def test_eight_days_are_one_week_and_one_day():
    stay = staff_subsistence(8)
    assert (stay.months, stay.weeks, stay.extra_days) == (0, 1, 1)
    assert stay.arithmetic == "8 days = 1 week + 1 day: 1 × €500 + 1 × €100 = €600"


def test_a_month():
    stay = staff_subsistence(30)
    assert (stay.months, stay.weeks, stay.extra_days, stay.capped) == (1, 0, 0, False)
    assert stay.amount == 1350


# --- Travel ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sending,host,expected,confirmed",
    [
        ("SE", "DK", 330, True),
        ("FI", "AX", 330, True),  # Åland is a Nordplus area of its own, on the mainland rate
        ("SE", "IS", 660, True),
        ("IS", "SE", 660, True),  # "to and from"
        ("DK", "FO", 660, True),
        ("SE", "GL", 1300, True),
        ("GL", "DK", 1300, True),
        ("FO", "IS", 660, True),  # one zone
        ("IS", "GL", 1300, False),  # two remote areas: the higher rate, a reading
        ("SE", "XS", 330, False),  # Southern Schleswig: mainland by reading
        ("XS", "DK", 330, False),
    ],
)
def test_travel_rate_per_participant(sending, host, expected, confirmed):
    rate = travel_rate(sending, host)
    assert rate.amount == expected
    assert rate.confirmed is confirmed


def test_iceland_class_exchange():
    """20 pupils + 4 teachers, 7 days SE → IS: travel 24 × €660 = €15,840; subsistence for the
    teachers only, 4 × €500 = €2,000; total €17,840."""
    budget = mobility_budget([item(host="IS", pupils=20, teachers=4, days=7)], ORGS)
    (activity,) = budget.activities
    travel, subsistence = activity.lines
    assert (travel.quantity, travel.rate, travel.amount) == (24, 660, 24 * 660)
    assert travel.arithmetic == "24 participants (20 pupils + 4 teachers) × €660 = €15,840"
    assert (subsistence.quantity, subsistence.amount) == (4, 4 * 500)
    assert activity.total == 24 * 660 + 4 * 500 == Decimal(17840)


def test_greenland_teacher_exchange():
    """2 teachers, 14 days SE → GL: 2 × €1,300 = €2,600 travel, 2 × (2 × €500) = €2,000."""
    budget = mobility_budget([item("teacher_exchange", host="GL", teachers=2, days=14)], ORGS)
    (activity,) = budget.activities
    assert [line.amount for line in activity.lines] == [2 * 1300, 2 * 2 * 500]
    assert activity.travel.zone == "greenland"


def test_southern_schleswig_host():
    """Class exchange SE → XS, 10 pupils + 2 teachers, 5 days: 12 × €330 + 2 × 5 × €100, and the
    travel line says it is not confirmed (XS's zone is Grantpath's reading)."""
    budget = mobility_budget([item(host="XS", pupils=10, teachers=2, days=5)], ORGS)
    (activity,) = budget.activities
    travel = activity.lines[0]
    assert travel.amount == 12 * 330
    assert travel.confirmed is False and "southern-schleswig" in travel.source
    assert activity.total == 12 * 330 + 2 * 5 * 100


def test_a_southern_schleswig_partner_sends():
    orgs = [SE, Organisation("partner-9", "XS")]
    budget = mobility_budget([item("teacher_exchange", sender="partner-9", host="SE", teachers=1, days=7)], orgs)
    assert budget.mobility_total == 330 + 500


# --- Domestic top-up ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "legs,sides",
    [
        (DomesticTravel(), []),
        (DomesticTravel(home=True), ["domestic_home"]),
        (DomesticTravel(home=True, host=True), ["domestic_home", "domestic_host"]),
        (DomesticTravel(host=False, home_km=251), ["domestic_home"]),
        (DomesticTravel(home_km=250), []),  # "more than 250 km": exactly 250 is not
        (DomesticTravel(home_km=Decimal("250.5"), host_km=400), ["domestic_home", "domestic_host"]),
    ],
)
def test_domestic_top_up(legs, sides):
    """10 pupils + 2 teachers, 7 days SE → DK: travel 12 × €330 = €3,960, subsistence 2 × €500 =
    €1,000, and 12 × €175 = €2,100 per side with the top-up."""
    budget = mobility_budget([item(pupils=10, teachers=2, days=7)], ORGS, domestic={0: legs})
    assert budget.complete
    (activity,) = budget.activities
    top_ups = [line for line in activity.lines if line.key.startswith("domestic")]
    assert [line.key for line in top_ups] == sides
    assert all(line.amount == 12 * 175 for line in top_ups)
    assert activity.total == 12 * 330 + 2 * 500 + len(sides) * 12 * 175


def test_domestic_top_up_arithmetic_names_the_distance():
    budget = mobility_budget([item("teacher_exchange", teachers=2)], ORGS, domestic={0: DomesticTravel(home_km=300)})
    line = budget.activities[0].lines[1]
    assert line.arithmetic == "2 participants × €175 = €350 (home side: 300 km one way, more than 250 km)"


# --- Project management and payment ------------------------------------------------------------


@pytest.mark.parametrize(
    "mobility_total,applies,management",
    [
        (Decimal(14999), False, 0),
        (Decimal(15000), False, 0),  # not more than €15,000
        (Decimal(15001), True, 1000 + 2 * 500),  # coordinator + 2 partners
    ],
)
def test_project_management_threshold(mobility_total, applies, management):
    result = project_management(mobility_total, ORGS)
    assert result.applies is applies
    assert result.total == management
    if applies:
        assert result.arithmetic == "€15,001 is more than €15,000: project management 1 × €1,000 + 2 × €500 = €2,000"
    else:
        assert "is not more than €15,000: no project management" in result.arithmetic


def test_a_project_of_exactly_15000_gets_no_project_management_and_is_paid_in_full():
    """14 pupils + 6 teachers, 3 days SE → IS: 20 × €660 = €13,200 + 6 × 3 × €100 = €1,800 = €15,000."""
    budget = mobility_budget([item(host="IS", pupils=14, teachers=6, days=3)], ORGS)
    assert budget.mobility_total == 20 * 660 + 6 * 3 * 100 == 15000
    assert budget.project_management.applies is False and budget.project_management.lines == ()
    assert budget.total == 15000
    assert budget.payment.in_full and [i.amount for i in budget.payment.instalments] == [15000]


def test_a_project_above_15000_gets_project_management_for_every_organisation():
    """The same activity with the home-side top-up: €15,000 + 20 × €175 = €18,500; project
    management 1 × €1,000 + 2 × €500 (DK and IS, though IS sends nobody) = €2,000; grant €20,500,
    paid 80 % = €16,400 at contract and €4,100 after the final report."""
    budget = mobility_budget(
        [item(host="IS", pupils=14, teachers=6, days=3)], ORGS, domestic={0: DomesticTravel(home=True)}
    )
    assert budget.mobility_total == 15000 + 20 * 175
    assert [(line.quantity, line.amount) for line in budget.project_management.lines] == [(1, 1000), (2, 2 * 500)]
    assert budget.total == 18500 + 2000
    assert [(i.key, i.amount) for i in budget.payment.instalments] == [("advance", 16400), ("balance", 4100)]


@pytest.mark.parametrize(
    "total,instalments",
    [
        (Decimal(15000), [("in_full", 100, Decimal(15000))]),
        (Decimal(16001), [("advance", 80, Decimal("12800.80")), ("balance", 20, Decimal("3200.20"))]),
        (Decimal(16503), [("advance", 80, Decimal("13202.40")), ("balance", 20, Decimal("3300.60"))]),
    ],
)
def test_payment_split(total, instalments):
    result = payment(total)
    assert [(i.key, i.percent, i.amount) for i in result.instalments] == instalments
    assert sum(i.amount for i in result.instalments) == total
    assert result.confirmed is False


def test_sum_over_activities():
    """SE → DK teacher exchange 1 × (€330 + €500) and DK → IS class exchange 10 pupils + 2 teachers,
    5 days: 12 × €660 + 2 × €500."""
    items = [
        item("teacher_exchange", teachers=1, days=7),
        item(sender="partner-1", host="IS", pupils=10, teachers=2, days=5),
    ]
    budget = mobility_budget(items, ORGS)
    assert [a.total for a in budget.activities] == [330 + 500, 12 * 660 + 2 * 500]
    assert budget.mobility_total == 830 + 8920


# --- Bad input: one problem per field, naming the limit ----------------------------------------


@pytest.mark.parametrize(
    "row,field,code,message",
    [
        (item(pupils=-1), "pupils", "out_of_range", "The number of pupils must be from 0 to 30."),
        (item(pupils=31), "pupils", "out_of_range", "The number of pupils must be from 0 to 30."),
        (item(pupils=None), "pupils", "missing", "Enter the number of pupils."),
        (item(teachers=-2), "teachers", "out_of_range", "The number of teachers or other staff must be at least 0."),
        (
            item(teachers="2,5"),
            "teachers",
            "not_whole",
            "Enter the number of teachers or other staff as a whole number.",
        ),
        (
            item(teachers=True),
            "teachers",
            "not_whole",
            "Enter the number of teachers or other staff as a whole number.",
        ),
        (item(days=0), "days", "out_of_range", "The number of days must be from 1 to 730."),
        (item(days=731), "days", "out_of_range", "The number of days must be from 1 to 730."),
        (item(days=7.5), "days", "not_whole", "Enter the number of days as a whole number."),
        (item(activity_type="field_trip"), "activity_type", "unknown_activity_type", None),
        (item(host="DE"), "host_country", "unknown_host", None),
        (item(host=None), "host_country", "missing", None),
        (item(host="SE"), "host_country", "same_country", None),
        (item(sender="partner-77"), "sending_organisation", "unknown_organisation", None),
        (item(pupils=0, teachers=0), "teachers", "no_participants", "An activity needs at least one participant."),
    ],
)
def test_bad_items_are_reported_per_field_and_left_out(row, field, code, message):
    good = item("teacher_exchange", teachers=1, days=7)
    budget = mobility_budget([good, row], ORGS)
    assert not budget.complete
    (problem,) = budget.problems
    assert (problem.item, problem.field, problem.code) == (1, field, code)
    if message:
        assert problem.message == message
    assert [a.index for a in budget.activities] == [0]
    assert budget.mobility_total == 330 + 500  # only the good item counts


def test_an_unknown_host_names_the_allowed_countries():
    (problem,) = mobility_budget([item(host="DE")], ORGS).problems
    assert set(problem.allowed) == {"DK", "EE", "FI", "IS", "LV", "LT", "NO", "SE", "FO", "GL", "AX", "XS"}
    assert "DK" in problem.message and "XS" in problem.message


def test_pupils_left_from_another_activity_type_are_not_counted():
    budget = mobility_budget([item("teacher_exchange", pupils=12, teachers=1, days=7)], ORGS)
    (activity,) = budget.activities
    assert (activity.pupils, activity.ignored) == (0, ("pupils",))
    assert activity.total == 330 + 500


def test_numbers_stored_as_text_by_older_drafts_are_read():
    budget = mobility_budget([item(pupils="10", teachers="2", days="7")], ORGS)
    assert budget.complete and budget.mobility_total == 12 * 330 + 2 * 500


@pytest.mark.parametrize(
    "organisations,code",
    [
        ([Organisation("applicant", "SE"), DK], "one_coordinator"),
        ([SE, Organisation("partner-1", "DK", coordinator=True)], "one_coordinator"),
        ([SE, Organisation("partner-1", "DE")], "unknown_country"),
        ([SE, DK, DK], "duplicate_organisation"),
    ],
)
def test_bad_organisations(organisations, code):
    budget = mobility_budget([item("teacher_exchange", teachers=1)], organisations)
    assert [(p.item, p.field, p.code) for p in budget.problems] == [(None, "organisations", code)]


def test_a_top_up_answer_and_distance_for_one_side_conflict():
    budget = mobility_budget([item()], ORGS, domestic={0: DomesticTravel(home=True, home_km=300), 3: DomesticTravel()})
    assert [(p.item, p.field, p.code) for p in budget.problems] == [
        (None, "domestic", "no_such_activity"),
        (0, "domestic_home", "answer_and_distance"),
    ]


def test_staff_subsistence_refuses_a_stay_of_no_days():
    with pytest.raises(ValueError, match="at least 1"):
        staff_subsistence(0)


# --- Development projects ----------------------------------------------------------------------


def test_development_project_rates_are_unknown():
    result = development_project_budget()
    assert result.known is False
    assert "not known" in result.message
    assert result.source.startswith("docs/sources/nordplus-junior-2026.md#development-project-budget")


def test_the_default_rates_are_2026():
    assert load_rates().call_year == 2026
