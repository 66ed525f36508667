"""Text the programme gives no limit for is held to Grantpath's own cap (issue 11: a 9.4 MB title
was stored, and the dossier then took 16-38 s per language)."""

import pytest

from webapp.programmes import registry
from webapp.programmes.schema import DEFAULT_CHAR_CAPS
from webapp.sections import services as sections


def test_every_text_field_of_every_definition_has_a_limit(app):
    fields = [f for d in registry.all_actions() for s in d.sections for f in s.fields if f.type in DEFAULT_CHAR_CAPS]
    assert fields and all(f.char_limit for f in fields)
    assert any(not f.max_chars for f in fields)  # some take the default: the programme names none


@pytest.mark.parametrize("extra,saved", [(0, True), (1, False)])
def test_a_text_beyond_the_default_cap_is_refused_and_kept(login, make, db, extra, saved):
    application = make.application(action_key="KA220-SCH")
    title = "å" * (DEFAULT_CHAR_CAPS["text"] + extra)
    response = login(application.owner).post(
        f"/applications/{application.id}/sections/work_packages",
        data={"version": "0", "items-0-title": title},
    )
    page = response.get_data(as_text=True)
    stored = (sections.answers(application).get("work_packages") or {}).get("items") or [{}]
    if saved:
        assert response.status_code in (200, 302) and stored[0].get("title") == title
    else:
        assert response.status_code == 422 and 'id="items-0-title-error"' in page and title in page
        assert stored == [{}]


def test_the_editor_says_the_cap_is_grantpaths_not_the_programmes(login, make):
    owner = make.user(language="en")
    application = make.application(action_key="NPJ-DEVELOPMENT", owner=owner, school=owner.memberships[0].school)
    page = login(owner).get(f"/applications/{application.id}/sections/background").get_data(as_text=True)
    assert "Grantpath keeps answers to 5,000 characters" in page
    assert 'data-limit="5000"' in page
