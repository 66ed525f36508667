from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import TimestampMixin, UTCDateTime
from ..extensions import db
from ..organisations.models import Organisation, School


class Role(enum.StrEnum):
    TEACHER = "teacher"
    PRINCIPAL = "principal"
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    @property
    def needs_school(self) -> bool:
        return self in (Role.TEACHER, Role.PRINCIPAL)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Always stored lower-cased (see auth.services.normalise_email), so uniqueness is case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(5), default="sv")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session and remember-me cookie (see get_id): a new one signs out every device.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # The secret in the user's calendar feed's address (webapp/feeds); a new one revokes the old.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The kinds of optional mail (auth.services.MAIL_KINDS) the user turned off on the account page;
    # ask auth.services.wants_mail. Mail about the account itself is never optional.
    mail_off: Mapped[list[str]] = mapped_column(JSON, default=list)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie; the user loader
        (auth.views.load_user) accepts it only while the token is the current one."""
        if self.session_token is None:  # not flushed yet
            self.session_token = new_session_token()
        return f"{self.id}:{self.session_token}"

    def roles_in(self, organisation_id: int) -> set[Role]:
        return {Role(m.role) for m in self.memberships if m.organisation_id == organisation_id}

    @property
    def organisation_ids(self) -> set[int]:
        return {m.organisation_id for m in self.memberships}

    def school_ids(self, *roles: Role) -> set[int]:
        return {m.school_id for m in self.memberships if m.school_id and (not roles or m.role in roles)}

    def org_ids_with(self, *roles: Role) -> set[int]:
        return {m.organisation_id for m in self.memberships if m.role in roles}

    @property
    def roles(self) -> set[Role]:
        return {Role(m.role) for m in self.memberships}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Membership(db.Model):
    """A role in an organisation; teachers and principals hold it at one of its schools."""

    __table_args__ = (
        UniqueConstraint("user_id", "organisation_id", "school_id", "role", name="uq_membership_role"),
        CheckConstraint(
            "(role IN ('teacher', 'principal') AND school_id IS NOT NULL) OR "
            "(role IN ('coordinator', 'admin') AND school_id IS NULL)",
            name="school_matches_role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship()
    school: Mapped[School | None] = relationship()
