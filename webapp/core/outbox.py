"""The outbox: side effects that leave the process (mail now; reminders and renders later) are
written as rows in the request's own transaction and delivered only after it commits, so nothing
goes out for a change that was rolled back. Delivery runs after the commit, once the response has
gone out; what fails stays pending for `flask outbox deliver` (a queue can later take the same rows)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import g, has_request_context
from sqlalchemy import JSON, String, Text, func, or_, update
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from . import jobs
from .models import UTCDateTime, utcnow

log = logging.getLogger("grantpath.outbox")

#: kind -> function(payload) that delivers one message
_HANDLERS: dict[str, Callable[[dict], None]] = {}


class OutboxMessage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    # Set while a deliverer has it: another deliverer leaves it alone unless the claim is older than
    # CLAIM_EXPIRES (the deliverer died mid-send); cleared when a delivery fails, for the retry.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")


def handler(kind: str):
    def register(function):
        _HANDLERS[kind] = function
        return function

    return register


MAX_ATTEMPTS = 10
CLAIM_EXPIRES = timedelta(minutes=15)


def enqueue(kind: str, payload: dict) -> OutboxMessage:
    """Adds the message to the current transaction. In a request it goes out right after the
    commit; anything else (a CLI command) leaves it for `flask outbox deliver`."""
    if kind not in _HANDLERS:
        raise ValueError(f"no outbox handler for {kind!r}")
    message = OutboxMessage(kind=kind, payload=payload)
    db.session.add(message)
    if has_request_context():
        g.setdefault("outbox_messages", []).append(message)
    return message


def _claim(message_id: int, seen_attempts: int) -> bool:
    """Takes one message for delivery: only one deliverer can move its attempt counter on."""
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.attempts == seen_attempts,
            OutboxMessage.delivered_at.is_(None),
        )
        .values(attempts=seen_attempts + 1, claimed_at=utcnow())
    ).rowcount
    db.session.commit()
    return claimed == 1


def deliver(messages: list[tuple[int, str, dict, int]]) -> int:
    """Delivers (id, kind, payload, attempts so far) one by one; returns how many went out. Each is
    claimed first, sent outside any transaction (a slow mail server holds no database lock), and its
    outcome stored in a short transaction of its own. A delivered message keeps no body: a mailed
    link is a credential."""
    db.session.commit()  # end any read snapshot before claiming (SQLite would refuse a write on a stale one)
    sent = 0
    for message_id, kind, payload, attempts in messages:
        if not _claim(message_id, attempts):
            continue  # another deliverer has it
        try:
            _HANDLERS[kind](payload)
        except Exception as exc:
            log.exception("Outbox message %s (%s) not delivered", message_id, kind)
            outcome = {"last_error": f"{type(exc).__name__}: {exc}"[:2000], "claimed_at": None}
        else:
            outcome = {"delivered_at": utcnow(), "last_error": "", "payload": _receipt(payload)}
            sent += 1
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**outcome))
        db.session.commit()
    return sent


class Undelivered(RuntimeError):
    """Some of a job's messages did not go out: the queue tries the job again later."""


def deliver_job(message_ids: list[int]) -> int:
    """The queue's job (webapp/core/jobs.py): delivers those of these messages still pending, and
    fails (to be tried again later) while any of them is not delivered, also one that another
    deliverer holds: if that one died mid-send, the retry finds the message free again."""
    try:
        sent = deliver(pending(len(message_ids) or 1, ids=message_ids))
        left = db.session.scalar(
            db.select(func.count()).where(
                OutboxMessage.id.in_(message_ids),
                OutboxMessage.delivered_at.is_(None),
                OutboxMessage.attempts < MAX_ATTEMPTS,
            )
        )
        if left:
            raise Undelivered(f"{left} of {len(message_ids)} messages not delivered yet; see the outbox")
        return sent
    finally:
        db.session.remove()


def deliver_pending_job() -> int:
    """The scheduler's job every few minutes (`flask --app webapp scheduler`): what is still pending,
    as `flask outbox deliver` does from cron."""
    try:
        return deliver(pending())
    finally:
        db.session.remove()


def dispatch(messages: list[tuple[int, str, dict, int]], response) -> None:
    """After the request's commit: to the queue when there is one, else delivered by this process
    once the response has gone out."""
    if not messages:
        return
    if jobs.enabled():
        try:
            jobs.enqueue("webapp.core.outbox.deliver_job", [message_id for message_id, *_rest in messages])
            return
        except Exception:  # Redis is down: the change is saved, so its mail goes out from here
            log.exception("The job queue refused the outbox's messages; delivering them after the response")
    # Once the server has sent the response (the WSGI close): nobody waits for a mail server, and a
    # request takes as long whether it mails someone or not, so "forgot password" does not tell
    # which addresses have an account. What fails stays pending for `flask outbox deliver`.
    response.call_on_close(jobs.in_app_context(deliver, messages))


def _receipt(payload: dict) -> dict:
    """What is kept of a delivered message: to whom and about what, not its text."""
    return {key: payload[key] for key in ("to", "subject") if key in payload}


def enqueued_in_request() -> list[tuple[int, str, dict, int]]:
    """What this request enqueued, read before the request boundary commits (flushing to get the ids),
    so that delivering it afterwards reads nothing back from the database."""
    messages = [m for m in g.pop("outbox_messages", []) if m in db.session]  # not those a savepoint undid
    if not messages:
        return []
    db.session.flush()
    return [(m.id, m.kind, dict(m.payload), 0) for m in messages]


def forget_after_rollback() -> None:
    g.pop("outbox_messages", None)


def pending(limit: int = 100, ids: list[int] | None = None) -> list[tuple[int, str, dict, int]]:
    """Undelivered messages that may be tried again (of `ids`, if given), oldest first: not one
    another deliverer is sending right now (it would go out twice)."""
    query = (
        db.select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.payload, OutboxMessage.attempts)
        .where(
            OutboxMessage.delivered_at.is_(None),
            OutboxMessage.attempts < MAX_ATTEMPTS,
            or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < utcnow() - CLAIM_EXPIRES),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    return [tuple(row) for row in db.session.execute(query)]
