"""Calendar feeds: a person's deadlines (in the call's zone), milestones and tasks by a secret
address that a new one revokes, and one application's dates as a download."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from webapp.auth.models import Role, User
from webapp.sections import services as sections
from webapp.tasks import services as tasks


@pytest.fixture
def application(make, db):
    application = make.application(action_key="KA210-SCH", call_round="2027-R1", title="Läsglädje")
    tasks.save(application.owner, application, None, {"title": "Boka resan", "due_on": date(2027, 2, 1)}, None)
    tasks.save(application.owner, application, None, {"title": "Utan datum"}, None)
    db.session.commit()
    return application


def _address(client) -> str:
    client.post("/account/calendar")
    page = client.get("/account/calendar").get_data(as_text=True)
    return page.split('id="calendar-address" value="', 1)[1].split('"', 1)[0]


def _path(address: str) -> str:
    """The address's path: PUBLIC_URL names another host than the test client's."""
    return "/" + address.split("/", 3)[3]


def _events(data: bytes) -> dict[str, object]:
    return {str(e["uid"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def test_the_feed_holds_the_deadline_in_its_zone_the_milestones_and_the_dated_tasks(app, login, db, application):
    address = _address(login(application.owner))
    assert address.startswith(app.config["PUBLIC_URL"].rstrip("/") + "/calendar/")
    response = app.test_client().get(_path(address))  # signed out, as a calendar program asks
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = _events(response.data)
    deadline = events[f"deadline-{application.id}@grantpath"]["dtstart"].dt
    call_round = next(r for r in sections.definition_of(application).call_rounds if r.id == "2027-R1")
    assert deadline == call_round.deadline.replace(tzinfo=ZoneInfo(call_round.timezone))
    assert str(deadline.tzinfo) == call_round.timezone  # as the call states it, with its zone
    milestones = sorted(k for k in events if k.startswith(f"milestone-{application.id}-"))
    assert milestones == [
        f"milestone-{application.id}-{key}@grantpath"
        for key in sorted(["draft_complete", "partners_confirmed", "principal_approval"])
    ]
    tasks_in = [str(e["summary"]) for k, e in events.items() if k.startswith("task-")]
    assert len(tasks_in) == 1 and "Boka resan" in tasks_in[0]  # an undated task has no day to be on
    assert Calendar.from_ical(response.data).walk("VTIMEZONE")  # the zone travels with the feed


def test_a_new_address_revokes_the_old(app, login, db, application):
    client = login(application.owner)
    old = _address(client)
    new = _address(client)
    assert old != new
    anonymous = app.test_client()
    assert anonymous.get(_path(old)).status_code == 404
    assert anonymous.get(_path(new)).status_code == 200


def test_an_unknown_token_or_a_closed_account_finds_nothing(app, login, db, application):
    client = login(application.owner)
    path = _path(_address(client))
    anonymous = app.test_client()
    assert anonymous.get("/calendar/not-a-token.ics").status_code == 404
    assert anonymous.get("/calendar/" + "x" * 500 + ".ics").status_code == 404
    db.session.get(User, application.owner.id).active = False
    db.session.commit()
    assert anonymous.get(path).status_code == 404


def test_a_teacher_sees_only_their_schools_applications(app, login, make, db, application):
    elsewhere = make.application(action_key="KA210-SCH", title="En annan skolas")
    db.session.commit()
    events = _events(app.test_client().get(_path(_address(login(application.owner)))).data)
    assert f"deadline-{application.id}@grantpath" in events
    assert f"deadline-{elsewhere.id}@grantpath" not in events
    coordinator = make.user(Role.COORDINATOR, organisation=application.school.organisation)
    db.session.commit()
    events = _events(app.test_client().get(_path(_address(login(coordinator)))).data)
    assert f"deadline-{application.id}@grantpath" in events and f"deadline-{elsewhere.id}@grantpath" not in events


def test_a_submitted_application_leaves_the_feed(app, login, db, application):
    address = _path(_address(login(application.owner)))
    application.status = "submitted"
    db.session.commit()
    assert f"deadline-{application.id}@grantpath" not in _events(app.test_client().get(address).data)


def test_one_applications_dates_as_a_download_in_the_readers_language(login, application):
    response = login(application.owner).get(f"/applications/{application.id}/calendar.ics")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    events = _events(response.data)
    summary = str(events[f"deadline-{application.id}@grantpath"]["summary"])
    assert "Läsglädje" in summary and "KA210-SCH" in summary
    assert isinstance(events[f"deadline-{application.id}@grantpath"]["dtstart"].dt, datetime)
