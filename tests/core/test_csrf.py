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


def _refusal_for(app, error, user) -> str | None:
    """The reason the app's own error handler gives for `error`, to a signed-in `user`."""
    from flask_login import login_user

    with app.test_request_context("/"):
        login_user(user)
        return refusal(app.make_response(app.handle_user_exception(error)).get_data(as_text=True))


def _comment(application, author) -> int:
    from webapp.review.models import SectionComment

    comment = SectionComment(application_id=application.id, section_key="needs", author=author, body="x")
    db.session.add(comment)
    db.session.commit()
    return comment.id


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
        "comment_id": _comment(application, teacher),
        "event_id": 1,
        "slot_key": "declaration_of_honour.applicant",
        "directoryentry_id": 1,
        "entry_id": 1,
        "task_id": 1,
    }
    rules = [r for r in csrf_app.url_map.iter_rules() if "POST" in r.methods]
    assert rules
    expired = _refusal_for(csrf_app, CSRFError(), teacher)  # what the app's CSRF handler answers
    assert expired and expired != _refusal_for(csrf_app, BadRequest(), teacher)  # not just any bad request
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


def test_a_form_from_an_ended_session_asks_to_sign_in_not_to_reload(csrf_app, make):
    """The session holds the form's token: once it has ended, the token check failed first and said
    "reload the page", which threw the typed text away. It is a sign-in matter."""
    application = make.application()
    db.session.commit()
    client = csrf_app.test_client()
    url = f"/applications/{application.id}/sections/needs"
    autosave = client.post(url, data={"version": "0", "need": "x"}, headers={"X-Autosave": "1"})
    assert autosave.status_code == 401 and autosave.get_json()["status"] == "signed_out"
    button = client.post(url, data={"version": "0", "need": "x"}, headers={"Referer": f"http://localhost{url}"})
    assert button.status_code == 302 and "/sign-in?next=" in button.headers["Location"]
