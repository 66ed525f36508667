"""Reminders as a real SMTP server (aiosmtpd on the loopback) receives them: a person's coming
deadline, milestones and tasks in their language, once each, also when two runs overlap."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from support import allow_real_smtp, app_with_smtp, free_port, smtp_server
from webapp.auth.models import Role
from webapp.core import outbox
from webapp.extensions import db as _db
from webapp.reminders.models import ReminderSent
from webapp.reminders.services import items_for, send_reminders
from webapp.tasks import services as tasks

TODAY = date(2027, 2, 25)  # KA210-SCH 2027-R1 closes on 4 March 2027: 7 days left


@pytest.fixture
def mail_app(db_url, monkeypatch):
    allow_real_smtp(monkeypatch)
    port = free_port()
    with app_with_smtp(db_url, port) as app, smtp_server(port) as inbox:
        yield app, inbox


@pytest.fixture
def writers(make, db):
    school = make.school()
    owner = make.user(Role.TEACHER, school=school, language="sv", email="elin@example.org")
    colleague = make.user(Role.TEACHER, school=school, language="en", email="amir@example.org")
    quiet = make.user(Role.TEACHER, school=school, language="sv", email="quiet@example.org")
    quiet.mail_off = ["reminders"]
    application = make.application(school, owner=owner, team=[colleague, quiet], title="Läsglädje")
    tasks.save(
        owner,
        application,
        None,
        {"title": "Boka resan", "due_on": date(2027, 2, 27), "assignee_id": colleague.id},
        None,
    )
    tasks.save(
        owner, application, None, {"title": "Långt fram", "due_on": date(2027, 6, 1), "assignee_id": colleague.id}, None
    )
    other = make.application(make.school(), title="En annan skolas")
    other.owner.email = "other@example.org"
    db.session.commit()
    return application, owner, colleague


def _run(app, results=None) -> None:
    with app.app_context():
        counted = send_reminders(TODAY)
        delivered = outbox.deliver(outbox.pending())
        if results is not None:
            results.append(
                (counted, delivered, _db.session.execute(_db.text("select id, payload from outbox_message")).all())
            )
        _db.session.remove()


def _mails(inbox) -> dict[str, str]:
    return {m["To"]: m.get_body(("plain",)).get_content() for m in inbox.parsed}


def test_each_writer_hears_of_the_deadline_the_milestone_and_their_tasks_in_their_language(mail_app, writers):
    app, inbox = mail_app
    application, _owner, _colleague = writers
    _run(app)
    mails = _mails(inbox)
    assert set(mails) == {"elin@example.org", "amir@example.org", "other@example.org"}  # not quiet@
    subjects = {m["To"]: m["Subject"] for m in inbox.parsed}
    assert subjects["elin@example.org"] == "På gång i Grantpath"
    assert subjects["amir@example.org"] == "Coming up in Grantpath"
    assert "Läsglädje" not in mails["other@example.org"]  # each hears of what they write
    english = mails["amir@example.org"]
    assert "Deadline of “Läsglädje” (KA210-SCH)" in english
    assert "Approved by the principal for “Läsglädje” by February 25, 2027" in english  # due today
    assert "Draft complete" not in english  # its day has passed: no reminder of the past
    assert "Boka resan" in english and "Långt fram" not in english  # only what is due soon
    assert f"/applications/{application.id}" in english
    assert "Boka resan" not in mails["elin@example.org"]  # a task is its assignee's
    assert mails["elin@example.org"].startswith("Hej ")


def test_two_overlapping_runs_send_each_reminder_once(mail_app, writers, db):
    app, inbox = mail_app
    barrier = threading.Barrier(2)

    results = []

    def run():
        barrier.wait()
        try:
            _run(app, results)
        except Exception:
            import traceback

            results.append(traceback.format_exc()[-1500:])

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(m["To"] for m in inbox.parsed) == ["amir@example.org", "elin@example.org", "other@example.org"], (
        results
    )
    _run(app)  # and a later run has nothing new to say
    assert len(inbox.parsed) == 3
    db.session.rollback()
    recorded = db.session.execute(db.select(ReminderSent.user_id, ReminderSent.key)).all()
    assert len(recorded) == len(set(recorded)) == 7  # elin 2, amir 3 (the task too), other 2


def test_a_moved_date_is_reminded_again(app, writers, db):
    application, owner, colleague = writers
    with app.test_request_context():
        before = {i.key for i in items_for(colleague, TODAY)}
        task = next(t for t in tasks.of(application) if t.title == "Boka resan")
        tasks.save(
            owner,
            application,
            task,
            {"title": task.title, "due_on": date(2027, 2, 28), "assignee_id": colleague.id},
            task.version,
        )
        after = {i.key for i in items_for(colleague, TODAY)}
    assert f"task:{task.id}:2027-02-27" in before and f"task:{task.id}:2027-02-28" in after
