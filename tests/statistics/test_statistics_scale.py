"""The charts at scale: the same few SQL statements for 60 applications at 3 schools or 6,000 at
45, and the schools 20 to a page with the filters kept by the pager."""

from __future__ import annotations

from querycount import count_queries
from webapp.applications.models import Application, Outcome
from webapp.auth.models import Role
from webapp.lifecycle import Status

MOST_STATEMENTS = 10
STATES = [Status.DRAFT, Status.SUBMITTED, Status.GRANTED, Status.REJECTED, Status.RESERVE_LIST, Status.CLOSED]


def _insert(db, schools, owner, per_school, start=0):
    """`per_school` applications at each school in one bulk INSERT, in every outcome, two
    programmes and two call years; an outcome for each decided one."""
    rows = [
        {
            "school_id": school.id,
            "owner_id": owner.id,
            "action_key": "KA210-SCH" if n % 2 else "NPJ-MOBILITY",
            "call_round": "2027-R1" if n % 3 else "2026-R1",
            "call_year": 2027 if n % 3 else 2026,
            "title": f"Projekt {start + n:05}",
            "status": STATES[n % len(STATES)],
        }
        for school in schools
        for n in range(per_school)
    ]
    db.session.execute(db.insert(Application), rows)
    decided = db.session.execute(
        db.select(Application.id, Application.status).where(
            Application.status.in_([Status.GRANTED, Status.CLOSED, Status.REJECTED]),
            Application.id.not_in(db.select(Outcome.application_id)),
        )
    )
    outcomes = [
        {
            "application_id": i,
            "granted": status != Status.REJECTED,
            "amount_eur": 20_000 if status != Status.REJECTED else None,
        }
        for i, status in decided
    ]
    if outcomes:
        db.session.execute(db.insert(Outcome), outcomes)
    db.session.commit()


def test_the_charts_send_the_same_few_statements_for_60_or_6000_applications(app, login, make, db):
    coordinator = make.user(Role.COORDINATOR, language="en")
    organisation = coordinator.memberships[0].organisation
    schools = [make.school(organisation, name=f"Skola {n:02}") for n in range(45)]
    owner = make.user(Role.TEACHER, school=schools[0])
    client = login(coordinator)
    paths = [
        "/applications/statistics",
        f"/applications/statistics?school={schools[1].id}&action=KA210-SCH&round=2027-R1&status=granted",
        "/applications/statistics?page=2&sort=title&dir=desc",
        "/applications/statistics?page=3",
    ]

    def statements():
        counts = {}
        for path in paths:
            with count_queries() as sent:
                assert client.get(path).status_code == 200
            counts[path] = len(sent)
        return counts

    _insert(db, schools[:3], owner, 20)
    client.get("/applications/statistics")  # templates and the registry's lookups warmed up
    small = statements()
    _insert(db, schools, owner, 132, start=100)
    assert db.session.scalar(db.select(db.func.count()).select_from(Application)) >= 6_000
    large = statements()
    assert large == small
    assert max(large.values()) <= MOST_STATEMENTS, large
    page = client.get("/applications/statistics?page=3").get_data(as_text=True)
    assert "Page 3 of 3" in page


def test_the_schools_come_20_to_a_page_and_the_pager_keeps_the_filters(login, make, db):
    coordinator = make.user(Role.COORDINATOR, language="en")
    organisation = coordinator.memberships[0].organisation
    schools = [make.school(organisation, name=f"Skola {n:02}") for n in range(25)]
    _insert(db, schools, make.user(Role.TEACHER, school=schools[0]), 2)
    client = login(coordinator)

    from pages import parse

    def names(html):
        return [th.text() for th in parse(html).find("table", id="schools-table").find("tbody").find_all("th")]

    first = client.get("/applications/statistics?action=KA210-SCH").get_data(as_text=True)
    assert names(first) == [f"Skola {n:02}" for n in range(20)]  # as many each: by name
    assert "Page 1 of 2" in first
    link = next(href for href in parse(first).links() if "page=2" in href)
    assert "action=KA210-SCH" in link
    second = client.get(link).get_data(as_text=True)
    assert names(second) == [f"Skola {n:02}" for n in range(20, 25)]
    assert len(parse(second).find("svg", id="chart-schools").find_all("text", cls="chart-category")) == 5
    assert names(client.get("/applications/statistics?page=99999999999999999999").get_data(as_text=True)) == names(
        second
    )
