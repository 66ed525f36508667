"""The activity log's query: an application's audit events, newest first, a page at a time, their
actors loaded with them (one query per page, however many people acted)."""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from ..applications.models import Application
from ..core.audit import AuditEvent
from ..extensions import db

PER_PAGE = 25


def events(application: Application) -> Select:
    return (
        db.select(AuditEvent)
        .where(AuditEvent.object_type == "application", AuditEvent.object_id == application.id)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )


def page(application: Application, number: int, per_page: int = PER_PAGE):
    """Page `number` (1 for the newest); a page past the last one answers the last one."""
    result = db.paginate(events(application), page=max(number, 1), per_page=per_page, error_out=False)
    if result.pages and result.page > result.pages:
        result = db.paginate(events(application), page=result.pages, per_page=per_page, error_out=False)
    return result
