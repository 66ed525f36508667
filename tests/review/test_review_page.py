"""The review page: every section with its answer and what changed since the principal's last
review (the words marked), the summary at the top, the links to it, and a fixed number of SQL
statements however many sections are answered, changed and commented."""

from __future__ import annotations

import pytest
from flask_babel import lazy_gettext as _l

from pages import numbers, parse, say
from querycount import count_queries
from webapp import demo
from webapp.auth.models import Role
from webapp.lifecycle import Stage, Status
from webapp.partners.models import PartnerStatus
from webapp.review import presenters
from webapp.review.models import PrincipalReview, SectionComment
from webapp.sections import services as sections

SENTENCE = "Eleverna läser och skriver mer tillsammans."


@pytest.fixture
def team(make, db):
    school = make.school()
    owner = make.user(Role.TEACHER, school=school)
    principal = make.user(Role.PRINCIPAL, school=school, name="Mats Berglund")
    application = make.application(school, owner=owner, action_key="KA210-SCH")
    make.partner(application, country="DK", status=PartnerStatus.CONFIRMED)
    db.session.commit()
    return application, owner, principal


def _take(client, application, key, **data):
    response = client.post(f"/applications/{application.id}/transitions/{key}", data=data)
    assert response.status_code == 302
    return response


def _stored(db, application, key) -> tuple[int, dict]:
    db.session.rollback()
    row = sections.answer_rows(db.session.get(type(application), application.id))[key]
    return row.version, dict(row.data)


def _save(client, db, application, key, **changes):
    """Saves a section through its editor: its stored answers with `changes` on top."""
    version, data = _stored(db, application, key)
    response = client.post(
        f"/applications/{application.id}/sections/{key}", data={"version": str(version), **data, **changes}
    )
    assert response.status_code == 302, response.status_code
    return data


def _review(client, application):
    response = client.get(f"/applications/{application.id}/review")
    assert response.status_code == 200
    return parse(response.get_data(as_text=True))


def _badges(page) -> dict[str, str]:
    """Each section's change label ("" for none), by section key."""
    result = {}
    for node in page.find_all("section", cls="review-section"):
        badge = node.find("span", cls="review-change")
        result[node.id.removeprefix("section-")] = badge.text() if badge else ""
    return result


def _changed_count(page) -> list[int]:
    return numbers(page.find(id="changed-count").text())


def test_after_asking_for_changes_exactly_the_rewritten_section_is_marked_with_its_new_words(login, team, db):
    application, owner, principal = team
    demo._write_answers(application, owner, [SENTENCE], complete=True)
    application.stage = Stage.SUBMISSION
    db.session.commit()
    _take(login(owner), application, "send_to_principal")
    _take(login(principal), application, "request_changes", comment="Skriv mer om behovet.")
    (review,) = db.session.scalars(db.select(PrincipalReview))
    assert review.step == "request_changes" and review.reviewer_id == principal.id
    assert review.section_versions == {row.section_key: row.version for row in _answers(db, application)}

    teacher = login(owner)  # the same client, signed in as the teacher now
    need = _stored(db, application, "needs")[1]["need"]
    before = _save(teacher, db, application, "needs", need=need + " Särskilt i årskurs 8.")
    _take(teacher, application, "send_to_principal")

    page = _review(login(principal), application)
    badges = _badges(page)
    definition = sections.definition_of(application)
    assert list(badges) == [s.key for s in definition.sections]  # the form's order
    assert badges.pop("needs") == say(presenters.CHANGED.label)
    assert set(badges.values()) == {say(presenters.UNCHANGED.label)}

    needs = page.find(id="section-needs")
    (changed,) = needs.find_all("div", cls="compare")
    assert [n.text() for n in changed.find_all("ins")] == ["Särskilt i årskurs 8."]
    assert changed.find_all("del") == []
    assert changed.find("dt").text() == say(definition.section("needs").field("need").label.get("sv"))
    unchanged = [
        n.find("p", cls="text").text() for n in needs.find_all("div", cls="review-field") if "compare" not in n.classes
    ]
    assert unchanged == [before[k] for k in ("goals", "target_group", "change")]
    assert page.find(id="section-description").find_all("div", cls="compare") == []

    summary = page.find(id="last-review-summary")
    assert summary.find("span", cls="review-by").text() == "Mats Berglund"
    assert summary.find("strong", cls="review-decision").text() == say(presenters._DECISIONS["request_changes"])
    assert summary.find("time").attrs["datetime"] == review.reviewed_at.isoformat()
    assert _changed_count(page) == [1]


def _answers(db, application):
    db.session.rollback()
    return list(db.session.get(type(application), application.id).answers)


def _sent_with_the_idea_only(team, db):
    """The idea stage's three sections written, and the application waiting for the principal."""
    application, owner, principal = team
    demo._write_answers(application, owner, [SENTENCE], complete=False)
    application.status = Status.AWAITING_APPROVAL
    db.session.commit()
    return application, owner, principal


def test_a_section_written_only_after_the_review_is_new(login, team, db):
    application, owner, principal = _sent_with_the_idea_only(team, db)
    _take(login(principal), application, "request_changes", comment="Skriv samarbetet också.")
    teacher = login(owner)
    response = teacher.post(
        f"/applications/{application.id}/sections/cooperation",
        data={"version": "0", "formation": "Vi har träffats två gånger.", "management": "Var tredje vecka."},
    )
    assert response.status_code == 302

    page = _review(login(principal), application)
    badges = _badges(page)
    assert badges.pop("cooperation") == say(presenters.NEW.label)
    for key in ("needs", "priorities", "description"):
        assert badges.pop(key) == say(presenters.UNCHANGED.label)
    assert set(badges.values()) == {""}  # answered neither then nor now
    cooperation = page.find(id="section-cooperation")
    assert cooperation.find_all("div", cls="compare") == []
    texts = [n.text() for n in cooperation.find_all("p", cls="text")]
    assert "Vi har träffats två gånger." in texts and "Var tredje vecka." in texts
    assert page.find(id="section-impact").find("p", cls="empty") is not None
    assert _changed_count(page) == [1]


def test_words_written_back_as_they_were_count_as_unchanged(login, team, db):
    application, owner, principal = _sent_with_the_idea_only(team, db)
    _take(login(principal), application, "request_changes", comment="Titta på behovet.")
    teacher = login(owner)
    original = _stored(db, application, "needs")[1]["need"]
    _save(teacher, db, application, "needs", need="Något helt annat.")
    _save(teacher, db, application, "needs", need=original)
    assert _stored(db, application, "needs")[0] == 3
    page = _review(login(principal), application)
    assert _badges(page)["needs"] == say(presenters.UNCHANGED.label)
    assert page.find(id="changed-count").text() == say(_l("No section has changed since then."))


def test_without_a_review_the_page_shows_the_texts_only(login, team, db):
    application, owner, _ = _sent_with_the_idea_only(team, db)
    page = _review(login(owner), application)
    assert set(_badges(page).values()) == {""}
    assert page.find_all("div", cls="compare") == []
    assert page.find(id="changed-count") is None and page.find(id="last-review-summary") is None
    needs = _stored(db, application, "needs")[1]
    texts = [n.text() for n in page.find(id="section-needs").find_all("p", cls="text")]
    assert texts == [needs[k] for k in ("need", "goals", "target_group", "change")]


def test_the_overview_and_the_start_page_lead_the_principal_to_the_review(login, team, db):
    application, owner, principal = _sent_with_the_idea_only(team, db)
    review_url = f"/applications/{application.id}/review"
    boss = login(principal)
    link = parse(boss.get(f"/applications/{application.id}").get_data(as_text=True)).find(id="review-link").find("a")
    assert link.attrs["href"] == review_url and "primary" in link.classes
    assert link.text() == say(presenters.DECIDING_LABEL)
    home = parse(boss.get("/").get_data(as_text=True)).find(id="awaiting-heading").parent
    assert review_url in home.links()
    assert parse(boss.get(review_url).get_data(as_text=True)).find("a", href=f"/applications/{application.id}#actions")

    link = parse(login(owner).get(f"/applications/{application.id}").get_data(as_text=True)).find(id="review-link")
    assert link.find("a").text() == say(presenters.READING_LABEL) and "primary" not in link.find("a").classes


def _append_everywhere(data):
    """Every text of a section's answers with a sentence added: each section changes."""
    if isinstance(data, str):
        return data + " Ny mening."
    if isinstance(data, dict):
        return {k: _append_everywhere(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_append_everywhere(v) for v in data]
    return data


def test_the_review_page_sends_the_same_statements_for_three_sections_or_all(login, make, db, team):
    _, owner, principal = team
    school = owner.memberships[0].school

    def statements(complete: bool) -> int:
        application = make.application(school, owner=owner, action_key="KA210-SCH")
        make.partner(application, country="DK", status=PartnerStatus.CONFIRMED)
        demo._write_answers(application, owner, [SENTENCE], complete=complete)
        application.status = Status.AWAITING_APPROVAL
        db.session.commit()
        _take(login(principal), application, "request_changes", comment="Ändra allt.")
        application = db.session.get(type(application), application.id)
        for row in list(application.answers):
            sections.save_section(owner, application, row.section_key, _append_everywhere(row.data), row.version)
            author = make.user(Role.TEACHER, school=school)  # one more author per section
            for body in ("Öppen fråga.", "Klar fråga."):
                db.session.add(
                    SectionComment(application_id=application.id, section_key=row.section_key, author=author, body=body)
                )
        db.session.flush()
        for comment in db.session.scalars(db.select(SectionComment).where(SectionComment.body == "Klar fråga.")):
            comment.resolved_by_id = owner.id
            comment.resolved_at = comment.created_at
        db.session.commit()
        client = login(principal)
        with count_queries() as sent:
            page = _review(client, application)
        answered = len(application.answers)
        assert sum(1 for b in _badges(page).values() if b == say(presenters.CHANGED.label)) == answered
        assert len(page.find_all("li", cls="comment")) == 2 * answered
        return answered, len(sent)

    (few, small), (many, large) = statements(False), statements(True)
    assert few == 3 and many == len(sections.definition_of(team[0]).sections)
    assert large == small
