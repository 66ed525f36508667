"""The audit trail: who changed what, when, on which object, with the key fields before and after."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .models import UTCDateTime, utcnow


class AuditEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("User")


def snapshot(obj, fields) -> dict:
    return {f: _plain(getattr(obj, f)) for f in fields}


def _plain(value):
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return sorted(_plain(v) for v in value)
    return value


def record(actor, action: str, obj, organisation_id: int | None, before: dict | None = None, after: dict | None = None):
    """Adds an event to the session; the request's commit stores it with the change itself."""
    if obj.id is None:
        db.session.flush()
    changed = {}
    if before is not None or after is not None:
        before, after = before or {}, after or {}
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                changed[key] = [before.get(key), after.get(key)]
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        organisation_id=organisation_id,
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=obj.id,
        changes=changed,
    )
    db.session.add(event)
    return event
