from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..core.models import TimestampMixin, UTCDateTime
from ..extensions import db
from ..organisations.models import School


class Stage(enum.StrEnum):
    """The four stages every application passes through, in order."""

    IDEA = "idea"
    PARTNERS = "partners"
    ORGANISATION = "organisation"
    SUBMISSION = "submission"


class Status(enum.StrEnum):
    """Where an application stands from first draft to the project's final report."""

    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    SUBMITTED = "submitted"
    GRANTED = "granted"
    REJECTED = "rejected"
    REPORTING = "reporting"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


#: Statuses in which the application text may still change.
OPEN_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)

application_team = Table(
    "application_team",
    db.metadata,
    Column("application_id", Integer, ForeignKey("application.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Application(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    action_key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    stage: Mapped[str] = mapped_column(String(20), default=Stage.IDEA)
    status: Mapped[str] = mapped_column(String(30), default=Status.DRAFT, index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    call_round: Mapped[str] = mapped_column(String(40))
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Optimistic locking: every UPDATE checks and bumps it; forms carry the value they were built from.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    school: Mapped[School] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    team: Mapped[list[User]] = relationship(secondary=application_team, order_by="User.name")

    @property
    def organisation_id(self) -> int:
        return self.school.organisation_id

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.action_key} {self.title!r}>"
