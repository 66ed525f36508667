"""The job queue on the machine's real Redis: mail a request causes waits in the queue until a
worker delivers it; a delivery that keeps failing (a real SMTP port nothing listens on) is retried,
then kept as a dead letter with its reason, and goes out once sent back after the fault is fixed."""

from __future__ import annotations

import pytest
import redis

from support import allow_real_smtp, build_app, free_port, smtp_server
from webapp.core import jobs
from webapp.core.outbox import OutboxMessage
from webapp.extensions import db

REDIS_URL = "redis://127.0.0.1:6379/13"
EMAIL = "elin@example.org"


@pytest.fixture
def queued(db_url):
    redis.Redis.from_url(REDIS_URL).flushdb()
    built = []

    def app_with(**extra):
        app = build_app(db_url, REDIS_URL=REDIS_URL, JOB_RETRY_INTERVALS=[0, 0], **extra)
        app.extensions["mail_outbox"] = []
        built.append(app)
        return app

    yield app_with
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _messages():
    db.session.rollback()  # a fresh snapshot: the worker wrote in transactions of its own
    return list(db.session.scalars(db.select(OutboxMessage)))


def test_a_requests_mail_waits_in_the_queue_until_a_worker_delivers_it(queued, make):
    app = queued()
    make.user(email=EMAIL)
    db.session.commit()
    assert app.test_client().post("/password/forgot", data={"email": EMAIL}).status_code == 302
    assert app.extensions["mail_outbox"] == []  # nothing went out from the web process
    with app.app_context():
        assert jobs.queue().count == 1
        jobs.work(burst=True)
        assert jobs.queue().count == 0
    assert [mail["To"] for mail in app.extensions["mail_outbox"]] == [EMAIL]
    (message,) = _messages()
    assert message.delivered_at is not None and message.attempts == 1


def test_a_failing_delivery_is_retried_then_kept_as_a_dead_letter_and_sent_back(queued, make, monkeypatch):
    allow_real_smtp(monkeypatch)
    port = free_port()  # nothing listens here until the mail server starts below
    app = queued(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
    make.user(email=EMAIL)
    db.session.commit()
    assert app.test_client().post("/password/forgot", data={"email": EMAIL}).status_code == 302
    with app.app_context():
        jobs.work(burst=True)
        (dead,) = jobs.failed()
    assert dead["function"] == "webapp.core.outbox.deliver_job" and "not delivered" in dead["error"]
    (message,) = _messages()
    assert message.delivered_at is None and message.attempts == 3  # the first try and two retries
    assert "ConnectionRefusedError" in message.last_error
    with smtp_server(port) as inbox, app.app_context():
        assert jobs.retry_failed() == 1
        jobs.work(burst=True)
        assert jobs.failed() == []
    assert [recipients for recipients, _text in inbox.messages] == [[EMAIL]]
    assert _messages()[0].delivered_at is not None


def test_with_redis_down_the_saved_change_still_mails_from_the_web_process(queued, make, db_url):
    app = build_app(db_url, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", RATELIMIT_STORAGE_URI="memory://")
    app.extensions["mail_outbox"] = []
    make.user(email=EMAIL)
    db.session.commit()
    assert app.test_client().post("/password/forgot", data={"email": EMAIL}).status_code == 302
    assert [mail["To"] for mail in app.extensions["mail_outbox"]] == [EMAIL]
    with app.app_context():
        db.engine.dispose()
