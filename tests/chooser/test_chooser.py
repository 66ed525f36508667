"""The guided chooser: answers give suggestions with their reasons; an empty submit says what is missing."""

from pages import field_errors
from webapp.programmes import registry


def test_an_empty_submit_asks_for_every_answer(login, make, app):
    response = login(make.user()).get("/applications/chooser?asked=1")
    page = response.get_data(as_text=True)
    with app.test_request_context():
        keys = [q.key for q in registry.chooser().questions]
    assert 'id="error-summary"' in page and 'id="results-heading"' not in page
    assert set(field_errors(page)) == set(keys)


def test_the_page_opened_without_answers_shows_no_errors(login, make):
    page = login(make.user()).get("/applications/chooser").get_data(as_text=True)
    assert 'id="error-summary"' not in page and 'name="asked"' in page
