from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import TimestampMixin
from ..extensions import db


class OrganisationKind(enum.StrEnum):
    MUNICIPALITY = "municipality"
    SCHOOL_AUTHORITY = "school_authority"
    SCHOOL_GROUP = "school_group"


class SchoolKind(enum.StrEnum):
    """What a unit of the organisation (or a partner organisation) is, as the programmes ask who
    may apply and with whom (a definition's `eligibility.applicants` and `composition`)."""

    SCHOOL = "school"
    PRESCHOOL = "preschool"
    CULTURE_SCHOOL = "culture_school"
    # the municipality's education department, a school authority or a school group's head office:
    # the coordinator of a consortium (KA120/KA121) or of a school development project (KA240)
    SCHOOL_AUTHORITY = "school_authority"
    OTHER = "other"  # another organisation active in school education (a partner in KA2, for instance)


SCHOOL_KIND_LABELS = {
    SchoolKind.SCHOOL: _l("School"),
    SchoolKind.PRESCHOOL: _l("Preschool"),
    SchoolKind.CULTURE_SCHOOL: _l("Culture school"),
    SchoolKind.SCHOOL_AUTHORITY: _l("School authority or education department"),
    SchoolKind.OTHER: _l("Other organisation"),
}


def school_kind_label(kind: str) -> str:
    return str(SCHOOL_KIND_LABELS.get(kind, kind))


class Organisation(TimestampMixin, db.Model):
    """A municipality, school authority or school group: the unit of access control."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30), default=OrganisationKind.MUNICIPALITY)
    country: Mapped[str] = mapped_column(String(2), default="SE")
    # Publishes /portfolio/<id>: the granted projects the teams marked public, without personal data.
    portfolio_public: Mapped[bool] = mapped_column(default=False)
    # A coordinator signs off every application after the principal's approval, before it is
    # submitted: for organisations that co-fund projects or apply themselves.
    coordinator_signoff: Mapped[bool] = mapped_column(default=False)
    # Working days before the deadline each milestone is planned (webapp/planning), where the
    # organisation's own differ from workflows/milestones.yaml: {"partners_confirmed": 25, ...}.
    milestone_lead_days: Mapped[dict | None] = mapped_column(JSON)

    schools: Mapped[list[School]] = relationship(
        back_populates="organisation", order_by="School.name", cascade="all, delete-orphan"
    )

    @property
    def organisation_ids(self) -> set[int]:
        return {self.id}

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


class School(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2), default="SE")
    # Erasmus+ Organisation ID: "E" + 8 digits; unique across the whole Erasmus+ registry.
    oid: Mapped[str | None] = mapped_column(String(9), unique=True)
    pic: Mapped[str | None] = mapped_column(String(9))
    address: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(30), default=SchoolKind.SCHOOL, server_default=SchoolKind.SCHOOL)

    organisation: Mapped[Organisation] = relationship(back_populates="schools")

    @property
    def organisation_ids(self) -> set[int]:
        return {self.organisation_id}

    def __repr__(self) -> str:
        return f"<School {self.id} {self.name!r}>"
