"""The guided chooser: answers give suggestions with their reasons; an empty submit says what is missing."""

import html
import itertools
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from pages import field_errors
from webapp.chooser import services
from webapp.programmes import registry


def test_an_empty_submit_asks_for_every_answer(login, make, app):
    response = login(make.user()).get("/applications/chooser?asked=1")
    page = response.get_data(as_text=True)
    with app.test_request_context():
        keys = [q.key for q in registry.chooser().questions if q.default is None]  # a default is preselected
    assert 'id="error-summary"' in page and 'id="results-heading"' not in page
    assert set(field_errors(page)) == set(keys)


def test_the_page_opened_without_answers_shows_no_errors(login, make):
    page = login(make.user()).get("/applications/chooser").get_data(as_text=True)
    assert 'id="error-summary"' not in page and 'name="asked"' in page


# --- Which actions the answers get (workflows/chooser.yaml) -------------------------------------------------------


BASE = {"applicant": "school", "experience": "first_time", "activity": "unsure"}


def _keys(app, answers, language="en"):
    with app.test_request_context(), force_locale(language):
        return [r.definition.key for r in services.recommend({**BASE, **answers})]


# One row per rule: the answers, actions that must be offered, actions that must not, and the source.
ROWS = [
    # Finland is Nordic and EU: a two-school partnership gets KA210 as well as Nordplus.
    # docs/sources/countries.md#eu-member-states; erasmus-plus-school-2026.md#ka210-sch;
    # nordplus-junior-2026.md#preparatory-visit
    (
        {"kind": "cooperation", "partners": "one", "region": "nordic_baltic"},
        {"KA210-SCH", "NPJ-PREPARATORY-VISIT"},
        set(),
    ),
    ({"kind": "mobility", "partners": "one", "region": "nordic_baltic"}, {"KA122-SCH", "NPJ-MOBILITY"}, set()),
    # The Faroe Islands and Greenland: Nordplus only.
    ({"kind": "cooperation", "partners": "one", "region": "faroe_greenland"}, {"NPJ-PREPARATORY-VISIT"}, {"KA210-SCH"}),
    # Elsewhere in Europe: Erasmus+ only.
    ({"kind": "cooperation", "partners": "one", "region": "europe"}, {"KA210-SCH"}, {"NPJ-PREPARATORY-VISIT"}),
    # Nordplus is coordinated by a school; a municipality is a partner only (nordplus-junior-2026.md#who-may-coordinate).
    (
        {"applicant": "organisation", "kind": "cooperation", "partners": "two_or_more", "region": "nordic_baltic"},
        {"KA210-SCH", "KA240-SCH"},
        {"NPJ-DEVELOPMENT", "NPJ-PREPARATORY-VISIT"},
    ),
    # Accreditation: two years of activity in the field, not earlier funding (erasmus-plus-school-2026.md#ka120-sch).
    ({"kind": "mobility", "partners": "none", "region": "europe", "activity": "two_years"}, {"KA120-SCH"}, set()),
    (
        {"kind": "mobility", "partners": "none", "region": "europe", "activity": "less", "experience": "experienced"},
        {"KA122-SCH"},
        {"KA120-SCH"},
    ),
    # KA240 is applied for by a school authority (erasmus-plus-school-2026.md#ka240-sch).
    (
        {"kind": "cooperation", "partners": "two_or_more", "region": "europe", "experience": "experienced"},
        {"KA220-SCH", "KA240-SCH"},
        set(),
    ),
]


@pytest.mark.parametrize(("answers", "offered", "not_offered"), ROWS)
def test_the_answers_get_these_actions(app, answers, offered, not_offered):
    keys = set(_keys(app, answers))
    assert offered <= keys and not (not_offered & keys), keys


def test_overlapping_regions_are_data(app):
    with app.test_request_context():
        region = next(q for q in registry.chooser().questions if q.key == "region")
    assert region.answers("nordic_baltic") == {"nordic_baltic", "europe"}
    assert region.answers("faroe_greenland") == {"faroe_greenland", "nordic_baltic"}


def test_the_finnish_two_school_case_over_http(login, make, app):
    args = {**BASE, "kind": "cooperation", "partners": "one", "region": "nordic_baltic", "asked": "1"}
    page = login(make.user(language="en")).get("/applications/chooser", query_string=args).get_data(as_text=True)
    assert 'id="results-heading"' in page
    assert ">KA210-SCH<" in page and ">NPJ-PREPARATORY-VISIT<" in page
    with app.test_request_context(), force_locale("en"):
        region = next(q for q in registry.chooser().questions if q.key == "region")
        europe = next(c for c in region.choices if c.value == "europe").label.en
        counts_as = services._("(this also counts as: %(answer)s)", answer=europe)
    assert html.escape(str(counts_as), quote=False) in page  # why a Finnish partner gets Erasmus+


def test_a_municipality_gets_the_consortium_reason_for_accreditation(app):
    answers = {**BASE, "applicant": "organisation", "activity": "two_years", "kind": "mobility", "partners": "none"}
    with app.test_request_context(), force_locale("sv"):
        rec = next(r for r in services.recommend({**answers, "region": "europe"}) if r.definition.key == "KA120-SCH")
        data = [r for r in registry.chooser().recommendations if r.action == "KA120-SCH"]
        organisation = next(r for r in data if r.when["applicant"] == ["organisation"])
        assert rec.reason == organisation.reason.sv
        assert "Vem söker? En kommun, huvudman eller skolgrupp för flera skolor" in rec.why


def test_an_unsure_answer_about_two_years_is_said_to_be_uncertain(app):
    answers = {**BASE, "kind": "mobility", "partners": "none", "region": "europe"}
    with app.test_request_context(), force_locale("en"):
        unsure = next(r for r in services.recommend(answers) if r.definition.key == "KA120-SCH")
        sure = next(
            r for r in services.recommend({**answers, "activity": "two_years"}) if r.definition.key == "KA120-SCH"
        )
        data = next(r for r in registry.chooser().recommendations if r.action == "KA120-SCH")
        conditional = next(u for u in data.uncertain if u.when).text.en
    assert conditional in unsure.uncertain and conditional not in sure.uncertain


def test_every_recommendation_says_why_and_what_is_uncertain(app, monkeypatch):
    """Over every combination of answers; a round still expected or whose hour is assumed says so."""
    monkeypatch.setattr(services, "utcnow", lambda: datetime(2027, 3, 1, tzinfo=UTC))
    with app.test_request_context(), force_locale("en"):
        questions = registry.chooser().questions
        seen = {}
        for values in itertools.product(*[[c.value for c in q.choices] for q in questions]):
            for rec in services.recommend(dict(zip([q.key for q in questions], values, strict=True))):
                assert rec.reason and rec.why, rec.definition.key
                seen[rec.definition.key] = rec
        assert set(seen) == {r.action for r in registry.chooser().recommendations}
        ka240 = seen["KA240-SCH"]  # 2027-R1 expected; its partnership rule is unconfirmed
        label = ka240.next_round.label.en
        assert f"The deadline of {label} follows earlier years' dates and is unconfirmed." in ka240.uncertain
        assert any(ka240.definition.eligibility.partnership.note.en in line for line in ka240.uncertain)
        visit = seen["NPJ-PREPARATORY-VISIT"]  # on 1 March 2027 the next round is the autumn round: hour assumed
        assert not visit.next_round.hour_confirmed
        assert (
            f"The day of {visit.next_round.label.en} is confirmed, the hour is not: the sources do not give it."
            in visit.uncertain
        )


def test_a_recommendation_with_nothing_uncertain_says_so(login, make, app, monkeypatch):
    monkeypatch.setattr(services, "definition_uncertainties", lambda *a: [])
    args = {**BASE, "kind": "mobility", "partners": "one", "region": "nordic_baltic", "asked": "1"}
    page = login(make.user(language="en")).get("/applications/chooser", query_string=args).get_data(as_text=True)
    assert "Nothing in this suggestion is marked uncertain in Grantpath's sources." in html.unescape(page)
