"""Every state an application can be in, with the flags the rest of the app asks instead of
comparing status names: whether the team may still write, whether the call's deadline still
applies, whether the document is what was sent, who the application waits for."""

from __future__ import annotations

import enum
from dataclasses import KW_ONLY, dataclass

from flask_babel import lazy_gettext as _l


class Status(enum.StrEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    AWAITING_SIGNOFF = "awaiting_signoff"  # approved; the organisation's coordinator signs off next
    SUBMITTED = "submitted"
    GRANTED = "granted"
    REJECTED = "rejected"
    REPORTING = "reporting"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    DECLINED = "declined"  # the principal decided not to send it
    RESERVE_LIST = "reserve_list"  # the national agency may still grant it if money is left


#: Badge colours; the stylesheet has one class per tone (`badge-<tone>`).
TONES = ("neutral", "attention", "info", "success", "danger")


@dataclass(frozen=True)
class State:
    status: Status
    label: str
    tone: str
    _: KW_ONLY
    editable: bool = False  # the team may change the content (sections, partners, checklist, scores, title)
    counts_down: bool = False  # not yet submitted: the call's deadline still matters
    sent: bool = False  # the document is what was submitted: no draft watermark
    in_play: bool = True  # still on its writers' start page
    writing_done: bool = True  # all four stages are behind it
    waits_for_principal: bool = False  # on the principal's "waiting for my decision" list
    waits_for_coordinator: bool = False  # on the coordinators' "waiting for my sign-off" list
    funded: bool = False  # granted: the project runs or ran (the portfolio, earlier cooperation)
    next_step: str | None = None  # None: the stage's own next step (drafts) or nothing left to do
    next_step_actionable: bool = True  # False while someone else has to act
    locked_reason: str = ""  # why the content cannot change, shown where an edit is refused


_SUBMITTED_LOCK = _l("The application is submitted: its text is what was sent and can no longer change.")

STATES: dict[Status, State] = {
    s.status: s
    for s in (
        State(Status.DRAFT, _l("Draft"), "neutral", editable=True, counts_down=True, writing_done=False),
        State(
            Status.AWAITING_APPROVAL,
            _l("Waiting for the principal"),
            "attention",
            counts_down=True,
            writing_done=False,
            waits_for_principal=True,
            next_step=_l("Waiting for the principal's decision"),
            next_step_actionable=False,
            locked_reason=_l("The application waits for the principal's decision: its text is locked until then."),
        ),
        State(
            Status.CHANGES_REQUESTED,
            _l("Changes requested"),
            "attention",
            editable=True,
            counts_down=True,
            writing_done=False,
            next_step=_l("Make the changes the principal asked for"),
        ),
        State(
            Status.APPROVED,
            _l("Approved by the principal"),
            "info",
            counts_down=True,
            next_step=_l("Submit in the programme's web form"),
            locked_reason=_l("The principal approved this version: it can no longer be changed."),
        ),
        State(
            Status.AWAITING_SIGNOFF,
            _l("Waiting for the coordinator's sign-off"),
            "attention",
            counts_down=True,
            waits_for_coordinator=True,
            next_step=_l("Waiting for the coordinator's sign-off"),
            next_step_actionable=False,
            locked_reason=_l(
                "The principal approved this version and it waits for the coordinator's sign-off: it can no longer "
                "be changed."
            ),
        ),
        State(
            Status.SUBMITTED,
            _l("Submitted"),
            "info",
            sent=True,
            next_step=_l("Waiting for the national agency's decision"),
            next_step_actionable=False,
            locked_reason=_SUBMITTED_LOCK,
        ),
        State(
            Status.GRANTED,
            _l("Granted"),
            "success",
            sent=True,
            funded=True,
            next_step=_l("Start the project"),
            locked_reason=_SUBMITTED_LOCK,
        ),
        State(
            Status.RESERVE_LIST,
            _l("On the reserve list"),
            "attention",
            sent=True,
            next_step=_l("Waiting to hear whether money is left"),
            next_step_actionable=False,
            locked_reason=_SUBMITTED_LOCK,
        ),
        State(Status.REJECTED, _l("Not granted"), "danger", sent=True, in_play=False, locked_reason=_SUBMITTED_LOCK),
        State(
            Status.REPORTING,
            _l("Project running"),
            "success",
            sent=True,
            funded=True,
            next_step=_l("Write the final report"),
            locked_reason=_SUBMITTED_LOCK,
        ),
        State(
            Status.CLOSED,
            _l("Final report done"),
            "success",
            sent=True,
            funded=True,
            in_play=False,
            locked_reason=_l("The project is closed."),
        ),
        State(
            Status.DECLINED,
            _l("Declined by the principal"),
            "danger",
            in_play=False,
            locked_reason=_l("The principal decided not to send this application. The principal can reopen it."),
        ),
        State(
            Status.WITHDRAWN,
            _l("Withdrawn"),
            "danger",
            in_play=False,
            locked_reason=_l("The application is withdrawn."),
        ),
    )
}


def statuses(flag: str) -> tuple[Status, ...]:
    """The statuses whose state has `flag` set, for SQL filters: `statuses("counts_down")`."""
    return tuple(s.status for s in STATES.values() if getattr(s, flag))
