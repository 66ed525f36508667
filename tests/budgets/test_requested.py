"""What an application asks for: the chosen lump sum or the unit-cost total, kept on the
application by every save of its budget section, without touching the record's version."""

from __future__ import annotations

from test_unit_cost_answers import HELSINKI, SOLNA, _exchange

from webapp.applications.models import Application
from webapp.auth.models import Role
from webapp.budgets.requested import budget_sections, requested_eur
from webapp.programmes import registry
from webapp.sections import services as sections


def test_a_lump_sum_action_asks_for_the_chosen_lump_sum():
    definition = registry.get("KA210-SCH")
    assert budget_sections(definition) == {"context"}
    assert requested_eur(definition, {"context": {"lump_sum": "60000"}}, [SOLNA]) == 60_000
    assert requested_eur(definition, {"context": {}}, [SOLNA]) is None


def test_a_unit_cost_action_asks_for_its_total():
    definition = registry.get("NPJ-MOBILITY")
    assert budget_sections(definition) == {"mobility_activities"}
    stored = {"mobility_activities": {"items": [_exchange()]}}
    assert requested_eur(definition, stored, [SOLNA, HELSINKI]) == 330 * 24 + 4 * 500
    assert requested_eur(definition, {}, [SOLNA, HELSINKI]) is None


def test_saving_the_budget_section_keeps_the_amount_and_not_the_version(make, db):
    teacher = make.user(Role.TEACHER)
    application = make.application(teacher.memberships[0].school, owner=teacher)
    db.session.commit()
    version = application.version

    def stored():
        db.session.expire_all()
        return db.session.get(Application, application.id)

    sections.save_section(teacher, application, "context", {"lump_sum": "60000"}, 0)
    db.session.commit()
    assert (stored().requested_eur, stored().version) == (60_000, version)
    sections.save_section(teacher, stored(), "context", {"lump_sum": "30000"}, 1)
    db.session.commit()
    assert stored().requested_eur == 30_000
    sections.save_section(teacher, stored(), "idea", {}, 0)  # not a budget section: nothing asked again
    db.session.commit()
    assert (stored().requested_eur, stored().version) == (30_000, version)


def test_a_new_application_started_from_an_earlier_one_asks_for_the_same(make, db):
    from webapp.applications import services as applications

    teacher = make.user(Role.TEACHER)
    school = teacher.memberships[0].school
    earlier = make.application(school, owner=teacher)
    sections.save_section(teacher, earlier, "context", {"lump_sum": "60000"}, 0)
    db.session.commit()
    again = applications.create(teacher, school, "KA210-SCH", "2027-R1", "Läsglädje igen", copy_from=earlier)
    db.session.commit()
    assert again.requested_eur == 60_000
