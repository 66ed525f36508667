"""The lists of applications, as `Select` objects: callers paginate or count them, and each loads
only what the list shows (school and owner in the same query, the team in one more)."""

from __future__ import annotations

from sqlalchemy import Select, case, func, or_
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import Membership, Role, User
from ..extensions import db
from ..lifecycle import statuses
from ..organisations.models import Organisation, School
from .access import visible_clause
from .models import Application, application_team


def _listing() -> Select:
    return (
        db.select(Application)
        .join(School, Application.school_id == School.id)
        .options(joinedload(Application.school), joinedload(Application.owner), selectinload(Application.team))
    )


def deadline_order():
    """Applications still racing a deadline first, nearest first; then the rest; ties by title, id."""
    return (
        case((Application.status.in_(statuses("counts_down")), 0), else_=1),
        Application.deadline.is_(None),
        Application.deadline,
        Application.title,
        Application.id,
    )


def visible(user: User, *, school_id=None, status=None, stage=None, action_key=None) -> Select:
    query = _listing().where(visible_clause(user))
    if school_id:
        query = query.where(Application.school_id == school_id)
    if status:
        query = query.where(Application.status == status)
    if stage:
        query = query.where(Application.stage == stage)
    if action_key:
        query = query.where(Application.action_key == action_key)
    return query.order_by(*deadline_order())


def written_by(user: User) -> Select:
    """The applications a teacher writes: owned or on the team, still in play."""
    on_team = db.select(application_team.c.application_id).where(application_team.c.user_id == user.id)
    return (
        _listing()
        .where(
            visible_clause(user),
            or_(Application.owner_id == user.id, Application.id.in_(on_team)),
            Application.status.in_(statuses("in_play")),
        )
        .order_by(*deadline_order())
    )


def awaiting_decision(user: User) -> Select:
    """What waits for this principal's decision, the nearest deadline first."""
    return (
        _listing()
        .where(
            Application.school_id.in_(user.school_ids(Role.PRINCIPAL)),
            Application.status.in_(statuses("waits_for_principal")),
        )
        .order_by(*deadline_order())
    )


def awaiting_signoff(user: User) -> Select:
    """What waits for a coordinator's sign-off in this coordinator's organisations, nearest deadline first."""
    return (
        _listing()
        .where(
            School.organisation_id.in_(user.org_ids_with(Role.COORDINATOR)),
            Application.status.in_(statuses("waits_for_coordinator")),
        )
        .order_by(*deadline_order())
    )


def signoff_asked(user: User) -> bool:
    """Whether one of this coordinator's organisations asks for the coordinator's sign-off."""
    asked = db.select(Organisation.id).where(
        Organisation.id.in_(user.org_ids_with(Role.COORDINATOR)), Organisation.coordinator_signoff
    )
    return db.session.scalar(db.select(asked.exists())) or False


def counts_by(user: User, column) -> dict[str, int]:
    query = (
        db.select(column, func.count())
        .select_from(Application)
        .join(School, Application.school_id == School.id)
        .where(visible_clause(user))
        .group_by(column)
    )
    return dict(db.session.execute(query).all())


def reusable(user: User) -> Select:
    """Earlier applications of the user's schools that a new one may start from, newest first."""
    schools = user.school_ids(Role.TEACHER, Role.PRINCIPAL)
    return (
        db.select(Application)
        .where(Application.school_id.in_(schools))
        .order_by(Application.created_at.desc(), Application.id.desc())
    )


def team_candidates(school: School) -> Select:
    """Teachers and principals of the school: the people who can co-write its applications."""
    at_school = db.select(Membership.user_id).where(
        Membership.school_id == school.id, Membership.role.in_((Role.TEACHER, Role.PRINCIPAL))
    )
    return db.select(User).where(User.id.in_(at_school), User.active).order_by(User.name, User.id)


def schools_for_new_application(user: User) -> Select:
    return db.select(School).where(School.id.in_(user.school_ids(Role.TEACHER, Role.PRINCIPAL))).order_by(School.name)


def filter_schools(user: User) -> Select:
    """The schools a list may be filtered by: every school of the user's organisations."""
    return db.select(School).where(School.organisation_id.in_(user.organisation_ids)).order_by(School.name)


def rows(query: Select) -> list:
    return list(db.session.scalars(query).unique())
