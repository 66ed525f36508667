"""The KA1 mobility budget (issue 13): each case writes out its arithmetic, rate × people × days,
with the 2026 rates of workflows/rates/erasmus-ka1/2026.yaml and the Swedish agency (SE01)."""

from decimal import Decimal

import pytest

from webapp.budgets import ka1, ka1_rates
from webapp.budgets.ka1_inputs import Activity, BudgetInputError

RATES = ka1_rates.rates_for(2026)


def group_mobility(**changes):
    """20 pupils and 2 accompanying teachers to a school in Italy (group 1), 1,200 km away, 7 days."""
    values = {
        "kind": "pupil_group",
        "destination_country": "IT",
        "activity_days": 7,
        "travel_days": 2,
        "green_travel": False,
        "pupils": 20,
        "accompanying": 2,
        "distance_km": 1200,
    }
    return Activity(**{**values, **changes})


def amounts(budget):
    return [(line.item, line.kind, line.arithmetic) for line in budget.lines]


def test_group_mobility_standard_travel():
    budget = ka1.activity_budget(group_mobility(), RATES)
    # 1,200 km one way is in the 500-1,999 band: EUR 309 each; 7 days + 2 funded travel days = 9.
    assert budget.band.key == "500-1999"
    assert budget.support_days == 7 + 2
    assert amounts(budget) == [
        ("travel", None, "309 × 22 = 6798"),
        ("individual_support", "pupils", "85 × 20 × 9 = 15300"),
        ("individual_support", "accompanying", "172 × 2 × 9 = 3096"),
    ]
    assert budget.travel_per_participant == 309
    assert budget.travel_total == 309 * 22
    assert budget.individual_support_per_participant == {"pupils": 85 * 9, "accompanying": 172 * 9}
    assert budget.individual_support_total == 85 * 20 * 9 + 172 * 2 * 9
    assert budget.total == 6798 + 15300 + 3096 == 25194
    # Organisational support: no amount is tied to pupil group mobility in the sources read.
    assert budget.organisational_support_total is None and not budget.complete
    assert [item.item for item in budget.uncertain] == ["organisational_support"]
    # The cap per application counts the 20 pupils, not the accompanying teachers.
    assert budget.participants_counted == 20


def test_group_mobility_green_travel():
    budget = ka1.activity_budget(group_mobility(green_travel=True, travel_days=4), RATES)
    # Green: EUR 417 each; the 4 travel days by train are all funded (up to 6): 7 + 4 = 11 days.
    assert amounts(budget) == [
        ("travel", None, "417 × 22 = 9174"),
        ("individual_support", "pupils", "85 × 20 × 11 = 18700"),
        ("individual_support", "accompanying", "172 × 2 × 11 = 3784"),
    ]
    assert budget.total == 9174 + 18700 + 3784 == 31658


@pytest.mark.parametrize(
    "green,travel_days,funded",
    [(False, 0, 0), (False, 2, 2), (False, 3, 2), (True, 3, 3), (True, 6, 6), (True, 8, 6)],
)
def test_funded_travel_days_are_capped_at_2_standard_and_6_green(green, travel_days, funded):
    budget = ka1.activity_budget(group_mobility(green_travel=green, travel_days=travel_days), RATES)
    assert budget.funded_travel_days == funded
    assert budget.support_days == 7 + funded


@pytest.mark.parametrize(
    "activity_days,full,reduced,arithmetic,per_person",
    [
        # Staff in Italy (SE01, group 1): EUR 172 a day for days 1-14, 70 % of it (120.40) from day 15.
        (12, 14, 0, ["172 × 1 × 14 = 2408"], Decimal("2408")),
        (13, 14, 1, ["172 × 1 × 14 = 2408", "120.40 × 1 × 1 = 120.40"], Decimal("2528.40")),
        (14, 14, 2, ["172 × 1 × 14 = 2408", "120.40 × 1 × 2 = 240.80"], Decimal("2648.80")),
    ],
)
def test_the_reduced_daily_rate_starts_on_day_15(activity_days, full, reduced, arithmetic, per_person):
    # 12, 13 or 14 days of job shadowing + 2 funded travel days = 14, 15 or 16 days of support.
    activity = Activity(
        kind="job_shadowing",
        destination_country="IT",
        activity_days=activity_days,
        travel_days=2,
        green_travel=False,
        staff=1,
        distance_km=1200,
    )
    budget = ka1.activity_budget(activity, RATES)
    assert (budget.full_rate_days, budget.reduced_rate_days) == (full, reduced)
    support = [line for line in budget.lines if line.item == "individual_support"]
    assert [line.arithmetic for line in support] == arithmetic
    assert [line.tier for line in support] == ["full", "reduced"][: len(arithmetic)]
    assert budget.individual_support_per_participant == {"staff": per_person}


def test_the_reduced_rate_is_rounded_to_the_cent_once():
    # Pupils in Spain (group 2): EUR 74, 70 % = 51.80; 16 days + 2 travel days = 18 days.
    activity = group_mobility(destination_country="ES", activity_days=16, accompanying=0)
    support = [
        line.arithmetic for line in ka1.activity_budget(activity, RATES).lines if line.item == "individual_support"
    ]
    assert support == ["74 × 20 × 14 = 20720", "51.80 × 20 × 4 = 4144"]


@pytest.mark.parametrize(
    "km,green,per_participant",
    [
        (9, False, 0),  # below 10 km: no travel grant, and no travel line
        (10, False, 28),
        (99, False, 28),
        (99, True, 56),
        (100, False, 211),
        (499, False, 211),
        (500, False, 309),
        (1999, False, 309),
        (2000, False, 395),
        (2000, True, 535),
    ],
)
def test_travel_by_band_edges(km, green, per_participant):
    budget = ka1.activity_budget(group_mobility(distance_km=km, green_travel=green), RATES)
    assert budget.travel_per_participant == per_participant
    assert budget.travel_total == per_participant * 22
    assert any(line.item == "travel" for line in budget.lines) == (per_participant > 0)


def test_a_band_chosen_by_the_user_wins_over_the_distance():
    budget = ka1.activity_budget(group_mobility(distance_km=1200, band="2000-2999"), RATES)
    assert budget.band.key == "2000-2999" and budget.travel_per_participant == 395
    assert ka1.activity_budget(group_mobility(distance_km=None, band="100-499"), RATES).travel_total == 211 * 22


def test_another_agency_has_its_own_daily_rates():
    budget = ka1.activity_budget(group_mobility(), RATES, agency="IS01")
    assert [line.arithmetic for line in budget.lines if line.kind == "accompanying"] == ["191 × 2 × 9 = 3438"]


def test_greece_may_be_written_el():
    assert ka1.activity_budget(group_mobility(destination_country="EL"), RATES).country_group == 2
    assert ka1.activity_budget(group_mobility(destination_country="GR"), RATES).country_group == 2


def test_invited_experts_get_organisational_support_marked_unconfirmed():
    expert = Activity(
        kind="invited_experts",
        destination_country="SE",
        activity_days=5,
        travel_days=2,
        green_travel=False,
        staff=1,
        distance_km=1200,
    )
    budget = ka1.activity_budget(expert, RATES)
    (org,) = [line for line in budget.lines if line.item == "organisational_support"]
    assert org.arithmetic == "500 × 1 = 500" and not org.confirmed
    assert budget.organisational_support_per_participant == 500
    # 309 travel + 172 × 7 days + 500.
    assert budget.total == 309 + 172 * 7 + 500
    assert budget.complete


def test_long_term_pupil_mobility_has_no_individual_support_figure():
    budget = ka1.activity_budget(group_mobility(kind="pupil_long", activity_days=60), RATES)
    assert budget.individual_support_total is None and budget.individual_support_per_participant is None
    assert "individual_support" in [item.item for item in budget.uncertain]
    assert budget.total == budget.travel_total == 309 * 22


def test_a_project_adds_its_activities_and_counts_the_cap_without_accompanying_persons():
    staff = Activity(
        kind="job_shadowing",
        destination_country="FI",
        activity_days=5,
        travel_days=2,
        green_travel=False,
        staff=2,
        distance_km=396,
    )
    visit = Activity(
        kind="preparatory_visit",
        destination_country="IT",
        activity_days=2,
        travel_days=2,
        green_travel=False,
        staff=2,
        distance_km=1200,
    )
    project = ka1.project_budget([group_mobility(), staff, visit], RATES)
    # Job shadowing in Finland, 396 km: 211 × 2 = 422 travel; 172 × 2 × 7 = 2408 support.
    assert [line.arithmetic for line in project.activities[1].lines] == ["211 × 2 = 422", "172 × 2 × 7 = 2408"]
    assert project.travel_total == 6798 + 422 + 309 * 2
    assert project.individual_support_total == 15300 + 3096 + 2408 + 172 * 2 * 4
    assert project.organisational_support_total == 0
    assert project.total == project.travel_total + project.individual_support_total
    # 20 pupils + 2 staff; the accompanying teachers and the preparatory visit do not count.
    assert (project.participants_counted, project.participant_cap) == (22, 30)
    assert ka1.participants_counted([group_mobility(), staff, visit], RATES) == 22
    assert not project.complete
    assert {cost.key for cost in project.other_costs} == {"course_fees", "inclusion_support", "exceptional_costs"}


@pytest.mark.parametrize(
    "changes,field,code,limit",
    [
        ({"pupils": -1}, "pupils", "min", 0),
        ({"accompanying": -2}, "accompanying", "min", 0),
        ({"pupils": 0}, "participants", "min", 1),
        ({"staff": 1}, "staff", "not_allowed", None),
        ({"distance_km": 0}, "distance_km", "min", 0),
        ({"distance_km": 40000}, "distance_km", "max", 20015),
        ({"distance_km": None}, "distance_km", "required", None),
        ({"band": "9-9"}, "band", "unknown", None),
        ({"activity_days": 0}, "activity_days", "min", 1),
        ({"activity_days": 366}, "activity_days", "max", 365),
        ({"travel_days": -1}, "travel_days", "min", 0),
        ({"activity_days": 7.5}, "activity_days", "required", None),
        ({"destination_country": "US"}, "destination_country", "unknown", None),
        ({"destination_country": " "}, "destination_country", "required", None),
        ({"kind": "space_travel"}, "kind", "unknown", None),
    ],
)
def test_bad_input_names_the_field_and_its_limit(changes, field, code, limit):
    with pytest.raises(BudgetInputError) as refused:
        ka1.activity_budget(group_mobility(**changes), RATES)
    assert isinstance(refused.value, ValueError)
    assert [(p.field, p.code, p.limit) for p in refused.value.problems] == [(field, code, limit)]
    assert str(refused.value).startswith(f"{field}: ")


def test_a_project_reports_every_problem_of_every_activity():
    with pytest.raises(BudgetInputError) as refused:
        ka1.project_budget([group_mobility(), group_mobility(pupils=-1, activity_days=0)], RATES)
    assert [(p.activity, p.field) for p in refused.value.problems] == [(1, "activity_days"), (1, "pupils")]
    assert str(refused.value).startswith("activity 2: activity_days: ")


def test_an_unknown_agency_is_refused():
    with pytest.raises(BudgetInputError, match="XX01"):
        ka1.activity_budget(group_mobility(), RATES, agency="XX01")
