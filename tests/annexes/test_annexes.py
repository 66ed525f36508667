"""The programme's annexes are tracked items, not ticked boxes: each one for each organisation it
is asked of holds an uploaded, checked PDF, and the submission is registered only once every
required one is there (docs/sources/nordplus-junior-2026.md#letters-of-intent,
docs/sources/erasmus-plus-school-2026.md#declaration-on-honour-and-annexes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pages import field_errors, flashes, parse, refusal, say
from uploads import PNG, attach_annexes, pdf_bytes, upload
from webapp.annexes import services as annexes
from webapp.applications.models import Application
from webapp.auth.models import Role
from webapp.core.audit import AuditEvent
from webapp.documents.models import Document, DocumentKind
from webapp.documents.services import DAMAGED_IMAGE, NOT_A_PDF_OR_IMAGE
from webapp.lifecycle import Status
from webapp.partners.models import PartnerStatus


@pytest.fixture
def nordplus(make, db):
    """A Nordplus mobility project from Sweden with a confirmed Finnish partner and one still asked."""
    application = make.application(action_key="NPJ-MOBILITY", call_round="2027-R1")
    make.partner(application, name="Helsingin koulu", country="FI")
    make.partner(application, name="Tallinna kool", country="EE", status=PartnerStatus.CONTACTED)
    db.session.commit()
    return application


def _fresh(db, application) -> Application:
    db.session.rollback()
    return db.session.get(Application, application.id)


def _annex_documents(db, application) -> list[tuple[str, str, str]]:
    db.session.rollback()
    query = db.select(Document).where(Document.application_id == application.id, Document.kind == DocumentKind.ANNEX)
    return sorted((d.annex_key, d.annex_for, d.filename) for d in db.session.scalars(query))


# (action, confirmed partner countries, expected required slots as (annex, for whom)); sourced above.
SLOT_ROWS = [
    # Nordplus: a letter of intent from every organisation, the coordinator's own included.
    ("NPJ-MOBILITY", ["FI"], {("letter_of_intent", "applicant"), ("letter_of_intent", "partner")}),
    # Erasmus+ KA210: the applicant's declaration on honour; partner mandates are not required to apply.
    ("KA210-SCH", ["DK"], {("declaration_of_honour", "applicant")}),
    ("KA122-SCH", [], {("declaration_of_honour", "applicant")}),
]


@pytest.mark.parametrize(("action", "countries", "expected"), SLOT_ROWS)
def test_each_required_annex_is_asked_of_the_right_organisations(make, db, action, countries, expected):
    application = make.application(action_key=action)
    for country in countries:
        make.partner(application, country=country)
    make.partner(application, country="NO", status=PartnerStatus.IDENTIFIED)  # not in the application yet
    required = {
        (s.annex.key, "applicant" if s.organisation.key == "applicant" else "partner")
        for s in annexes.missing(application)
    }
    assert required == expected
    assert all(s.organisation.confirmed for s in annexes.slots(application))


def test_the_submission_waits_for_every_letter_and_names_the_missing_ones(login, db, nordplus):
    nordplus.status = Status.APPROVED
    db.session.commit()
    client = login(nordplus.owner)
    overview = client.get(f"/applications/{nordplus.id}").get_data(as_text=True)
    offered = parse(overview).find("form", cls="action-register_submission")
    assert offered.find("button") is None  # a refused step shows its reason instead of a button
    assert "Helsingin koulu" in offered.find("span", cls="reason").text()
    response = client.get(f"/applications/{nordplus.id}/transitions/register_submission")
    assert response.status_code == 403
    reason = refusal(response.get_data(as_text=True))
    assert reason.startswith("2 ") and "Helsingin koulu" in reason and "Tallinna kool" not in reason

    page = client.get(f"/applications/{nordplus.id}/annexes").get_data(as_text=True)
    finnish = next(p for p in nordplus.partners if p.status == PartnerStatus.CONFIRMED)
    assert f"/applications/{nordplus.id}/partners/{finnish.id}/letter.pdf" in page  # the letter Grantpath drafts
    for slot in annexes.slots(_fresh(db, nordplus)):
        response = client.post(
            f"/applications/{nordplus.id}/annexes/{slot.key}",
            data={"seen": "", f"{slot.key}-file": upload(pdf_bytes(title=slot.key), "LOI signerad.pdf")},
        )
        assert response.status_code == 302
    assert [(k, f) for k, f, _ in _annex_documents(db, nordplus)] == [
        ("letter_of_intent", "applicant"),
        ("letter_of_intent", f"partner-{nordplus.partners[0].id}"),
    ]
    assert client.get(f"/applications/{nordplus.id}/transitions/register_submission").status_code == 200


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"<!doctype html><p>Signed</p>", NOT_A_PDF_OR_IMAGE), (PNG, DAMAGED_IMAGE)],  # PNG: a header and nothing more
    ids=["html", "broken-png"],
)
def test_a_file_that_is_no_pdf_or_image_is_refused_next_to_its_field(login, db, nordplus, content, message):
    key = "letter_of_intent.applicant"
    response = login(nordplus.owner).post(
        f"/applications/{nordplus.id}/annexes/{key}", data={"seen": "", f"{key}-file": upload(content, "loi.pdf")}
    )
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True))[f"{key}-file"].startswith(say(message))
    assert _annex_documents(db, nordplus) == []


def test_replacing_a_file_someone_else_just_replaced_changes_nothing(login, db, make, nordplus):
    attach_annexes(nordplus)
    db.session.commit()
    key = "letter_of_intent.applicant"
    seen = str(annexes.slot_of(nordplus, key).document.id)
    colleague = make.user(school=nordplus.school)
    nordplus.team.append(colleague)
    db.session.commit()
    first = login(colleague).post(
        f"/applications/{nordplus.id}/annexes/{key}",
        data={"seen": seen, f"{key}-file": upload(pdf_bytes(title="kollega"), "kollegans.pdf")},
    )
    assert first.status_code == 302
    stale = login(nordplus.owner).post(
        f"/applications/{nordplus.id}/annexes/{key}",
        data={"seen": seen, f"{key}-file": upload(pdf_bytes(title="min"), "min.pdf")},
        follow_redirects=True,
    )
    assert ("letter_of_intent", "applicant", "kollegans.pdf") in _annex_documents(db, nordplus)
    assert any(category == "warning" for category, _ in flashes(stale.get_data(as_text=True)))
    removed = login(nordplus.owner).post(f"/applications/{nordplus.id}/annexes/{key}/remove", data={"seen": seen})
    assert removed.status_code == 302
    assert ("letter_of_intent", "applicant", "kollegans.pdf") in _annex_documents(db, nordplus)  # still there


def test_uploads_and_removals_are_logged_by_annex_and_organisation(login, db, make, nordplus):
    client = login(nordplus.owner)
    key = "letter_of_intent.applicant"
    client.post(f"/applications/{nordplus.id}/annexes/{key}", data={"seen": "", f"{key}-file": upload(pdf_bytes())})
    seen = str(annexes.slot_of(_fresh(db, nordplus), key).document.id)
    assert client.post(f"/applications/{nordplus.id}/annexes/{key}/remove", data={"seen": seen}).status_code == 302
    assert _annex_documents(db, nordplus) == []
    actions = db.session.scalars(
        db.select(AuditEvent.action).where(AuditEvent.object_id == nordplus.id, AuditEvent.action.like("annex.%"))
    ).all()
    assert actions == ["annex.attached", "annex.removed"]
    principal = make.user(Role.PRINCIPAL, school=nordplus.school)
    db.session.commit()
    rows = parse(login(principal).get(f"/applications/{nordplus.id}/activity").get_data(as_text=True)).find_all("tr")
    named = f"Avsiktsförklaring (Letter of Intent, LOI), märkt med ansökans ID-nummer: {nordplus.school.name}"
    assert len([r for r in rows if named in r.text()]) == 2  # upload and removal, naming the annex and whose


@pytest.mark.parametrize("status", [Status.AWAITING_APPROVAL, Status.APPROVED, Status.AWAITING_SIGNOFF])
def test_annexes_are_signed_while_the_text_is_locked(login, db, nordplus, status):
    nordplus.status = status
    db.session.commit()
    key = "letter_of_intent.applicant"
    response = login(nordplus.owner).post(
        f"/applications/{nordplus.id}/annexes/{key}", data={"seen": "", f"{key}-file": upload(pdf_bytes())}
    )
    assert response.status_code == 302 and len(_annex_documents(db, nordplus)) == 1


def test_a_submitted_application_keeps_its_annexes_as_submitted(login, db, nordplus):
    attach_annexes(nordplus)
    nordplus.status = Status.SUBMITTED
    db.session.commit()
    before = _annex_documents(db, nordplus)
    key = "letter_of_intent.applicant"
    client = login(nordplus.owner)
    response = client.post(
        f"/applications/{nordplus.id}/annexes/{key}", data={"seen": "", f"{key}-file": upload(pdf_bytes())}
    )
    assert response.status_code == 403
    assert refusal(response.get_data(as_text=True)) == say(annexes.NOT_NOW)
    page = client.get(f"/applications/{nordplus.id}/annexes").get_data(as_text=True)
    assert 'type="file"' not in page and "Ta bort filen" not in page
    assert _annex_documents(db, nordplus) == before


def test_a_slot_the_application_does_not_have_is_not_found(login, db, nordplus):
    client = login(nordplus.owner)
    for key in ("declaration_of_honour.applicant", "letter_of_intent.partner-999999", "x" * 300, "²"):
        assert client.post(f"/applications/{nordplus.id}/annexes/{key}", data={"seen": "1"}).status_code == 404


def test_the_deadline_does_not_matter_to_uploading(login, db, nordplus):
    """A late application still collects its letters: the deadline is the programme's to judge."""
    nordplus.deadline = datetime.now(UTC) - timedelta(days=3)
    db.session.commit()
    key = "letter_of_intent.applicant"
    response = login(nordplus.owner).post(
        f"/applications/{nordplus.id}/annexes/{key}", data={"seen": "", f"{key}-file": upload(pdf_bytes())}
    )
    assert response.status_code == 302


def test_a_development_projects_budget_is_an_uploaded_template_and_says_why(login, make, db):
    """Grantpath computes no development-project budget (its unit costs were not found): the annex
    says so where the team uploads the filled-in template (docs/sources/nordplus-junior-2026.md)."""
    application = make.application(action_key="NPJ-DEVELOPMENT")
    db.session.commit()
    client = login(application.owner)
    for path in ("annexes", "stages/submission"):
        page = client.get(f"/applications/{application.id}/{path}").get_data(as_text=True)
        assert "Grantpath räknar inte ut budgeten för utvecklingsprojekt" in page, path
    assert "budget.applicant" in {s.key for s in annexes.missing(application)}
