"""Every transition of the lifecycle: from which states, to which, who may take it (a permission of
webapp.core.access), what must hold first (named requirements), and what follows (named effects).
Features register the requirement and effect functions under these names (engine.requirement,
engine.effect); programme-specific requirements stay in the programme definitions."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .stages import Stage
from .states import STATES, Status


@dataclass(frozen=True)
class Transition:
    key: str
    label: str
    sources: frozenset[Status]
    target: Status | None  # None: the status stays (completing a stage moves the stage, not the status)
    permission: str
    requires: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    comment_required: bool = False
    stage: Stage | None = None  # the stage this transition completes
    done_message: str = ""
    declaration: bool = False  # taken only with the declaration on honour ticked (the signature)
    review_all: bool = False  # its page first lists what is left in every stage ("check application")
    on_overview: bool = False  # offered on the application's overview (stage completions are on their stage)
    form: str | None = None  # taken on a page of its own with this form (webapp/applications/step_forms.py)
    # Where it leads instead of `target` when a named requirement holds: approving goes to the
    # coordinator's sign-off in organisations that ask for one.
    target_when: tuple[tuple[str, Status], ...] = ()


_WRITABLE = frozenset(s for s, state in STATES.items() if state.editable)


def _complete(stage: Stage) -> Transition:
    return Transition(
        key=f"complete_{stage.value}",
        label=_l("Mark the stage complete and go on"),
        sources=_WRITABLE,
        target=None,
        permission="application.edit_content",
        requires=("in_its_stage", "stage_complete"),
        effects=("advance_stage",),
        stage=stage,
        done_message=_l("Well done: the stage is complete."),
    )


_SENT = frozenset({Status.AWAITING_APPROVAL})
_DECIDED = frozenset({Status.APPROVED, Status.AWAITING_SIGNOFF, Status.DECLINED})
_NOT_YET_SUBMITTED = _WRITABLE | _SENT | {Status.APPROVED, Status.AWAITING_SIGNOFF}
_PRINCIPAL_DECISION = ("record_review",)  # what the principal saw is kept, for the next review's diff

TRANSITIONS: dict[str, Transition] = {
    t.key: t
    for t in (
        _complete(Stage.IDEA),
        _complete(Stage.PARTNERS),
        _complete(Stage.ORGANISATION),
        Transition(
            key="send_to_principal",
            label=_l("Send to the principal"),
            sources=_WRITABLE,
            target=Status.AWAITING_APPROVAL,
            permission="application.edit_content",
            requires=("in_its_stage", "nothing_left"),
            effects=("notify_principals",),
            stage=Stage.SUBMISSION,
            done_message=_l("Sent to the principal. The team gets a mail when the principal has decided."),
            review_all=True,
            on_overview=True,
        ),
        Transition(
            key="request_changes",
            label=_l("Ask for changes"),
            sources=_SENT,
            target=Status.CHANGES_REQUESTED,
            permission="application.decide",
            effects=(*_PRINCIPAL_DECISION, "notify_team"),
            comment_required=True,
            done_message=_l("The team is asked to make the changes."),
            on_overview=True,
        ),
        Transition(
            key="approve",
            label=_l("Approve and sign"),
            sources=_SENT,
            target=Status.APPROVED,
            target_when=(("organisation_signs_off", Status.AWAITING_SIGNOFF),),
            permission="application.decide",
            effects=(*_PRINCIPAL_DECISION, "record_signature", "notify_team", "notify_coordinators"),
            declaration=True,
            done_message=_l("Approved and signed."),
            on_overview=True,
        ),
        Transition(
            key="decline",
            label=_l("Decline"),
            sources=_SENT,
            target=Status.DECLINED,
            permission="application.decide",
            effects=(*_PRINCIPAL_DECISION, "notify_team"),
            comment_required=True,
            done_message=_l("Declined. The team is told why."),
            on_overview=True,
        ),
        Transition(
            key="reopen",
            label=_l("Reopen for changes"),
            sources=_DECIDED,
            target=Status.CHANGES_REQUESTED,
            permission="application.decide",
            effects=("revoke_signature", "notify_team"),
            comment_required=True,
            done_message=_l("Reopened: the team can change the application and send it again."),
            on_overview=True,
        ),
        Transition(
            key="sign_off",
            label=_l("Sign off for the organisation"),
            sources=frozenset({Status.AWAITING_SIGNOFF}),
            target=Status.APPROVED,
            permission="application.sign_off",
            requires=("another_person_signs_off",),
            effects=("record_signature", "notify_team", "notify_principals"),
            declaration=True,
            done_message=_l("Signed off. The team can now submit it in the programme's web form."),
            on_overview=True,
        ),
        Transition(
            key="return_to_team",
            label=_l("Return to the team for changes"),
            sources=frozenset({Status.AWAITING_SIGNOFF}),
            target=Status.CHANGES_REQUESTED,
            permission="application.sign_off",
            effects=("revoke_signature", "notify_team", "notify_principals"),
            comment_required=True,
            done_message=_l("Returned: the team makes the changes and sends it to the principal again."),
            on_overview=True,
        ),
        Transition(
            key="register_submission",
            label=_l("Register the submission"),
            sources=frozenset({Status.APPROVED}),
            target=Status.SUBMITTED,
            permission="application.edit",
            requires=("annexes_attached",),
            effects=("store_submission", "notify_team", "notify_principals"),
            done_message=_l("The submission is registered."),
            on_overview=True,
            form="submission",
        ),
        Transition(
            key="record_grant",
            label=_l("Record the grant"),
            sources=frozenset({Status.SUBMITTED, Status.RESERVE_LIST}),
            target=Status.GRANTED,
            permission="application.record_outcome",
            effects=("store_outcome", "notify_team", "notify_principals"),
            done_message=_l("Congratulations: the grant is recorded."),
            on_overview=True,
            form="grant",
        ),
        Transition(
            key="record_reserve_list",
            label=_l("Record: on the reserve list"),
            sources=frozenset({Status.SUBMITTED}),
            target=Status.RESERVE_LIST,
            permission="application.record_outcome",
            effects=("notify_team", "notify_principals"),
            done_message=_l("Recorded: the application is on the reserve list."),
            on_overview=True,
        ),
        Transition(
            key="record_rejection",
            label=_l("Record: not granted"),
            sources=frozenset({Status.SUBMITTED, Status.RESERVE_LIST}),
            target=Status.REJECTED,
            permission="application.record_outcome",
            effects=("store_outcome", "notify_team", "notify_principals"),
            done_message=_l("Recorded. The evaluators' score and feedback are kept for the next try."),
            on_overview=True,
            form="rejection",
        ),
        Transition(
            key="start_project",
            label=_l("Start the project"),
            sources=frozenset({Status.GRANTED}),
            target=Status.REPORTING,
            permission="application.edit",
            effects=("notify_team",),
            done_message=_l("The project is running."),
            on_overview=True,
        ),
        Transition(
            key="send_interim_report",
            label=_l("Register the interim report"),
            sources=frozenset({Status.REPORTING}),
            target=None,
            permission="application.edit",
            requires=("interim_report_pending",),
            effects=("store_interim_report", "notify_team", "notify_principals"),
            done_message=_l("The interim report is registered."),
            on_overview=True,
            form="interim_report",
        ),
        Transition(
            key="close_project",
            label=_l("Send the final report and close the project"),
            sources=frozenset({Status.REPORTING}),
            target=Status.CLOSED,
            permission="application.edit",
            effects=("store_final_report", "notify_team", "notify_principals"),
            done_message=_l("The final report is recorded and the project closed."),
            on_overview=True,
            form="final_report",
        ),
        Transition(
            key="withdraw",
            label=_l("Withdraw the application"),
            sources=_NOT_YET_SUBMITTED,
            target=Status.WITHDRAWN,
            permission="application.edit",
            effects=("revoke_signature", "notify_team", "notify_principals"),
            comment_required=True,
            done_message=_l("The application is withdrawn."),
            on_overview=True,
        ),
    )
}


def completing(stage: Stage) -> Transition | None:
    """The transition that completes `stage`: marking it complete, or sending it for the last stage."""
    return next((t for t in TRANSITIONS.values() if t.stage == stage), None)
