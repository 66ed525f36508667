"""Writing the application: drafts, limits, repeats, conflicts, stages, self-assessment, reuse."""

import json

import pytest

from webapp.auth.models import Role
from webapp.lifecycle import Stage, Status
from webapp.partners.models import PartnerStatus
from webapp.programmes import registry, rules
from webapp.sections import services as sections
from webapp.sections.models import SectionAnswer


def url(application, key):
    return f"/applications/{application.id}/sections/{key}"


def stored(db, application, key):
    return db.session.scalar(
        db.select(SectionAnswer).where(SectionAnswer.application_id == application.id, SectionAnswer.section_key == key)
    )


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
    assert any("inte besvarad" in p.message for p in report.problems)


def test_text_over_the_limit_is_refused_and_kept(login, make, db):
    application = make.application()
    client = login(application.owner)
    client.post(url(application, "needs"), data={"version": "0", "need": "Sparad text"})
    too_long = "å" * 2001  # the limit is 2000 characters, not bytes
    response = client.post(url(application, "needs"), data={"version": "1", "need": too_long})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "2\u00a0001 tecken: 1 över gränsen på 2\u00a0000" in page
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


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("duration_months", "30", "Det största tillåtna värdet är 24."),
        ("duration_months", "5", "Det minsta tillåtna värdet är 6."),
        ("duration_months", "tolv", "Ange ett tal"),
        ("start_date", "1 september", "ÅÅÅÅ-MM-DD"),
        ("lump_sum", "45000", "Inte ett giltigt val"),
    ],
)
def test_invalid_values_are_explained_next_to_the_field(login, make, field, value, message):
    application = make.application()
    response = login(application.owner).post(
        url(application, "context"), data={"version": "0", field: value, "title": "Kvar"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page
    assert 'value="Kvar"' in page


def test_numbers_as_swedes_type_them(login, make, db):
    application = make.application()
    login(application.owner).post(url(application, "context"), data={"version": "0", "duration_months": " 12 "})
    assert stored(db, application, "context").data["duration_months"] == 12


def test_too_many_choices_are_refused(login, make):
    application = make.application()
    response = login(application.owner).post(
        url(application, "priorities"),
        data={
            "version": "0",
            "topics": ["inclusion_equality", "environment_climate", "digital_content", "citizenship"],
        },
    )
    assert response.status_code == 422 and "Välj högst 3." in response.get_data(as_text=True)


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
    assert body["message"].startswith("Sparat ")
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
    assert "Aktivitet 2" in page and 'id="items-1"' in page
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


# Table-driven: the partnership rule of each action against the facts of programmes.md §4 and §6.
PARTNERSHIP_CASES = [
    ("KA210-SCH", ("SE",), False, "Partner: 1 bekräftade av minst 2, från minst 2 behöriga länder (KA210-SCH)"),
    ("KA210-SCH", ("SE", "SE"), False, "från minst 2 behöriga länder"),  # partners from one country fail
    ("KA210-SCH", ("SE", "DK"), True, None),  # two countries pass
    ("KA210-SCH", ("SE", "NO"), True, None),  # an associated third country counts
    ("KA210-SCH", ("SE", "US"), False, "finns i USA (US), som inte är ett behörigt land för KA210-SCH"),
    ("KA210-SCH", ("SE", "GB"), False, "(GB)"),  # not before the 2027 association is confirmed
    ("KA220-SCH", ("SE", "DK"), False, "Partner: 2 bekräftade av minst 3, från minst 3 behöriga länder (KA220-SCH)"),
    ("KA220-SCH", ("SE", "DK", "DE"), True, None),
    ("KA240-SCH", ("SE", "SE", "SE", "DK", "DK"), False, "av minst 6"),
    ("KA240-SCH", ("SE", "SE", "SE", "DK", "DK", "DK"), True, None),
    ("NPJ-MOBILITY", ("SE", "FI"), True, None),
    ("NPJ-MOBILITY", ("SE", "DE"), False, "Tyskland (DE), som inte är ett behörigt land för NPJ-MOBILITY"),
    ("NPJ-MOBILITY", ("SE", "AX"), True, None),  # Åland takes part in its own right
    ("NPJ-DEVELOPMENT", ("SE", "FI"), False, "av minst 3"),
    ("NPJ-DEVELOPMENT", ("SE", "FI", "EE"), True, None),
    ("KA122-SCH", ("SE",), True, None),  # mobility: no partners needed
]


@pytest.mark.parametrize("key,countries,passes,message", PARTNERSHIP_CASES)
def test_partnership_rule(app, key, countries, passes, message):
    definition = registry.get(key)
    problems = rules.partnership_problems(definition, _orgs(*countries), sections.eligible_countries(definition))
    assert (not problems) == passes, [p.message for p in problems]
    if message:
        assert any(message in p.message for p in problems), [p.message for p in problems]


def test_unconfirmed_partners_do_not_count(app):
    definition = registry.get("KA210-SCH")
    problems = rules.partnership_problems(
        definition, _orgs("SE", unconfirmed=("DK",)), sections.eligible_countries(definition)
    )
    assert problems and "1 bekräftade av minst 2" in problems[0].message


def test_stage_completes_only_when_its_rules_hold(login, make, db):
    application = make.application(stage=Stage.PARTNERS)
    client = login(application.owner)
    response = client.post(
        f"/applications/{application.id}/transitions/complete_partners",
        data={"next": f"/applications/{application.id}/stages/partners"},
        follow_redirects=True,
    )
    assert "Steget är inte klart" in response.get_data(as_text=True)
    db.session.refresh(application)
    assert application.stage == Stage.PARTNERS
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
    assert "Det här återstår" in page
    assert f'href="/applications/{application.id}/partners/"' in page
    assert "Partner: 1 bekräftade av minst 2, från minst 2 behöriga länder (KA210-SCH)" in page
    assert f'href="/applications/{application.id}/sections/needs#need"' in page


def test_self_assessment_warns_below_threshold(login, make, db):
    application = make.application()
    client = login(application.owner)
    bad = client.post(f"/applications/{application.id}/self-assessment", data={"version": "0", "relevance": "31"})
    assert bad.status_code == 422 and "Ge 0 till 30 poäng." in bad.get_data(as_text=True)
    client.post(
        f"/applications/{application.id}/self-assessment",
        data={"version": "0", "relevance": "12", "design": "20", "partnership": "15", "impact": "10"},
    )
    page = client.get(f"/applications/{application.id}/self-assessment").get_data(as_text=True)
    assert "Under tröskeln" in page  # relevance 12 < 15
    assert "Totalt: 57 av 100 poäng" in page and "Under godkäntgränsen" in page
    assert f"/applications/{application.id}/sections/description" in page  # the sections feeding relevance


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
    order = [
        page.index(title)
        for title in (
            "Sammanhang",
            "Prioriteringar och ämnen",
            "Projektbeskrivning",
            "Aktiviteter",
            "Sammanfattning av projektet",
        )
    ]
    assert order == sorted(order)
    assert "15 / 3\u00a0000 tecken" in page and "Målen.\nRad två." in page
    assert "Intern anteckning" not in page  # Grantpath's own needs analysis is not part of the form


def test_chooser_recommends_and_explains(login, make):
    teacher = make.user(Role.TEACHER)
    client = login(teacher)
    page = client.get(
        "/applications/chooser?experience=first_time&kind=cooperation&partners=one&region=europe"
    ).get_data(as_text=True)
    assert "KA210-SCH" in page and "Småskaliga partnerskap (KA210) är gjorda för nya" in page
    assert "KA220-SCH" not in page.split("Förslag")[1]
    assert "/applications/new?action=KA210-SCH" in page
    nordic = client.get(
        "/applications/chooser?experience=first_time&kind=mobility&partners=none&region=nordic_baltic"
    ).get_data(as_text=True)
    assert "NPJ-PREPARATORY-VISIT" in nordic
    incomplete = client.get("/applications/chooser?experience=first_time")
    assert incomplete.status_code == 200 and "Välj ett svar." in incomplete.get_data(as_text=True)


def test_read_only_for_colleagues_and_after_submission(login, make):
    application = make.application()
    reader = make.user(Role.TEACHER, school=application.school)
    page = login(reader).get(url(application, "needs")).get_data(as_text=True)
    assert 'data-autosave="off"' in page and "disabled" in page
    application.status = Status.SUBMITTED
    owner_client = login(application.owner)
    assert owner_client.post(url(application, "needs"), data={"version": "0", "need": "x"}).status_code == 403
