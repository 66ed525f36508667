"""The unit-cost budget read from the answers as stored: KA122 activities through the KA1 rates,
with the distance worked out from the cities (or entered when a place cannot be found), and the
Nordplus mobility table through the Nordplus rates; what keeps an item out of the budget is a
problem at its field (sources: docs/sources/erasmus-plus-school-2026.md#ka1-unit-costs,
docs/sources/nordplus-junior-2026.md#mobility-project-funding-2026)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale

from webapp.budgets import answers as budget_answers
from webapp.budgets import distances
from webapp.programmes import budget_checks, registry, rules

SOLNA = rules.Participant("applicant", "Solna Gymnasium", "SE", True, "school", "Solna")
HELSINKI = rules.Participant("partner-1", "Helsingin koulu", "FI", True, "school", "Helsinki")


@pytest.fixture
def english(app):
    with force_locale("en"):
        yield


def _trip(**values):
    trip = {
        "activity_type": "pupil_group",
        "destination_country": "IT",
        "destination_city": "Bologna",
        "duration_days": 7,
        "travel_days": 2,
        "green_travel": "no",
        "participants": 20,
        "accompanying_persons": 2,
    }
    return {**trip, **values}


def test_a_group_mobility_to_bologna_from_the_stored_answers(english):
    definition = registry.get("KA122-SCH")
    budget = budget_answers.unit_cost_budget(definition, {"activities": {"items": [_trip()]}}, [SOLNA])
    (item,) = budget.items
    km = distances.distance_between("Solna", "SE", "Bologna", "IT")
    assert item.distance_computed and item.distance_km == km and 500 <= km < 2000
    # 500-1,999 km standard travel €309 × (20 pupils + 2 accompanying); 7 days + 2 funded travel days = 9,
    # pupils €85 × 20 × 9 and accompanying persons at the staff rate €172 × 2 × 9 (SE01).
    assert [line.arithmetic for line in item.budget.lines] == [
        "309 × 22 = 6798",
        "85 × 20 × 9 = 15300",
        "172 × 2 × 9 = 3096",
    ]
    assert budget.total == Decimal(6798 + 15300 + 3096)


def test_a_place_that_cannot_be_found_asks_for_the_distance_and_an_entered_one_is_used(english):
    definition = registry.get("KA122-SCH")
    lost = _trip(destination_country="DK", destination_city="Gladsaxe")  # a municipality, not in GeoNames' towns
    answers = {"activities": {"items": [_trip(), lost]}}
    (problem,) = budget_checks.unit_cost_problems(definition, [SOLNA], set(), answers)
    assert (problem.section, problem.field, problem.item) == ("activities", "distance_km", "items-1")
    assert "cannot find Gladsaxe (DK)" in problem.message and "one-way distance in km" in problem.message
    entered = {"activities": {"items": [_trip(), {**lost, "distance_km": 530}]}}
    assert budget_checks.unit_cost_problems(definition, [SOLNA], set(), entered) == []
    item = budget_answers.unit_cost_budget(definition, entered, [SOLNA]).items[1]
    assert item.distance_km == 530 and not item.distance_computed
    assert item.budget.lines[0].arithmetic == "309 × 22 = 6798"  # 530 km is in the 500-1,999 band


def test_an_unfinished_activity_is_left_to_the_sections_own_check(english):
    definition = registry.get("KA122-SCH")
    answers = {"activities": {"items": [_trip(duration_days=None)]}}
    assert budget_checks.unit_cost_problems(definition, [SOLNA], set(), answers) == []
    assert budget_answers.unit_cost_budget(definition, answers, [SOLNA]).items[0].budget is None


def _exchange(**values):
    item = {
        "activity_type": "class_exchange",
        "sending_organisation": "applicant",
        "host_country": "FI",
        "pupils": 20,
        "teachers": 4,
        "days": 6,
    }
    return {**item, **values}


def test_a_nordplus_class_exchange_from_the_stored_table(english):
    definition = registry.get("NPJ-MOBILITY")
    budget = budget_answers.unit_cost_budget(
        definition, {"mobility_activities": {"items": [_exchange()]}}, [SOLNA, HELSINKI]
    )
    (item,) = budget.items
    # mainland travel €330 × 24 participants; 4 teachers × one week (6 days count as a week, €500)
    amounts = [line.amount for line in item.budget.lines]
    assert amounts == [Decimal(330 * 24), Decimal(4 * 500)]
    assert budget.total == Decimal(330 * 24 + 4 * 500)  # under €15,000: no project management


def test_a_nordplus_trip_within_the_senders_own_country_is_named_at_its_field(english):
    definition = registry.get("NPJ-MOBILITY")
    answers = {"mobility_activities": {"items": [_exchange(), _exchange(host_country="SE")]}}
    (problem,) = budget_checks.unit_cost_problems(definition, [SOLNA, HELSINKI], set(), answers)
    assert (problem.field, problem.item) == ("host_country", "items-1") and "within one country" in problem.message


def test_actions_without_unit_costs_have_none(app):
    for key in ("KA210-SCH", "NPJ-DEVELOPMENT", "NPJ-PREPARATORY-VISIT"):
        assert budget_answers.unit_cost_budget(registry.get(key), {}, [SOLNA]) is None


def test_the_editor_shows_each_activitys_arithmetic(login, make, db):
    application = make.application(action_key="KA122-SCH")
    application.school.city = "Solna"
    from webapp.sections.models import SectionAnswer

    db.session.add(
        SectionAnswer(
            application=application, section_key="activities", data={"items": [_trip()]}, updated_by=application.owner
        )
    )
    db.session.commit()
    page = login(application.owner).get(f"/applications/{application.id}/sections/activities").get_data(as_text=True)
    assert 'id="budget"' in page and "85 × 20 × 9 = 15300" in page and "309 × 22 = 6798" in page


def test_the_dossier_and_the_copy_view_carry_the_budget(login, make, db, app):
    from webapp.pdf import context
    from webapp.sections.models import SectionAnswer

    application = make.application(action_key="KA122-SCH")
    application.school.city = "Solna"
    db.session.add(
        SectionAnswer(
            application=application, section_key="activities", data={"items": [_trip()]}, updated_by=application.owner
        )
    )
    db.session.commit()
    with app.test_request_context():
        budget = context.dossier(application, "en")["budget"]
    assert ("Activity 1: Travel", "309 × 22 = 6798", "€6,798") in budget["rows"]
    assert budget["total"] == "€25,194"  # 6,798 + 15,300 + 3,096
    page = login(application.owner).get(f"/applications/{application.id}/copy").get_data(as_text=True)
    assert 'id="copy-budget"' in page and "85 × 20 × 9 = 15300" in page


def test_a_lump_sum_split_reads_as_its_lines_in_the_dossier(make, db, app):
    from webapp.pdf import context
    from webapp.sections.models import SectionAnswer

    application = make.application(action_key="KA210-SCH")
    rows = {"context": {"lump_sum": "60000"}, "activities": {"items": [{"grant": 12000}, {"grant": 8000}]}}
    for key, data in rows.items():
        db.session.add(SectionAnswer(application=application, section_key=key, data=data, updated_by=application.owner))
    db.session.commit()
    with app.test_request_context():
        budget = context.dossier(application, "en")["budget"]
    assert budget["rows"] == [("Activity 1", "", "€12,000"), ("Activity 2", "", "€8,000")]
    assert (budget["total"], budget["of"]) == ("€20,000", "€60,000")
    assert "Left to allocate: €40,000" in budget["notes"]


def test_the_nordplus_domestic_top_up_comes_from_the_tables_yes_or_no(english):
    definition = registry.get("NPJ-MOBILITY")
    answers = {"mobility_activities": {"items": [_exchange(domestic_home="yes", domestic_host="no")]}}
    (item,) = budget_answers.unit_cost_budget(definition, answers, [SOLNA, HELSINKI]).items
    # travel €330 × 24, the home side's top-up €175 × 24 (over 250 km to the departure station), 4 × one week €500
    assert [line.amount for line in item.budget.lines] == [Decimal(330 * 24), Decimal(175 * 24), Decimal(4 * 500)]


def test_the_nordplus_lines_read_as_figures_in_either_language(app):
    from webapp.budgets import presenters

    definition = registry.get("NPJ-MOBILITY")
    section = definition.section("mobility_activities")
    answers = {"mobility_activities": {"items": [_exchange()]}}
    for language, travel in (("sv", "Resa"), ("en", "Travel")):
        with force_locale(language):
            view = presenters.budget_view(definition, section, answers, [SOLNA, HELSINKI], lambda *_: "")
        lines = [(line.label, line.arithmetic) for line in view.items[0].lines]
        assert lines[0] == (travel, "330 × 24 = 7920")  # €330 per participant, 20 pupils and 4 teachers
        assert lines[1][1] == "500 × 4 = 2000"  # one week per teacher
