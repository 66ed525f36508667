from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..core.models import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db
from ..organisations.models import School
from ..partners.models import Partner


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
    # The call year of the programme definition the application started on; it keeps it for good.
    workflow_version: Mapped[int] = mapped_column(default=0)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Optimistic locking: every UPDATE checks and bumps it; forms carry the value they were built from.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    school: Mapped[School] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    team: Mapped[list[User]] = relationship(secondary=application_team, order_by="User.name")
    answers: Mapped[list[SectionAnswer]] = relationship(
        back_populates="application", cascade="all, delete-orphan", passive_deletes=True
    )
    partners: Mapped[list[Partner]] = relationship(
        back_populates="application", order_by="Partner.id", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def organisation_id(self) -> int:
        return self.school.organisation_id

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.action_key} {self.title!r}>"


class SectionAnswer(db.Model):
    """What the team wrote in one section of the form. Each section has its own version counter, so
    two people saving different sections never collide and the same section never silently."""

    __table_args__ = (UniqueConstraint("application_id", "section_key", name="uq_section_answer_section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), index=True)
    section_key: Mapped[str] = mapped_column(String(60))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    __mapper_args__ = {"version_id_col": version}

    application: Mapped[Application] = relationship(back_populates="answers")
    updated_by: Mapped[User | None] = relationship()
