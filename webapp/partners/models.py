from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import TimestampMixin
from ..extensions import db
from ..organisations.models import SchoolKind


class PartnerStatus(enum.StrEnum):
    """The partner pipeline, in order, and its way out; only confirmed partners count towards the
    programme's rules."""

    IDENTIFIED = "identified"
    CONTACTED = "contacted"
    INTERESTED = "interested"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class Partner(TimestampMixin, db.Model):
    """A partner organisation of one application (the applicant school is not stored here)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[str] = mapped_column(String(30), default=SchoolKind.SCHOOL, server_default=SchoolKind.SCHOOL)
    oid: Mapped[str | None] = mapped_column(String(9))
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    status: Mapped[str] = mapped_column(String(20), default=PartnerStatus.IDENTIFIED)
    notes: Mapped[str] = mapped_column(Text, default="")
    status_since: Mapped[date | None] = mapped_column(Date)  # the day it reached its status
    next_step: Mapped[str] = mapped_column(String(300), default="", server_default="")
    next_step_due: Mapped[date | None] = mapped_column(Date)
    # The directory entry it was found in or taught (webapp/directory); kept when the entry goes.
    directory_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("directory_entry.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(default=1)

    application = relationship("Application", back_populates="partners")
    directory_entry = relationship("DirectoryEntry")

    __mapper_args__ = {"version_id_col": version}

    @property
    def org_key(self) -> str:
        """How answers that repeat per organisation refer to this partner."""
        return f"partner-{self.id}"

    def __repr__(self) -> str:
        return f"<Partner {self.id} {self.name!r} {self.country}>"
