"""An export is its maker's alone: anyone else, also of the same organisation, gets 404, as the file
holds what the maker's role lets them see."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.access import Decision, permission
from .models import ExportRun

NOT_YOURS = Decision(False, _l("There is no such page, or it is not shared with you."), hidden=True)


@permission("export.view")
def _view(user, run: ExportRun) -> Decision:
    return Decision.allow() if run.user_id == user.id else NOT_YOURS
