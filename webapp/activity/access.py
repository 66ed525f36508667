"""Who sees an application's activity log: the principal of its school (who decides on it) and the
organisation's coordinators and administrators (who follow every school). The team sees the
application itself, its history of each section and the latest comment, not the log of who did what."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..applications.models import Application
from ..auth.models import Role
from ..core.access import Decision, permission

P, C, A = Role.PRINCIPAL, Role.COORDINATOR, Role.ADMIN


@permission("application.activity")
def _activity(user, application: Application) -> Decision:
    school = application.school
    if school.id in user.school_ids(P) or user.roles_in(school.organisation_id) & {C, A}:
        return Decision.allow()
    return Decision.deny(
        _l("Only the school's principal and the organisation's coordinators and administrators see the activity log.")
    )
