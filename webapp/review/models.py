"""Comments on a section of an application, and the record of each review by the principal (which
version of every section the principal saw when deciding), so the next review can show the diff."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..core.models import UTCDateTime, utcnow
from ..extensions import db


class SectionComment(db.Model):
    """A remark on one section, by the principal or a co-writer; resolved once it is dealt with."""

    __tablename__ = "section_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), index=True)
    section_key: Mapped[str] = mapped_column(String(60))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    application = relationship("Application")

    @property
    def organisation_ids(self) -> set[int]:
        """A comment belongs where its application does (webapp.core.access answers 404 elsewhere)."""
        return self.application.organisation_ids

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class PrincipalReview(db.Model):
    """One decision of the principal (asking for changes, approving, declining) and the version of
    each section it was taken on: {section key: version number}."""

    __tablename__ = "principal_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    step: Mapped[str] = mapped_column(String(40))  # the transition key
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    section_versions: Mapped[dict] = mapped_column(JSON, default=dict)

    reviewer: Mapped[User | None] = relationship()
