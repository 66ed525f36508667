"""Who comments on an application's sections and who resolves a comment. Comments are remarks about
the text, not the text itself: they stay possible while the text is locked for the principal's
decision, and close once the application is submitted (the state's `counts_down` flag)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..applications.models import Application
from ..core.access import Decision, can, permission
from ..lifecycle import STATES, Status
from .models import SectionComment

_CLOSED = _l("The application is submitted: its comments are kept as they were and no new ones can be added.")


def _open_for_comments(application: Application) -> bool:
    return STATES[Status(application.status)].counts_down


@permission("application.comment")
def _comment(user, application: Application) -> Decision:
    """Its writers, the school's principal and the organisation's coordinators, before submission."""
    if not any(
        can(name, application, user) for name in ("application.edit", "application.decide", "application.sign_off")
    ):
        return Decision.deny(
            _l("Only the application's team, the school's principal and the organisation's coordinators comment on it.")
        )
    return Decision.allow() if _open_for_comments(application) else Decision.deny(_CLOSED)


@permission("comment.resolve")
def _resolve(user, comment: SectionComment) -> Decision:
    """The team or the principal (who deal with it), or whoever wrote it, before submission."""
    application = comment.application
    if not (can("application.edit", application, user) or comment.author_id == user.id):
        return Decision.deny(_l("Only the application's team, the school's principal or its author resolve a comment."))
    return Decision.allow() if _open_for_comments(application) else Decision.deny(_CLOSED)
