"""What was reminded to whom: one row per person and item (the item's key names its date, so a
moved date is reminded again). The unique pair is what keeps two overlapping runs from both
sending."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import UTCDateTime, utcnow
from ..extensions import db


class ReminderSent(db.Model):
    __tablename__ = "reminder_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(120))  # "milestone:12:partners_confirmed:2027-02-04"
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "key"),)
