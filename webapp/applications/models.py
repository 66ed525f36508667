"""The application record: who applies for which programme action and call, and where it stands in
the lifecycle (webapp/lifecycle). Its content lives in webapp/sections, its partners in webapp/partners."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..core.models import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db
from ..lifecycle import Stage, Status
from ..organisations.models import School
from ..partners.models import Partner

if TYPE_CHECKING:
    from ..sections.models import ChecklistTicks, SectionAnswer, SelfAssessment

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
    # The call year of the programme definition the application's call round belongs to: its rules and
    # form stay those of that year, even when a newer year is published, unless the team moves the
    # application to another call.
    call_year: Mapped[int] = mapped_column(default=0)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The euros the application asks for (budgets/requested.py), kept by every save of a budget
    # section with an UPDATE of that column alone, so lists sum it in SQL; None until known.
    requested_eur: Mapped[int | None]
    # Optimistic locking of the record's own fields (title, call, school, team, status): every UPDATE
    # checks and bumps it. Section, partner, checklist and score saves never bump it.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    # The overview's filters and sorts (status, deadline and school_id carry `index=True` above).
    __table_args__ = (
        Index("ix_application_stage", "stage"),
        Index("ix_application_action_key", "action_key"),
        Index("ix_application_call_round", "call_round"),
        Index("ix_application_title", "title"),
        Index("ix_application_updated_at", "updated_at"),
        # The overview's counts and round choices read only these: answered from the index alone.
        Index("ix_application_school_id_stage_status_call_round", "school_id", "stage", "status", "call_round"),
    )

    school: Mapped[School] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    team: Mapped[list[User]] = relationship(secondary=application_team, order_by="User.name")
    answers: Mapped[list[SectionAnswer]] = relationship(
        back_populates="application", cascade="all, delete-orphan", passive_deletes=True
    )
    checklist: Mapped[ChecklistTicks | None] = relationship(
        back_populates="application", cascade="all, delete-orphan", passive_deletes=True
    )
    self_assessment: Mapped[SelfAssessment | None] = relationship(
        back_populates="application", cascade="all, delete-orphan", passive_deletes=True
    )
    partners: Mapped[list[Partner]] = relationship(
        back_populates="application", order_by="Partner.id", cascade="all, delete-orphan", passive_deletes=True
    )
    submission: Mapped[Submission | None] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    outcome: Mapped[Outcome | None] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    signatures: Mapped[list[Signature]] = relationship(
        order_by="Signature.id", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def organisation_id(self) -> int:
        return self.school.organisation_id

    @property
    def organisation_ids(self) -> set[int]:
        return {self.school.organisation_id}

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.action_key} {self.title!r}>"


class SignatureKind(enum.StrEnum):
    PRINCIPAL = "principal"  # the legal representative's declaration on honour
    COORDINATOR = "coordinator"  # the organisation's sign-off, where the organisation asks for one


class Signature(db.Model):
    """A signature on an application: the principal's as the school's legal representative, or a
    coordinator's sign-off for the organisation. Who signed which declaration, when, and (after a
    reopening) when it stopped counting."""

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=SignatureKind.PRINCIPAL)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    signatory_name: Mapped[str] = mapped_column(String(200))  # as it was when signing
    school_name: Mapped[str] = mapped_column(String(200))  # on whose behalf: the school, or the organisation
    declaration: Mapped[str] = mapped_column(Text)  # the text the principal ticked, in the language shown
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    signed_by: Mapped[User | None] = relationship()


class Submission(db.Model):
    """The application as submitted to the national agency: its reference in the programme's own
    system, when it went in, and whether that was after the deadline."""

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), unique=True)
    reference: Mapped[str] = mapped_column(String(60))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    late: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Outcome(db.Model):
    """The national agency's decision, and later the project's final report."""

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), unique=True)
    granted: Mapped[bool] = mapped_column(default=False)
    amount_eur: Mapped[int | None]
    project_number: Mapped[str] = mapped_column(String(40), default="")
    project_start: Mapped[date | None] = mapped_column(Date)
    project_end: Mapped[date | None] = mapped_column(Date)
    score: Mapped[int | None]  # the evaluators' points, out of 100
    feedback: Mapped[str] = mapped_column(Text, default="")
    # The reports the grant agreement asks for, by its dates; the interim report only where it asks for one.
    interim_report_due: Mapped[date | None] = mapped_column(Date)
    interim_report_sent_on: Mapped[date | None] = mapped_column(Date)
    final_report_due: Mapped[date | None] = mapped_column(Date)
    final_summary: Mapped[str] = mapped_column(Text, default="")  # public once the project is closed
    public: Mapped[bool] = mapped_column(default=False)  # may appear on the organisation's portfolio
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
