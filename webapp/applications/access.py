"""Who may see, write and decide on applications: the permissions this feature registers with
webapp.core.access, and the SQL filter that lists exactly what `application.view` allows."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_

from ..auth.models import Role
from ..core.access import Decision, can, permission
from ..lifecycle import STATES, Status
from ..organisations.models import School
from .models import Application

T, P, C, A = Role.TEACHER, Role.PRINCIPAL, Role.COORDINATOR, Role.ADMIN


@permission("application.view")
def _view(user, application: Application) -> Decision:
    school = application.school
    if user.roles_in(school.organisation_id) & {C, A} or school.id in user.school_ids(T, P):
        return Decision.allow()
    return Decision.deny(_l("Only the school's teachers and principal and the organisation's coordinators see it."))


@permission("application.edit")
def _edit(user, application: Application) -> Decision:
    """On the team, or the school's principal: the people who write the application."""
    if application.school_id in user.school_ids(P):
        return Decision.allow()
    if application.school_id in user.school_ids(T) and (
        application.owner_id == user.id or any(m.id == user.id for m in application.team)
    ):
        return Decision.allow()
    return Decision.deny(_l("Only the application's team and the school's principal may change it."))


@permission("application.edit_content")
def _edit_content(user, application: Application) -> Decision:
    """May change the content now: a writer of the application, and a state that allows writing.
    Every write route of the application and its parts asks this one rule."""
    decision = can("application.edit", application, user)
    if not decision:
        return decision
    state = STATES[Status(application.status)]
    return Decision.allow() if state.editable else Decision.deny(state.locked_reason)


@permission("application.decide")
def _decide(user, application: Application) -> Decision:
    """Principals sign as legal representative of their own school only."""
    if application.school_id in user.school_ids(P):
        return Decision.allow()
    return Decision.deny(_l("Only the school's principal decides on its applications."))


@permission("application.sign_off")
def _sign_off(user, application: Application) -> Decision:
    """A coordinator of the application's organisation signs off for the organisation."""
    if C in user.roles_in(application.school.organisation_id):
        return Decision.allow()
    return Decision.deny(_l("Only the organisation's coordinators sign off applications."))


@permission("application.record_outcome")
def _record_outcome(user, application: Application) -> Decision:
    """The national agency's decision is recorded by the writers, the principal or a coordinator."""
    if can("application.edit", application, user) or user.roles_in(application.school.organisation_id) & {C}:
        return Decision.allow()
    return Decision.deny(_l("The team, the principal or a coordinator records the national agency's decision."))


@permission("application.create")
def _create(user, school: School | None) -> Decision:
    """Teachers and principals start applications, at their own schools."""
    schools = user.school_ids(T, P)
    if (school is None and schools) or (school is not None and school.id in schools):
        return Decision.allow()
    return Decision.deny(_l("Only teachers and principals start applications, at their own school."))


@permission("applications.decide_any")
def _decide_any(user, _obj) -> Decision:
    return Decision(bool(user.school_ids(P)), _l("Only principals decide on applications."))


@permission("applications.sign_off_any")
def _sign_off_any(user, _obj) -> Decision:
    return Decision(bool(user.org_ids_with(C)), _l("Only coordinators sign off applications."))


@permission("applications.overview")
def _overview(user, _obj) -> Decision:
    """Coordinators and admins follow every school of their organisation."""
    return Decision(bool(user.org_ids_with(C, A)), _l("Only coordinators and administrators see every school."))


def visible_clause(user):
    """The SQL condition equivalent to `application.view`, for list queries (joined with School)."""
    conditions = []
    org_wide = user.org_ids_with(C, A)
    if org_wide:
        conditions.append(School.organisation_id.in_(org_wide))
    schools = user.school_ids(T, P)
    if schools:
        conditions.append(Application.school_id.in_(schools))
    return or_(*conditions) if conditions else false()
