"""Who keeps an application's tasks: its writers, while it is in play (a running project has its
reports to plan; a closed, withdrawn or refused one has nothing left to do)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..applications.models import Application
from ..core.access import Decision, can, permission
from ..lifecycle import STATES, Status

NOTHING_LEFT = _l("The application is no longer in play: it has no tasks left to plan.")


@permission("application.plan")
def _plan(user, application: Application) -> Decision:
    decision = can("application.edit", application, user)
    if not decision:
        return decision
    return Decision(STATES[Status(application.status)].in_play, NOTHING_LEFT)
