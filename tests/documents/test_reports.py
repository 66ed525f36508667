"""The project's reports: the dates recorded with the grant (the final one defaulting to the
programme's usual days after the end), the interim report only where one is due and only once, the
final report's PDF, and the deadlines on the overview."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from pages import field_errors, flashes, parse, refusal, say
from uploads import pdf_bytes, upload
from webapp.applications.lifecycle import interim_report_pending
from webapp.applications.models import Application, Outcome
from webapp.auth.models import Role
from webapp.core.i18n import STOCKHOLM
from webapp.documents.forms import CHOOSE_FILE
from webapp.documents.models import Document, DocumentKind
from webapp.lifecycle import TRANSITIONS, Status
from webapp.programmes import registry

PERIOD = {"amount_eur": "60000", "project_start": "2027-09-01", "project_end": "2029-08-31"}


def _url(application, key):
    return f"/applications/{application.id}/transitions/{key}"


def _fresh(db, application):
    db.session.rollback()
    return db.session.get(Application, application.id)


def _documents(db, application) -> list[tuple[str, bytes]]:
    db.session.rollback()
    rows = db.session.scalars(
        db.select(Document).where(Document.application_id == application.id).order_by(Document.id)
    )
    return [(d.kind, d.data) for d in rows]


@pytest.fixture
def coordinator_for(make):
    return lambda application: make.user(Role.COORDINATOR, organisation=application.school.organisation)


@pytest.mark.parametrize(
    "dates,field",
    [
        ({"interim_report_due": "2029-09-15"}, "interim_report_due"),  # after the end
        ({"interim_report_due": "2027-08-31"}, "interim_report_due"),  # before the start
        ({"final_report_due": "2029-08-30"}, "final_report_due"),  # before the end
        ({"final_report_due": "2031-01-01"}, "final_report_due"),  # a typo years later
        ({"interim_report_due": "2028-02-30"}, "interim_report_due"),  # no such day
    ],
)
def test_report_dates_outside_their_rules_are_refused(login, make, db, coordinator_for, dates, field):
    application = make.application(status=Status.SUBMITTED)
    response = login(coordinator_for(application)).post(_url(application, "record_grant"), data={**PERIOD, **dates})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and set(field_errors(page)) == {field}
    assert parse(page).find("input", id="amount_eur").attrs["value"] == "60000"  # the rest as typed
    assert _fresh(db, application).status == Status.SUBMITTED and _fresh(db, application).outcome is None


def test_report_dates_as_given_are_stored(login, make, db, coordinator_for):
    application = make.application(status=Status.SUBMITTED)
    data = {**PERIOD, "interim_report_due": "2028-09-30", "final_report_due": "2029-10-15"}
    assert login(coordinator_for(application)).post(_url(application, "record_grant"), data=data).status_code == 302
    outcome = _fresh(db, application).outcome
    assert (outcome.interim_report_due, outcome.final_report_due) == (date(2028, 9, 30), date(2029, 10, 15))


@pytest.mark.parametrize(
    "action_key,call_round,programme",
    [("KA210-SCH", "2027-R1", "erasmus_plus"), ("NPJ-MOBILITY", "2027-R1", "nordplus_junior")],
)
def test_the_final_report_date_left_empty_is_the_programmes_usual_one(
    login, make, db, coordinator_for, action_key, call_round, programme
):
    application = make.application(action_key=action_key, call_round=call_round, status=Status.SUBMITTED)
    client = login(coordinator_for(application))
    form = client.get(_url(application, "record_grant")).get_data(as_text=True)
    usual = registry.programme(programme).final_report
    assert str(usual.days_after_end) in parse(form).find(id="final_report_due-help").text()
    assert client.post(_url(application, "record_grant"), data=PERIOD).status_code == 302
    assert _fresh(db, application).outcome.final_report_due == date(2029, 8, 31) + timedelta(days=usual.days_after_end)


def test_the_programmes_report_defaults_are_flagged_as_unconfirmed_with_a_source():
    expected = {"erasmus_plus": 60, "nordplus_junior": 30}
    for key, days in expected.items():
        final_report = registry.programme(key).final_report
        assert (final_report.days_after_end, final_report.confirmed) == (days, False)
        assert final_report.source.startswith("docs/sources/")


def _running(make, db, interim_due=None, sent_on=None, status=Status.REPORTING):
    application = make.application(status=status)
    application.outcome = Outcome(
        granted=True,
        amount_eur=60000,
        project_start=date(2024, 9, 1),
        project_end=date(2026, 8, 31),
        interim_report_due=interim_due,
        interim_report_sent_on=sent_on,
        final_report_due=date(2026, 10, 30),
    )
    db.session.commit()
    return application


def test_the_interim_report_is_refused_when_none_is_due(login, make, db):
    application = _running(make, db)
    client = login(application.owner)
    reason = say(interim_report_pending(application, TRANSITIONS["send_interim_report"]).reason)
    page = client.get(_url(application, "send_interim_report"))
    assert page.status_code == 403 and refusal(page.get_data(as_text=True)) == reason
    response = client.post(_url(application, "send_interim_report"), data={"sent_on": "2025-09-01"})
    assert response.status_code == 302
    assert ("warning", reason) in flashes(client.get(response.headers["Location"]).get_data(as_text=True))
    assert _fresh(db, application).outcome.interim_report_sent_on is None and _documents(db, application) == []


def test_the_interim_report_is_registered_once_with_its_pdf(login, make, db):
    application = _running(make, db, interim_due=date(2025, 9, 30))
    client = login(application.owner)
    report = pdf_bytes(title="Lägesrapport")
    response = client.post(
        _url(application, "send_interim_report"), data={"sent_on": "2025-09-20", "report_pdf": upload(report)}
    )
    assert response.status_code == 302
    stored = _fresh(db, application)
    assert stored.status == Status.REPORTING and stored.outcome.interim_report_sent_on == date(2025, 9, 20)
    assert _documents(db, application) == [(DocumentKind.INTERIM_REPORT, report)]
    reason = say(interim_report_pending(stored, TRANSITIONS["send_interim_report"]).reason)
    again = client.post(_url(application, "send_interim_report"), data={"sent_on": "2025-09-21"})
    assert ("warning", reason) in flashes(client.get(again.headers["Location"]).get_data(as_text=True))
    assert _fresh(db, application).outcome.interim_report_sent_on == date(2025, 9, 20)
    assert len(_documents(db, application)) == 1


def test_the_interim_reports_pdf_is_optional_but_checked(login, make, db):
    application = _running(make, db, interim_due=date(2025, 9, 30))
    client = login(application.owner)
    refused = client.post(
        _url(application, "send_interim_report"), data={"sent_on": "2025-09-20", "report_pdf": upload(b"inte pdf")}
    )
    assert refused.status_code == 422 and set(field_errors(refused.get_data(as_text=True))) == {"report_pdf"}
    assert _fresh(db, application).outcome.interim_report_sent_on is None
    assert client.post(_url(application, "send_interim_report"), data={"sent_on": "2025-09-20"}).status_code == 302
    assert _fresh(db, application).outcome.interim_report_sent_on == date(2025, 9, 20)
    assert _documents(db, application) == []


def test_closing_the_project_needs_the_final_reports_pdf(login, make, db):
    application = _running(make, db)
    client = login(application.owner)
    response = client.post(_url(application, "close_project"), data={"summary": "Eleverna skrev en bok."})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and field_errors(page) == {"report_pdf": say(CHOOSE_FILE)}
    assert parse(page).find("textarea", id="summary").text() == "Eleverna skrev en bok."
    assert _fresh(db, application).status == Status.REPORTING and _documents(db, application) == []


def test_the_overview_shows_the_report_deadlines_with_days_left(login, make, db):
    today = datetime.now(STOCKHOLM).date()
    application = _running(make, db, interim_due=today + timedelta(days=20))
    application.outcome.final_report_due = today - timedelta(days=3)
    db.session.commit()
    page = parse(login(application.owner).get(f"/applications/{application.id}").get_data(as_text=True))
    assert "20" in page.find(id="report-interim").find(cls="days").text()
    assert "3" in page.find(id="report-final").find(cls="days-past").text()

    sent = _running(make, db, interim_due=today - timedelta(days=5), sent_on=today - timedelta(days=9))
    page = parse(login(sent.owner).get(f"/applications/{sent.id}").get_data(as_text=True))
    assert page.find(id="report-interim").find(cls="days-past") is None  # sent: nothing overdue

    closed = _running(make, db, interim_due=today, status=Status.CLOSED)
    page = parse(login(closed.owner).get(f"/applications/{closed.id}").get_data(as_text=True))
    assert page.find(id="report-final") is None and page.find(id="report-interim") is None


def test_the_overview_offers_the_interim_report_only_where_one_is_due(login, make, db):
    """It showed a greyed-out button on every running project, for good (found in review)."""
    without = _running(make, db)
    due = _running(make, db, interim_due=date(2025, 9, 30))
    for application, offered in ((without, False), (due, True)):
        page = login(application.owner).get(f"/applications/{application.id}").get_data(as_text=True)
        assert ("action-send_interim_report" in page) is offered


def test_an_interim_report_sent_before_the_project_started_is_refused(login, make, db):
    application = _running(make, db, interim_due=date(2025, 9, 30))
    response = login(application.owner).post(_url(application, "send_interim_report"), data={"sent_on": "2024-08-31"})
    assert response.status_code == 422 and set(field_errors(response.get_data(as_text=True))) == {"sent_on"}
    assert _fresh(db, application).outcome.interim_report_sent_on is None
