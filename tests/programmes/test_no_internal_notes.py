"""What the definitions carry for developers (citations of docs/sources, peer repositories, notes in
English about where a figure came from) never reaches a user's screen (issue 11)."""

import re

import pytest

from support import ACTIONS
from webapp.lifecycle import Stage
from webapp.programmes import registry

INTERNAL = re.compile(r"docs/sources|\.md\b|\.ts\b|ibay46|third-party|expected from|not confirmed|programmes\.md")


def test_the_list_is_every_action(app):
    with app.test_request_context():
        assert sorted(d.key for d in registry.all_actions()) == ACTIONS


@pytest.mark.parametrize("action_key", ACTIONS)
def test_no_page_of_an_application_shows_internal_notes_in_swedish(login, make, app, action_key):
    owner = make.user(language="sv")
    school = owner.memberships[0].school
    with app.test_request_context():
        definition = registry.get(action_key)
        round_id = definition.call_rounds[0].id
        keys = [s.key for s in definition.sections]
    application = make.application(school, owner=owner, action_key=action_key, call_round=round_id)
    client = login(owner)
    pages = [f"/applications/{application.id}", f"/applications/{application.id}/self-assessment"]
    pages += [f"/applications/{application.id}/stages/{stage}" for stage in Stage]
    pages += [f"/applications/{application.id}/sections/{key}" for key in keys]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url  # 404: no self-assessment for an action without scores
        found = INTERNAL.findall(_visible_text(response.get_data(as_text=True)))
        assert not found, (url, found)


def _visible_text(html: str) -> str:
    """The page without its markup (attributes and URLs are not what a reader sees)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)
