"""Lump-sum budgets (KA210, KA220, KA240): the amounts add up exactly to the chosen lump sum, and
project management stays within 20 % of it. Every row shows its arithmetic; sources:
docs/sources/erasmus-plus-school-2026.md#ka210-sch (activities total the lump sum) and
#ka220-sch-work-packages (WP1 at most 20 %)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale

from webapp.programmes import checks, lump_sums, registry, rules


@pytest.fixture
def english(app):
    with force_locale("en"):
        yield


ORGS = [
    rules.Participant("applicant", "Solna Gymnasium", "SE", True),
    rules.Participant("partner-1", "Gladsaxe Gymnasium", "DK", True),
]


def _ka210(lump_sum, *grants, leaders=None):
    leaders = leaders or ["applicant"] * len(grants)
    return {
        "context": {"lump_sum": lump_sum},
        "activities": {
            "items": [{"grant": g, "leading_organisation": o} for g, o in zip(grants, leaders, strict=True)]
        },
    }


def _ka220(lump_sum, management, *grants):
    return {
        "context": {"lump_sum": lump_sum},
        "project_management": {"grant": management},
        "work_packages": {"items": [{"grant": g, "leading_organisation": "partner-1"} for g in grants]},
    }


# (action, answers, left to allocate, the problems' kinds): "sum" (not the lump sum), "cap" (WP1 over 20 %)
ROWS = [
    # KA210 €60,000: the demo's €20,000 of activities leaves 60,000 − 20,000 = €40,000.
    ("KA210-SCH", _ka210("60000", 12000, 8000), Decimal(40000), ["sum"]),
    ("KA210-SCH", _ka210("60000", 30000, 30000), Decimal(0), []),  # 30,000 + 30,000 = 60,000
    ("KA210-SCH", _ka210("30000", 15000, 15001), Decimal(-1), ["sum"]),  # €1 too much
    ("KA210-SCH", _ka210("30000", "15000", "15000"), Decimal(0), []),  # amounts stored as text still count
    # KA220 €120,000: WP1 at exactly 20 % = 24,000 with 96,000 in work packages is right ...
    ("KA220-SCH", _ka220("120000", 24000, 50000, 46000), Decimal(0), []),
    # ... €1 short: 24,000 + 50,000 + 45,999 = 119,999,
    ("KA220-SCH", _ka220("120000", 24000, 50000, 45999), Decimal(1), ["sum"]),
    # ... WP1 just over 20 %: 24,001 > 0.20 × 120,000 = 24,000, even when the total is right.
    ("KA220-SCH", _ka220("120000", 24001, 50000, 45999), Decimal(0), ["cap"]),
    ("KA240-SCH", _ka220("400000", 80001, 319999), Decimal(0), ["cap"]),  # the KA220 rule, assumed
]


@pytest.mark.parametrize("action,answers,left,kinds", ROWS)
def test_the_split(english, action, answers, left, kinds):
    definition = registry.get(action)
    split = lump_sums.split(definition, answers, ORGS)
    assert split.left == left
    problems = checks.lump_sum_problems(definition, ORGS, set(), answers)
    found = ["cap" if "at most 20" in p.message else "sum" for p in problems]
    assert found == kinds, [p.message for p in problems]
    for problem in problems:
        assert action in problem.message
        if "sum" in kinds and problem.message.find("still to allocate") > 0:
            assert f"€{left:,.0f} still to allocate" in problem.message
    if "cap" in kinds:
        (cap,) = [p for p in problems if "at most 20" in p.message]
        assert (cap.section, cap.field) == ("project_management", "grant")


def test_the_message_names_the_total_the_lump_sum_and_where_to_fix_it(english):
    definition = registry.get("KA210-SCH")
    (problem,) = checks.lump_sum_problems(definition, ORGS, set(), _ka210("60000", 12000, 8000))
    assert "add up to €20,000, the lump sum is €60,000: €40,000 still to allocate" in problem.message
    assert (problem.section, problem.field, problem.item) == ("activities", "grant", "items-0")


def test_nothing_is_said_before_a_lump_sum_is_chosen_or_of_amounts_that_are_not_numbers(english):
    definition = registry.get("KA210-SCH")
    assert checks.lump_sum_problems(definition, ORGS, set(), _ka210(None, 1000)) == []
    split = lump_sums.split(definition, _ka210("30000", "abc", None, 30000, leaders=["applicant"] * 3), ORGS)
    assert split.total == 30000 and split.left == 0


def test_each_organisations_share(english):
    definition = registry.get("KA210-SCH")
    answers = _ka210("60000", 20000, 25000, 15000, leaders=["applicant", "partner-1", "applicant"])
    shares = lump_sums.split(definition, answers, ORGS).shares
    # Solna leads 20,000 + 15,000 = 35,000 (58.3 % of 60,000); Gladsaxe 25,000 (41.7 %).
    assert [(s.name, s.amount, s.percent) for s in shares] == [
        ("Solna Gymnasium", Decimal(35000), Decimal("58.3")),
        ("Gladsaxe Gymnasium", Decimal(25000), Decimal("41.7")),
    ]


def test_an_action_without_a_lump_sum_has_no_split(app):
    assert lump_sums.split(registry.get("KA122-SCH"), {}, ORGS) is None


@pytest.mark.parametrize(
    "old,new,says",
    [
        ("  parts: [activities.grant]", "  parts: [activities.grants]", r"lump_sum_split\.parts\.0: activities\.grants is not a number field"),
        ("  lump_sum: context.lump_sum", "  lump_sum: context.title", r"lump_sum_split\.lump_sum: context\.title is not a choice of euro amounts"),
        ("  share_by: activities.leading_organisation", "  share_by: activities.venue", r"lump_sum_split\.share_by: activities\.venue is not an organisation field of a repeated part"),
    ],
)  # fmt: skip
def test_a_broken_split_is_refused_naming_the_file_and_line(tmp_path, old, new, says):
    import re
    import shutil

    from support import ROOT
    from webapp.programmes.loader import DefinitionError, load_all

    folder = tmp_path / "workflows"
    shutil.copytree(ROOT / "workflows", folder)
    path = folder / "ka210-sch/2026.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DefinitionError) as raised:
        load_all(folder)
    assert re.search(rf"^workflows/ka210-sch/2026\.yaml: line \d+, {says}$", str(raised.value), re.M), raised.value


@pytest.mark.parametrize(
    "action,section,field,value,limit",
    [
        ("KA210-SCH", "activities", "items-0-grant", "1e9", "60"),  # no activity is more than the largest lump sum
        ("KA210-SCH", "activities", "items-0-grant", "-1", "0"),
        ("KA220-SCH", "work_packages", "items-0-grant", "400001", "400"),
        ("KA220-SCH", "project_management", "grant", "1e9", "400"),
    ],
)
def test_an_absurd_amount_is_refused_next_to_the_field_naming_the_limit(
    login, make, db, action, section, field, value, limit
):
    from pages import field_errors
    from webapp.sections.models import SectionAnswer

    application = make.application(action_key=action)
    response = login(application.owner).post(
        f"/applications/{application.id}/sections/{section}",
        data={"version": "0", "items-0-title": "Fortbildning", field: value},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert limit in field_errors(page)[field]
    assert f'value="{value}"' in page  # what was typed is kept
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(SectionAnswer)) == 0
