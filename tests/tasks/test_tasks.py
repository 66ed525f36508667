"""An application's tasks: added, changed over the loaded version, done and open again, made from
the plan's milestones once, on the assignee's start page, and kept only while the application is in play."""

from __future__ import annotations

from datetime import date

import pytest

from pages import parse
from webapp.auth.models import Role
from webapp.core.audit import AuditEvent
from webapp.lifecycle import Status
from webapp.tasks import services
from webapp.tasks.models import Task


@pytest.fixture
def application(make, db):
    application = make.application(action_key="KA210-SCH", call_round="2027-R1")
    db.session.commit()
    return application


def _tasks(db, application):
    db.session.rollback()
    return list(db.session.scalars(db.select(Task).where(Task.application_id == application.id).order_by(Task.id)))


def test_a_task_is_added_with_its_due_date_and_who_does_it(login, make, db, application):
    colleague = make.user(Role.TEACHER, school=application.school, name="Lena Sjöberg")
    db.session.commit()
    client = login(application.owner)
    data = {"title": "Skriv behovsanalysen", "due_on": "2027-01-20", "assignee_id": str(colleague.id)}
    assert client.post(f"/applications/{application.id}/tasks/new", data=data).status_code == 302
    (task,) = _tasks(db, application)
    assert (task.title, task.due_on, task.assignee_id, task.done_at) == (
        "Skriv behovsanalysen",
        date(2027, 1, 20),
        colleague.id,
        None,
    )
    assert db.session.scalar(db.select(AuditEvent.action).where(AuditEvent.action == "task.created"))
    page = client.get(f"/applications/{application.id}/tasks/").get_data(as_text=True)
    assert "Skriv behovsanalysen" in page and "Lena Sjöberg" in page


def test_someone_outside_the_school_cannot_be_given_a_task(login, make, db, application):
    outsider = make.user(Role.TEACHER)
    db.session.commit()
    data = {"title": "X", "assignee_id": str(outsider.id)}
    response = login(application.owner).post(f"/applications/{application.id}/tasks/new", data=data)
    assert response.status_code == 422 and 'id="assignee_id-error"' in response.get_data(as_text=True)
    assert _tasks(db, application) == []


def test_bad_input_is_refused_at_the_field_and_kept(login, db, application):
    response = login(application.owner).post(
        f"/applications/{application.id}/tasks/new", data={"title": "", "due_on": "nästa vecka"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="title-error"' in page and 'id="due_on-error"' in page
    assert 'value="nästa vecka"' in page
    assert _tasks(db, application) == []


def test_a_stale_edit_is_a_conflict_that_keeps_what_was_typed(login, db, application):
    task = services.save(application.owner, application, None, {"title": "Första"}, None)
    db.session.commit()
    client = login(application.owner)
    url = f"/applications/{application.id}/tasks/{task.id}"
    assert client.post(url, data={"title": "Andra", "loaded_version": task.version}).status_code == 302
    response = client.post(url, data={"title": "Tredje", "loaded_version": 1})  # loaded before "Andra"
    assert response.status_code == 409 and 'value="Tredje"' in response.get_data(as_text=True)
    assert [t.title for t in _tasks(db, application)] == ["Andra"]


def test_done_and_open_again(login, db, application):
    task = services.save(application.owner, application, None, {"title": "Ring Pirkkala"}, None)
    db.session.commit()
    client = login(application.owner)
    url = f"/applications/{application.id}/tasks/{task.id}/done"
    client.post(url, data={"done": "1", "version": task.version})
    (done,) = _tasks(db, application)
    assert done.done_at is not None and done.done_by_id == application.owner.id
    client.post(url, data={"done": "0", "version": done.version})
    (reopened,) = _tasks(db, application)
    assert reopened.done_at is None
    client.post(url, data={"done": "1", "version": 1})  # a stale button changes nothing
    assert _tasks(db, application)[0].done_at is None


def test_the_plans_milestones_become_tasks_once(login, db, application):
    client = login(application.owner)
    url = f"/applications/{application.id}/tasks/from-plan"
    assert client.post(url).status_code == 302
    made = _tasks(db, application)
    assert [t.milestone_key for t in made] == ["partners_confirmed", "draft_complete", "principal_approval"]
    assert all(t.due_on is not None for t in made)
    client.post(url)
    assert len(_tasks(db, application)) == 3


def test_open_tasks_are_the_assignees_nearest_first(make, db, application):
    mine = application.owner
    for title, due in (("Senare", date(2027, 2, 1)), ("Snart", date(2027, 1, 10)), ("Odaterad", None)):
        services.save(mine, application, None, {"title": title, "due_on": due, "assignee_id": mine.id}, None)
    done = services.save(mine, application, None, {"title": "Klar", "assignee_id": mine.id}, None)
    services.set_done(mine, application, done, True, done.version)
    db.session.commit()
    assert [t.title for t in services.open_for(mine)] == ["Snart", "Senare", "Odaterad"]


def test_tasks_are_kept_only_while_the_application_is_in_play(login, db, application):
    application.status = Status.CLOSED
    db.session.commit()
    response = login(application.owner).post(f"/applications/{application.id}/tasks/new", data={"title": "X"})
    assert response.status_code == 403
    page = parse(login(application.owner).get(f"/applications/{application.id}/tasks/").get_data(as_text=True))
    assert page.find("form", attrs={"action": f"/applications/{application.id}/tasks/new"}) is None


def test_the_start_page_lists_my_open_tasks(login, db, application):
    mine = application.owner
    services.save(
        mine, application, None, {"title": "Boka resan", "due_on": date(2027, 3, 1), "assignee_id": mine.id}, None
    )
    db.session.commit()
    page = parse(login(mine).get("/").get_data(as_text=True))
    section = page.find("section", aria_labelledby="tasks-heading")
    assert section is not None and "Boka resan" in section.text() and application.title in section.text()
