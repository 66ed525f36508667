"""A closed project on a published portfolio links its final report's PDF for anyone; no other
document, and no report of a project that is not public, is reachable that way."""

from __future__ import annotations

from datetime import date

import pytest

from pages import parse, say
from uploads import pdf_bytes, upload
from webapp.applications.models import Outcome
from webapp.applications.step_forms import FinalReportForm
from webapp.documents.models import Document, DocumentKind
from webapp.lifecycle import Status


def _closed_with_report(login, make, db, organisation, public=True):
    """A project closed through the final report step, so the PDF is stored as the app stores it."""
    application = make.application(make.school(organisation), status=Status.REPORTING)
    application.outcome = Outcome(
        granted=True, amount_eur=60000, project_start=date(2027, 9, 1), project_end=date(2029, 8, 31)
    )
    db.session.commit()
    report = pdf_bytes(title=f"Slutrapport {application.id}")
    data = {"summary": "Eleverna skrev en bok.", "report_pdf": upload(report, "Slutrapport.pdf")}
    if public:
        data["public"] = "y"
    response = login(application.owner).post(f"/applications/{application.id}/transitions/close_project", data=data)
    assert response.status_code == 302
    db.session.rollback()
    document = db.session.scalar(db.select(Document).where(Document.application_id == application.id))
    return application, document, report


@pytest.fixture
def published(make, db):
    organisation = make.organisation("Solna stad", portfolio_public=True)
    db.session.commit()
    return organisation


def test_anyone_downloads_the_final_report_of_a_public_closed_project(app, login, make, db, published):
    _application, document, report = _closed_with_report(login, make, db, published)
    anonymous = app.test_client()
    page = parse(anonymous.get(f"/portfolio/{published.id}").get_data(as_text=True))
    url = f"/portfolio/{published.id}/final-reports/{document.id}"
    assert url in page.find(cls="portfolio").links()
    response = anonymous.get(url)
    assert response.status_code == 200 and response.data == report
    assert response.mimetype == "application/pdf" and response.headers["X-Content-Type-Options"] == "nosniff"
    assert 'filename="Slutrapport.pdf"' in response.headers["Content-Disposition"]


def test_the_final_report_forms_public_choice_says_the_pdf_becomes_public(login, make, db, published):
    application = make.application(make.school(published), status=Status.REPORTING)
    db.session.commit()
    page = parse(
        login(application.owner).get(f"/applications/{application.id}/transitions/close_project").data.decode()
    )
    assert page.find(id="public-help").text() == say(FinalReportForm.public.kwargs["description"])


def test_nothing_else_is_served_from_the_portfolio(app, login, make, db, published):
    _application, hidden, _ = _closed_with_report(login, make, db, published, public=False)
    shown, document, _ = _closed_with_report(login, make, db, published)
    running = make.application(make.school(published), status=Status.REPORTING)
    running.outcome = Outcome(granted=True, public=True, project_start=date(2027, 9, 1), project_end=date(2029, 8, 31))
    draft_report = Document(
        application_id=running.id,
        kind=DocumentKind.FINAL_REPORT,
        filename="x.pdf",
        size=5,
        sha256="0" * 64,
        data=b"%PDF-",
    )
    submitted = Document(
        application_id=shown.id,
        kind=DocumentKind.SUBMITTED_APPLICATION,
        filename="ansökan.pdf",
        size=5,
        sha256="0" * 64,
        data=b"%PDF-",
    )
    unpublished = make.organisation("Lunds kommun")
    db.session.add_all([draft_report, submitted])
    db.session.commit()
    anonymous = app.test_client()
    for organisation_id, document_id in [
        (published.id, hidden.id),  # its project is not public
        (published.id, draft_report.id),  # its project is not closed
        (published.id, submitted.id),  # not a final report
        (unpublished.id, document.id),  # another organisation's portfolio, and an unpublished one
        (published.id, document.id + 1000),
    ]:
        url = f"/portfolio/{organisation_id}/final-reports/{document_id}"
        assert anonymous.get(url).status_code == 404, url
    assert anonymous.get(f"/portfolio/{published.id}/final-reports/{document.id}").status_code == 200
    published.portfolio_public = False
    db.session.commit()
    assert anonymous.get(f"/portfolio/{published.id}/final-reports/{document.id}").status_code == 404
