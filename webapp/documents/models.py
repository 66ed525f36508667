"""An uploaded PDF kept with its application. The bytes live in the database, so every instance of
the app serves the same file and a backup of the database holds them too."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..core.models import UTCDateTime, utcnow
from ..extensions import db


class DocumentKind(enum.StrEnum):
    SUBMITTED_APPLICATION = "submitted_application"  # the PDF the programme's system produced on submitting
    INTERIM_REPORT = "interim_report"
    FINAL_REPORT = "final_report"
    ANNEX = "annex"  # one of the programme's annexes (webapp/annexes), for one organisation


class Document(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(200))  # as uploaded, cleaned
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # loaded only when downloaded
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # For an annex: which of the definition's annexes, and for whom ("applicant" or "partner-<id>",
    # the keys of programmes.rules.Participant). Text, not a foreign key: removing a partner never
    # deletes a signed letter someone uploaded; it is no longer listed.
    annex_key: Mapped[str | None] = mapped_column(String(40))
    annex_for: Mapped[str | None] = mapped_column(String(40))

    uploaded_by: Mapped[User | None] = relationship()
