"""Managing an organisation: its details, schools, people and their roles."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..auth import services as accounts
from ..auth.models import Membership, Role, User
from ..core import audit
from ..extensions import db
from ..organisations.models import Organisation, School
from ..planning.milestones import MAX_LEAD_DAYS
from ..planning.milestones import defaults as default_milestones

ORGANISATION_FIELDS = ("name", "kind", "country", "portfolio_public", "coordinator_signoff", "milestone_lead_days")
SCHOOL_FIELDS = ("name", "kind", "city", "country", "oid", "pic", "address")
USER_FIELDS = ("name", "language", "active")


class AdminError(ValueError):
    """A change the rules refuse; the message is shown next to the field named in `field`."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def update_organisation(actor: User, organisation: Organisation, data: dict) -> None:
    """The organisation's details; `milestone_lead_days` holds only the lead times it sets itself
    (none: Grantpath's defaults for every milestone)."""
    lead_days = data.get("milestone_lead_days") or {}
    known = {m.key for m in default_milestones()}
    for key, days in lead_days.items():
        if key not in known or not isinstance(days, int) or not 0 <= days <= MAX_LEAD_DAYS:
            raise AdminError(
                f"lead_{key}", _l("Enter a whole number of working days from 0 to %(max)d.", max=MAX_LEAD_DAYS)
            )
    before = audit.snapshot(organisation, ORGANISATION_FIELDS)
    data = {**data, "milestone_lead_days": dict(lead_days) or None}
    for field in ORGANISATION_FIELDS:
        setattr(organisation, field, data[field])
    audit.record(
        actor,
        "organisation.updated",
        organisation,
        organisation.id,
        before,
        audit.snapshot(organisation, ORGANISATION_FIELDS),
    )


def has_active_coordinator(organisation: Organisation) -> bool:
    """Whether someone can take the sign-off the organisation may ask for."""
    coordinators = db.select(Membership.user_id).where(
        Membership.organisation_id == organisation.id, Membership.role == Role.COORDINATOR
    )
    return db.session.scalar(db.select(db.select(User.id).where(User.id.in_(coordinators), User.active).exists()))


def schools(organisation: Organisation) -> list[School]:
    return list(
        db.session.scalars(db.select(School).where(School.organisation_id == organisation.id).order_by(School.name))
    )


def save_school(actor: User, organisation: Organisation, school: School | None, data: dict) -> School:
    oid = data.get("oid") or None
    if oid:
        clash = db.session.scalar(
            db.select(School).where(School.oid == oid, School.id != (school.id if school else None))
        )
        if clash is not None:
            raise AdminError("oid", _l("Another school already has this OID. Each organisation has one OID."))
    creating = school is None
    before = None if creating else audit.snapshot(school, SCHOOL_FIELDS)
    if creating:
        school = School(organisation=organisation)
        db.session.add(school)
    for field in SCHOOL_FIELDS:
        setattr(school, field, (data.get(field) or None) if field in ("oid", "pic") else (data.get(field) or ""))
    db.session.flush()
    audit.record(
        actor,
        "school.created" if creating else "school.updated",
        school,
        organisation.id,
        before,
        audit.snapshot(school, SCHOOL_FIELDS),
    )
    return school


def people(organisation: Organisation) -> list[User]:
    query = (
        db.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation.id)
        .options(selectinload(User.memberships).joinedload(Membership.school))
        .order_by(User.name)
    )
    return list(db.session.scalars(query).unique())


def _check_school(organisation: Organisation, role: Role, school_id: int | None) -> School | None:
    if not role.needs_school:
        return None
    school = db.session.get(School, school_id) if school_id else None
    if school is None or school.organisation_id != organisation.id:
        raise AdminError("school_id", _l("Choose one of your organisation's schools."))
    return school


def invite(actor: User, organisation: Organisation, data: dict) -> User | None:
    """Invites a person; None when the address belongs to an account of another organisation.
    Then nothing is added (that account is not this admin's to change) and the answer is the one
    for a new person, so the admin learns nothing about it: its owner is told by mail instead."""
    email = accounts.normalise_email(data["email"])
    role = Role(data["role"])
    school = _check_school(organisation, role, data.get("school_id"))
    user = accounts.find_user(email)
    if user is not None and organisation.id not in user.organisation_ids and user.memberships:
        accounts.send_invitation_elsewhere(user, actor, organisation.name)
        return None
    if user is None:
        user = User(email=email, name=data["name"], language=data["language"])
        db.session.add(user)
    _add_membership(actor, organisation, user, role, school)
    db.session.flush()
    audit.record(actor, "user.invited", user, organisation.id, None, {"email": email, "role": role.value})
    if not user.password_hash:
        accounts.send_invitation(user, actor, organisation.name)
    return user


def resend_invitation(actor: User, organisation: Organisation, user: User) -> None:
    if user.password_hash:
        raise AdminError("user", _l("This person has already chosen a password."))
    accounts.send_invitation(user, actor, organisation.name)
    audit.record(actor, "user.invitation_resent", user, organisation.id)


def grant_role(actor: User, organisation: Organisation, user: User, role: Role, school_id: int | None) -> Membership:
    return _add_membership(actor, organisation, user, role, _check_school(organisation, role, school_id))


def _add_membership(
    actor: User, organisation: Organisation, user: User, role: Role, school: School | None
) -> Membership:
    for existing in user.memberships:
        if (
            existing.organisation_id == organisation.id
            and existing.role == role
            and existing.school_id == (school.id if school else None)
        ):
            raise AdminError("role", _l("The person already has this role."))
    membership = Membership(user=user, organisation_id=organisation.id, school=school, role=role)
    db.session.add(membership)
    db.session.flush()
    audit.record(
        actor,
        "membership.added",
        user,
        organisation.id,
        None,
        {"role": role.value, "school_id": school.id if school else None},
    )
    return membership


def remove_membership(actor: User, organisation: Organisation, user: User, membership_id: int) -> None:
    membership = next(
        (m for m in user.memberships if m.id == membership_id and m.organisation_id == organisation.id), None
    )
    if membership is None:
        raise AdminError("membership", _l("That role no longer exists. Reload the page."))
    if membership.role == Role.ADMIN:
        admins = db.session.scalar(
            db.select(db.func.count())
            .select_from(Membership)
            .where(Membership.organisation_id == organisation.id, Membership.role == Role.ADMIN)
        )
        if admins <= 1:
            raise AdminError(
                "membership",
                _l("The organisation needs at least one administrator. Make someone else administrator first."),
            )
    user.memberships.remove(membership)
    audit.record(
        actor,
        "membership.removed",
        user,
        organisation.id,
        {"role": membership.role, "school_id": membership.school_id},
        None,
    )


def update_user(actor: User, organisation: Organisation, user: User, data: dict) -> None:
    if user.id == actor.id and not data["active"]:
        raise AdminError("active", _l("You cannot close your own account."))
    before = audit.snapshot(user, USER_FIELDS)
    for field in USER_FIELDS:
        setattr(user, field, data[field])
    audit.record(actor, "user.updated", user, organisation.id, before, audit.snapshot(user, USER_FIELDS))


def audit_events(organisation: Organisation, limit: int = 200):
    from ..core.audit import AuditEvent

    query = (
        db.select(AuditEvent)
        .where(AuditEvent.organisation_id == organisation.id)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
