"""The one access mechanism. Features register named permissions (`@permission("application.view")`);
routes declare theirs with `guard`, `signed_in` or `public` (the access-matrix test fails for a route
with none); templates and services ask `can(...)`, which answers a Decision: allowed, and if not,
why. Objects say which organisations they belong to (`organisation_ids`): an object of an
organisation the user has no role in answers 404, so nobody can probe another organisation's ids.

This module knows no feature: it imports no model and no role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import db, login_manager
from .errors import NotAllowed


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""
    # the object is of another organisation: answer as if it did not exist; for a lifecycle step, it
    # does not apply to this application at all (no interim report is due): it is not offered
    hidden: bool = False

    def __bool__(self) -> bool:
        return self.allowed

    @classmethod
    def allow(cls) -> Decision:
        return cls(True)

    @classmethod
    def deny(cls, reason) -> Decision:
        return cls(False, reason)


_NOT_YOURS = Decision(False, _l("There is no such page, or it is not shared with you."), hidden=True)
_SIGN_IN = Decision(False, _l("Please sign in to see that page."))

#: name -> predicate(user, obj) returning a Decision (or a bool, with a generic reason)
_PERMISSIONS: dict[str, Callable] = {}


def permission(name: str):
    """Registers the predicate of a named permission."""

    def register(predicate):
        if name in _PERMISSIONS:
            raise RuntimeError(f"permission {name} is registered twice")
        _PERMISSIONS[name] = predicate
        return predicate

    return register


def registered() -> set[str]:
    return set(_PERMISSIONS)


def can(name: str, obj=None, user=None) -> Decision:
    user = user if user is not None else current_user
    if not getattr(user, "is_authenticated", False):
        return _SIGN_IN
    if obj is not None and not (obj.organisation_ids & user.organisation_ids):
        return _NOT_YOURS
    result = _PERMISSIONS[name](user, obj)
    if isinstance(result, Decision):
        return result
    return Decision.allow() if result else Decision.deny(_l("Your role does not allow this."))


def require(name: str, obj=None) -> None:
    """For views: 404 for another organisation's object, 403 with the reason otherwise."""
    decision = can(name, obj)
    if decision.hidden:
        abort(404)
    if not decision:
        raise NotAllowed(decision)


# --- Route decorators: every view function carries exactly one of them. --------------------------


def _mark(view, rule: str):
    view.access_rule = rule
    return view


def public(view):
    """Reachable without signing in (sign-in, password reset)."""
    return _mark(view, "public")


def signed_in(view):
    """Any signed-in user; what the view shows is narrowed by queries and can()."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return _mark(wrapper, "signed_in")


def guard(name: str, model=None, arg: str | None = None, *, loader: Callable | None = None, lock: str | None = None):
    """Loads the object named by the URL argument `arg` (404 if missing or of another organisation),
    checks the permission (403 with the reason), and passes the object to the view instead of the id.
    Without a model, `loader(user)` finds the object (e.g. the organisation the admin manages).

    `lock` holds the object's row for the rest of the request, so what was checked stays true until
    the commit: "share" for writes that depend on its state (content saves), "update" for writes that
    change that state (lifecycle transitions). PostgreSQL locks the row; SQLite already serialises
    writing requests (core.database)."""
    locking = {None: None, "share": {"read": True}, "update": True}[lock]

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if model is not None:
                obj = db.session.get(model, kwargs.pop(arg), with_for_update=locking)
                if obj is None:
                    abort(404)
                kwargs[model.__name__.lower()] = obj
            else:
                obj = loader(current_user)
                if obj is None:
                    raise NotAllowed(Decision.deny(_l("Your role does not allow this.")))
                kwargs[loader.__name__.removeprefix("managed_")] = obj
            require(name, obj)
            return view(*args, **kwargs)

        return _mark(wrapper, name)

    return decorate
