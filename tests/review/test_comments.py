"""Comments anchored to a section: who may write and resolve them, in which states, what is refused
(next to the field, the text kept), and where they show: the review page, the section editor and
the stage page."""

from __future__ import annotations

import pytest
from wtforms.validators import DataRequired

from pages import field_errors, flashes, parse, refusal, say, validator_message
from webapp.auth.models import Role
from webapp.lifecycle import STATES, Status
from webapp.review import access as review_access
from webapp.review.forms import COMMENT_MAX, CommentForm
from webapp.review.models import SectionComment


@pytest.fixture
def people(make, db):
    """An application waiting for the principal, its team, a teacher not on it, a coordinator and an
    admin of the organisation."""
    school = make.school()
    owner = make.user(Role.TEACHER, school=school, name="Eva Lind")
    reader = make.user(Role.TEACHER, school=school)
    principal = make.user(Role.PRINCIPAL, school=school, name="Mats Berglund")
    coordinator = make.user(Role.COORDINATOR, organisation=school.organisation, name="Kim Ek")
    admin = make.user(Role.ADMIN, organisation=school.organisation)
    application = make.application(school, owner=owner, status=Status.AWAITING_APPROVAL)
    db.session.commit()
    return application, {
        "owner": owner,
        "reader": reader,
        "principal": principal,
        "coordinator": coordinator,
        "admin": admin,
    }


def _comments(db, application) -> list[tuple]:
    db.session.rollback()
    return [
        (c.section_key, c.author_id, c.body, c.resolved_by_id, c.resolved_at is not None)
        for c in db.session.scalars(
            db.select(SectionComment).where(SectionComment.application_id == application.id).order_by(SectionComment.id)
        )
    ]


def _add(client, application, key="description", body="Konkretisera målen för årskurs 8."):
    return client.post(
        f"/applications/{application.id}/review/sections/{key}/comments", data={f"comment-{key}-body": body}
    )


def _resolve(client, application, comment_id, **data):
    return client.post(f"/applications/{application.id}/comments/{comment_id}/resolve", data=data)


def test_the_principal_comments_on_a_locked_section_and_everyone_reading_sees_it(login, people, db):
    application, who = people
    response = _add(login(who["principal"]), application)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{application.id}/review#section-description")
    assert _comments(db, application) == [
        ("description", who["principal"].id, "Konkretisera målen för årskurs 8.", None, False)
    ]
    page = parse(login(who["reader"]).get(f"/applications/{application.id}/review").get_data(as_text=True))
    section = page.find(id="section-description")
    (comment,) = section.find_all("li", cls="comment")
    assert "Konkretisera målen för årskurs 8." in comment.text() and "Mats Berglund" in comment.text()
    assert page.find("li", cls="comment").find("form") is None  # a reader does not resolve
    assert page.find("form", cls="comment-form") is None  # nor comment
    assert page.find(id="comment-refusal").text() == say(_reason(db, application, who["reader"]))


def _reason(db, application, user):
    from webapp.core.access import can

    return can("application.comment", db.session.get(type(application), application.id), user).reason


@pytest.mark.parametrize("role", ["owner", "coordinator"])
def test_the_team_and_the_coordinators_comment_too(login, people, db, role):
    application, who = people
    assert _add(login(who[role]), application, "needs", "Vilken källa?").status_code == 302
    assert _comments(db, application) == [("needs", who[role].id, "Vilken källa?", None, False)]


@pytest.mark.parametrize("role", ["reader", "admin"])
def test_other_roles_are_refused_and_told_why(login, people, db, role):
    application, who = people
    response = _add(login(who[role]), application)
    assert response.status_code == 403
    assert refusal(response.get_data(as_text=True)) == say(_reason(db, application, who[role]))
    assert _comments(db, application) == []


def test_after_the_submission_nobody_comments(login, people, db):
    application, who = people
    application.status = Status.SUBMITTED
    db.session.commit()
    response = _add(login(who["principal"]), application)
    assert response.status_code == 403
    assert refusal(response.get_data(as_text=True)) == say(review_access._CLOSED)
    assert _comments(db, application) == []


def test_another_organisation_and_an_unknown_section_are_not_found(login, make, people, db):
    application, who = people
    stranger = make.user(Role.PRINCIPAL)
    assert _add(login(stranger), application).status_code == 404
    assert _add(login(who["principal"]), application, key="no_such_section").status_code == 404
    assert _comments(db, application) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", lambda: say(validator_message(CommentForm.body, DataRequired))),
        ("   \r\n ", lambda: say(validator_message(CommentForm.body, DataRequired))),
        ("å" * (COMMENT_MAX + 1), None),
    ],
)
def test_a_bad_comment_is_refused_next_to_the_field_and_kept(login, people, db, app, body, message):
    application, who = people
    response = _add(login(who["principal"]), application, "description", body)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    errors = field_errors(html)
    assert list(errors) == ["comment-description-body"]
    opened = [d for d in parse(html).find_all("details", cls="comment-form-wrap") if "open" in d.attrs]
    assert [d.find("textarea").id for d in opened] == ["comment-description-body"]  # only that form opens
    if message:
        assert errors["comment-description-body"] == message()
    else:
        assert "2 001" in errors["comment-description-body"].replace("\u00a0", " ")
        textarea = parse(html).find("textarea", id="comment-description-body")
        assert textarea.text() == body  # what was typed is still there
    assert _comments(db, application) == []


def test_the_limit_counts_a_line_break_as_one_character(login, people, db):
    application, who = people
    body = ("a\r\n" * 1000).strip()  # 2 998 characters as the browser sends them, 1 999 counted
    assert len(body) > COMMENT_MAX
    assert _add(login(who["principal"]), application, "description", body).status_code == 302
    assert len(_comments(db, application)) == 1


def _comment(db, application, author, key="description", body="Förtydliga.") -> int:
    comment = SectionComment(application_id=application.id, section_key=key, author=author, body=body)
    db.session.add(comment)
    db.session.commit()
    return comment.id


def test_the_team_resolves_a_comment_and_the_page_says_who(login, people, db):
    application, who = people
    comment_id = _comment(db, application, who["principal"])
    client = login(who["owner"])
    back = f"/applications/{application.id}/sections/description"
    response = _resolve(client, application, comment_id, next=back)
    assert response.status_code == 302 and response.headers["Location"].endswith(back)
    assert _comments(db, application) == [("description", who["principal"].id, "Förtydliga.", who["owner"].id, True)]
    assert [c for c, _ in flashes(client.get("/").get_data(as_text=True))] == ["success"]
    again = _resolve(client, application, comment_id)
    assert again.status_code == 302
    assert [c for c, _ in flashes(client.get("/").get_data(as_text=True))] == ["info"]
    assert _comments(db, application) == [("description", who["principal"].id, "Förtydliga.", who["owner"].id, True)]
    page = parse(client.get(f"/applications/{application.id}/review").get_data(as_text=True))
    resolved = page.find("li", cls="comment-resolved")
    assert "Eva Lind" in resolved.text() and resolved.find("form") is None


def test_the_author_resolves_their_own_comment_and_a_reader_none(login, people, db):
    application, who = people
    own = _comment(db, application, who["coordinator"])
    others = _comment(db, application, who["principal"], key="needs")
    assert _resolve(login(who["coordinator"]), application, others).status_code == 403
    assert _resolve(login(who["reader"]), application, own).status_code == 403
    assert _resolve(login(who["coordinator"]), application, own).status_code == 302
    assert [c[-1] for c in _comments(db, application)] == [True, False]


def test_resolving_through_another_application_or_organisation_is_not_found(login, make, people, db):
    application, who = people
    comment_id = _comment(db, application, who["principal"])
    other = make.application(application.school, owner=who["owner"])
    db.session.commit()
    assert _resolve(login(who["owner"]), other, comment_id).status_code == 404
    assert _resolve(login(make.user(Role.PRINCIPAL)), application, comment_id).status_code == 404
    assert _comments(db, application)[0][-1] is False


def test_resolving_closes_with_the_submission(login, people, db):
    application, who = people
    comment_id = _comment(db, application, who["principal"])
    application.status = Status.GRANTED
    db.session.commit()
    assert not STATES[Status.GRANTED].counts_down
    assert _resolve(login(who["owner"]), application, comment_id).status_code == 403
    assert _comments(db, application)[0][-1] is False


def test_the_section_editor_shows_the_open_comments_above_the_fields(login, people, db):
    application, who = people
    application.status = Status.CHANGES_REQUESTED
    db.session.commit()
    first = _comment(db, application, who["principal"], body="Skriv vilka elever det gäller.")
    resolved = _comment(db, application, who["principal"], body="Redan klart.")
    _comment(db, application, who["principal"], key="needs", body="Annat avsnitt.")
    _resolve(login(who["owner"]), application, resolved)

    html = login(who["owner"]).get(f"/applications/{application.id}/sections/description").get_data(as_text=True)
    box = parse(html).find(id="section-comments")
    (comment,) = box.find_all("li", cls="comment")
    assert comment.id == f"comment-{first}"
    assert "Skriv vilka elever det gäller." in comment.text() and "Mats Berglund" in comment.text()
    stored = db.session.get(SectionComment, first)
    assert comment.find("time").attrs["datetime"] == stored.created_at.isoformat()
    form = comment.find("form")
    assert form.attrs["action"] == f"/applications/{application.id}/comments/{first}/resolve"
    assert form.find("input", name="next").attrs["value"] == f"/applications/{application.id}/sections/description"
    assert html.index('id="section-comments"') < html.index('class="section-form"')  # above the fields

    reader_html = (
        login(who["reader"]).get(f"/applications/{application.id}/sections/description").get_data(as_text=True)
    )
    assert parse(reader_html).find(id="section-comments").find("form") is None

    stage = parse(login(who["owner"]).get(f"/applications/{application.id}/stages/idea").get_data(as_text=True))
    counts = {
        a.attrs["href"].split("/sections/")[1].split("#")[0]: a.text() for a in stage.find_all("a", cls="open-comments")
    }
    assert set(counts) == {"description", "needs"}
    assert counts["description"].startswith("1 ")


@pytest.fixture
def csrf_app(db_url):
    from support import build_app
    from webapp.extensions import db as _db

    app = build_app(db_url, WTF_CSRF_ENABLED=True)
    yield app
    with app.app_context():
        _db.engine.dispose()


def test_the_pages_forms_carry_their_tokens(csrf_app, people, db):
    """With CSRF on, as in production: the review page's comment form and the editor's resolve button
    go through with the tokens the pages gave."""
    from support import sign_in_as

    application, who = people
    client = csrf_app.test_client()
    sign_in_as(client, who["principal"])

    def form_of(path, action):
        form = next(
            f for f in parse(client.get(path).get_data(as_text=True)).find_all("form") if f.attrs["action"] == action
        )
        return {i.attrs["name"]: i.attrs.get("value", "") for i in form.find_all("input") if "name" in i.attrs}

    add = f"/applications/{application.id}/review/sections/needs/comments"
    fields = form_of(f"/applications/{application.id}/review", add)
    assert client.post(add, data={**fields, "comment-needs-body": "Vilken källa?"}).status_code == 302
    assert len(_comments(db, application)) == 1
    comment_id = db.session.scalar(db.select(SectionComment.id))
    resolve = f"/applications/{application.id}/comments/{comment_id}/resolve"
    fields = form_of(f"/applications/{application.id}/sections/needs", resolve)
    assert client.post(resolve, data=fields).status_code == 302
    assert _comments(db, application) == [("needs", who["principal"].id, "Vilken källa?", who["principal"].id, True)]
