"""The organisation's mail that has not gone out (the outbox's dead letters, as its admins see them),
and sending it again. A message concerns the organisation when it is to, or answered to, the address
of someone with a role there. Only the recipient, subject and delivery state are read: never a
message's body or attachment (a mailed link is a credential)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, update

from ..auth.models import Membership, User
from ..core import audit, jobs, paging
from ..core.models import utcnow
from ..core.outbox import CLAIM_EXPIRES, MAX_ATTEMPTS, OutboxMessage
from ..core.paging import Page
from ..extensions import db
from ..organisations.models import Organisation

log = logging.getLogger("grantpath.admin")

READ_AT_MOST = 500  # the oldest undelivered messages looked at
PER_PAGE = 50
ERROR_CHARS = 120  # the last error as the list shows it
DELIVER_JOB = "webapp.core.outbox.deliver_job"


@dataclass(frozen=True)
class MailRow:
    id: int
    created_at: datetime
    to: str
    subject: str
    attempts: int
    last_error: str  # shortened

    @property
    def given_up(self) -> bool:
        return self.attempts >= MAX_ATTEMPTS


def page_of(rows: list, number: int | None, per_page: int = PER_PAGE) -> Page:
    return paging.page_of(rows, number, per_page)


def _emails(organisation: Organisation) -> set[str]:
    """The addresses of everyone with a role in the organisation (stored lower-cased)."""
    members = db.select(Membership.user_id).where(Membership.organisation_id == organisation.id)
    return set(db.session.scalars(db.select(User.email).where(User.id.in_(members))))


def _short(error: str) -> str:
    line = (error or "").strip().splitlines()[0] if (error or "").strip() else ""
    return line if len(line) <= ERROR_CHARS else line[: ERROR_CHARS - 1] + "…"


def undelivered(organisation: Organisation) -> list[MailRow]:
    """The organisation's undelivered mail among the oldest `READ_AT_MOST` undelivered messages,
    oldest first: two queries (the messages' addresses, the organisation's addresses)."""
    payload = OutboxMessage.payload
    query = (
        db.select(
            OutboxMessage.id,
            OutboxMessage.created_at,
            payload["to"].as_string(),
            payload["reply_to"].as_string(),
            payload["subject"].as_string(),
            OutboxMessage.attempts,
            OutboxMessage.last_error,
        )
        .where(OutboxMessage.delivered_at.is_(None))
        .order_by(OutboxMessage.id)
        .limit(READ_AT_MOST)
    )
    messages = db.session.execute(query).all()
    if not messages:
        return []
    emails = _emails(organisation)
    return [
        MailRow(message_id, created_at, to or "", subject or "", attempts, _short(error))
        for message_id, created_at, to, reply_to, subject, attempts, error in messages
        if (to or "").strip().lower() in emails or (reply_to or "").strip().lower() in emails
    ]


@dataclass(frozen=True)
class QueueState:
    """What RQ's dead letters hold of the listed messages: `failed_jobs` is None when Redis did not answer."""

    failed_jobs: int | None


def queue_state(rows: list[MailRow]) -> QueueState | None:
    """None without a job queue (no REDIS_URL)."""
    if not jobs.enabled():
        return None
    ids = {row.id for row in rows}
    try:
        found = jobs.failed()
    except Exception:  # Redis down, or a job's data unreadable: the page still lists the outbox
        log.exception("The job queue's failed jobs could not be read")
        return QueueState(None)
    count = 0
    for job in found:
        if job["function"] != DELIVER_JOB or not job.get("args"):
            continue
        message_ids = job["args"][0]
        if isinstance(message_ids, (list, tuple)) and ids.intersection(message_ids):
            count += 1
    return QueueState(count)


def retry(actor: User, organisation: Organisation) -> int:
    """Makes the organisation's undelivered mail (given up or still waiting) pending again, with its
    tries counted from nought and its last error kept, in the request's transaction; the delivery
    job runs once the request has committed. A message a deliverer is sending right now is left
    alone (it would go out twice). How many."""
    ids = [row.id for row in undelivered(organisation)]
    if not ids:
        return 0
    reset = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.delivered_at.is_(None),
            or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < utcnow() - CLAIM_EXPIRES),
        )
        .values(attempts=0, claimed_at=None)
        .returning(OutboxMessage.id)
    )
    ids = sorted(reset.scalars())
    if not ids:
        return 0
    audit.record(actor, "outbox.sent_again", organisation, organisation.id, {}, {"messages": len(ids)})
    jobs.later(DELIVER_JOB, ids)
    return len(ids)
