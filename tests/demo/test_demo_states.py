"""The demo covers every lifecycle state, and each application holds what its state implies: the
signatures, the submission and its PDF, the outcome, the principal's reviews and remark, a history
of lifecycle events that leads to the state, all dated in the past. Every demo user's start page
shows work, and the public portfolio shows the closed project."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from pages import parse, say
from webapp import demo
from webapp.applications.models import Application, SignatureKind
from webapp.applications.step_forms import REFERENCE
from webapp.auth.models import Role, User
from webapp.core.audit import AuditEvent
from webapp.core.outbox import OutboxMessage
from webapp.documents.models import Document, DocumentKind
from webapp.lifecycle import STATES, TRANSITIONS, Status, statuses
from webapp.organisations.models import Organisation
from webapp.programmes import registry
from webapp.review.models import PrincipalReview, SectionComment
from webapp.sections import services as sections

SENT = set(statuses("sent"))  # submitted or later
SIGNED = SENT | {Status.APPROVED, Status.AWAITING_SIGNOFF}  # approved or later
RUNNING = {Status.GRANTED, Status.REPORTING, Status.CLOSED}
DECIDED = SIGNED | {Status.CHANGES_REQUESTED, Status.DECLINED}
REVIEW_STEP = {Status.CHANGES_REQUESTED: "request_changes", Status.DECLINED: "decline"}  # else "approve"


@pytest.fixture
def loaded(db):
    before = datetime.now(UTC)
    demo.load()
    applications = list(db.session.scalars(db.select(Application).order_by(Application.id)))
    return applications, before


def _programme(application):
    return registry.programme(registry.for_round(application.action_key, application.call_round).programme)


def _pdf_pages(document: Document) -> int:
    assert document.size == len(document.data) and document.data.startswith(b"%PDF-")
    return len(PdfReader(io.BytesIO(document.data)).pages)


def test_every_status_is_in_the_demo(loaded):
    applications, _before = loaded
    assert {Status(a.status) for a in applications} == set(Status)


def test_each_application_holds_what_its_state_implies(loaded, db):
    applications, before = loaded
    documents = defaultdict(dict)
    for document in db.session.scalars(db.select(Document)):
        documents[document.application_id][document.kind] = document
    for application in applications:
        status, label = Status(application.status), f"{application.id} {application.title} ({application.status})"
        live = {s.kind: s for s in application.signatures if s.revoked_at is None}
        asks_sign_off = application.school.organisation.coordinator_signoff
        if status in SIGNED:
            principal = live[SignatureKind.PRINCIPAL]
            assert application.school_id in principal.signed_by.school_ids(Role.PRINCIPAL), label
            assert (
                principal.signatory_name in principal.declaration and application.school.name in principal.declaration
            )
        else:
            assert live == {} and application.submission is None and application.outcome is None, label
        if status in SIGNED - {Status.AWAITING_SIGNOFF} and asks_sign_off:
            assert live[SignatureKind.COORDINATOR].signed_at > live[SignatureKind.PRINCIPAL].signed_at, label
        else:
            assert SignatureKind.COORDINATOR not in live, label

        if status in SENT:
            submission = application.submission
            erasmus = application.action_key.startswith("KA")
            assert re.fullmatch(
                rf"{application.action_key}-[0-9A-F]{{8}}" if erasmus else REFERENCE, submission.reference
            )
            assert max(s.signed_at for s in live.values()) < submission.submitted_at < application.deadline, label
            assert not submission.late
            assert _pdf_pages(documents[application.id][DocumentKind.SUBMITTED_APPLICATION]) >= 1
        else:
            assert application.submission is None and application.id not in documents, label

        outcome = application.outcome
        if status in RUNNING:
            assert outcome.granted and outcome.amount_eur > 0, label
            pattern = _programme(application).project_number
            assert re.fullmatch(pattern.regex, outcome.project_number) if pattern else outcome.project_number, label
            assert application.submission.submitted_at < outcome.recorded_at
            assert outcome.project_start < outcome.project_end <= outcome.final_report_due, label
            if outcome.interim_report_due:
                assert outcome.project_start < outcome.interim_report_due < outcome.project_end, label
        elif status == Status.REJECTED:
            assert not outcome.granted and 0 <= outcome.score <= 100 and outcome.feedback, label
        else:
            assert outcome is None, label
        if status == Status.CLOSED:
            assert outcome.final_summary and outcome.public, label
            assert _pdf_pages(documents[application.id][DocumentKind.FINAL_REPORT]) >= 1

        reviews = db.session.scalars(db.select(PrincipalReview).where(PrincipalReview.application_id == application.id))
        steps = [(r.step, r.reviewer_id) for r in reviews]
        if status in DECIDED:
            assert steps[-1][0] == REVIEW_STEP.get(status, "approve"), label
            reviewer = db.session.get(User, steps[-1][1])
            assert application.school_id in reviewer.school_ids(Role.PRINCIPAL), label
        else:
            assert steps == [], label

        for moment in (application.created_at, application.updated_at, *(s.signed_at for s in live.values())):
            assert moment < before, label  # history happened in the past


def test_the_principals_remark_sits_on_a_section_of_the_application_sent_back(loaded, db):
    applications, _before = loaded
    (sent_back,) = [a for a in applications if a.status == Status.CHANGES_REQUESTED]
    (remark,) = db.session.scalars(db.select(SectionComment).where(SectionComment.application_id == sent_back.id))
    assert sections.definition_of(sent_back).section(remark.section_key) is not None
    assert remark.is_open and remark.body
    assert sent_back.school_id in remark.author.school_ids(Role.PRINCIPAL)


def test_each_history_of_lifecycle_events_leads_to_the_state_and_the_log_reads_it(loaded, db, login):
    applications, before = loaded
    for application in applications:
        events = list(
            db.session.scalars(
                db.select(AuditEvent)
                .where(AuditEvent.object_type == "application", AuditEvent.object_id == application.id)
                .order_by(AuditEvent.id)
            )
        )
        times = [e.at for e in events]
        assert times == sorted(times) and times[-1] < before, application.title  # in order, in the past
        status = Status.DRAFT
        for event in events:
            if event.action.startswith("lifecycle.") and "status" in event.changes:
                was, status = event.changes["status"]
                assert Status(was) in TRANSITIONS[event.action.removeprefix("lifecycle.")].sources
        assert status == application.status, application.title
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0  # no mail about the past

    closed = next(a for a in applications if a.status == Status.CLOSED)
    coordinator = db.session.scalar(db.select(User).where(User.email == "coordinator@example.org"))
    page = login(coordinator).get(f"/applications/{closed.id}/activity").get_data(as_text=True)
    for key in ("send_to_principal", "approve", "register_submission", "record_grant", "close_project"):
        assert say(TRANSITIONS[key].label, "sv") in page, key


def _cards(page, heading: str) -> set[int]:
    section = parse(page).find("section", aria_labelledby=heading)
    assert section is not None, heading
    return {int(m[1]) for link in section.links() if (m := re.fullmatch(r"/applications/(\d+)", link))}


def test_each_demo_users_start_page_shows_work(loaded, db, login):
    applications, _before = loaded
    by_id = {a.id: Status(a.status) for a in applications}
    pages = {}
    for user in db.session.scalars(db.select(User)):
        pages[user.email] = page = login(user).get("/").get_data(as_text=True)
        assert re.search(r'href="/applications/\d+"', page), user.email
    teacher = {by_id[i] for i in _cards(pages["teacher@example.org"], "mine-heading")}
    assert {Status.DRAFT, Status.CHANGES_REQUESTED} <= teacher
    assert {by_id[i] for i in _cards(pages["principal@example.org"], "awaiting-heading")} == {Status.AWAITING_APPROVAL}
    signoff = _cards(pages["coordinator@example.org"], "signoff-heading")
    assert {by_id[i] for i in signoff} == {Status.AWAITING_SIGNOFF}
    assert all(db.session.get(Application, i).school.organisation.coordinator_signoff for i in signoff)
    overview = parse(pages["coordinator@example.org"]).find("section", aria_labelledby="overview-heading")
    shown = [
        int(a.attrs["href"].rsplit("/", 1)[1])
        for a in overview.find_all("a")
        if re.fullmatch(r"/applications/\d+", a.attrs.get("href", ""))
    ]
    assert len(shown) == min(10, len(applications))  # the nearest deadlines; the overview has the rest
    rows = [db.session.get(Application, i) for i in shown]
    racing = [a.deadline for a in rows if STATES[Status(a.status)].counts_down and a.deadline]
    assert racing == sorted(racing) and racing == [
        a.deadline for a in rows[: len(racing)]
    ]  # still racing, nearest first
    assert len(overview.find_all("time")) == sum(1 for a in rows if a.deadline)  # each with its deadline
    assert "/applications/" in overview.links()


def test_the_portfolio_shows_the_closed_project_with_its_summary(loaded, db, client):
    applications, _before = loaded
    closed = next(a for a in applications if a.status == Status.CLOSED)
    organisation = db.session.get(Organisation, closed.organisation_id)
    assert organisation.portfolio_public
    page = client.get(f"/portfolio/{organisation.id}").get_data(as_text=True)
    assert closed.title in page and closed.outcome.final_summary in page
