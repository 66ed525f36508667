"""Version history: every saved version of a section is kept (in the save's own savepoint), two
versions compare word by word, an earlier one is restored as a new version, and a stale save
becomes a merge instead of a reload."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from pages import flashes, parse
from support import build_app, insert_one_application, sign_in_as
from webapp.auth.models import Role
from webapp.core.audit import AuditEvent
from webapp.lifecycle import Status
from webapp.sections import services as sections
from webapp.sections.models import SectionAnswer, SectionVersion


def url(application, key="needs", tail=""):
    return f"/applications/{application.id}/sections/{key}{tail}"


def history_of(db, application, key="needs") -> list[tuple[int, dict, int | None]]:
    """(version, data, author id) of every stored version, oldest first, as the database holds them."""
    db.session.rollback()
    rows = db.session.scalars(
        db.select(SectionVersion)
        .where(SectionVersion.application_id == application.id, SectionVersion.section_key == key)
        .order_by(SectionVersion.version)
    )
    return [(row.version, row.data, row.saved_by_id) for row in rows]


def current(db, application, key="needs") -> SectionAnswer | None:
    db.session.rollback()
    return db.session.scalar(
        db.select(SectionAnswer).where(SectionAnswer.application_id == application.id, SectionAnswer.section_key == key)
    )


def marks(html: str, tag: str) -> list[str]:
    return [node.text() for node in parse(html).find_all(tag)]


@pytest.fixture
def team(make, login):
    """An application, its owner signed in, and a colleague on the team with a client of their own."""
    application = make.application()
    colleague = make.user(Role.TEACHER, school=application.school)
    application.team.append(colleague)
    owner_client = login(application.owner)
    colleague_client = owner_client.application.test_client()
    sign_in_as(colleague_client, colleague)
    return application, owner_client, colleague, colleague_client


def test_every_save_keeps_a_version_with_its_data_and_author(db, team):
    application, owner_client, colleague, colleague_client = team
    owner = application.owner
    texts = ["Första utkastet.", "Andra, av kollegan.", "Tredje, av ägaren."]
    for version, (client, words) in enumerate(zip((owner_client, colleague_client, owner_client), texts, strict=True)):
        response = client.post(url(application), data={"version": str(version), "need": words})
        assert response.status_code == 302
    kept = history_of(db, application)
    assert [(v, data["need"], author) for v, data, author in kept] == [
        (1, texts[0], owner.id),
        (2, texts[1], colleague.id),
        (3, texts[2], owner.id),
    ]
    assert current(db, application).version == 3  # the editor still reads the current answer
    page = parse(owner_client.get(url(application, tail="/history")).get_data(as_text=True))
    rows = [row.id for row in page.find_all("tr") if row.id]
    assert rows == ["version-3", "version-2", "version-1"]  # newest first


def test_saving_the_same_answers_again_adds_no_version(db, team):
    application, owner_client, *_ = team
    owner_client.post(url(application), data={"version": "0", "need": "Samma"})
    assert owner_client.post(url(application), data={"version": "1", "need": "Samma"}).status_code == 302
    assert [v for v, *_ in history_of(db, application)] == [current(db, application).version] == [1]


def test_a_lost_race_leaves_no_history_row(make, db):
    """As test_concurrent_saves: the row changed in the database after it was loaded, so the UPDATE
    matches nothing; the savepoint that also held the history row is undone with it."""
    from webapp.core.errors import Conflict

    application = make.application()
    sections.save_section(application.owner, application, "needs", {"need": "Första"}, 0)
    db.session.commit()
    row = sections.answer_rows(application)["needs"]
    db.session.execute(
        text("UPDATE section_answer SET version = 2, data = :data WHERE id = :id"),
        {"data": '{"need": "Någon annans"}', "id": row.id},
    )
    with pytest.raises(Conflict):
        sections.save_section(application.owner, application, "needs", {"need": "Min"}, 1)
    db.session.commit()
    assert history_of(db, application) == [(1, {"need": "Första"}, application.owner.id)]


def test_compare_marks_the_inserted_and_deleted_words(db, team):
    application, client, *_ = team
    client.post(url(application), data={"version": "0", "need": "Eleverna läser för lite hemma."})
    client.post(url(application), data={"version": "1", "need": "Eleverna skriver för lite, varje dag hemma."})
    response = client.get(url(application, tail="/history/compare?a=1&b=2"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert marks(html, "del") == ["läser"]
    assert marks(html, "ins") == ["skriver", ", varje dag"]
    # Without a and b: the last change.
    assert marks(client.get(url(application, tail="/history/compare")).get_data(as_text=True), "ins") == [
        "skriver",
        ", varje dag",
    ]
    # The other way round, what was added is what was removed.
    reverse = client.get(url(application, tail="/history/compare?a=2&b=1")).get_data(as_text=True)
    assert marks(reverse, "del") == ["skriver", ", varje dag"] and marks(reverse, "ins") == ["läser"]


def test_compare_escapes_what_users_wrote(db, team):
    application, client, *_ = team
    client.post(url(application), data={"version": "0", "need": "Text <b>fet</b>"})
    client.post(url(application), data={"version": "1", "need": 'Text <script>alert("x")</script>'})
    html = client.get(url(application, tail="/history/compare?a=1&b=2")).get_data(as_text=True)
    assert "<script>alert" not in html and "<b>fet" not in html
    assert "&lt;<ins>script</ins>&gt;<ins>alert(&#34;x&#34;)</ins>&lt;/<ins>script</ins>&gt;" in html  # escaped, marked
    assert marks(html, "ins") == ["script", 'alert("x")', "script"] and marks(html, "del") == ["b", "fet", "b"]


def test_restore_stores_that_versions_texts_as_a_new_version_and_loses_nothing(db, team):
    application, client, _colleague, colleague_client = team
    texts = [
        {"need": "Ett", "goals": "Mål ett"},
        {"need": "Två", "goals": ""},
        {"need": "Tre", "goals": "Mål tre"},
    ]
    for version, data in enumerate(texts):
        who = colleague_client if version == 1 else client
        assert who.post(url(application), data={"version": str(version), **data}).status_code == 302
    stored_before = [data for _v, data, _a in history_of(db, application)]
    response = client.post(url(application, tail="/history/1/restore"))
    assert response.status_code == 302 and response.headers["Location"].endswith(url(application))
    kept = history_of(db, application)
    assert [v for v, *_ in kept] == [1, 2, 3, 4]
    assert [data for _v, data, _a in kept[:3]] == stored_before  # every earlier version is still there
    assert kept[3][1] == kept[0][1] and kept[3][2] == application.owner.id
    row = current(db, application)
    assert row.version == 4 and row.data == kept[0][1]
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "section.saved")).all()
    assert len(events) == 4  # audited like any save
    # A version that does not exist is refused with a message, not an error.
    missing = client.post(url(application, tail="/history/99/restore"), follow_redirects=True)
    assert missing.status_code == 200 and flashes(missing.get_data(as_text=True))[-1][0] == "warning"
    assert [v for v, *_ in history_of(db, application)] == [1, 2, 3, 4]


def test_another_organisation_gets_404_on_every_history_route(make, db, login, team):
    application, owner_client, *_ = team
    owner_client.post(url(application), data={"version": "0", "need": "Hemligt"})
    stranger = make.user(Role.ADMIN, organisation=make.organisation())
    client = login(stranger)
    assert client.get(url(application, tail="/history")).status_code == 404
    assert client.get(url(application, tail="/history/compare?a=1&b=1")).status_code == 404
    assert client.post(url(application, tail="/history/1/restore")).status_code == 404
    assert [v for v, *_ in history_of(db, application)] == [1]


def test_a_teacher_not_on_the_team_reads_the_history_but_cannot_restore(make, db, team):
    application, owner_client, *_ = team
    owner_client.post(url(application), data={"version": "0", "need": "Ett"})
    owner_client.post(url(application), data={"version": "1", "need": "Två"})
    reader = make.user(Role.TEACHER, school=application.school)
    client = owner_client.application.test_client()
    sign_in_as(client, reader)
    page = client.get(url(application, tail="/history"))
    assert page.status_code == 200
    forms = parse(page.get_data(as_text=True)).find_all("form")
    assert not [f for f in forms if f.attrs.get("action", "").endswith("/restore")]  # no restore buttons
    assert client.get(url(application, tail="/history/compare?a=1&b=2")).status_code == 200
    assert client.post(url(application, tail="/history/1/restore")).status_code == 403
    assert [v for v, *_ in history_of(db, application)] == [1, 2] and current(db, application).data["need"] == "Två"


def test_restoring_on_a_locked_application_changes_nothing(db, team):
    application, client, *_ = team
    client.post(url(application), data={"version": "0", "need": "Ett"})
    client.post(url(application), data={"version": "1", "need": "Två"})
    application.status = Status.SUBMITTED
    db.session.commit()
    before = history_of(db, application)
    response = client.post(url(application, tail="/history/1/restore"))
    assert response.status_code == 403
    assert history_of(db, application) == before
    row = current(db, application)
    assert row.version == 2 and row.data["need"] == "Två"
    assert client.get(url(application, tail="/history")).status_code == 200  # still readable


@pytest.mark.parametrize(
    "query",
    [
        "a=x&b=1",
        "a=²&b=1",
        "a=1&b=99",
        "a=&b=",
        "a=-1&b=2",
        "a=1&b=" + "9" * 30,
        "a=1",
        "b=2",
        "a=1.5&b=2",
        "a=%00&b=1",
        "a=1&a=2&b=٢",
    ],
)
def test_odd_compare_values_answer_with_a_message(db, team, query):
    application, client, *_ = team
    client.post(url(application), data={"version": "0", "need": "Ett"})
    client.post(url(application), data={"version": "1", "need": "Två"})
    response = client.get(url(application, tail=f"/history/compare?{query}"))
    assert response.status_code < 500
    assert parse(response.get_data(as_text=True)).find(id="compare-message")


@pytest.mark.parametrize("page", ["²", "0", "-3", "x", "99999999999", "2"])
def test_odd_history_pages_answer(db, team, page):
    application, client, *_ = team
    client.post(url(application), data={"version": "0", "need": "Ett"})
    assert client.get(url(application, tail=f"/history?page={page}")).status_code == 200


def test_nothing_to_compare_yet_is_said(db, team):
    application, client, *_ = team
    response = client.get(url(application, tail="/history/compare"))
    assert response.status_code == 200 and parse(response.get_data(as_text=True)).find(id="compare-message")


def test_a_long_history_is_paginated(make, db, login):
    application = make.application()
    for version in range(25):
        sections.save_section(application.owner, application, "needs", {"need": f"Text {version}"}, version)
    client = login(application.owner)
    first = parse(client.get(url(application, tail="/history")).get_data(as_text=True))
    second = parse(client.get(url(application, tail="/history?page=2")).get_data(as_text=True))
    ids = [[row.id for row in page.find_all("tr") if row.id] for page in (first, second)]
    assert ids == [[f"version-{n}" for n in range(25, 5, -1)], [f"version-{n}" for n in range(5, 0, -1)]]


def test_a_stale_save_is_a_merge_with_the_stored_text_marked(db, team):
    application, client, _colleague, colleague_client = team
    client.post(url(application), data={"version": "0", "need": "Eleverna läser för lite."})
    colleague_client.post(url(application), data={"version": "1", "need": "Eleverna läser för lite i skolan."})
    mine = "Eleverna läser alldeles för lite."
    response = client.post(url(application), data={"version": "1", "need": mine})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    page = parse(html)
    form = page.find("form", cls="section-form")
    assert form.find("textarea", id="need").text() == mine  # the user's text is still in the form
    conflict = page.find(id="conflict")
    assert [n.text() for n in conflict.find_all("del")] == ["i skolan"]  # only in the stored text
    assert [n.text() for n in conflict.find_all("ins")] == ["alldeles"]  # only in the user's
    version = form.find("input", name="version")
    assert version.attrs["value"] == "2"  # the stored one: saving again is the merge
    assert form.attrs["data-autosave"] == "off" and form.attrs["data-unsaved"] == "1"
    assert current(db, application).data["need"] == "Eleverna läser för lite i skolan."
    merged = "Eleverna läser alldeles för lite i skolan."
    again = client.post(url(application), data={"version": version.attrs["value"], "need": merged})
    assert again.status_code == 302
    assert current(db, application).data["need"] == merged
    assert [data["need"] for _v, data, _a in history_of(db, application)] == [
        "Eleverna läser för lite.",
        "Eleverna läser för lite i skolan.",
        merged,
    ]


def test_a_stale_autosave_names_the_stored_version_and_stores_nothing(db, team):
    application, client, _colleague, colleague_client = team
    client.post(url(application), data={"version": "0", "need": "Ett"})
    colleague_client.post(url(application), data={"version": "1", "need": "Två"})
    response = client.post(url(application), data={"version": "1", "need": "Mitt"}, headers={"X-Autosave": "1"})
    body = json.loads(response.get_data(as_text=True))
    assert response.status_code == 409
    assert body["status"] == "conflict" and body["version"] == 2 and body["message"] and body["compare"]
    assert current(db, application).data["need"] == "Två" and len(history_of(db, application)) == 2


def test_reuse_starts_the_new_applications_history_with_the_copied_texts(make, db):
    from webapp.applications import services as applications

    source = make.application()
    sections.save_section(source.owner, source, "needs", {"need": "Återbrukad text"}, 0)
    target = applications.create(
        source.owner, source.school, source.action_key, source.call_round, "Nytt projekt", copy_from=source
    )
    db.session.commit()
    row = current(db, target)
    assert row is not None
    assert history_of(db, target) == [(row.version, row.data, None)]


def test_0004_gives_every_existing_answer_a_history(tmp_path):
    """The migration on its own (0003 -> 0004 and back): each stored answer becomes its first
    history row, with its version, data, author and time."""
    from flask_migrate import downgrade, upgrade

    from webapp.extensions import db

    app = build_app("sqlite:///" + str(tmp_path / "migrated.sqlite"))
    with app.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as conn:
            insert_one_application(conn)
            for key, data, version, author in (("needs", '{"need": "x"}', 3, 1), ("description", "{}", 1, None)):
                conn.execute(
                    text(
                        "INSERT INTO section_answer (application_id, section_key, data, version, updated_at, "
                        "updated_by_id) VALUES (1, :key, :data, :version, '2026-03-05 11:00:00', :author)"
                    ),
                    {"key": key, "data": data, "version": version, "author": author},
                )
        upgrade(revision="0004")
        with db.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT application_id, section_key, version, data, saved_by_id, saved_at "
                    "FROM section_version ORDER BY section_key"
                )
            ).all()
        assert [(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows] == [
            (1, "description", 1, {}, None),
            (1, "needs", 3, {"need": "x"}, 1),
        ]
        assert all(str(r[5]).startswith("2026-03-05 11:00:00") for r in rows)
        downgrade(revision="0003")
        with db.engine.connect() as conn:
            assert "section_version" not in set(db.inspect(conn).get_table_names())
            assert conn.execute(text("SELECT count(*) FROM section_answer")).scalar() == 2
        db.engine.dispose()


def test_restoring_the_same_texts_still_makes_a_new_version(db, team):
    application, client, *_ = team
    client.post(url(application), data={"version": "0", "need": "Ett"})
    client.post(url(application), data={"version": "1", "need": "Två"})
    client.post(url(application), data={"version": "2", "need": "Ett"})
    assert client.post(url(application, tail="/history/1/restore")).status_code == 302
    assert [(v, data["need"]) for v, data, _a in history_of(db, application)] == [
        (1, "Ett"),
        (2, "Två"),
        (3, "Ett"),
        (4, "Ett"),
    ]


def test_a_repeated_section_compares_item_by_item(db, login, make):
    application = make.application()
    client = login(application.owner)
    key = "activities"
    client.post(url(application, key), data={"version": "0", "action": "add"})
    client.post(url(application, key), data={"version": "1", "items-0-title": "Kick-off i Solna"})
    client.post(
        url(application, key),
        data={"version": "2", "action": "add", "items-0-title": "Kick-off i Solna och Åbo"},
    )
    html = client.get(url(application, key, "/history/compare?a=2&b=3")).get_data(as_text=True)
    section = sections.definition_of(application).section(key)
    title = next(f for f in section.fields if f.key == "title").label.get("sv")
    blocks = parse(html).find_all("div", cls="compare")
    changed = [block.find("h3").text() for block in blocks if "unchanged" not in block.classes]
    assert changed == [f"{section.repeat.item_label.get('sv')} 1: {title}"]  # the second, empty item is unchanged
    assert marks(html, "ins") == ["och Åbo"] and marks(html, "del") == []
