"""Every definition's facts a user decides on (summary, who may apply, applications per round, the
notes on rounds, partnership and scoring, an hour the sources do not give) are on the chooser's
results and on the application's overview, in Swedish and in English (issue 12)."""

import html
import itertools
import re

import pytest
from flask_babel import force_locale

from support import ACTIONS
from webapp.chooser import services
from webapp.programmes import registry


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _facts(definition, language):
    """What the page must show of this definition, in `language`."""
    e = definition.eligibility
    facts = [definition.summary.get(language), e.who_may_apply.get(language)]
    facts += [e.applications_per_round.get(language)] if e.applications_per_round else []
    notes = [e.partnership.note] + [r.note for r in definition.call_rounds]
    notes += [definition.scoring.note] if definition.scoring else []
    for note in filter(None, notes):
        assert hasattr(note, "sv"), f"{definition.key}: a note shown to users must be in Swedish and English: {note}"
        facts.append(note.get(language))
    with force_locale(language):
        if any(r.confirmed and not r.hour_confirmed for r in definition.call_rounds):  # an expected round says more
            facts.append(str(services._("The day is confirmed; the hour is not given by the sources.")))
    return [re.sub(r"\s+", " ", f) for f in facts]


def _answers_for(action):
    """The first combination of answers whose recommendations include `action`."""
    questions = registry.chooser().questions
    for values in itertools.product(*[[c.value for c in q.choices] for q in questions]):
        answers = dict(zip([q.key for q in questions], values, strict=True))
        if any(r.definition.key == action for r in services.recommend(answers)):
            return answers
    return None


def test_the_list_is_every_action(app):
    with app.test_request_context():
        assert sorted(d.key for d in registry.all_actions()) == ACTIONS


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("action_key", ACTIONS)
def test_the_overview_shows_the_facts(login, make, app, action_key, language):
    owner = make.user(language=language)
    with app.test_request_context():
        definition = registry.get(action_key)
        facts = _facts(definition, language)
    application = make.application(
        owner.memberships[0].school, owner=owner, action_key=action_key, call_round=definition.call_rounds[0].id
    )
    page = _text(login(owner).get(f"/applications/{application.id}").get_data(as_text=True))
    for fact in facts:
        assert fact in page, (action_key, language, fact)


#: KA121 needs an accreditation: the chooser offers KA120 instead, whose reason names KA121.
CHOOSER_ACTIONS = [a for a in ACTIONS if a != "KA121-SCH"]


def test_the_chooser_offers_every_action_but_accredited_projects_which_accreditation_leads_to(app):
    with app.test_request_context():
        recommendations = registry.chooser().recommendations
    assert sorted({r.action for r in recommendations}) == CHOOSER_ACTIONS
    assert all("KA121" in r.reason.sv and "KA121" in r.reason.en for r in recommendations if r.action == "KA120-SCH")


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("action_key", CHOOSER_ACTIONS)
def test_the_chooser_shows_the_facts(login, make, app, action_key, language):
    with app.test_request_context(), force_locale(language):
        answers = _answers_for(action_key)
        recommendation = next(r for r in services.recommend(answers) if r.definition.key == action_key)
        facts = [*_facts(recommendation.definition, language), recommendation.reason, *recommendation.uncertain]
    client = login(make.user(language=language))
    page = _text(client.get("/applications/chooser", query_string={**answers, "asked": "1"}).get_data(as_text=True))
    for fact in facts:
        assert fact in page, (action_key, language, fact)


def test_the_network_says_it_is_part_of_development_projects(app):
    with app.test_request_context():
        network = registry.get("NPJ-NETWORK")
        reason = next(r for r in registry.chooser().recommendations if r.action == "NPJ-NETWORK").reason
    assert "part of development projects" in network.summary.en and "del av utvecklingsprojekten" in network.summary.sv
    assert "development project" in reason.en and "utvecklingsprojekt" in reason.sv


def test_the_overview_marks_a_deadline_hour_the_sources_do_not_give(login, make, app):
    with app.test_request_context():
        definition = registry.get("KA240-SCH", 2026)  # its round's day is known, its hour is not
        unsure = next(r for r in definition.call_rounds if r.confirmed and not r.hour_confirmed)
        sure = registry.get("KA210-SCH").call_rounds[0]
    shaky = make.application(action_key="KA240-SCH", call_round=unsure.id)
    firm = make.application(action_key="KA210-SCH", call_round=sure.id)
    assert 'id="hour-unconfirmed"' in login(shaky.owner).get(f"/applications/{shaky.id}").get_data(as_text=True)
    assert 'id="hour-unconfirmed"' not in login(firm.owner).get(f"/applications/{firm.id}").get_data(as_text=True)
