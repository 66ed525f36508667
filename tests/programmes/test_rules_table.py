"""The rules of issue 12 that were only text, one row per rule and boundary, each with its source.

Every row cites the docs/sources/ heading its figure comes from (the same citation the definition
carries), and each rule has an accepted and a refused case at its boundary."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from webapp.partners.models import Partner
from webapp.programmes import checks, registry, rules
from webapp.sections import services as sections

THIRD_COUNTRIES = "docs/sources/countries.md#third-countries-not-associated-to-the-programme"
KA220 = "docs/sources/erasmus-plus-school-2026.md#ka220-sch"
KA210 = "docs/sources/erasmus-plus-school-2026.md#ka210-sch"
SCHLESWIG = "docs/sources/countries.md#southern-schleswig"
CODES = "docs/sources/countries.md#country-codes"
KA122 = "docs/sources/erasmus-plus-school-2026.md#ka122-sch"
LANGUAGE = "docs/sources/nordplus-junior-2026.md#espresso-and-application-language"


@pytest.fixture
def english(app):
    """Rule messages read in English (the source language: new messages are not yet translated)."""
    with force_locale("en"):
        yield


def _orgs(applicant, *partners, unconfirmed=()):
    orgs = [rules.Participant("applicant", "Solna skola", applicant, True)]
    orgs += [rules.Participant(f"partner-{i}", f"Partner {i}", c, True) for i, c in enumerate(partners, 1)]
    orgs += [rules.Participant(f"partner-{9 + i}", f"Obekräftad {i}", c, False) for i, c in enumerate(unconfirmed)]
    return orgs


def _messages(problems):
    return [p.message for p in problems]


# --- Partnership: partner-only countries, Southern Schleswig, Greece as EL -------------------------
# (source, action, applicant, partners, expected): expected None when accepted, else what the
# refusal says: "short" (the minimum, naming the action) and/or ("partner_only" | "ineligible", code).
PARTNERSHIP_ROWS = [
    # KA220: a UK, US or Ukrainian partner beyond the minimum is accepted ...
    (THIRD_COUNTRIES, "KA220-SCH", "SE", ("DK", "DE", "GB"), None),
    (THIRD_COUNTRIES, "KA220-SCH", "SE", ("DK", "DE", "US", "UA"), None),
    # ... but third-country partners never make up the minimum of 3 EU/associated countries,
    (KA220, "KA220-SCH", "SE", ("DK", "GB"), ["short"]),
    (KA220, "KA220-SCH", "SE", ("US", "UA", "GB"), ["short"]),
    # ... and never apply.
    (THIRD_COUNTRIES, "KA220-SCH", "GB", ("SE", "DK", "DE"), [("partner_only", "GB")]),
    (THIRD_COUNTRIES, "KA220-SCH", "US", ("SE", "DK", "DE"), [("partner_only", "US")]),
    # KA210 lists no partner-only countries: a UK partner does not count there (sources say nothing).
    (KA210, "KA210-SCH", "SE", ("DK", "GB"), [("ineligible", "GB")]),
    # Nordplus: Southern Schleswig (XS) is a partner, never the coordinator, and counts towards no minimum.
    (SCHLESWIG, "NPJ-MOBILITY", "SE", ("FI", "XS"), None),
    (SCHLESWIG, "NPJ-DEVELOPMENT", "SE", ("FI", "EE", "XS"), None),
    (SCHLESWIG, "NPJ-MOBILITY", "XS", ("SE", "FI"), [("partner_only", "XS")]),
    (SCHLESWIG, "NPJ-MOBILITY", "SE", ("XS",), ["short"]),
    (SCHLESWIG, "NPJ-MOBILITY", "SE", ("FI", "DE"), [("ineligible", "DE")]),  # Germany elsewhere: not Nordplus
    # Greece written EL, as Erasmus+ codes do, is Greece (GR).
    (CODES, "KA210-SCH", "SE", ("EL",), None),
    (CODES, "KA210-SCH", "SE", ("GR",), None),
    (CODES, "KA220-SCH", "SE", ("EL", "GR"), ["short"]),  # EL and GR are one country, not two
    (CODES, "NPJ-MOBILITY", "SE", ("FI", "EL"), [("ineligible", "GR")]),
]


@pytest.mark.parametrize("source,key,applicant,partners,expected", PARTNERSHIP_ROWS)
def test_partnership_rules(english, source, key, applicant, partners, expected):
    definition = registry.get(key)
    assert source.split("#")[0] in definition.eligibility.partnership.source or source.startswith(
        "docs/sources/countries"
    )
    problems = checks.partnership_problems(
        definition, _orgs(applicant, *partners), sections.eligible_countries(definition)
    )
    messages = _messages(problems)
    if expected is None:
        assert problems == [], messages
        return
    assert len(problems) == len(expected), messages
    for want in expected:
        if want == "short":
            rule = definition.eligibility.partnership
            assert any(
                key in m and f"at least {rule.min_organisations}" in m and f"at least {rule.min_countries}" in m
                for m in messages
            ), messages
        else:
            kind, code = want
            phrase = "partners only" if kind == "partner_only" else "not an eligible country"
            assert any(re.search(rf"\({code}\)", m) and phrase in m and key in m for m in messages), messages
    assert all(p.page == "partners" for p in problems)


def test_a_third_country_partner_beyond_the_minimum_is_named_as_not_counting(english):
    definition = registry.get("KA220-SCH")
    (problem,) = checks.partnership_problems(
        definition, _orgs("SE", "DK", "GB"), sections.eligible_countries(definition)
    )
    assert "GB" in problem.message and "do not count" in problem.message


def test_every_partner_only_entry_is_a_group_or_a_code(app):
    countries = registry.countries()
    for definition in registry.all_actions():
        for entry in definition.eligibility.partnership.partner_only_countries:
            assert entry in countries.groups or entry in countries.regions or re.fullmatch(r"[A-Z]{2}", entry), (
                definition.key,
                entry,
            )


def test_southern_schleswig_is_named_in_the_readers_language(english):
    assert rules.country_name("XS") == "Southern Schleswig (Germany)"


# --- Greece as EL where a partner is saved (docs/sources/countries.md#country-codes) ---------------
@pytest.mark.parametrize("sent,stored", [("EL", "GR"), ("GR", "GR")])
def test_a_partner_saved_as_el_is_stored_as_greece(login, make, db, sent, stored):
    application = make.application()
    form = {"name": "Lykeio Athinon", "country": sent, "city": "", "oid": "", "contact_name": "",
            "contact_email": "", "status": "contacted", "notes": ""}  # fmt: skip
    response = login(application.owner).post(f"/applications/{application.id}/partners/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.rollback()
    (partner,) = db.session.scalars(db.select(Partner).where(Partner.application_id == application.id))
    assert partner.country == stored


def test_a_partner_in_southern_schleswig_can_be_chosen(login, make, db):
    application = make.application(action_key="NPJ-MOBILITY")
    client = login(application.owner)
    page = client.get(f"/applications/{application.id}/partners/new").get_data(as_text=True)
    assert re.search(r'value="XS"[^>]*>\s*Sydslesvig \(Tyskland\)', page)  # the reader's language: Swedish
    form = {"name": "Duborg-Skolen", "country": "XS", "city": "Flensburg", "oid": "", "contact_name": "",
            "contact_email": "", "status": "confirmed", "notes": ""}  # fmt: skip
    assert client.post(f"/applications/{application.id}/partners/new", data=form).status_code == 302


# --- KA122: at most 30 participants per application, over every activity ---------------------------
def _activities(*rows):
    return {"activities": {"items": [{"activity_type": kind, "participants": n} for kind, n in rows]}}


# (source, activities as (type, participants), accepted)
CAP_ROWS = [
    (KA122, [("job_shadowing", 30)], True),
    (KA122, [("job_shadowing", 15), ("pupil_group", 15)], True),
    (KA122, [("job_shadowing", 15), ("pupil_group", 16)], False),  # 31 split over two rows
    (KA122, [("courses", 10), ("courses", 10), ("pupil_group", 11)], False),
    (KA122, [("pupil_group", 30), ("preparatory_visit", 4)], True),  # preparatory visits do not count
    (KA122, [("pupil_group", "30"), ("courses", "1")], False),  # numbers as stored from a form
]


@pytest.mark.parametrize("source,rows,accepted", CAP_ROWS)
def test_ka122_participants_per_application(english, source, rows, accepted):
    definition = registry.get("KA122-SCH")
    assert definition.eligibility.participants_counted.source.startswith(source)
    problems = checks.participant_cap_problems(definition, [], set(), _activities(*rows))
    if accepted:
        assert problems == [], _messages(problems)
        return
    (problem,) = problems
    total = sum(int(n) for kind, n in rows if kind != "preparatory_visit")
    assert "at most 30 participants per application (KA122-SCH)" in problem.message
    assert f"have {total}" in problem.message
    assert (problem.section, problem.field) == ("activities", "participants")


def test_the_cap_blocks_the_stage_where_activities_are_written(english):
    definition = registry.get("KA122-SCH")
    stage = definition.section("activities").stage
    report = checks.stage_report(
        definition, stage, _activities(("courses", 20), ("pupil_group", 11)), _orgs("SE"), set()
    )
    assert any("at most 30 participants" in p.message for p in report.problems)


# --- Nordplus: English when a Baltic partner takes part -------------------------------------------
# (source, action, partners, unconfirmed, language chosen, accepted)
LANGUAGE_ROWS = [
    (LANGUAGE, "NPJ-MOBILITY", ("EE",), (), "en", True),
    (LANGUAGE, "NPJ-MOBILITY", ("EE",), (), "sv", False),
    (LANGUAGE, "NPJ-DEVELOPMENT", ("FI", "LT"), (), "da", False),
    (LANGUAGE, "NPJ-PREPARATORY-VISIT", ("LV",), (), "no", False),
    (LANGUAGE, "NPJ-MOBILITY", ("FI", "NO"), (), "sv", True),  # Nordic partners only: any of the four
    (LANGUAGE, "NPJ-MOBILITY", ("FI",), ("LV",), "sv", True),  # a partner not yet confirmed does not count
    (LANGUAGE, "NPJ-MOBILITY", ("EE",), (), None, True),  # unanswered: left to the required field
]


@pytest.mark.parametrize("source,key,partners,unconfirmed,chosen,accepted", LANGUAGE_ROWS)
def test_nordplus_language_with_a_baltic_partner(english, source, key, partners, unconfirmed, chosen, accepted):
    definition = registry.get(key)
    assert definition.eligibility.language.source.startswith(source)
    answers = {"context": {"form_language": chosen}} if chosen else {}
    problems = checks.language_problems(definition, _orgs("SE", *partners, unconfirmed=unconfirmed), set(), answers)
    if accepted:
        assert problems == [], _messages(problems)
        return
    (problem,) = problems
    baltic = [c for c in partners if c in ("EE", "LV", "LT")]
    assert "English" in problem.message and key in problem.message
    assert all(f"({c})" in problem.message for c in baltic), problem.message
    assert (problem.section, problem.field) == ("context", "form_language")


def test_the_language_rule_blocks_the_stage_of_the_language_field(english):
    definition = registry.get("NPJ-MOBILITY")
    stage = definition.section("context").stage
    report = checks.stage_report(
        definition,
        stage,
        {"context": {"form_language": "sv"}},
        _orgs("SE", "EE"),
        sections.eligible_countries(definition),
    )
    assert any("English" in p.message and p.field == "form_language" for p in report.problems)


# (source, action, partner's country, warned in the partner list)
LIST_ROWS = [
    (THIRD_COUNTRIES, "KA220-SCH", "GB", False),
    (KA210, "KA210-SCH", "GB", True),
    (SCHLESWIG, "NPJ-MOBILITY", "XS", False),
    (SCHLESWIG, "NPJ-MOBILITY", "DE", True),
]


@pytest.mark.parametrize("source,key,country,warned", LIST_ROWS)
def test_the_partner_list_warns_only_about_partners_who_may_not_take_part(login, make, source, key, country, warned):
    application = make.application(action_key=key)
    make.partner(application, name="Partnern", country=country)
    page = login(application.owner).get(f"/applications/{application.id}/partners/").get_data(as_text=True)
    confirmed = page.split('id="col-confirmed"')[1].split("</section>")[0]
    assert ("warning-text" in confirmed) == warned


# --- Nordplus: limits on each row of the mobility table --------------------------------------------
EXCHANGE = "docs/sources/nordplus-junior-2026.md#teacher-exchange-and-class-exchange"
STUDY_VISIT = "docs/sources/nordplus-junior-2026.md#study-visit"
PREPARATORY = "docs/sources/nordplus-junior-2026.md#preparatory-visit"
COORDINATE = "docs/sources/nordplus-junior-2026.md#who-may-coordinate"


def _mobility(*rows):
    """Rows of the mobility table as (activity type, pupils, teachers, days)."""
    items = [
        {"activity_type": kind, "pupils": pupils, "teachers": teachers, "days": days}
        for kind, pupils, teachers, days in rows
    ]
    return {"mobility_activities": {"items": items}}


# (source, activity as (type, pupils, teachers, days), refused: None or (field, what the message says))
ACTIVITY_ROWS = [
    # Class exchange: at most 2 teachers per started 10 pupils.
    (EXCHANGE, ("class_exchange", 10, 2, 7), None),
    (EXCHANGE, ("class_exchange", 10, 3, 7), ("teachers", "at most 2 for a class exchange with 10 pupils")),
    (EXCHANGE, ("class_exchange", 11, 4, 7), None),
    (EXCHANGE, ("class_exchange", 11, 5, 7), ("teachers", "at most 4 for a class exchange with 11 pupils")),
    (EXCHANGE, ("class_exchange", 30, 6, 7), None),
    (EXCHANGE, ("class_exchange", "30", "7", "7"), ("teachers", "at most 6")),  # numbers as stored from a form
    # Class exchange: from 5 days (uncertain: 5 or 7) up to 3 weeks, travel included.
    (EXCHANGE, ("class_exchange", 20, 2, 5), None),
    (EXCHANGE, ("class_exchange", 20, 2, 4), ("days", "Number of days, including travel: 4, at least 5 for a class exchange")),
    (EXCHANGE, ("class_exchange", 20, 2, 21), None),
    (EXCHANGE, ("class_exchange", 20, 2, 22), ("days", "Number of days, including travel: 22, at most 21 for a class exchange")),
    # Study visit: 2 to 5 staff, at most 5 days including travel.
    (STUDY_VISIT, ("study_visit", None, 2, 5), None),
    (STUDY_VISIT, ("study_visit", None, 5, 3), None),
    (STUDY_VISIT, ("study_visit", None, 1, 3), ("teachers", "Number of teachers or other staff: 1, at least 2 for a study visit")),
    (STUDY_VISIT, ("study_visit", None, 6, 3), ("teachers", "Number of teachers or other staff: 6, at most 5 for a study visit")),
    (STUDY_VISIT, ("study_visit", None, 3, 6), ("days", "Number of days, including travel: 6, at most 5 for a study visit")),
    # A teacher exchange has none of these limits; an unanswered number is left to `required`.
    (EXCHANGE, ("teacher_exchange", None, 8, 30), None),
    (EXCHANGE, ("class_exchange", None, 3, None), None),
    (STUDY_VISIT, ("study_visit", None, None, 9), ("days", "at most 5 for a study visit")),
]  # fmt: skip


@pytest.mark.parametrize("source,activity,refused", ACTIVITY_ROWS)
def test_nordplus_mobility_activity_limits(english, source, activity, refused):
    definition = registry.get("NPJ-MOBILITY")
    assert any(limit.source.startswith(source) for limit in definition.eligibility.activity_limits)
    first = ("teacher_exchange", None, 2, 5)  # the row tested is the second: its anchor says so
    problems = checks.activity_limit_problems(definition, [], set(), _mobility(first, activity))
    if refused is None:
        assert problems == [], _messages(problems)
        return
    (problem,) = problems
    field, says = refused
    kind = {"class_exchange": "Class exchange", "study_visit": "Study visit"}[activity[0]]
    assert problem.message.startswith(f"Activity 2 ({kind}): "), problem.message
    assert says in problem.message and "(NPJ-MOBILITY)" in problem.message, problem.message
    assert (problem.section, problem.field, problem.item) == ("mobility_activities", field, "items-1")


def test_the_ratio_reading_is_said_in_the_message(english):
    definition = registry.get("NPJ-MOBILITY")
    (problem,) = checks.activity_limit_problems(definition, [], set(), _mobility(("class_exchange", 11, 5, 7)))
    assert "2 per 10 pupils, a started 10 counting as a whole" in problem.message, problem.message


def test_the_activity_limits_block_the_stage_of_the_mobility_table(english):
    definition = registry.get("NPJ-MOBILITY")
    stage = definition.section("mobility_activities").stage
    assert "activity_limits" in definition.stage_checks[stage]
    report = checks.stage_report(definition, stage, _mobility(("study_visit", None, 6, 3)), _orgs("SE", "FI"), set())
    assert any("at most 5 for a study visit" in p.message for p in report.problems)


def test_the_preparatory_visit_keeps_its_limits_as_field_limits(app):
    """docs/sources/nordplus-junior-2026.md#preparatory-visit: at most 2 participants per organisation
    and 5 days; the form refuses more at save, so no activity limit repeats them."""
    definition = registry.get("NPJ-PREPARATORY-VISIT")
    assert definition.section("organisations").field("participants").max == 2
    assert definition.section("visit").field("days").max == 5
    assert definition.eligibility.activity_limits == []


# --- Nordplus: a preparatory visit is an application of its own ----------------------------------
# (source, stored activity types, refused)
OWN_APPLICATION_ROWS = [
    (PREPARATORY, ["class_exchange", "study_visit"], False),
    (PREPARATORY, ["preparatory_visit", "class_exchange"], True),  # stored before the form stopped offering it
    (PREPARATORY, ["preparatory_visit"], True),
    (PREPARATORY, [], False),  # unanswered: left to `required`
]


@pytest.mark.parametrize("source,chosen,refused", OWN_APPLICATION_ROWS)
def test_a_preparatory_visit_is_not_combined(english, source, chosen, refused):
    definition = registry.get("NPJ-MOBILITY")
    (rule,) = definition.eligibility.own_application
    assert rule.source.startswith(source)
    problems = checks.own_application_problems(definition, [], set(), {"context": {"activity_types": chosen}})
    if not refused:
        assert problems == [], _messages(problems)
        return
    (problem,) = problems
    assert "Preparatory visit cannot be combined with other activities in NPJ-MOBILITY" in problem.message
    assert "NPJ-PREPARATORY-VISIT" in problem.message
    assert (problem.section, problem.field) == ("context", "activity_types")


@pytest.mark.parametrize("key", ["NPJ-MOBILITY", "NPJ-DEVELOPMENT", "NPJ-NETWORK"])
def test_the_project_forms_do_not_offer_a_preparatory_visit(app, key):
    field = registry.get(key).section("context").field("activity_types")
    source = field.choices if field.choices is not None else registry.choices().lists[field.choices_from]
    assert "preparatory_visit" not in {c.value for c in source}


def test_a_stored_preparatory_visit_still_reads(english):
    from webapp.sections.presenters import display_value

    field = registry.get("NPJ-MOBILITY").section("context").field("activity_types")
    shown = display_value(field, ["preparatory_visit", "class_exchange"], [])  # no longer a choice: not an error
    assert "Class exchange" in shown and "preparatory" in shown.lower(), shown


# --- Nordplus: Southern Schleswig as a host country ------------------------------------------------
def test_southern_schleswig_is_offered_as_host_by_its_code(app):
    """docs/sources/countries.md#southern-schleswig: the user-assigned code XS, never DE (Germany)."""
    field = registry.get("NPJ-MOBILITY").section("mobility_activities").field("host_country")
    offered = {c.value: c.label.en for c in field.choices}
    assert offered["XS"] == "Southern Schleswig (Germany)" and "DE" not in offered
    assert "XS" in registry.countries().regions


# --- Nordplus: who may coordinate, who may be a partner --------------------------------------------
def _organisations(*rows):
    """Items of the organisations section: the applicant first, then confirmed partners, as (role, type)."""
    keys = ["applicant"] + [f"partner-{i}" for i in range(1, len(rows))]
    items = {key: {"role": role, "organisation_type": kind} for key, (role, kind) in zip(keys, rows, strict=True)}
    return {"organisations": {"items": items}}


C, P = "coordinator", "partner"
# (source, action, (role, type) per organisation, refused: None or what the messages say)
ROLE_ROWS = [
    (COORDINATE, "NPJ-MOBILITY", [(C, "school"), (P, "preschool")], None),
    (COORDINATE, "NPJ-MOBILITY", [(C, "culture_school"), (P, "school")], None),
    (COORDINATE, "NPJ-MOBILITY", [(C, "municipality"), (P, "school")], ["Solna skola: Type of organisation: Municipality or education department, but the coordinator of NPJ-MOBILITY must be one of", "Municipalities and education departments may only be partners"]),
    (COORDINATE, "NPJ-DEVELOPMENT", [(C, "municipality"), (P, "school"), (P, "school")], ["the coordinator of NPJ-DEVELOPMENT", "may be partners but not coordinators"]),
    (COORDINATE, "NPJ-NETWORK", [(C, "other"), (P, "school"), (P, "school")], ["the coordinator of NPJ-NETWORK"]),
    (COORDINATE, "NPJ-PREPARATORY-VISIT", [(C, "municipality"), (P, "school")], ["the coordinator of NPJ-PREPARATORY-VISIT", "may only be partners"]),
    # Exactly one coordinator.
    (COORDINATE, "NPJ-MOBILITY", [(C, "school"), (C, "school")], ["exactly one organisation is the coordinator of NPJ-MOBILITY; 2 are"]),
    (COORDINATE, "NPJ-MOBILITY", [(P, "school"), (P, "school")], ["exactly one organisation is the coordinator of NPJ-MOBILITY; none"]),
    # Mobility-project partners are preschools, schools or culture schools; a development project
    # takes other organisations working with school education as partners.
    (COORDINATE, "NPJ-MOBILITY", [(C, "school"), (P, "municipality")], ["Partner 1: Type of organisation: Municipality or education department, but the partners of NPJ-MOBILITY must be one of"]),
    (COORDINATE, "NPJ-DEVELOPMENT", [(C, "school"), (P, "municipality"), (P, "other")], None),
    # Unanswered fields are left to `required`.
    (COORDINATE, "NPJ-MOBILITY", [(None, "school"), (P, "school")], None),
    (COORDINATE, "NPJ-MOBILITY", [(C, None), (P, None)], None),
]  # fmt: skip


@pytest.mark.parametrize("source,key,rows,refused", ROLE_ROWS)
def test_nordplus_who_may_coordinate(english, source, key, rows, refused):
    definition = registry.get(key)
    assert definition.eligibility.organisation_roles.source.startswith(source)
    orgs = _orgs("SE", *(["FI"] * (len(rows) - 1)))
    problems = checks.organisation_role_problems(definition, orgs, set(), _organisations(*rows))
    messages = _messages(problems)
    if refused is None:
        assert problems == [], messages
        return
    assert len(problems) == 1, messages
    assert all(says in messages[0] for says in refused), messages
    assert problems[0].section == "organisations"


def test_an_unconfirmed_partner_is_not_counted_as_coordinator(english):
    definition = registry.get("NPJ-MOBILITY")
    orgs = _orgs("SE", "FI", unconfirmed=("NO",))
    answers = _organisations((C, "school"), (P, "school"))
    answers["organisations"]["items"]["partner-9"] = {"role": C, "organisation_type": "municipality"}
    assert checks.organisation_role_problems(definition, orgs, set(), answers) == []


@pytest.mark.parametrize("key", ["NPJ-MOBILITY", "NPJ-DEVELOPMENT", "NPJ-NETWORK", "NPJ-PREPARATORY-VISIT"])
def test_who_may_coordinate_blocks_the_stage_of_the_organisations(english, key):
    definition = registry.get(key)
    stage = definition.section("organisations").stage
    assert "organisation_roles" in definition.stage_checks[stage]
    orgs = _orgs("SE", "FI")
    answers = _organisations((C, "municipality"), (P, "school"))
    report = checks.stage_report(definition, stage, answers, orgs, sections.eligible_countries(definition))
    problem = next(p for p in report.problems if "coordinator of" in p.message)
    assert (problem.field, problem.item) == ("organisation_type", "org-applicant")


# --- KA240: the mix of organisations per country -------------------------------------------------
KA240 = "docs/sources/erasmus-plus-school-2026.md#ka240-sch"
A, S = "school_authority", "school"  # kinds of organisation
# (source, the applicant's kind, partners as (country, kind), expected): None when accepted, else
# which part is short: "own" (the coordinator's country) and/or "other" (another country's mix).
COMPOSITION_ROWS = [
    (KA240, A, [("SE", S), ("SE", S), ("FI", A), ("FI", S), ("FI", S)], None),  # 6 organisations: the minimum
    (KA240, A, [("SE", S), ("SE", "preschool"), ("FI", A), ("FI", S), ("FI", "preschool")], None),
    (KA240, A, [("SE", S), ("FI", A), ("FI", S), ("FI", S), ("DK", S)], ["own"]),  # one school at home
    (KA240, A, [("SE", S), ("SE", S), ("FI", A), ("FI", S), ("DK", S)], ["other"]),  # Finland: one school
    (KA240, A, [("SE", S), ("SE", S), ("FI", S), ("FI", S), ("FI", S)], ["other"]),  # Finland: no authority
    (KA240, A, [("SE", A), ("SE", S), ("SE", S), ("SE", S)], ["other"]),  # no other country at all
    (KA240, A, [("FI", A), ("FI", S), ("FI", S)], ["own"]),  # Finland brings its mix; Sweden none
    (KA240, A, [("SE", S), ("FI", A), ("FI", S)], ["own", "other"]),
]


@pytest.mark.parametrize("source,applicant_kind,partners,expected", COMPOSITION_ROWS)
def test_the_ka240_composition(english, source, applicant_kind, partners, expected):
    definition = registry.get("KA240-SCH")
    assert source.split("#")[0] in definition.eligibility.composition.source
    orgs = [rules.Participant("applicant", "Solna stad", "SE", True, applicant_kind)]
    orgs += [rules.Participant(f"partner-{i}", f"Org {i}", c, True, k) for i, (c, k) in enumerate(partners, 1)]
    orgs.append(rules.Participant("partner-99", "Obekräftad huvudman", "DK", False, A))  # not counted yet
    problems = checks.composition_problems(definition, orgs, sections.eligible_countries(definition))
    messages = _messages(problems)
    if expected is None:
        assert problems == [], messages
        return
    found = ["own" if "the coordinator's own country" in m else "other" for m in messages]
    assert found == expected, messages
    if "own" in expected:
        held = sum(1 for c, k in partners if c == "SE" and k in (S, "preschool"))
        assert "Sweden" in messages[0] and f"schools {held}/2" in messages[0], messages
    if "other" in expected:
        assert "school authorities 1" in messages[-1] and "schools 2" in messages[-1], messages
    assert all(p.page == "partners" for p in problems)
