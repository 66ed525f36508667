""" "May change the content now" is one rule: no write route changes an application whose state
does not allow writing, whoever asks. Every POST route of an application is listed here; a new one
that is not fails the first test."""

from __future__ import annotations

import pytest

from uploads import attach_annexes, pdf_bytes, upload
from webapp.applications.models import Application
from webapp.core.audit import AuditEvent
from webapp.directory.models import DirectoryEntry
from webapp.documents.models import Document, DocumentKind
from webapp.extensions import db as _db
from webapp.lifecycle import STATES, Stage, Status
from webapp.partners import services as partner_services
from webapp.partners.models import Partner
from webapp.review.models import SectionComment
from webapp.sections.models import ChecklistTicks, SectionAnswer, SelfAssessment
from webapp.tasks.models import Task

LOCKED = [s for s in Status if s not in (Status.DRAFT, Status.CHANGES_REQUESTED)]
# Comments are remarks about the text, not the text: they change no content (and no audit event)
# while the text is locked for the decision, and close once the application is submitted.
COMMENTS = {"review.add_comment", "review.resolve_comment"}
# Annexes are signed while the text is locked (the principal signs the declaration on approving):
# they may be uploaded and replaced until the application is submitted, then never.
ANNEXES = {"annexes.attach", "annexes.remove"}
# Tasks are the team's own planning: kept while the application is in play (reports to plan too).
TASKS = {"tasks.create", "tasks.edit", "tasks.toggle_done", "tasks.add_plan"}
UNTIL_SUBMITTED = {"comments": COMMENTS, "annexes": ANNEXES}
#: part -> (its write routes, the state flag under which they still write)
PARTS = {**{part: (routes, "counts_down") for part, routes in UNTIL_SUBMITTED.items()}, "tasks": (TASKS, "in_play")}
DECLARATION = "declaration_of_honour.applicant"


def _state(db, application_id: int) -> dict:
    """Everything a write route could change, as plain data."""
    db.session.rollback()
    application = db.session.get(Application, application_id)
    return {
        "record": (application.title, application.stage, application.status, application.version),
        "answers": sorted(
            (a.section_key, a.version)
            for a in db.session.scalars(db.select(SectionAnswer).where(SectionAnswer.application_id == application_id))
        ),
        "checklist": db.session.scalar(
            db.select(ChecklistTicks.version).where(ChecklistTicks.application_id == application_id)
        ),
        "scores": db.session.scalar(
            db.select(SelfAssessment.version).where(SelfAssessment.application_id == application_id)
        ),
        "tasks": sorted(
            (t.id, t.title, t.version)
            for t in db.session.scalars(db.select(Task).where(Task.application_id == application_id))
        ),
        "partners": sorted(
            (p.id, p.name, p.version)
            for p in db.session.scalars(db.select(Partner).where(Partner.application_id == application_id))
        ),
        "comments": sorted(
            (c.id, c.body, c.resolved_at is not None)
            for c in db.session.scalars(
                db.select(SectionComment).where(SectionComment.application_id == application_id)
            )
        ),
        "annexes": sorted(
            (d.id, d.annex_key, d.annex_for)
            for d in db.session.scalars(
                db.select(Document).where(
                    Document.application_id == application_id, Document.kind == DocumentKind.ANNEX
                )
            )
        ),
        "events": db.session.scalar(
            db.select(db.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.object_id == application_id, AuditEvent.object_type == "application")
        ),
    }


# endpoint -> (URL below /applications/<id>, form data); ids are filled in per test.
WRITES = {
    "applications.edit": (
        "edit",
        lambda a, p: {
            "title": "Ändrad",
            "call": f"{a.action_key}/{a.call_round}",
            "school_id": a.school_id,
            "version": a.version,
        },
    ),
    "applications.transition": ("transitions/complete_idea", lambda a, p: {}),
    "sections.save_section": ("sections/needs", lambda a, p: {"version": _version(a, "needs"), "need": "Ny text"}),
    "sections.save_checklist": ("checklist", lambda a, p: {"version": "0", "ticked": "partners_confirmed"}),
    "sections.save_self_assessment": ("self-assessment", lambda a, p: {"version": "0", "relevance": "20"}),
    "partners.create": ("partners/new", lambda a, p: {"name": "Ny skola", "country": "DK", "status": "identified"}),
    "partners.edit": (
        "partners/{partner}",
        lambda a, p: {"name": "Nytt namn", "country": "DK", "status": "identified", "loaded_version": p.version},
    ),
    "partners.remove": ("partners/{partner}/remove", lambda a, p: {}),
    "partners.restore": ("partners/restore/{removal}", lambda a, p: {}),
    "partners.add_from_directory": ("partners/from-directory/{entry}", lambda a, p: {}),
    "partners.mail_letter": ("partners/{partner}/letter-mail", lambda a, p: {"language": "en"}),
    "tasks.create": ("tasks/new", lambda a, p: {"title": "Ny uppgift"}),
    "tasks.edit": ("tasks/{task}", lambda a, p: {"title": "Ändrad uppgift", "loaded_version": _task(a).version}),
    "tasks.toggle_done": ("tasks/{task}/done", lambda a, p: {"done": "1", "version": _task(a).version}),
    "tasks.add_plan": ("tasks/from-plan", lambda a, p: {}),
    "team.invite": ("team/invite", lambda a, p: {"email": "ny@example.org", "name": "Ny Lärare", "language": "sv"}),
    "sections.restore_version": ("sections/needs/history/1/restore", lambda a, p: {}),
    "review.add_comment": ("review/sections/needs/comments", lambda a, p: {"comment-needs-body": "Konkretare mål."}),
    "review.resolve_comment": ("comments/{comment}/resolve", lambda a, p: {}),
    "annexes.attach": (
        f"annexes/{DECLARATION}",
        lambda a, p: {
            "seen": _annex_id(a),
            f"{DECLARATION}-file": upload(pdf_bytes(title="ny"), "hedersforsakran.pdf"),
        },
    ),
    "annexes.remove": (f"annexes/{DECLARATION}/remove", lambda a, p: {"seen": _annex_id(a)}),
}


def _task(application) -> Task | None:
    return _db.session.scalar(_db.select(Task).where(Task.application_id == application.id).order_by(Task.id).limit(1))


def _annex_id(application) -> str:
    from webapp.annexes import services as annexes

    slot = annexes.slot_of(application, DECLARATION)
    return str(slot.document.id) if slot.document else ""


def _url(db, application, partner_id, path) -> str:
    comment = db.session.scalar(db.select(SectionComment.id).where(SectionComment.application_id == application.id))
    removal = db.session.scalar(
        db.select(AuditEvent.id).where(AuditEvent.action == "partner.removed", AuditEvent.object_id == application.id)
    )
    entry = db.session.scalar(db.select(DirectoryEntry.id).where(DirectoryEntry.name == "Tartu kool"))
    task = _task(application)
    return f"/applications/{application.id}/" + path.format(
        partner=partner_id, comment=comment, removal=removal, entry=entry, task=task.id if task else 0
    )


def _version(application, key):
    from webapp.sections.services import answer_rows, version_of

    return version_of(answer_rows(application).get(key))


def test_every_post_route_of_an_application_is_covered(app):
    posting = {
        r.endpoint for r in app.url_map.iter_rules() if "POST" in (r.methods or ()) and "application_id" in r.arguments
    }
    assert posting == set(WRITES)


@pytest.fixture
def written(make, db):
    """A KA210 application with a partner and a complete idea stage, as its owner left it."""
    from webapp import demo

    application = make.application(action_key="KA210-SCH")
    partner = make.partner(application, contact_email="partner@example.org")
    db.session.add(DirectoryEntry(organisation_id=application.organisation_id, name="Tartu kool", country="EE"))
    db.session.add(Task(application_id=application.id, title="Ring Pirkkala"))
    partner_services.remove(application.owner, application, make.partner(application, name="Borttagen skola"))
    demo._write_answers(application, application.owner, ["Eleverna behöver läsa mer."], complete=False)
    db.session.add(
        SectionComment(application=application, section_key="needs", author=application.owner, body="Källa?")
    )
    attach_annexes(application)
    db.session.commit()
    return application, partner


@pytest.mark.parametrize("status", LOCKED)
@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_no_write_route_changes_a_locked_application(login, db, written, endpoint, status):
    application, partner = written
    application.status = status
    db.session.commit()
    path, data = WRITES[endpoint]
    url = _url(db, application, partner.id, path)
    client = login(application.owner)
    before = _state(db, application.id)
    response = client.post(url, data=data(application, partner))
    assert response.status_code in (302, 403), response.status_code
    after = _state(db, application.id)
    part, flag = next(
        ((name, flag) for name, (endpoints, flag) in PARTS.items() if endpoint in endpoints), (None, None)
    )
    if part is not None:
        logged = part in ("annexes", "tasks")  # an upload, a task: each is logged
        ignored = {part: None, **({"events": None} if logged else {})}
        assert {**after, **ignored} == {**before, **ignored}
        if not getattr(STATES[status], flag):
            assert after[part] == before[part] and response.status_code == 403
        elif part == "tasks":  # allowed: it goes through (the plan may have nothing left to add)
            assert response.status_code == 302
        else:
            assert after[part] != before[part]
    else:
        assert after == before


def test_the_same_writes_go_through_on_a_draft(login, db, written):
    """The guard is not a wall: on a draft every write changes something."""
    application, partner = written
    client = login(application.owner)
    partner_id = partner.id
    for endpoint in sorted(WRITES, key=lambda e: e == "partners.remove"):  # the removal last
        path, data = WRITES[endpoint]
        before = _state(db, application.id)
        response = client.post(
            _url(db, application, partner_id, path),
            data=data(db.session.get(Application, application.id), db.session.get(Partner, partner_id)),
        )
        assert response.status_code == 302, (endpoint, response.status_code)
        assert _state(db, application.id) != before, endpoint
    assert db.session.get(Application, application.id).stage == Stage.PARTNERS
