"""A background export: the coordinator's overview as a file too long to send in the request
(webapp/applications/export.py writes it), with how far it has come and where the file is kept
(webapp/core/storage.py). It belongs to the person who asked for it; nobody else sees it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..core.models import UTCDateTime, utcnow
from ..extensions import db


class ExportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ExportRun(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    file_format: Mapped[str] = mapped_column(String(8))  # "csv" or "xlsx"
    # The overview's query string as `queries.Overview.args()` prints it: checked again when it runs.
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    language: Mapped[str] = mapped_column(String(8))  # the headers' and labels' language
    status: Mapped[str] = mapped_column(String(10), default=ExportStatus.QUEUED)
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    file_key: Mapped[str | None] = mapped_column(String(200))
    file_size: Mapped[int | None]
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Moved on by every batch while it runs: a run whose heartbeat stopped (its process died) is
    # taken over by the next attempt, and its page says so.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def organisation_ids(self) -> set[int]:
        return self.user.organisation_ids
