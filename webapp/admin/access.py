"""Who manages an organisation: its administrators. Registered with webapp.core.access."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..auth.models import Role, User
from ..core.access import Decision, permission
from ..extensions import db
from ..organisations.models import Organisation


@permission("organisation.manage")
def _manage(user: User, obj) -> Decision:
    """An organisation, one of its schools or one of its people: its administrators manage them."""
    if any(Role.ADMIN in user.roles_in(org_id) for org_id in obj.organisation_ids):
        return Decision.allow()
    return Decision.deny(_l("Only the organisation's administrators manage schools and people."))


@permission("organisation.manage_any")
def _manage_any(user: User, _obj) -> Decision:
    return Decision(bool(user.org_ids_with(Role.ADMIN)), _l("Only administrators see the administration pages."))


def managed_organisation(user: User) -> Organisation | None:
    """The organisation whose admin pages the user sees (the first one they administer)."""
    org_ids = sorted(user.org_ids_with(Role.ADMIN))
    return db.session.get(Organisation, org_ids[0]) if org_ids else None


def organisation_managed_for(admin: User, user: User) -> Organisation:
    """The organisation in which `admin` manages `user` (the guard has checked that there is one)."""
    return db.session.get(Organisation, min(admin.org_ids_with(Role.ADMIN) & user.organisation_ids))
