"""The job queue: work that leaves the request (mail now) runs on RQ workers when `REDIS_URL` is
set, and inline after the response when it is not (the embedded default, one machine).

Why RQ: Grantpath already runs Redis, and RQ needs nothing else (Celery brings a broker protocol
and a result backend of its own; Dramatiq a middleware stack for retries and results). A job is a
plain function named by its import path, so a job is never pickled code; a failing job is retried
on a schedule (`RETRY_INTERVALS`) and, once out of tries, kept in RQ's failed-job registry: the
dead letters `flask --app webapp jobs failed` lists and `jobs retry` sends again. Jobs also record
their outcome in the database (the outbox's attempts and last error), so nothing is only in Redis.

`flask --app webapp worker` starts a worker: it runs jobs one after another in its own process
(RQ's SimpleWorker, in the app's context), with the scheduler that puts retries back in line."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable

from flask import current_app, g, has_request_context
from redis import Redis
from rq import Queue, Retry, SimpleWorker
from rq.job import Job
from rq.registry import FailedJobRegistry

log = logging.getLogger("grantpath.jobs")

QUEUE_NAME = "grantpath"
#: Seconds before each retry of a failed job: ten seconds, a minute, five, a quarter of an hour, an hour.
RETRY_INTERVALS = (10, 60, 300, 900, 3600)
JOB_TIMEOUT_SECONDS = 300


def enabled() -> bool:
    return bool(current_app.config.get("REDIS_URL"))


REDIS_TIMEOUT_SECONDS = 2  # a request waits no longer for a Redis that does not answer


def _connection() -> Redis:
    """The app's one Redis client (its connection pool), made on first use."""
    client = current_app.extensions.get("jobs_redis")
    if client is None:
        client = Redis.from_url(
            current_app.config["REDIS_URL"],
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
        current_app.extensions["jobs_redis"] = client
    return client


def queue() -> Queue:
    return Queue(QUEUE_NAME, connection=_connection(), default_timeout=JOB_TIMEOUT_SECONDS)


def enqueue(function_path: str, *args) -> str:
    """Puts a job in line; its id. `function_path` is "package.module.function"."""
    intervals = list(current_app.config.get("JOB_RETRY_INTERVALS") or RETRY_INTERVALS)
    job = queue().enqueue_call(function_path, args=args, retry=Retry(max=len(intervals), interval=intervals))
    return job.id


def later(function_path: str, *args) -> None:
    """Runs a job once the request has committed what it needs (`dispatch_later`, from the request
    boundary): on the queue when there is one, else in this process once the response has gone
    out. Outside a request (a command), at once."""
    if has_request_context():
        g.setdefault("jobs_later", []).append((function_path, args))
    elif enabled():
        enqueue(function_path, *args)
    else:
        function_at(function_path)(*args)


def dispatch_later(response) -> None:
    """After the request's commit: each job `later` asked for goes to the queue, or, without one
    (or when Redis refuses it), runs after the response in an app context of its own."""
    for function_path, args in g.pop("jobs_later", []):
        if enabled():
            try:
                enqueue(function_path, *args)
                continue
            except Exception:  # Redis is down: what the request saved still gets its job done
                log.exception("The job queue refused %s; running it after the response", function_path)
        response.call_on_close(in_app_context(function_at(function_path), *args))


def forget_later() -> None:
    g.pop("jobs_later", None)


def in_app_context(function: Callable, *args) -> Callable[[], None]:
    """`function(*args)` as a callable for the WSGI server's close: in the app's context, with a
    session of its own; a failure is logged (the job records its own outcome)."""
    app = current_app._get_current_object()

    def run() -> None:
        from ..extensions import db

        with app.app_context():
            try:
                function(*args)
            except Exception:
                log.exception("A job run after the response failed")
            finally:
                db.session.remove()

    return run


def function_at(function_path: str) -> Callable:
    """The function "package.module.function" names (a job's, as RQ names it too)."""
    module, _dot, name = function_path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def work(burst: bool = False) -> None:
    """Runs jobs until stopped (or, with `burst`, until the queue is empty)."""
    connection = Redis.from_url(current_app.config["REDIS_URL"])  # no read timeout: a worker waits for jobs
    worker = SimpleWorker([Queue(QUEUE_NAME, connection=connection)], connection=connection)
    worker.work(burst=burst, with_scheduler=True)


def cron_scheduler(entries: list[tuple[Callable, str]], zone: str):
    """RQ's cron scheduler with each (job, cron expression): `start()` puts each job in line when it
    is due, until stopped, and a worker runs it. The expressions are read in `zone` (the scheduler
    reads the process's local time, so this sets the process's zone). Two schedulers put a job in
    line twice: run one, or only jobs that do nothing the second time (reminders and the outbox)."""
    import os
    import time as clock

    from rq.cron import CronScheduler

    os.environ["TZ"] = zone
    clock.tzset()
    scheduler = CronScheduler(connection=Redis.from_url(current_app.config["REDIS_URL"]), name="grantpath")
    for function, cron in entries:
        scheduler.register(function, QUEUE_NAME, cron=cron)
    return scheduler


def failed() -> list[dict]:
    """The dead letters: jobs out of tries, with their arguments and the last line of why they failed."""
    connection = _connection()
    registry = FailedJobRegistry(QUEUE_NAME, connection=connection)
    found = []
    for job in Job.fetch_many(registry.get_job_ids(), connection=connection):
        if job is None:
            continue
        result = job.latest_result()
        error = (result.exc_string or "").strip().splitlines() if result else []
        found.append(
            {
                "id": job.id,
                "function": job.func_name,
                "args": job.args,
                "ended_at": job.ended_at,
                "error": error[-1] if error else "",
            }
        )
    return found


def retry_failed() -> int:
    """Sends every dead letter back into the queue; how many."""
    registry = FailedJobRegistry(QUEUE_NAME, connection=_connection())
    ids = registry.get_job_ids()
    for job_id in ids:
        registry.requeue(job_id)
    return len(ids)
