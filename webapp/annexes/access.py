"""Who may upload and remove annexes: the application's writers, until it is submitted. The annexes
are signed while the text is locked (the principal signs the declaration on honour on approving),
so a state that locks the text does not lock them."""

from __future__ import annotations

from ..applications.models import Application
from ..core.access import Decision, can, permission
from ..lifecycle import STATES, Status
from . import services


@permission("application.attach_annex")
def _attach_annex(user, application: Application) -> Decision:
    decision = can("application.edit", application, user)
    if not decision:
        return decision
    return Decision(STATES[Status(application.status)].counts_down, services.NOT_NOW)
