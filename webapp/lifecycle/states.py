"""Every state an application can be in, with the flags the rest of the app asks instead of
comparing status names: whether the team may still write, whether the call's deadline still
applies, whether the document is what was sent, who the application waits for."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


class Status(enum.StrEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    SUBMITTED = "submitted"
    GRANTED = "granted"
    REJECTED = "rejected"
    REPORTING = "reporting"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


#: Badge colours; the stylesheet has one class per tone (`badge-<tone>`).
TONES = ("neutral", "attention", "info", "success", "danger")


@dataclass(frozen=True)
class State:
    status: Status
    label: str
    tone: str
    editable: bool  # the team may change the content (sections, partners, checklist, scores, title)
    counts_down: bool  # not yet submitted: the call's deadline still matters
    sent: bool  # the document is what was submitted: no draft watermark
    in_play: bool  # still on its writers' start page
    writing_done: bool  # all four stages are behind it
    waits_for_principal: bool  # on the principal's "waiting for my decision" list
    next_step: str | None  # None: the stage's own next step (drafts) or nothing left to do
    next_step_actionable: bool = True  # False while someone else has to act
    locked_reason: str = ""  # why the content cannot change, shown where an edit is refused


def _state(
    status,
    label,
    tone,
    *,
    editable=False,
    counts_down=False,
    sent=False,
    in_play=True,
    writing_done=True,
    waits_for_principal=False,
    next_step=None,
    actionable=True,
    locked="",
):
    return State(
        status,
        label,
        tone,
        editable,
        counts_down,
        sent,
        in_play,
        writing_done,
        waits_for_principal,
        next_step,
        actionable,
        locked,
    )


_SUBMITTED_LOCK = _l("The application is submitted: its text is what was sent and can no longer change.")

STATES: dict[Status, State] = {
    s.status: s
    for s in (
        _state(Status.DRAFT, _l("Draft"), "neutral", editable=True, counts_down=True, writing_done=False),
        _state(
            Status.AWAITING_APPROVAL,
            _l("Waiting for the principal"),
            "attention",
            counts_down=True,
            writing_done=False,
            waits_for_principal=True,
            next_step=_l("Waiting for the principal's decision"),
            actionable=False,
            locked=_l("The application waits for the principal's decision: its text is locked until then."),
        ),
        _state(
            Status.CHANGES_REQUESTED,
            _l("Changes requested"),
            "attention",
            editable=True,
            counts_down=True,
            writing_done=False,
            next_step=_l("Make the changes the principal asked for"),
        ),
        _state(
            Status.APPROVED,
            _l("Approved by the principal"),
            "info",
            counts_down=True,
            next_step=_l("Submit in the programme's web form"),
            locked=_l("The principal approved this version: it can no longer be changed."),
        ),
        _state(
            Status.SUBMITTED,
            _l("Submitted"),
            "info",
            sent=True,
            next_step=_l("Waiting for the national agency's decision"),
            actionable=False,
            locked=_SUBMITTED_LOCK,
        ),
        _state(
            Status.GRANTED,
            _l("Granted"),
            "success",
            sent=True,
            next_step=_l("Start the project"),
            locked=_SUBMITTED_LOCK,
        ),
        _state(Status.REJECTED, _l("Not granted"), "danger", sent=True, in_play=False, locked=_SUBMITTED_LOCK),
        _state(
            Status.REPORTING,
            _l("Project running"),
            "success",
            sent=True,
            next_step=_l("Write the final report"),
            locked=_SUBMITTED_LOCK,
        ),
        _state(
            Status.CLOSED,
            _l("Final report done"),
            "success",
            sent=True,
            in_play=False,
            locked=_l("The project is closed."),
        ),
        _state(Status.WITHDRAWN, _l("Withdrawn"), "danger", in_play=False, locked=_l("The application is withdrawn.")),
    )
}


def statuses(flag: str) -> tuple[Status, ...]:
    """The statuses whose state has `flag` set, for SQL filters: `statuses("counts_down")`."""
    return tuple(s.status for s in STATES.values() if getattr(s, flag))
