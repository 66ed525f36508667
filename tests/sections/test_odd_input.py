"""Counters and indices as browsers never send them, but anyone can: refused or ignored, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.core.forms import counter

ODD = ["²", "١٢", "1e3", "-1", " 1", "9" * 5000, ""]


@pytest.mark.parametrize("text", ODD)
def test_odd_counters_are_not_numbers(text):
    assert counter(text) is None


def test_ascii_digits_are(app):
    assert counter("0") == 0 and counter("123456789") == 123456789


@pytest.mark.parametrize("odd", ODD)
def test_odd_versions_and_indices_never_answer_500(login, make, odd):
    application = make.application()
    partner = make.partner(application)
    client = login(application.owner)
    base = f"/applications/{application.id}"
    posts = [
        (f"{base}/sections/needs", {"version": odd, "need": "Text"}),
        (f"{base}/sections/plan_activities", {"version": "0", "action": f"remove-{odd}"}),
        (f"{base}/sections/activities", {"version": "0", "action": f"remove-{odd}"}),
        (f"{base}/self-assessment", {"version": odd, "relevance": "10"}),
        (f"{base}/checklist", {"version": odd}),
        (
            f"{base}/partners/{partner.id}",
            {"name": "X", "country": "DK", "status": "identified", "loaded_version": odd},
        ),
        (
            f"{base}/edit",
            {"title": "T", "call": "KA210-SCH/2027-R1", "school_id": application.school_id, "version": odd},
        ),
    ]
    for url, data in posts:
        response = client.post(url, data=data)
        assert response.status_code < 500, (url, response.status_code)


def test_a_checklist_stage_shows_the_checklist(login, make):
    application = make.application()
    page = login(application.owner).get(f"/applications/{application.id}/stages/submission").get_data(as_text=True)
    assert 'id="checklist"' in page and 'name="ticked"' in page
    idea = login(application.owner).get(f"/applications/{application.id}/stages/idea").get_data(as_text=True)
    assert 'id="checklist"' not in idea


def test_documents_of_an_unknown_programme_are_not_found(login, make, db):
    application = make.application()
    partner = make.partner(application)
    application.action_key, application.call_round = "KA999-GONE", "2027-R1"
    db.session.commit()
    client = login(application.owner)
    assert client.get(f"/applications/{application.id}/dossier.pdf").status_code == 404
    assert client.get(f"/applications/{application.id}/partners/{partner.id}/letter.pdf").status_code == 404


# The same, drawn by hypothesis: any text as a version counter, a repeat index or a button value.
ANY = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(version=ANY, index=ANY, button=ANY, value=ANY)
def test_any_counter_index_or_button_is_refused_or_ignored_never_a_500(app, make, db, version, index, button, value):
    application = make.application(action_key="KA220-SCH")
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = application.owner.get_id()
    posts = [
        {"version": version, "items-0-title": value},
        {"version": "0", f"items-{index}-title": value, "action": "save"},
        {"version": "0", "items-0-title": value, "action": f"remove-{index}"},
        {"version": "0", "action": button},
    ]
    for data in posts:
        response = client.post(f"/applications/{application.id}/sections/work_packages", data=data)
        assert response.status_code < 500, data
        assert client.get(f"/applications/{application.id}/sections/work_packages").status_code == 200  # still opens


def test_an_item_index_in_other_digits_is_ignored(login, make, db):
    """ "¹" and "٣" pass str.isdigit() but int() refuses them: the item is not one of the form's."""
    application = make.application(action_key="KA220-SCH")
    db.session.commit()
    client = login(application.owner)
    url = f"/applications/{application.id}/sections/work_packages"
    for index in ("¹", "٣", "1" * 12):
        response = client.post(url, data={"version": "0", f"items-{index}-title": "x", "action": "save"})
        assert response.status_code < 500, index
