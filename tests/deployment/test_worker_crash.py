"""A queue worker killed with SIGKILL in the middle of delivering mail: every message still goes
out, and only the one the mail server had accepted but the dead worker had not yet recorded goes out
a second time (the at-least-once window no code can close: SMTP and the database commit apart).

Real processes throughout: `flask --app webapp worker` on Redis db 10 and a fresh database (a file
on SQLite, a schema of its own on PostgreSQL with TEST_DATABASE_URL), and aiosmtpd mail servers in
this process that record what they accepted. A server holds a worker at a chosen step of the SMTP
conversation until the worker dies, so the kill lands exactly there, with nothing timed:

- worker A's server accepts its first message, then the second one's DATA, and holds the QUIT that
  follows: that message is sent, but its delivered_at not yet committed;
- worker B's server holds the DATA of its first message without answering: claimed, not accepted;
  the job's other message is not claimed yet, and a third job is still in the queue.

The waits for time (RQ noticing the dead job once its heartbeat has run out, 6 minutes; the
outbox's claim expiring, 15 minutes) are not waited out: the test moves those clocks on instead."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path

import redis
from flask_migrate import upgrade
from rq.job import Job
from rq.registry import FailedJobRegistry, StartedJobRegistry
from sqlalchemy.engine import make_url

from support import allow_real_smtp, build_app, free_port, fresh_database
from webapp.core import jobs, mail, outbox
from webapp.core.outbox import OutboxMessage
from webapp.extensions import db

ROOT = Path(__file__).resolve().parent.parent.parent
REDIS_URL = "redis://127.0.0.1:6379/10"
JOBS = 3  # of two mails each
WAIT = 60  # seconds before a wait that should take a moment fails


class Recorder:
    """An SMTP server's handler: records each message it accepted (its recipient); with `hold`, holds
    the conversation at one step of the `nth` message it receives ("DATA": before answering the
    message's DATA, so it is never accepted; "QUIT": after accepting it, before answering QUIT) until
    the client's connection drops. `held` is set when it holds."""

    def __init__(self, hold: str | None = None, nth: int = 1):
        self.hold, self.nth = hold, nth
        self.received = 0
        self.accepted: list[str] = []
        self.held_recipient: str | None = None
        self.held = threading.Event()

    async def _hold(self, recipient: str) -> None:
        self.hold, self.held_recipient = None, recipient  # once
        self.held.set()
        await asyncio.Event().wait()  # cancelled by aiosmtpd once the client's connection is lost

    async def handle_DATA(self, server, session, envelope):
        (recipient,) = envelope.rcpt_tos
        self.received += 1
        if self.hold == "DATA" and self.received == self.nth:
            await self._hold(recipient)
        self.accepted.append(recipient)
        session.accepted_for = recipient
        session.nth = self.received
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        if self.hold == "QUIT" and getattr(session, "nth", None) == self.nth:
            await self._hold(session.accepted_for)
        return "221 Bye"


@contextmanager
def mail_server(recorder: Recorder):
    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def start_worker(url: str, mail_port: int, log: Path) -> subprocess.Popen:
    """`flask --app webapp worker` in a process group of its own (its scheduler is a child process)."""
    env = {
        **os.environ,
        "GRANTPATH_SECRET_KEY": "one-secret-for-every-worker",
        "GRANTPATH_DATABASE_URL": url,
        "GRANTPATH_REDIS_URL": REDIS_URL,
        "GRANTPATH_MAIL_SERVER": "127.0.0.1",
        "GRANTPATH_MAIL_PORT": str(mail_port),
        "GRANTPATH_MAIL_USE_TLS": "false",
    }
    for platform_name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(platform_name, None)
    flask = str(Path(sys.executable).parent / "flask")
    with log.open("a") as out:
        return subprocess.Popen(
            [flask, "--app", "webapp", "worker"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def kill(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)


def until(condition, what: str, logs: list[Path], workers: list[subprocess.Popen] = ()) -> None:
    """Waits for `condition()` (the workers' progress is only seen by looking), failing with the logs."""
    deadline = time.monotonic() + WAIT
    while not condition():
        dead = [worker.args for worker in workers if worker.poll() is not None]
        if dead or time.monotonic() > deadline:
            raise AssertionError(f"never {what} (workers gone: {dead})\n" + "\n".join(p.read_text() for p in logs))
        time.sleep(0.05)


def rows() -> dict[str, OutboxMessage]:
    db.session.rollback()  # a fresh snapshot: the workers wrote in transactions of their own
    return {message.payload["to"]: message for message in db.session.scalars(db.select(OutboxMessage))}


def finished(connection, *job_ids: str):
    return lambda: all(Job.fetch(job_id, connection=connection).get_status() == "finished" for job_id in job_ids)


def test_a_worker_killed_mid_delivery_loses_no_mail_and_doubles_only_the_unrecorded_one(tmp_path):
    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    a, b, c = Recorder("QUIT", nth=2), Recorder("DATA", nth=1), Recorder()
    logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log", tmp_path / "worker-c.log"]
    with ExitStack() as stack:
        url = stack.enter_context(fresh_database(tmp_path))
        ports = [stack.enter_context(mail_server(recorder)) for recorder in (a, b, c)]
        # The two workers start (and wait on the empty queue) while this process migrates and mails.
        first = [start_worker(url, port, log) for port, log in zip(ports[:2], logs[:2], strict=True)]
        for worker in first:
            stack.callback(stop, worker)
        app = build_app(url, REDIS_URL=REDIS_URL, JOB_RETRY_INTERVALS=[0, 0, 0])
        stack.enter_context(app.app_context())
        stack.callback(db.engine.dispose)
        stack.callback(db.session.remove)
        upgrade()
        job_ids = []
        for job in range(JOBS):
            with app.test_request_context():  # what a request does: mail, commit, then the queue
                for n in (1, 2):
                    mail.send(f"job{job}-{n}@example.org", "Länk", f"https://grantpath.test/reset/{job}-{n}")
                messages = outbox.enqueued_in_request()
                db.session.commit()
                job_ids.append(jobs.enqueue("webapp.core.outbox.deliver_job", [m[0] for m in messages]))

        # Each worker dies the moment its mail server holds it.
        killers = [
            threading.Thread(target=lambda r=recorder, w=worker: r.held.wait(WAIT) and kill(w))
            for recorder, worker in zip((a, b), first, strict=True)
        ]
        for killer in killers:
            killer.start()
        for killer in killers:
            killer.join()
        assert a.held.is_set() and b.held.is_set(), "\n".join(p.read_text() for p in logs)
        assert all(worker.returncode == -signal.SIGKILL for worker in first)

        sent_a, unrecorded = a.accepted  # A's first went out and was recorded; its second went out only
        never_accepted = b.held_recipient
        assert b.accepted == []
        at_the_cut = rows()
        assert len(at_the_cut) == 2 * JOBS
        assert at_the_cut[sent_a].delivered_at is not None
        for claimed in (unrecorded, never_accepted):  # claimed by a worker that is gone
            assert at_the_cut[claimed].delivered_at is None and at_the_cut[claimed].claimed_at is not None
            assert at_the_cut[claimed].attempts == 1
        untouched = set(at_the_cut) - {sent_a, unrecorded, never_accepted}
        assert len(untouched) == 3  # B's other message and the third job's two
        assert all(at_the_cut[to].attempts == 0 and at_the_cut[to].claimed_at is None for to in untouched)
        queued_job = job_ids[-1]
        assert Job.fetch(queued_job, connection=connection).get_status() == "queued"

        # A new worker: it does the queued job, and leaves the dead worker's claims alone (a slow
        # deliverer that is still alive looks the same to it), and the dead jobs to RQ.
        worker = start_worker(url, ports[2], logs[2])
        stack.callback(stop, worker)
        until(finished(connection, queued_job), "finished the queued job", logs, [worker])
        assert sorted(c.accepted) == sorted(f"job{JOBS - 1}-{n}@example.org" for n in (1, 2))
        now = rows()
        waiting = {unrecorded, never_accepted} | (untouched - set(c.accepted))  # and B's other message
        assert {to for to, message in now.items() if message.delivered_at is None} == waiting
        assert all(now[to].attempts == at_the_cut[to].attempts for to in waiting)

        # Quarter of an hour later: the claims have expired, and RQ's maintenance finds the dead jobs
        # (their heartbeat ran out job timeout + 60 s after they started) and retries them.
        for claimed in (unrecorded, never_accepted):
            now[claimed].claimed_at -= outbox.CLAIM_EXPIRES
        db.session.commit()
        started = StartedJobRegistry(jobs.QUEUE_NAME, connection=connection)
        started.cleanup(timestamp=time.time() + jobs.JOB_TIMEOUT_SECONDS + 61)
        until(finished(connection, *job_ids), "finished the dead workers' jobs", logs, [worker])
        stop(worker)
        assert worker.returncode == 0, logs[2].read_text()

        received = Counter(a.accepted + b.accepted + c.accepted)
        assert received == {to: 2 if to == unrecorded else 1 for to in at_the_cut}
        final = rows()
        assert len(final) == 2 * JOBS
        for to, message in final.items():
            assert message.delivered_at is not None and message.claimed_at is not None and message.last_error == ""
            assert message.attempts == (2 if to in (unrecorded, never_accepted) else 1), to
            assert message.payload == {"to": to, "subject": "Länk"}  # no body (the link) kept
        assert outbox.pending() == []
        assert FailedJobRegistry(jobs.QUEUE_NAME, connection=connection).get_job_ids() == []
        assert started.get_job_ids() == [] and jobs.queue().count == 0
        if db.engine.dialect.name == "sqlite":
            with sqlite3.connect(make_url(url).database) as file:
                assert file.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.flushdb()


def test_a_mail_server_that_errs_on_quit_after_accepting_does_not_get_the_mail_twice(app, db, monkeypatch):
    """The message counts as sent once the server has accepted its DATA: an error answered to QUIT
    afterwards must not leave it pending (it would be sent again)."""

    class ErrsOnQuit(Recorder):
        async def handle_QUIT(self, server, session, envelope):
            return "554 Closing with an error"

    recorder = ErrsOnQuit()
    allow_real_smtp(monkeypatch)
    with mail_server(recorder) as port:
        for key, value in {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port}.items():
            monkeypatch.setitem(app.config, key, value)
        monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
        with app.test_request_context():
            mail.send("elin@example.org", "Länk", "https://grantpath.test/password/reset/secret-token")
            messages = outbox.enqueued_in_request()
        db.session.commit()
        assert outbox.deliver(messages) == 1
        assert outbox.pending() == []
        assert outbox.deliver(outbox.pending()) == 0
    assert recorder.accepted == ["elin@example.org"]
    (message,) = db.session.scalars(db.select(OutboxMessage))
    assert message.delivered_at is not None and message.last_error == ""
