"""How Grantpath uses its database engine. On SQLite (the embedded default), concurrent writers
must queue instead of failing: WAL lets readers go on beside a writer, and a request that may write
(any method but GET/HEAD/OPTIONS) opens its transaction with BEGIN IMMEDIATE, so it waits for the
write lock (busy_timeout) instead of failing when a second writer upgrades a read lock.
PostgreSQL needs none of this."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import g, has_request_context, request
from sqlalchemy import event

log = logging.getLogger("grantpath.database")

SQLITE_BUSY_TIMEOUT_MS = 15_000
_READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}
_writing_outside_requests: ContextVar[bool] = ContextVar("writing_outside_requests", default=False)


@contextmanager
def writes() -> Iterator[None]:
    """For a command that reads and then writes (reminders): a transaction begun inside waits for
    the write lock on SQLite, as a writing request's does, instead of failing beside another writer."""
    token = _writing_outside_requests.set(True)
    try:
        yield
    finally:
        _writing_outside_requests.reset(token)


def configure(engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        writing = _writing_outside_requests.get() or (
            has_request_context() and request.method not in _READ_ONLY_METHODS
        )
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def after_commit(write: Callable[[], None]) -> None:
    """Runs `write` in a short transaction of its own once the request has committed (at once
    outside a request): for a write to a row the request holds locked for sharing (PostgreSQL's
    FOR SHARE), which two requests both updating would turn into a deadlock."""
    if has_request_context():
        g.setdefault("after_commit", []).append(write)
    else:
        write()


def run_after_commit(session) -> None:
    """The request boundary's second step: each deferred write, committed on its own; one that fails
    is logged and rolled back, and the others still run."""
    for write in g.pop("after_commit", []):
        try:
            write()
            session.commit()
        except Exception:
            session.rollback()
            log.exception("A write after the request's commit failed")


def forget_after_commit() -> None:
    g.pop("after_commit", None)
