"""What the lifecycle's transitions require and cause for an application: nothing left before it
is sent, the principal's signature, and mail to the people concerned (through the outbox, after the
commit, each in their own language)."""

from __future__ import annotations

from datetime import UTC

from flask import render_template
from flask_babel import force_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from ..auth.models import Membership, Role, User
from ..auth.services import public_link, wants_mail
from ..core import mail
from ..core.access import Decision
from ..core.models import utcnow
from ..documents import services as documents
from ..documents.models import DocumentKind
from ..extensions import db
from ..lifecycle import STATES, Status, effect, requirement
from ..programmes import registry
from ..sections import services as sections
from .models import Application, Outcome, Signature, SignatureKind, Submission

#: transition key -> what its signature is and the text the signer ticks
DECLARATIONS = {
    "approve": (
        SignatureKind.PRINCIPAL,
        _l(
            "I, %(name)s, sign as the legal representative of %(school)s. I confirm that the information in "
            "this application is correct and complete, and that the school will carry out the project as "
            "described if it is granted (declaration on honour)."
        ),
    ),
    "sign_off": (
        SignatureKind.COORDINATOR,
        _l(
            "I, %(name)s, sign off on behalf of %(organisation)s: the organisation stands behind this "
            "application as the principal approved it, and it may be submitted."
        ),
    ),
}


def declaration_text(user: User, application: Application, transition_key: str = "approve") -> str:
    _kind, text = DECLARATIONS[transition_key]
    return str(text) % {
        "name": user.name,
        "school": application.school.name,
        "organisation": application.school.organisation.name,
    }


@requirement("organisation_signs_off")
def organisation_signs_off(application: Application, transition, user=None) -> Decision:
    """The organisation asks a coordinator to sign off every approved application, and has one who
    can (without an active coordinator it would wait for nobody)."""
    asked = application.school.organisation.coordinator_signoff and bool(coordinators_of(application))
    return Decision(asked, _l("No sign-off is asked for."))


@requirement("another_person_signs_off")
def another_person_signs_off(application: Application, transition, user=None) -> Decision:
    """The organisation's sign-off is a second pair of eyes: not the principal who approved."""
    principal = current_signature(application)
    if principal is not None and user is not None and principal.signed_by_id == user.id:
        return Decision.deny(_l("You approved it as principal: another coordinator signs off for the organisation."))
    return Decision.allow()


@requirement("nothing_left")
def nothing_left(application: Application, transition, user=None) -> Decision:
    """Sent only when every stage's rules hold: the check the page lists item by item."""
    report = sections.report(application)
    if report is None:
        return Decision.deny(_l("The programme of this application is not known."))
    left = len(report.problems)
    if left:
        return Decision.deny(
            ngettext(
                "%(num)d thing is left before the application can be sent.",
                "%(num)d things are left before the application can be sent.",
                left,
            )
        )
    return Decision.allow()


@effect("record_signature")
def record_signature(user: User, application: Application, transition, step) -> None:
    kind, _text = DECLARATIONS[transition.key]
    on_behalf_of = application.school if kind == SignatureKind.PRINCIPAL else application.school.organisation
    application.signatures.append(
        Signature(
            kind=kind,
            signed_by=user,
            signatory_name=user.name,
            school_name=on_behalf_of.name,
            declaration=declaration_text(user, application, transition.key),
        )
    )


@effect("revoke_signature")
def revoke_signature(user: User, application: Application, transition, step) -> None:
    """A reopened or withdrawn application is no longer what the principal signed."""
    for signature in application.signatures:
        if signature.revoked_at is None:
            signature.revoked_at = utcnow()


def current_signature(application: Application, kind: str = SignatureKind.PRINCIPAL) -> Signature | None:
    return next((s for s in reversed(application.signatures) if s.revoked_at is None and s.kind == kind), None)


def _active_users(memberships) -> list[User]:
    people = db.select(Membership.user_id).where(memberships)
    return list(db.session.scalars(db.select(User).where(User.id.in_(people), User.active).order_by(User.id)))


def principals_of(application: Application) -> list[User]:
    return _active_users((Membership.school_id == application.school_id) & (Membership.role == Role.PRINCIPAL))


def coordinators_of(application: Application) -> list[User]:
    return _active_users(
        (Membership.organisation_id == application.organisation_id) & (Membership.role == Role.COORDINATOR)
    )


def _team_of(application: Application) -> list[User]:
    people = {u.id: u for u in [application.owner, *application.team] if u.active}
    return [people[k] for k in sorted(people)]


def _notify(recipients: list[User], actor: User, application: Application, comment: str) -> None:
    link = public_link("applications.show", application_id=application.id)
    state = STATES[Status(application.status)]
    for person in recipients:
        if person.id == actor.id or not wants_mail(person, "status"):
            continue  # the one who acted knows; others may have turned status mail off
        with force_locale(person.language):
            mail.send(
                person.email,
                gettext("%(title)s: %(state)s", title=application.title, state=str(state.label)),
                render_template(
                    "applications/mail_transition.txt",
                    person=person,
                    actor=actor,
                    application=application,
                    state=state,
                    comment=comment,
                    link=link,
                ),
            )


@effect("notify_principals")
def notify_principals(user: User, application: Application, transition, step) -> None:
    _notify(principals_of(application), user, application, step.comment)


@effect("notify_coordinators")
def notify_coordinators(user: User, application: Application, transition, step) -> None:
    """Only when the application now waits for a coordinator's sign-off."""
    if STATES[Status(application.status)].waits_for_coordinator:
        _notify(coordinators_of(application), user, application, step.comment)


@effect("notify_team")
def notify_team(user: User, application: Application, transition, step) -> None:
    _notify(_team_of(application), user, application, step.comment)


@effect("store_submission")
def store_submission(user: User, application: Application, transition, step) -> None:
    """The reference and time of the submission, late when it went in after the call's deadline, and
    the PDF the programme's system gave."""
    submitted_at = step.details["submitted_at"].astimezone(UTC)
    application.submission = Submission(
        reference=step.details["reference"],
        submitted_at=submitted_at,
        late=bool(application.deadline and submitted_at > application.deadline),
        recorded_by_id=user.id,
    )
    documents.store(application, DocumentKind.SUBMITTED_APPLICATION, step.details["submitted_pdf"], user)


@effect("store_outcome")
def store_outcome(user: User, application: Application, transition, step) -> None:
    """Granted (amount, project number, period, report dates) or not (the evaluators' score and
    feedback). A final report date left empty is the programme's usual one after the end."""
    details = step.details
    outcome = application.outcome or Outcome()
    outcome.granted = transition.target == Status.GRANTED
    outcome.recorded_by_id = user.id
    if outcome.granted:
        outcome.amount_eur = details["amount_eur"]
        outcome.project_number = details.get("project_number") or ""
        outcome.project_start, outcome.project_end = details["project_start"], details["project_end"]
        outcome.interim_report_due = details.get("interim_report_due")
        outcome.final_report_due = details.get("final_report_due") or _usual_final_report_due(
            application, outcome.project_end
        )
        outcome.public = bool(details.get("public"))
    else:
        outcome.score, outcome.feedback = details.get("score"), details.get("feedback") or ""
    application.outcome = outcome


def _usual_final_report_due(application: Application, project_end):
    definition = registry.for_round(application.action_key, application.call_round)
    return registry.programme(definition.programme).final_report.due(project_end) if definition else None


@requirement("interim_report_pending")
def interim_report_pending(application: Application, transition, user=None) -> Decision:
    """The grant agreement asks for an interim report, and it is not registered yet."""
    outcome = application.outcome
    if outcome is None or outcome.interim_report_due is None:
        return Decision(False, _l("The grant agreement asks for no interim report."), hidden=True)
    if outcome.interim_report_sent_on is not None:
        return Decision(False, _l("The interim report is already registered."), hidden=True)
    return Decision.allow()


@effect("store_interim_report")
def store_interim_report(user: User, application: Application, transition, step) -> None:
    application.outcome.interim_report_sent_on = step.details["sent_on"]
    application.outcome.recorded_by_id = user.id
    if step.details.get("report_pdf") is not None:
        documents.store(application, DocumentKind.INTERIM_REPORT, step.details["report_pdf"], user)


@effect("store_final_report")
def store_final_report(user: User, application: Application, transition, step) -> None:
    outcome = application.outcome or Outcome(granted=True)
    outcome.final_summary = step.details["summary"]
    outcome.public = bool(step.details.get("public"))
    outcome.recorded_by_id = user.id
    application.outcome = outcome
    documents.store(application, DocumentKind.FINAL_REPORT, step.details["report_pdf"], user)
