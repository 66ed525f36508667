"""Who uses the directory: everyone with a role in the entry's organisation, who sees and keeps it
together (another organisation's entry is not found: webapp.core.access)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.access import Decision, permission


@permission("directory.use")
def _use(user, entry) -> Decision:
    return Decision(
        bool(user.organisation_ids), _l("The directory belongs to an organisation; you have no role in one.")
    )
