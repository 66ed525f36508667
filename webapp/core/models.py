"""Column types, mixins and the guarded write shared by the feature models."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import DateTime, TypeDecorator
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from .errors import Conflict


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC; SQLite forgets the zone, so it is put back on load."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


@contextmanager
def versioned_write(*objects):
    """Runs a block of writes in a savepoint. When a concurrent writer got there first (a version
    counter that no longer matches, or a unique row someone else just created), only this block is
    undone, the given objects are reloaded on their next use, and Conflict is raised."""
    try:
        with db.session.begin_nested():
            yield
    except (StaleDataError, IntegrityError):
        for obj in objects:
            db.session.expire(obj)
        raise Conflict() from None
