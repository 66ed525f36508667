"""A task of an application's team (write a section, get a partner's letter signed): a title, a
due date, who does it, and when it was done. Open tasks appear on the assignee's start page."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..core.models import TimestampMixin, UTCDateTime
from ..extensions import db


class Task(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The planned milestone it was made from (webapp/planning), so the plan is not added twice.
    milestone_key: Mapped[str | None] = mapped_column(String(40))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    application = relationship("Application")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_task_assignee_id_done_at", "assignee_id", "done_at"),)

    @property
    def organisation_ids(self) -> set[int]:
        return self.application.organisation_ids

    @property
    def is_open(self) -> bool:
        return self.done_at is None
