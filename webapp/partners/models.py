from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import TimestampMixin
from ..extensions import db
from ..organisations.models import SchoolKind


class PartnerStatus(enum.StrEnum):
    """The partner pipeline, in order; only confirmed partners count towards the programme's rules."""

    IDENTIFIED = "identified"
    CONTACTED = "contacted"
    INTERESTED = "interested"
    CONFIRMED = "confirmed"


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
    version: Mapped[int] = mapped_column(default=1)

    application = relationship("Application", back_populates="partners")

    __mapper_args__ = {"version_id_col": version}

    @property
    def org_key(self) -> str:
        """How answers that repeat per organisation refer to this partner."""
        return f"partner-{self.id}"

    def __repr__(self) -> str:
        return f"<Partner {self.id} {self.name!r} {self.country}>"
