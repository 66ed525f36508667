"""With CSRF protection on (as in production), every POST route refuses a request without a token."""

import pytest
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest

from pages import refusal
from support import build_app, sign_in_as
from webapp.auth.models import Role
from webapp.extensions import db


@pytest.fixture
def csrf_app(db_url):
    app = build_app(db_url, WTF_CSRF_ENABLED=True)
    yield app
    with app.app_context():
        db.engine.dispose()


def _refusal_for(app, error) -> str | None:
    """The reason the app's own error handler gives for `error`."""
    with app.test_request_context("/"):
        return refusal(app.make_response(app.handle_user_exception(error)).get_data(as_text=True))


def test_every_post_route_needs_a_csrf_token(csrf_app, make):
    org = make.organisation()
    school = make.school(org)
    admin = make.user(Role.ADMIN, organisation=org)
    teacher = make.user(Role.TEACHER, school=school)
    application = make.application(school, owner=teacher)
    db.session.commit()
    args = {
        "application_id": application.id,
        "school_id": school.id,
        "user_id": teacher.id,
        "membership_id": teacher.memberships[0].id,
        "token": "x",
        "partner_id": make.partner(application).id,
        "stage": "idea",
        "key": "needs",
        "transition_key": "complete_idea",
        "n": 1,
    }
    rules = [r for r in csrf_app.url_map.iter_rules() if "POST" in r.methods]
    assert rules
    expired = _refusal_for(csrf_app, CSRFError())  # what the app's CSRF handler answers
    assert expired and expired != _refusal_for(csrf_app, BadRequest())  # not just any bad request
    for rule in rules:
        client = csrf_app.test_client()
        sign_in_as(client, admin if rule.endpoint.startswith("admin.") else teacher)
        with csrf_app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **{k: args[k] for k in rule.arguments})
        response = client.post(url, data={"title": "x", "name": "x", "email": "a@example.org"})
        assert response.status_code == 400, rule.endpoint
        assert refusal(response.get_data(as_text=True)) == expired, rule.endpoint  # refused as an expired form


def test_a_form_with_its_token_goes_through(csrf_app, make):
    make.user(email="elin@example.org", password="correct horse battery")
    db.session.commit()
    client = csrf_app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/sign-in", data={"csrf_token": token, "email": "elin@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 302
