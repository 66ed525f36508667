"""Writing the application: drafts, limits, repeats, conflicts, stages, self-assessment, reuse."""

import json
import re
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from wtforms import ValidationError

from pages import field_errors, flashes, form_errors, invalid_fields, numbers, parse, say
from webapp.auth.models import Role
from webapp.core.i18n import format_time
from webapp.lifecycle import TRANSITIONS, Stage, Status
from webapp.lifecycle.engine import decide
from webapp.partners.models import PartnerStatus
from webapp.programmes import checks, registry, rules
from webapp.programmes import forms as section_forms
from webapp.sections import services as sections
from webapp.sections.models import SectionAnswer


def url(application, key):
    return f"/applications/{application.id}/sections/{key}"


def stored(db, application, key):
    return db.session.scalar(
        db.select(SectionAnswer).where(SectionAnswer.application_id == application.id, SectionAnswer.section_key == key)
    )


def refused_by(check, value) -> str:
    """The message a field check of the section forms gives for `value`, in Swedish."""
    with pytest.raises(ValidationError) as refused:
        check(None, SimpleNamespace(data=value))
    return say(lambda: str(refused.value.args[0]))


def section_form_says(app, application, key, data) -> dict:
    """What the section's own form says about `data`, by field id: what the page should show."""
    definition = sections.definition_of(application)
    form_class = section_forms.section_form_class(
        definition.section(key), "sv", registry.choices(), sections.participants(application)
    )
    return form_errors(app, form_class, data)


def test_a_draft_saves_incomplete(login, make, db):
    application = make.application()
    client = login(application.owner)
    response = client.post(
        url(application, "needs"), data={"version": "0", "need": "Eleverna läser för lite.", "goals": ""}
    )
    assert response.status_code == 302
    row = stored(db, application, "needs")
    assert row.data["need"] == "Eleverna läser för lite." and row.data["goals"] == "" and row.version == 1
    report = sections.report(application).sections["needs"]
    assert report.state == rules.IN_PROGRESS
    assert {(p.section, p.field) for p in report.problems} == {  # the required questions left unanswered
        ("needs", "goals"),
        ("needs", "target_group"),
        ("needs", "change"),
    }


def test_text_over_the_limit_is_refused_and_kept(login, make, db):
    application = make.application()
    client = login(application.owner)
    client.post(url(application, "needs"), data={"version": "0", "need": "Sparad text"})
    too_long = "å" * 2001  # the limit is 2000 characters, not bytes
    response = client.post(url(application, "needs"), data={"version": "1", "need": too_long})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    errors = field_errors(page)
    assert errors == {"need": refused_by(section_forms.CharacterLimit(2000), too_long)}
    assert sorted(numbers(errors["need"])) == [1, 2000, 2001]  # characters counted, over by, limit
    assert "2\u00a0001" in errors["need"]  # i18n check: Swedish thousands separator in the count
    assert too_long in page  # what was typed is on the page
    assert stored(db, application, "needs").data["need"] == "Sparad text"  # and nothing saved was lost
    exactly = "å" * 2000
    assert client.post(url(application, "needs"), data={"version": "1", "need": exactly}).status_code == 302


def test_line_breaks_count_once(make, login, db):
    application = make.application()
    client = login(application.owner)
    text = "a" * 999 + "\r\n" + "a" * 1000  # 2000 characters as browsers send them, 2001 bytes
    assert rules.count_characters(text) == 2000
    assert client.post(url(application, "needs"), data={"version": "0", "need": text}).status_code == 302
    assert stored(db, application, "needs").data["need"] == "a" * 999 + "\n" + "a" * 1000


DURATION = section_forms.NumberCheck(6, 24)  # KA210-SCH: 6 to 24 months


@pytest.mark.parametrize(
    "field,value,check",
    [
        ("duration_months", "30", DURATION),  # above the maximum
        ("duration_months", "5", DURATION),  # below the minimum
        ("duration_months", "tolv", DURATION),  # not a number
        ("start_date", "1 september", section_forms.DateCheck()),
        ("lump_sum", "45000", None),  # not one of the lump sums offered
    ],
)
def test_invalid_values_are_explained_next_to_the_field(app, login, make, field, value, check):
    application = make.application()
    data = {"version": "0", field: value, "title": "Kvar"}
    response = login(application.owner).post(url(application, "context"), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    expected = section_form_says(app, application, "context", data)
    assert set(expected) == {field} and field_errors(page) == expected  # the form's message, next to that field
    assert invalid_fields(page) == {field}
    assert check is None or expected[field] == refused_by(check, value)  # from the check meant to refuse it
    assert 'value="Kvar"' in page


def test_numbers_as_swedes_type_them(login, make, db):
    application = make.application()
    login(application.owner).post(url(application, "context"), data={"version": "0", "duration_months": " 12 "})
    assert stored(db, application, "context").data["duration_months"] == 12


def test_too_many_choices_are_refused(login, make, db):
    application = make.application()
    topics = ["inclusion_equality", "environment_climate", "digital_content", "citizenship"]
    response = login(application.owner).post(url(application, "priorities"), data={"version": "0", "topics": topics})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {"topics": refused_by(section_forms.MaxSelected(3), topics)}
    assert stored(db, application, "priorities") is None


def test_concurrent_saves_of_one_section_conflict_and_lose_nothing(login, make, db):
    application = make.application()
    colleague = make.user(Role.TEACHER, school=application.school)
    application.team.append(colleague)
    first, second = login(application.owner), None
    first.post(url(application, "needs"), data={"version": "0", "need": "Grund"})
    from support import sign_in_as

    second = first.application.test_client()
    sign_in_as(second, colleague)
    assert first.post(url(application, "needs"), data={"version": "1", "need": "Elins version"}).status_code == 302
    response = second.post(url(application, "needs"), data={"version": "1", "need": "Amirs version"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Elins version" in page and "Amirs version" in page
    assert stored(db, application, "needs").data["need"] == "Elins version"
    # The conflict page carries the current version: saving again is a deliberate choice.
    assert 'name="version" type="hidden" value="2"' in page
    assert second.post(url(application, "needs"), data={"version": "2", "need": "Sammanslagen"}).status_code == 302
    assert stored(db, application, "needs").data["need"] == "Sammanslagen"


def test_different_sections_never_conflict(login, make, db):
    application = make.application()
    client = login(application.owner)
    assert client.post(url(application, "needs"), data={"version": "0", "need": "A"}).status_code == 302
    assert client.post(url(application, "description"), data={"version": "0", "objectives": "B"}).status_code == 302


def test_autosave_answers_json(login, make, db):
    application = make.application()
    client = login(application.owner)
    response = client.post(
        url(application, "needs"), data={"version": "0", "need": "Utkast"}, headers={"X-Autosave": "1"}
    )
    body = json.loads(response.get_data(as_text=True))
    assert response.status_code == 200 and body["status"] == "saved" and body["version"] == 1
    assert say(lambda: format_time(stored(db, application, "needs").updated_at)) in body["message"]  # when it was saved
    stale = client.post(url(application, "needs"), data={"version": "0", "need": "Gammal"}, headers={"X-Autosave": "1"})
    assert stale.status_code == 409 and json.loads(stale.get_data(as_text=True))["status"] == "conflict"
    invalid = client.post(
        url(application, "needs"), data={"version": "1", "need": "x" * 3000}, headers={"X-Autosave": "1"}
    )
    assert invalid.status_code == 422 and "need" in json.loads(invalid.get_data(as_text=True))["errors"]
    assert stored(db, application, "needs").data["need"] == "Utkast"


def test_repeated_activities_can_be_added_and_removed(login, make, db):
    application = make.application()
    client = login(application.owner)
    assert client.post(url(application, "activities"), data={"version": "0", "action": "add"}).status_code == 302
    assert (
        client.post(
            url(application, "activities"),
            data={"version": "1", "action": "add", "items-0-title": "Kick-off i Solna", "items-0-grant": "10000"},
        ).status_code
        == 302
    )
    data = stored(db, application, "activities").data
    assert [i.get("title", "") for i in data["items"]] == ["Kick-off i Solna", ""]
    assert data["items"][0]["grant"] == 10000
    page = client.get(url(application, "activities")).get_data(as_text=True)
    item_label = sections.definition_of(application).section("activities").repeat.item_label.get("sv")
    assert [f.find("legend").text() for f in parse(page).find_all("fieldset", cls="repeat-item")] == [
        f"{item_label} 1",
        f"{item_label} 2",
    ]
    assert parse(page).find("fieldset", id="items-1") is not None
    client.post(
        url(application, "activities"),
        data={
            "version": "2",
            "action": "remove-0",
            "items-0-title": "Kick-off i Solna",
            "items-1-title": "Slutkonferens",
        },
    )
    assert [i["title"] for i in stored(db, application, "activities").data["items"]] == ["Slutkonferens"]


def test_profiles_repeat_once_per_confirmed_organisation(login, make, db):
    application = make.application()
    partner = make.partner(application, name="Gladsaxe Gymnasium", country="DK")
    make.partner(application, name="Bara kontaktad", country="FI", status=PartnerStatus.CONTACTED)
    client = login(application.owner)
    page = client.get(url(application, "organisation_profiles")).get_data(as_text=True)
    assert "Gladsaxe Gymnasium" in page and "Bara kontaktad" not in page
    client.post(
        url(application, "organisation_profiles"),
        data={
            "version": "0",
            "items-0-org": "applicant",
            "items-0-presentation": "Vi är en gymnasieskola.",
            "items-1-org": partner.org_key,
            "items-1-presentation": "En dansk gymnasieskola.",
        },
    )
    items = stored(db, application, "organisation_profiles").data["items"]
    assert items["applicant"]["presentation"] == "Vi är en gymnasieskola."
    assert items[partner.org_key]["presentation"] == "En dansk gymnasieskola."
    # A partner that is no longer confirmed drops out of the form, but its text is kept.
    partner.status = PartnerStatus.INTERESTED
    client.post(
        url(application, "organisation_profiles"),
        data={"version": "1", "items-0-org": "applicant", "items-0-presentation": "Ändrad."},
    )
    items = stored(db, application, "organisation_profiles").data["items"]
    assert (
        items[partner.org_key]["presentation"] == "En dansk gymnasieskola."
        and items["applicant"]["presentation"] == "Ändrad."
    )


def test_conditional_question_counts_only_when_called_for(make, app):
    definition = registry.get("KA210-SCH", 2027)
    summary = definition.section("summary")
    base = {"objectives": "a", "implementation": "b", "results": "c"}
    assert rules.section_report(summary, {**base, "translation_needed": "no"}, []).state == rules.COMPLETE
    needs_more = rules.section_report(summary, {**base, "translation_needed": "yes"}, [])
    assert needs_more.state == rules.IN_PROGRESS and needs_more.problems[0].field == "summary_en"


def _orgs(*countries, unconfirmed=()):
    orgs = [rules.Participant("applicant", "Solna Gymnasium", countries[0], True)]
    orgs += [rules.Participant(f"partner-{i}", f"Partner {i}", c, True) for i, c in enumerate(countries[1:], 1)]
    orgs += [rules.Participant(f"partner-{9 + i}", f"Obekräftad {i}", c, False) for i, c in enumerate(unconfirmed)]
    return orgs


def _says_short(problem, definition, confirmed: int, countries: int) -> bool:
    """Whether `problem` is the shortfall of the partnership: it names the action and the figures,
    the confirmed eligible organisations and their countries against the definition's minimums."""
    rule = definition.eligibility.partnership
    figures = [confirmed, rule.min_organisations, rule.min_countries, countries]
    return (
        problem.page == "partners"
        and definition.key in problem.message
        and sorted(numbers(problem.message.replace(definition.key, ""))) == sorted(figures)
    )


def _says_ineligible(problem, definition, name: str, code: str) -> bool:
    """Whether `problem` names the organisation, its country code and the action it does not count for."""
    return (
        problem.page == "partners"
        and name in problem.message
        and re.search(rf"\b{code}\b", problem.message) is not None
        and definition.key in problem.message
    )


# Table-driven: the partnership rule of each action against the facts of programmes.md §4 and §6.
# What fails: `short` is (confirmed eligible organisations, their countries) when below the minimums;
# `ineligible` the (organisation, country) pairs that do not count.
PARTNERSHIP_CASES = [
    ("KA210-SCH", ("SE",), False, {"short": (1, 1)}),
    ("KA210-SCH", ("SE", "SE"), False, {"short": (2, 1)}),  # partners from one country fail
    ("KA210-SCH", ("SE", "DK"), True, None),  # two countries pass
    ("KA210-SCH", ("SE", "NO"), True, None),  # an associated third country counts
    ("KA210-SCH", ("SE", "US"), False, {"short": (1, 1), "ineligible": [("Partner 1", "US")]}),
    # not before the 2027 association is confirmed
    ("KA210-SCH", ("SE", "GB"), False, {"short": (1, 1), "ineligible": [("Partner 1", "GB")]}),
    ("KA220-SCH", ("SE", "DK"), False, {"short": (2, 2)}),
    ("KA220-SCH", ("SE", "DK", "DE"), True, None),
    ("KA240-SCH", ("SE", "SE", "SE", "DK", "DK"), False, {"short": (5, 2)}),  # six organisations needed
    ("KA240-SCH", ("SE", "SE", "SE", "DK", "DK", "DK"), True, None),
    ("NPJ-MOBILITY", ("SE", "FI"), True, None),
    ("NPJ-MOBILITY", ("SE", "DE"), False, {"short": (1, 1), "ineligible": [("Partner 1", "DE")]}),
    ("NPJ-MOBILITY", ("SE", "AX"), True, None),  # Åland takes part in its own right
    ("NPJ-DEVELOPMENT", ("SE", "FI"), False, {"short": (2, 2)}),  # three organisations needed
    ("NPJ-DEVELOPMENT", ("SE", "FI", "EE"), True, None),
    ("KA122-SCH", ("SE",), True, None),  # mobility: no partners needed
]


@pytest.mark.parametrize("key,countries,passes,expected", PARTNERSHIP_CASES)
def test_partnership_rule(app, key, countries, passes, expected):
    definition = registry.get(key)
    problems = checks.partnership_problems(definition, _orgs(*countries), sections.eligible_countries(definition))
    messages = [p.message for p in problems]
    assert (not problems) == passes, messages
    if expected:
        ineligible = expected.get("ineligible", [])
        assert len(problems) == ("short" in expected) + len(ineligible), messages
        if "short" in expected:
            assert _says_short(problems[0], definition, *expected["short"]), messages
        for name, code in ineligible:
            assert any(_says_ineligible(p, definition, name, code) for p in problems), (name, code, messages)


def test_unconfirmed_partners_do_not_count(app):
    definition = registry.get("KA210-SCH")
    problems = checks.partnership_problems(
        definition, _orgs("SE", unconfirmed=("DK",)), sections.eligible_countries(definition)
    )
    assert len(problems) == 1 and _says_short(problems[0], definition, 1, 1), [p.message for p in problems]


def test_stage_completes_only_when_its_rules_hold(login, make, db):
    application = make.application(stage=Stage.PARTNERS)
    client = login(application.owner)
    stage_page = f"/applications/{application.id}/stages/partners"
    response = client.post(f"/applications/{application.id}/transitions/complete_partners", data={"next": stage_page})
    assert response.status_code == 302 and response.headers["Location"] == stage_page
    db.session.refresh(application)
    assert application.stage == Stage.PARTNERS
    with force_locale("sv"):
        reason = str(decide(application.owner, application, TRANSITIONS["complete_partners"]).reason)
    assert reason and flashes(client.get(stage_page).get_data(as_text=True)) == [("warning", reason)]  # says why
    make.partner(application, country="DK")
    definition = sections.definition_of(application)
    orgs = sections.participants(application)
    for section in definition.sections_of("partners"):
        data = _complete_values(section, orgs)
        sections.save_section(application.owner, application, section.key, data, 0)
    db.session.commit()
    assert sections.report(application).stage("partners").complete
    client.post(f"/applications/{application.id}/transitions/complete_partners")
    db.session.refresh(application)
    assert application.stage == Stage.ORGANISATION


def _complete_values(section, orgs):
    def values():
        out = {}
        for f in section.fields:
            out[f.key] = {"number": 3, "date": "2027-09-01", "yesno": "no"}.get(f.type, "Text")
            if f.type in ("choice", "multichoice"):
                out[f.key] = "x" if f.type == "choice" else ["x"]
        return out

    if section.repeat and section.repeat.per == "organisation":
        return {"items": {o.key: values() for o in orgs if o.confirmed}}
    if section.repeat:
        return {"items": [values() for _ in range(max(1, section.repeat.min))]}
    return values()


def test_overview_lists_what_is_left_with_links(login, make):
    application = make.application()
    page = login(application.owner).get(f"/applications/{application.id}").get_data(as_text=True)
    heading = parse(page).find(id="left-heading")
    assert heading is not None
    lists = heading.parent.find_all("ul", cls="problems")
    with force_locale("sv"):
        report = sections.report(application)
    left = [stage.problems for stage in report.stages if stage.problems]
    assert [len(ul.find_all("li")) for ul in lists] == [min(len(p), 6) for p in left]  # six per stage at most
    shown = {a.attrs["href"]: a.text() for ul in lists for a in ul.find_all("a")}
    partnership = report.stage("partners").problems[0]
    assert partnership.page == "partners"
    assert shown[f"/applications/{application.id}/partners/"] == partnership.message  # fixed on the partner list
    assert f"/applications/{application.id}/sections/needs#need" in shown


def test_self_assessment_warns_below_threshold(app, login, make, db):
    application = make.application()
    client = login(application.owner)
    bad = client.post(f"/applications/{application.id}/self-assessment", data={"version": "0", "relevance": "31"})
    assert bad.status_code == 422
    from webapp.sections.forms import ScoreForm

    definition = sections.definition_of(application)
    expected = form_errors(app, lambda: ScoreForm.for_definition(definition), {"version": "0", "relevance": "31"})
    assert set(expected) == {"relevance"} and field_errors(bad.get_data(as_text=True)) == expected
    assert 30 in numbers(expected["relevance"])  # it names the criterion's maximum
    assert application.self_assessment is None  # nothing saved
    client.post(
        f"/applications/{application.id}/self-assessment",
        data={"version": "0", "relevance": "12", "design": "20", "partnership": "15", "impact": "10"},
    )
    page = parse(client.get(f"/applications/{application.id}/self-assessment").get_data(as_text=True))
    low = {s.attrs["aria-labelledby"] for s in page.find_all("section", cls="criterion-low")}
    assert low == {"crit-relevance"}  # relevance 12 < 15
    assert page.find(id="crit-relevance").parent.find(cls="warning-text") is not None
    total = page.find("p", cls="total")
    assert {57, 100} <= set(numbers(total.text())) and total.find("strong", cls="warning-text") is not None
    relevance = page.find(id="crit-relevance").parent
    assert f"/applications/{application.id}/sections/description" in relevance.links()  # the sections feeding it


def test_reuse_copies_texts_and_optionally_partners(login, make, db):
    earlier = make.application(title="Förra året", call_round="2027-R1")
    make.partner(earlier, name="Gladsaxe Gymnasium")
    sections.save_section(earlier.owner, earlier, "needs", {"need": "Läsning", "goals": "Läsa mer"}, 0)
    sections.save_section(
        earlier.owner,
        earlier,
        "organisation_profiles",
        {"items": {"applicant": {"presentation": "Vi"}, earlier.partners[0].org_key: {"presentation": "De"}}},
        0,
    )
    client = login(earlier.owner)
    client.post(
        "/applications/new",
        data={
            "title": "Nytt försök",
            "call": "KA220-SCH/2027-R1",
            "school_id": earlier.school_id,
            "copy_from": earlier.id,
            "copy_partners": "y",
        },
    )
    from webapp.applications.models import Application

    new = db.session.scalar(db.select(Application).where(Application.title == "Nytt försök"))
    assert new.call_year == 2027
    assert stored(db, new, "needs").data["need"] == "Läsning"
    assert [(p.name, p.status) for p in new.partners] == [("Gladsaxe Gymnasium", "interested")]
    profiles = stored(db, new, "organisation_profiles").data["items"]
    assert profiles == {"applicant": {"presentation": "Vi"}, new.partners[0].org_key: {"presentation": "De"}}


def test_reuse_is_limited_to_the_users_schools(login, make, db):
    foreign = make.application(title="Annan skolas")
    teacher = make.user(Role.TEACHER)
    response = login(teacher).post(
        "/applications/new",
        data={
            "title": "X",
            "call": "KA210-SCH/2027-R1",
            "school_id": teacher.memberships[0].school_id,
            "copy_from": foreign.id,
        },
    )
    assert response.status_code == 422  # not a choice this user has


def test_copy_ready_view_in_official_order_with_counts(login, make, db):
    application = make.application()
    sections.save_section(application.owner, application, "description", {"objectives": "Målen.\nRad två."}, 0)
    sections.save_section(application.owner, application, "needs", {"need": "Intern anteckning"}, 0)
    db.session.commit()
    page = login(application.owner).get(f"/applications/{application.id}/copy").get_data(as_text=True)
    shown = [s.attrs["aria-labelledby"] for s in parse(page).find_all("section", cls="copy-section")]
    official_order = ["context", "priorities", "description", "activities", "summary"]
    assert [k for k in shown if k.removeprefix("sec-") in official_order] == [f"sec-{k}" for k in official_order]
    objectives = parse(page).find(id="copy-description-objectives")
    assert objectives.text() == "Målen. Rad två." and "Målen.\nRad två." in page  # the text as written
    # 15 characters (the line break counts once) of 3 000, with the Swedish thousands separator (i18n check).
    assert objectives.parent.find("p", cls="copy-meta").text().startswith("15 / 3\u00a0000")
    assert "Intern anteckning" not in page  # Grantpath's own needs analysis is not part of the form
    assert "sec-needs" not in shown


def test_chooser_recommends_and_explains(login, make):
    teacher = make.user(Role.TEACHER)
    client = login(teacher)
    answers = {"experience": "first_time", "kind": "cooperation", "partners": "one", "region": "europe"}
    page = client.get("/applications/chooser", query_string=answers).get_data(as_text=True)
    results = _results(page)
    keys = [card.find(cls="action-key").text() for card in results]
    assert "KA210-SCH" in keys and "KA220-SCH" not in keys
    from webapp.chooser.services import recommend

    with force_locale("sv"):
        expected = {r.definition.key: r.reason for r in recommend(answers)}
    assert keys == list(expected)  # what the chooser's rules recommend, each with its reason from chooser.yaml
    for card, key in zip(results, keys, strict=True):
        assert expected[key] in card.text()
    assert "/applications/new?action=KA210-SCH" in parse(page).links()
    nordic = client.get(
        "/applications/chooser?experience=first_time&kind=mobility&partners=none&region=nordic_baltic"
    ).get_data(as_text=True)
    assert "NPJ-PREPARATORY-VISIT" in [card.find(cls="action-key").text() for card in _results(nordic)]
    incomplete = client.get("/applications/chooser?experience=first_time")
    assert incomplete.status_code == 200
    errors = field_errors(incomplete.get_data(as_text=True))
    assert set(errors) == {"kind", "partners", "region"}  # each unanswered question, not the answered one
    assert _results(incomplete.get_data(as_text=True)) == []


def _results(page):
    """The cards of the chooser's suggestions."""
    heading = parse(page).find(id="results-heading")
    return heading.parent.find_all("article", cls="app-card") if heading else []


def test_read_only_for_colleagues_and_after_submission(login, make):
    application = make.application()
    reader = make.user(Role.TEACHER, school=application.school)
    page = login(reader).get(url(application, "needs")).get_data(as_text=True)
    assert 'data-autosave="off"' in page and "disabled" in page
    application.status = Status.SUBMITTED
    owner_client = login(application.owner)
    assert owner_client.post(url(application, "needs"), data={"version": "0", "need": "x"}).status_code == 403
