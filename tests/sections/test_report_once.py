"""The application's page asks what is left in each stage for itself and for the lifecycle's
requirements: worked out once per reading request, and again for each request that may write."""

from __future__ import annotations

from webapp.programmes import checks
from webapp.sections import services as sections


def test_a_page_works_the_report_out_once_and_a_save_sees_its_own_change(login, make, db, monkeypatch):
    application = make.application(action_key="KA210-SCH")
    db.session.commit()
    client = login(application.owner)
    calls = []
    real = checks.stage_report
    monkeypatch.setattr(checks, "stage_report", lambda *args: calls.append(args[1]) or real(*args))
    assert client.get(f"/applications/{application.id}").status_code == 200
    assert len(calls) == 4  # one report: each of the four stages once
    calls.clear()
    assert client.get(f"/applications/{application.id}").status_code == 200
    assert len(calls) == 4  # a new request works it out anew
    with client.application.test_request_context(method="POST"):
        first = sections.report(application)
        sections.save_section(application.owner, application, "context", {"title": "Ny titel"}, 0)
        assert sections.report(application) is not first  # a request that may write is never served a stale one
