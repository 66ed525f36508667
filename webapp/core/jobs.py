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

from flask import current_app
from redis import Redis
from rq import Queue, Retry, SimpleWorker
from rq.job import Job
from rq.registry import FailedJobRegistry

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


def work(burst: bool = False) -> None:
    """Runs jobs until stopped (or, with `burst`, until the queue is empty)."""
    connection = Redis.from_url(current_app.config["REDIS_URL"])  # no read timeout: a worker waits for jobs
    worker = SimpleWorker([Queue(QUEUE_NAME, connection=connection)], connection=connection)
    worker.work(burst=burst, with_scheduler=True)


def failed() -> list[dict]:
    """The dead letters: jobs out of tries, with the last line of why they failed."""
    connection = _connection()
    registry = FailedJobRegistry(QUEUE_NAME, connection=connection)
    found = []
    for job in Job.fetch_many(registry.get_job_ids(), connection=connection):
        if job is None:
            continue
        result = job.latest_result()
        error = (result.exc_string or "").strip().splitlines() if result else []
        found.append(
            {"id": job.id, "function": job.func_name, "ended_at": job.ended_at, "error": error[-1] if error else ""}
        )
    return found


def retry_failed() -> int:
    """Sends every dead letter back into the queue; how many."""
    registry = FailedJobRegistry(QUEUE_NAME, connection=_connection())
    ids = registry.get_job_ids()
    for job_id in ids:
        registry.requeue(job_id)
    return len(ids)
