"""After the principal's signature: registering the submission, the national agency's decision,
the running project and its final report; each form refuses bad input next to the field. The PDFs
themselves are checked in tests/documents."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from pages import field_errors
from uploads import attach_annexes, pdf_bytes, upload
from webapp.applications.models import Application, Outcome, Submission
from webapp.auth.models import Role
from webapp.documents.models import Document, DocumentKind
from webapp.lifecycle import Status
from webapp.programmes import registry


@pytest.fixture
def approved(make, db):
    application = make.application(
        action_key="KA210-SCH", status=Status.APPROVED, deadline=datetime.now(UTC) + timedelta(days=30)
    )
    attach_annexes(application)
    db.session.commit()
    return application


def _url(application, key):
    return f"/applications/{application.id}/transitions/{key}"


def _fresh(db, application):
    db.session.rollback()
    return db.session.get(Application, application.id)


def test_the_submission_form_refuses_bad_input_and_keeps_it(login, approved, db):
    client = login(approved.owner)
    assert client.get(_url(approved, "register_submission")).status_code == 200
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    response = client.post(
        _url(approved, "register_submission"),
        data={
            "reference": "<b>x",
            "submitted_on": tomorrow,
            "submitted_time": "25:99",
            "submitted_pdf": upload(pdf_bytes()),
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert set(field_errors(page)) == {"reference", "submitted_on", "submitted_time"}
    assert 'value="&lt;b&gt;x"' in page  # kept, and escaped
    assert _fresh(db, approved).status == Status.APPROVED


def test_registering_the_submission_records_it_and_flags_a_late_one(login, approved, db):
    client = login(approved.owner)
    today = datetime.now(UTC).date().isoformat()
    response = client.post(
        _url(approved, "register_submission"),
        data={
            "reference": "KA210-SCH-3D084792",
            "submitted_on": today,
            "submitted_time": "00:01",
            "submitted_pdf": upload(pdf_bytes(), "KA210 ansökan.pdf"),
        },
    )
    assert response.status_code == 302
    stored = _fresh(db, approved)
    assert stored.status == Status.SUBMITTED
    assert stored.submission.reference == "KA210-SCH-3D084792" and stored.submission.late is False
    document = db.session.scalar(
        db.select(Document).where(Document.application_id == approved.id, Document.kind != DocumentKind.ANNEX)
    )
    assert (document.kind, document.filename) == (DocumentKind.SUBMITTED_APPLICATION, "KA210 ansökan.pdf")
    overview = client.get(f"/applications/{approved.id}").get_data(as_text=True)
    assert 'id="submission"' in overview
    assert 'class="app-deadline"' not in overview  # the call's deadline is history once submitted


def test_a_submission_after_the_deadline_is_late(login, make, db):
    application = make.application(status=Status.APPROVED, deadline=datetime(2026, 3, 5, 11, 0, tzinfo=UTC))
    attach_annexes(application)
    db.session.commit()
    login(application.owner).post(
        _url(application, "register_submission"),
        data={
            "reference": "KA210-SCH-3D084792",
            "submitted_on": "2026-03-05",
            "submitted_time": "12:30",
            "submitted_pdf": upload(pdf_bytes()),
        },
    )  # 12:30 Stockholm = 11:30 UTC
    assert _fresh(db, application).submission.late is True


@pytest.mark.parametrize(
    "data,fields",
    [
        ({"amount_eur": "abc", "project_start": "2027-09-01", "project_end": "2029-08-31"}, {"amount_eur"}),
        ({"amount_eur": "0", "project_start": "2027-09-01", "project_end": "2029-08-31"}, {"amount_eur"}),
        ({"amount_eur": "9" * 30, "project_start": "2027-09-01", "project_end": "2029-08-31"}, {"amount_eur"}),
        ({"amount_eur": "60000", "project_start": "2027-09-01", "project_end": "2027-08-01"}, {"project_end"}),
        # the final report's default (end + days) once overflowed into a 500
        (
            {"amount_eur": "60000", "project_start": "9999-01-01", "project_end": "9999-12-31"},
            {"project_start", "project_end"},
        ),
        (
            {
                "amount_eur": "60000",
                "project_start": "2027-09-01",
                "project_end": "2029-08-31",
                "project_number": "12345",
            },
            {"project_number"},
        ),
    ],
)
def test_the_grant_form_explains_each_bad_value(login, make, db, data, fields):
    application = make.application(status=Status.SUBMITTED)
    coordinator = make.user(Role.COORDINATOR, organisation=application.school.organisation)
    response = login(coordinator).post(_url(application, "record_grant"), data=data)
    assert response.status_code == 422 and set(field_errors(response.get_data(as_text=True))) == fields
    assert _fresh(db, application).status == Status.SUBMITTED


def test_grant_running_project_and_final_report(login, make, db):
    application = make.application(status=Status.SUBMITTED)
    coordinator = make.user(Role.COORDINATOR, organisation=application.school.organisation)
    assert login(coordinator).post(_url(application, "record_reserve_list")).status_code == 302
    assert _fresh(db, application).status == Status.RESERVE_LIST
    response = login(coordinator).post(
        _url(application, "record_grant"),
        data={
            "amount_eur": "60000",
            "project_number": "2026-1-se01-ka210-sch-000123456",
            "project_start": "2027-09-01",
            "project_end": "2029-08-31",
        },
    )
    assert response.status_code == 302
    stored = _fresh(db, application)
    assert stored.status == Status.GRANTED and stored.outcome.granted and stored.outcome.amount_eur == 60000
    assert stored.outcome.project_number == "2026-1-SE01-KA210-SCH-000123456"
    # No report dates given: no interim report, and the final one the programme's usual days after the end
    usual = registry.programme("erasmus_plus").final_report.days_after_end
    assert stored.outcome.interim_report_due is None
    assert stored.outcome.final_report_due == date(2029, 8, 31) + timedelta(days=usual)
    page = login(application.owner).get(f"/applications/{application.id}").get_data(as_text=True)
    assert "60\u00a0000\u00a0€" in page  # i18n check: the Swedish euro format
    owner = login(application.owner)
    assert owner.post(_url(application, "start_project")).status_code == 302
    assert _fresh(db, application).status == Status.REPORTING
    report = pdf_bytes(title="Slutrapport")
    refused = owner.post(_url(application, "close_project"), data={"summary": "", "report_pdf": upload(report)})
    assert refused.status_code == 422 and set(field_errors(refused.get_data(as_text=True))) == {"summary"}
    owner.post(
        _url(application, "close_project"),
        data={"summary": "Eleverna skrev en bok tillsammans.", "public": "y", "report_pdf": upload(report)},
    )
    stored = _fresh(db, application)
    assert stored.status == Status.CLOSED
    assert stored.outcome.final_summary == "Eleverna skrev en bok tillsammans." and stored.outcome.public
    kept = db.session.scalars(db.select(Document).where(Document.application_id == application.id)).all()
    assert [(d.kind, d.data) for d in kept] == [(DocumentKind.FINAL_REPORT, report)]


def test_not_granted_keeps_the_score_and_feedback(login, make, db):
    application = make.application(status=Status.SUBMITTED)
    response = login(application.owner).post(
        _url(application, "record_rejection"), data={"score": "58", "feedback": "Svag spridningsplan."}
    )
    assert response.status_code == 302
    outcome = db.session.scalar(db.select(Outcome).where(Outcome.application_id == application.id))
    assert (outcome.granted, outcome.score, outcome.feedback) == (False, 58, "Svag spridningsplan.")
    assert _fresh(db, application).status == Status.REJECTED


def test_who_may_open_a_step_form(login, make, db, approved):
    reader = make.user(Role.TEACHER, school=approved.school)
    assert login(reader).get(_url(approved, "register_submission")).status_code == 403
    outsider = make.user(Role.PRINCIPAL)
    assert login(outsider).get(_url(approved, "register_submission")).status_code == 404
    assert login(approved.owner).get(_url(approved, "record_grant")).status_code == 403  # not submitted yet
    assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 0
