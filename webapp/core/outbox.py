"""The outbox: side effects that leave the process (mail now; reminders and renders later) are
written as rows in the request's own transaction and delivered only after it commits, so nothing
goes out for a change that was rolled back. Delivery runs inline after the commit; what fails stays
pending for `flask outbox deliver` (a queue can later take the same rows)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from flask import g, has_request_context
from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
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
    last_error: Mapped[str] = mapped_column(Text, default="")


def handler(kind: str):
    def register(function):
        _HANDLERS[kind] = function
        return function

    return register


def enqueue(kind: str, payload: dict) -> OutboxMessage:
    """Adds the message to the current transaction; it is delivered after the commit."""
    if kind not in _HANDLERS:
        raise ValueError(f"no outbox handler for {kind!r}")
    message = OutboxMessage(kind=kind, payload=payload)
    db.session.add(message)
    if has_request_context():
        g.setdefault("outbox_messages", []).append(message)
    return message


def deliver(messages) -> int:
    """Delivers the given (committed) messages; returns how many went out. Each outcome is stored."""
    sent = 0
    for message in messages:
        message.attempts += 1
        try:
            _HANDLERS[message.kind](message.payload)
        except Exception as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            log.exception("Outbox message %s (%s) not delivered", message.id, message.kind)
        else:
            message.delivered_at = utcnow()
            message.last_error = ""
            sent += 1
        db.session.commit()
    return sent


def deliver_after_request() -> None:
    """Called by the request boundary right after its commit."""
    messages = g.pop("outbox_messages", None)
    if messages:
        deliver(messages)


def forget_after_rollback() -> None:
    g.pop("outbox_messages", None)


def pending(limit: int = 100) -> list[OutboxMessage]:
    query = db.select(OutboxMessage).where(OutboxMessage.delivered_at.is_(None)).order_by(OutboxMessage.id).limit(limit)
    return list(db.session.scalars(query))
