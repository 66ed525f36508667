"""Grantpath's access rules, all in one place.

Every route declares its rule with one of the decorators below (the access-matrix test fails for a
route that has none). Objects of an organisation the user has no role in answer 404, so nobody can
probe another organisation's ids; an object of the user's own organisation that their role may not
touch answers 403.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort
from flask_login import current_user
from sqlalchemy import false, or_

from ..applications.models import Application
from ..auth.models import Role, User
from ..extensions import db, login_manager
from ..organisations.models import Organisation, School

T, P, C, A = Role.TEACHER, Role.PRINCIPAL, Role.COORDINATOR, Role.ADMIN


def organisation_ids_of(obj) -> set[int]:
    """The organisations an object belongs to (a user may belong to several)."""
    if isinstance(obj, Organisation):
        return {obj.id}
    if isinstance(obj, School):
        return {obj.organisation_id}
    if isinstance(obj, Application):
        return {obj.school.organisation_id}
    if isinstance(obj, User):
        return obj.organisation_ids
    raise TypeError(f"no organisation rule for {type(obj).__name__}")


def _in_org_with(user: User, org_id: int, *roles: Role) -> bool:
    return bool(user.roles_in(org_id) & set(roles))


def can_view_application(user: User, application: Application) -> bool:
    school = application.school
    return _in_org_with(user, school.organisation_id, C, A) or school.id in user.school_ids(T, P)


def can_edit_application(user: User, application: Application) -> bool:
    if application.school_id in user.school_ids(P):
        return True
    return application.school_id in user.school_ids(T) and (
        application.owner_id == user.id or any(m.id == user.id for m in application.team)
    )


def can_decide_application(user: User, application: Application) -> bool:
    """Principals sign as legal representative of their own school only."""
    return application.school_id in user.school_ids(P)


def can_create_application_in(user: User, school: School) -> bool:
    return school.id in user.school_ids(T, P)


def can_manage(user: User, obj) -> bool:
    return any(A in user.roles_in(org_id) for org_id in organisation_ids_of(obj))


#: The named permissions that routes ask for; each takes (user, object).
PERMISSIONS: dict[str, Callable] = {
    "application.view": can_view_application,
    "application.edit": can_edit_application,
    "application.decide": can_decide_application,
    "school.create_application": can_create_application_in,
    "organisation.manage": can_manage,
}


def visible_applications_clause(user: User):
    """The SQL condition equivalent to can_view_application, for list queries (joins School)."""
    conditions = []
    org_wide = user.org_ids_with(C, A)
    if org_wide:
        conditions.append(School.organisation_id.in_(org_wide))
    schools = user.school_ids(T, P)
    if schools:
        conditions.append(Application.school_id.in_(schools))
    return or_(*conditions) if conditions else false()


def schools_for_new_application(user: User) -> list[School]:
    ids = user.school_ids(T, P)
    if not ids:
        return []
    return list(db.session.scalars(db.select(School).where(School.id.in_(ids)).order_by(School.name)))


def managed_organisation(user: User) -> Organisation | None:
    """The organisation whose admin pages the user sees (the first one they administer)."""
    org_ids = sorted(user.org_ids_with(A))
    return db.session.get(Organisation, org_ids[0]) if org_ids else None


def organisation_managed_for(admin: User, user: User) -> Organisation:
    """The organisation in which `admin` manages `user` (guard() has checked that there is one)."""
    return db.session.get(Organisation, min(admin.org_ids_with(A) & user.organisation_ids))


def check(permission: str, obj, user: User | None = None) -> None:
    user = user or current_user
    if not organisation_ids_of(obj) & user.organisation_ids:
        abort(404)
    if not PERMISSIONS[permission](user, obj):
        abort(403)


def allowed(permission: str, obj, user: User | None = None) -> bool:
    """For templates: whether to show an action; the route checks again."""
    user = user or current_user
    return bool(organisation_ids_of(obj) & user.organisation_ids) and PERMISSIONS[permission](user, obj)


# --- Route decorators: every view function carries exactly one of them. --------------------------

def _mark(view, rule: str):
    view.access_rule = rule
    return view


def public(view):
    """Reachable without signing in (sign-in, password reset, static help)."""
    return _mark(view, "public")


def signed_in(view):
    """Any signed-in user; the view must narrow what it shows with the helpers above."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return _mark(wrapper, "signed_in")


def guard(permission: str, model=None, arg: str | None = None, *, loader: Callable | None = None):
    """Load the object named by the URL argument `arg`, 404 if missing or of another organisation,
    403 if the permission does not hold; the view receives the object instead of the id.

    Without a model, `loader(user)` finds the object (e.g. the organisation the admin manages).
    """

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if model is not None:
                obj = db.session.get(model, kwargs.pop(arg))
                if obj is None:
                    abort(404)
                kwargs[model.__name__.lower()] = obj
            else:
                obj = loader(current_user)
                if obj is None:
                    abort(403)
                kwargs[loader.__name__.removeprefix("managed_")] = obj
            check(permission, obj)
            return view(*args, **kwargs)

        return _mark(wrapper, permission)

    return decorate


def manage_organisation(view):
    """Admin pages of the organisation the signed-in admin manages."""
    return guard("organisation.manage", loader=managed_organisation)(view)
