"""Co-writers saving at the same instant: different sections never collide, the same section
still conflicts. Real threads, each request in its own session and connection, released together
by a barrier; on SQLite and (with TEST_DATABASE_URL) on PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from support import sign_in_as
from webapp.auth.models import Role


def _text_sections(definition):
    return [s for s in definition.sections if not s.repeat and any(f.is_text for f in s.fields)]


def _first_text_field(section):
    return next(f for f in section.fields if f.is_text)


def _post_together(app, jobs):
    """Sends every (user, url, data) at once; returns the responses in the same order."""
    barrier = threading.Barrier(len(jobs), timeout=30)
    results: list = [None] * len(jobs)
    clients = []
    for user, _url, _data in jobs:
        client = app.test_client()
        sign_in_as(client, user)
        clients.append(client)

    def run(index):
        _user, url, data = jobs[index]
        barrier.wait()
        try:
            response = clients[index].post(url, data=data, headers={"X-Autosave": "1"})
            results[index] = (response.status_code, response.get_json(silent=True))
        except Exception as exc:  # an exception here is the failure the test reports
            results[index] = (type(exc).__name__, str(exc))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _stored(db, application_id):
    from webapp.sections.models import SectionAnswer

    db.session.rollback()  # a fresh snapshot: SQLite in WAL mode reads as of the transaction's start
    rows = db.session.scalars(db.select(SectionAnswer).where(SectionAnswer.application_id == application_id))
    return {row.section_key: row.data for row in rows}


def test_two_co_writers_in_different_sections_both_save(app, make, db):
    school = make.school()
    owner = make.user(Role.TEACHER, school=school)
    colleague = make.user(Role.TEACHER, school=school)
    application = make.application(school, owner=owner, action_key="KA220-SCH", call_round="2027-R1", team=[colleague])
    definition = app.extensions["programmes"].definition(application.action_key, application.call_year)
    db.session.commit()
    for attempt in range(10):
        first, second = _text_sections(definition)[2 * attempt % 8 : 2 * attempt % 8 + 2]
        jobs = [
            (
                user,
                f"/applications/{application.id}/sections/{section.key}",
                {
                    "version": str(_version(db, application.id, section.key)),
                    _first_text_field(section).key: f"{user.name} {attempt}",
                },
            )
            for user, section in ((owner, first), (colleague, second))
        ]
        results = _post_together(app, jobs)
        assert [r[0] for r in results] == [200, 200], (attempt, results)
        assert all(r[1]["status"] == "saved" for r in results)
        stored = _stored(db, application.id)
        assert stored[first.key][_first_text_field(first).key] == f"{owner.name} {attempt}"
        assert stored[second.key][_first_text_field(second).key] == f"{colleague.name} {attempt}"


def _version(db, application_id, key):
    from webapp.sections.models import SectionAnswer

    db.session.rollback()
    row = db.session.scalar(
        db.select(SectionAnswer).where(SectionAnswer.application_id == application_id, SectionAnswer.section_key == key)
    )
    return row.version if row else 0


def test_twenty_parallel_autosaves_to_twenty_sections_all_store(app, make, db):
    school = make.school()
    owner = make.user(Role.TEACHER, school=school)
    applications = [
        make.application(school, owner=owner, action_key="NPJ-MOBILITY", call_round="2027-R1") for _ in range(2)
    ]
    db.session.commit()
    jobs = []
    for application in applications:
        definition = app.extensions["programmes"].definition(application.action_key, application.call_year)
        for section in _text_sections(definition)[:10]:
            field = _first_text_field(section)
            jobs.append(
                (
                    owner,
                    f"/applications/{application.id}/sections/{section.key}",
                    {"version": "0", field.key: f"{section.key} of {application.id}"},
                )
            )
    assert len(jobs) == 20
    results = _post_together(app, jobs)
    assert [r[0] for r in results] == [200] * 20, results
    for application in applications:
        stored = _stored(db, application.id)
        definition = app.extensions["programmes"].definition(application.action_key, application.call_year)
        for section in _text_sections(definition)[:10]:
            assert stored[section.key][_first_text_field(section).key] == f"{section.key} of {application.id}"


def test_a_stale_save_in_the_same_section_still_conflicts(app, make, db):
    school = make.school()
    owner = make.user(Role.TEACHER, school=school)
    colleague = make.user(Role.TEACHER, school=school)
    application = make.application(school, owner=owner, team=[colleague])
    db.session.commit()
    url = f"/applications/{application.id}/sections/needs"
    results = _post_together(
        app,
        [
            (owner, url, {"version": "0", "need": "Ägarens text"}),
            (colleague, url, {"version": "0", "need": "Kollegans text"}),
        ],
    )
    codes = sorted(r[0] for r in results)
    assert codes == [200, 409], results
    winner = next(i for i, r in enumerate(results) if r[0] == 200)
    assert _stored(db, application.id)["needs"]["need"] == ("Ägarens text", "Kollegans text")[winner]
    assert results[1 - winner][1]["status"] == "conflict"


def test_the_database_refuses_a_save_over_a_version_it_no_longer_holds(app, make, db):
    """Below the form's own check: the row changed in the database after it was loaded (here by a
    raw UPDATE on the same transaction, as a concurrent writer would), so the UPDATE ... WHERE
    version = 1 matches nothing; only the savepoint is undone and Conflict carries the stored row."""
    from sqlalchemy import text

    from webapp.core.errors import Conflict
    from webapp.sections import services

    application = make.application()
    services.save_section(application.owner, application, "needs", {"need": "Första"}, 0)
    db.session.commit()
    row = services.answer_rows(application)["needs"]
    assert row.version == 1
    db.session.execute(
        text("UPDATE section_answer SET version = 2, data = :data WHERE id = :id"),
        {"data": '{"need": "Någon annans"}', "id": row.id},
    )
    with pytest.raises(Conflict) as lost:
        services.save_section(application.owner, application, "needs", {"need": "Min"}, 1)
    assert lost.value.current.version == 2 and lost.value.current.data == {"need": "Någon annans"}
    db.session.commit()  # the request's other work is kept: only the savepoint was undone
    db.session.expire_all()
    assert services.answer_rows(application)["needs"].data == {"need": "Någon annans"}
