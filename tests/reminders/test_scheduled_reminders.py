"""`flask --app webapp scheduler`: RQ's cron scheduler puts the daily reminders (06:00 Stockholm)
and the pending mail (every five minutes) in the queue, and a worker sends the reminders through
a real SMTP server, once each even when the job comes twice."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
import redis

from support import allow_real_smtp, app_with_smtp, free_port, smtp_server
from webapp.auth.models import Role
from webapp.cli import SCHEDULE, scheduled_jobs
from webapp.core import jobs
from webapp.core.i18n import today_in_stockholm
from webapp.core.models import utcnow
from webapp.extensions import db as _db
from webapp.tasks import services as tasks

REDIS_URL = "redis://127.0.0.1:6379/8"


@pytest.fixture
def queued_mail(db_url, monkeypatch):
    allow_real_smtp(monkeypatch)
    redis.Redis.from_url(REDIS_URL).flushdb()
    zone = os.environ.get("TZ")
    port = free_port()
    with app_with_smtp(db_url, port, REDIS_URL=REDIS_URL) as app, smtp_server(port) as inbox:
        yield app, inbox
    if zone is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = zone
    time.tzset()


def test_the_scheduler_puts_the_reminders_in_line_and_a_worker_sends_them_once(queued_mail, make, db):
    app, inbox = queued_mail
    school = make.school()
    owner = make.user(Role.TEACHER, school=school, language="en", email="elin@example.org")
    application = make.application(school, owner=owner, title="Läsglädje")
    soon = today_in_stockholm() + timedelta(days=3)
    tasks.save(owner, application, None, {"title": "Boka resan", "due_on": soon, "assignee_id": owner.id}, None)
    db.session.commit()
    with app.app_context():
        scheduler = jobs.cron_scheduler(scheduled_jobs(), "Europe/Stockholm")
        assert [(job.func_name, job.cron) for job in scheduler.get_jobs()] == list(SCHEDULE)
        for _round in range(2):  # due now, twice (a second scheduler, or a retry)
            for job in scheduler.get_jobs():
                job.next_enqueue_time = utcnow() - timedelta(seconds=1)
            assert len(scheduler.enqueue_jobs()) == len(SCHEDULE)
        assert jobs.queue().count == 2 * len(SCHEDULE)
        jobs.work(burst=True)
        assert jobs.failed() == []
        _db.session.remove()
    assert [recipients for recipients, _text in inbox.messages] == [["elin@example.org"]]
    assert "Boka resan" in inbox.parsed[0].get_body(("plain",)).get_content()
