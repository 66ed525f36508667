"""The content of an application's form: the answers per section, the submission checklist and the
team's self-assessment. Each is its own row with its own version counter, so saving one never
touches a row another save also updates (co-writers in different sections never collide). Every
saved version of a section is kept in SectionVersion."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..auth.models import User
from ..core.models import UTCDateTime, utcnow
from ..extensions import db


class VersionedContent:
    """A piece of an application's content saved as a whole, with optimistic locking."""

    id: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @declared_attr
    def application_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("application.id", ondelete="CASCADE"), index=True)

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    @declared_attr
    def updated_by(cls) -> Mapped[User | None]:
        return relationship(User)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}


class SectionAnswer(VersionedContent, db.Model):
    """What the team wrote in one section of the form."""

    __table_args__ = (UniqueConstraint("application_id", "section_key", name="uq_section_answer_section"),)

    section_key: Mapped[str] = mapped_column(String(60))

    application = relationship("Application", back_populates="answers")


class ChecklistTicks(VersionedContent, db.Model):
    """Which items of the programme's checklist the team has ticked: {item key: bool}."""

    __tablename__ = "checklist_ticks"
    __table_args__ = (UniqueConstraint("application_id", name="uq_checklist_ticks_application"),)

    application = relationship("Application", back_populates="checklist")


class SelfAssessment(VersionedContent, db.Model):
    """The team's own scores per award criterion: {criterion key: points}."""

    __tablename__ = "self_assessment"
    __table_args__ = (UniqueConstraint("application_id", name="uq_self_assessment_application"),)

    application = relationship("Application", back_populates="self_assessment")


class SectionVersion(db.Model):
    """One saved version of a section: what SectionAnswer held once it became `version`. Written in
    the same savepoint as the save itself and never changed (the history is append-only)."""

    __tablename__ = "section_version"
    __table_args__ = (UniqueConstraint("application_id", "section_key", "version", name="uq_section_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"))
    section_key: Mapped[str] = mapped_column(String(60))
    version: Mapped[int]
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    saved_by: Mapped[User | None] = relationship(User)
