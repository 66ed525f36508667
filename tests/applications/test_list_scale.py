"""The coordinator's overview at scale: the same few SQL statements for 100 applications or 1,200
(and for the start page and the people page), a page of 50 at a time, its filters, sorts and
counts, and odd query arguments that list everything rather than fail."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from querycount import count_queries
from support import sign_in_as
from webapp.applications.models import Application
from webapp.auth.models import Membership, Role, User
from webapp.lifecycle import Stage, Status
from webapp.partners.models import Partner
from webapp.sections.models import SectionAnswer

NOW = datetime(2027, 1, 1, tzinfo=UTC)
MOST_STATEMENTS = 12


def _insert(db, school, owner, count, start=0, **fixed):
    """`count` applications in one bulk INSERT, in varied stages, states, actions and rounds."""
    stages, states = list(Stage), [Status.DRAFT, Status.SUBMITTED, Status.GRANTED]
    rows = [
        {
            "school_id": school.id,
            "owner_id": owner.id,
            "action_key": "KA210-SCH" if n % 2 else "KA220-SCH",
            "call_round": "2027-R1" if n % 3 else "2027-R2",
            "call_year": 2027,
            "title": f"Projekt {n:05}",
            "stage": stages[n % len(stages)],
            "status": states[n % len(states)],
            "deadline": NOW + timedelta(days=n % 90),
            "updated_at": NOW - timedelta(minutes=n),
        }
        | fixed
        for n in range(start, start + count)
    ]
    db.session.execute(db.insert(Application), rows)
    db.session.commit()


def _people(db, organisation, school, count, start=0):
    rows = [
        {"email": f"scale{n}@example.org", "name": f"Person {n:05}", "language": "sv"}
        for n in range(start, start + count)
    ]
    db.session.execute(db.insert(User), rows)
    ids = db.session.scalars(db.select(User.id).where(User.email.in_([r["email"] for r in rows])))
    db.session.execute(
        db.insert(Membership),
        [{"user_id": i, "organisation_id": organisation.id, "school_id": school.id, "role": Role.TEACHER} for i in ids],
    )
    db.session.commit()


def _ids(page: str) -> list[int]:
    """The applications a page links to, in the page's order."""
    return [int(i) for i in re.findall(r'href="/applications/(\d+)"', page)]


@pytest.fixture
def coordinator(make, db):
    coordinator = make.user(Role.COORDINATOR, language="en")
    db.session.commit()
    return coordinator


def test_the_lists_send_the_same_few_statements_for_100_or_10000_applications(app, login, make, db, coordinator):
    organisation = coordinator.memberships[0].organisation
    schools = [make.school(organisation) for _ in range(3)]
    owner = make.user(Role.TEACHER, school=schools[0])
    admin = make.user(Role.ADMIN, organisation=organisation)
    admin_client = app.test_client()
    client = login(coordinator)
    paths = [
        "/applications/",
        f"/applications/?school={schools[1].id}&action=KA210-SCH&stage=partners&status=draft&round=2027-R2&q=projekt&sort=school&dir=desc",
        "/applications/?sort=changed&dir=desc&page=2",
        "/applications/?risk=1&sort=title",
        "/",
    ]

    def statements():
        counts = {}
        for path in paths:
            with count_queries() as sent:
                assert client.get(path).status_code == 200
            counts[path] = len(sent)
        sign_in_as(admin_client, admin)
        with count_queries() as sent:
            assert admin_client.get("/admin/users").status_code == 200
        counts["/admin/users"] = len(sent)
        return counts

    for school in schools:
        _insert(db, school, owner, 34, start=schools.index(school) * 34)
    _people(db, organisation, schools[0], 60)
    client.get("/applications/")  # templates and the registry's lookups warmed up
    small = statements()
    for school in schools:
        _insert(db, school, owner, 3_300, start=200 + schools.index(school) * 3_300)
    _people(db, organisation, schools[0], 600, start=60)
    assert db.session.scalar(db.select(db.func.count()).select_from(Application)) >= 10_000
    large = statements()
    assert large == small
    assert max(large.values()) <= MOST_STATEMENTS, large


def test_a_page_holds_50_and_the_pager_keeps_the_filters(login, make, db, coordinator):
    school = make.school(coordinator.memberships[0].organisation)
    _insert(db, school, make.user(Role.TEACHER, school=school), 120, action_key="KA210-SCH")
    client = login(coordinator)
    first = client.get("/applications/?action=KA210-SCH").get_data(as_text=True)
    assert len(_ids(first)) == 50 and "Page 1 of 3" in first
    assert "/applications/?page=2&amp;action=KA210-SCH" in first or "action=KA210-SCH&amp;page=2" in first
    third = client.get("/applications/?action=KA210-SCH&page=3").get_data(as_text=True)
    assert len(_ids(third)) == 20
    assert not set(_ids(first)) & set(_ids(third))
    past = client.get("/applications/?action=KA210-SCH&page=9").get_data(as_text=True)
    assert _ids(past) == _ids(third)  # a page past the last shows the last


def test_filters_narrow_the_table_and_the_counts_above_it(login, make, db, coordinator):
    organisation = coordinator.memberships[0].organisation
    one, two = make.school(organisation), make.school(organisation)
    owner = make.user(Role.TEACHER, school=one)
    climate = make.application(one, owner=owner, title="Klimat och skog", stage=Stage.PARTNERS)
    forest = make.application(two, owner=owner, title="Skog 100% ute", action_key="KA220-SCH")
    late = make.application(two, owner=owner, title="Klimat", call_round="2027-R2", status=Status.SUBMITTED)
    other = make.application(title="Klimat och skog i en annan kommun")  # another organisation's
    db.session.commit()
    client = login(coordinator)

    def listed(query):
        return set(_ids(client.get("/applications/?" + query).get_data(as_text=True)))

    assert listed("") == {climate.id, forest.id, late.id}
    assert listed(f"school={two.id}") == {forest.id, late.id}
    assert listed("action=KA220-SCH") == {forest.id}
    assert listed("stage=partners") == {climate.id}
    assert listed("status=submitted") == {late.id}
    assert listed("round=2027-R2") == {late.id}
    assert listed("q=skog+KLIMAT") == {climate.id}  # every word, in any case
    assert listed("q=100%25") == {forest.id}  # a % is a character, not a wildcard
    assert listed("q=_") == set()
    assert other.id not in listed("q=annan")
    page = client.get("/applications/?q=klimat").get_data(as_text=True)
    tiles = re.sub(r"\s+", " ", page[page.index('id="by-status-heading"') : page.index('class="filters"')])
    assert "<dt>Draft</dt><dd>1</dd>" in tiles and "<dt>Submitted</dt><dd>1</dd>" in tiles
    assert ">3</dd>" not in tiles


@pytest.mark.parametrize(
    "query,order",
    [
        ("", ["soon", "late", "undated"]),
        ("sort=deadline&dir=desc", ["undated", "late", "soon"]),
        ("sort=title", ["late", "soon", "undated"]),
        ("sort=title&dir=desc", ["undated", "soon", "late"]),
        ("sort=school", ["soon", "undated", "late"]),
        ("sort=changed&dir=desc", ["late", "undated", "soon"]),
    ],
)
def test_sorting(login, make, db, coordinator, query, order):
    organisation = coordinator.memberships[0].organisation
    alpha, beta = make.school(organisation, name="Alfaskolan"), make.school(organisation, name="Betaskolan")
    made = {
        "soon": make.application(alpha, title="B", deadline=NOW + timedelta(days=3)),
        "late": make.application(beta, title="A", deadline=NOW + timedelta(days=30)),
        "undated": make.application(alpha, title="C", deadline=None),
    }
    db.session.commit()
    for age, name in enumerate(["late", "undated", "soon"]):
        changed = (
            db.update(Application).where(Application.id == made[name].id).values(updated_at=NOW - timedelta(days=age))
        )
        db.session.execute(changed)
    db.session.commit()
    page = login(coordinator).get("/applications/?" + query).get_data(as_text=True)
    names = {application.id: name for name, application in made.items()}
    assert [names[i] for i in _ids(page)] == order  # ties (one school's two) by id


@pytest.mark.parametrize(
    "query",
    [
        "page=-5",
        "page=abc",
        "page=99999999999999999999999",
        "school=99999999999999999999999",
        "school=-1",
        "sort=id;DROP&dir=sideways",
        "round=1999-X&stage=nowhere&status=lost&action=KA999",
        "q=" + "x" * 5000,
        "q=%00%25%5C",
    ],
)
def test_odd_query_arguments_are_ignored_never_a_500(login, make, db, coordinator, query):
    school = make.school(coordinator.memberships[0].organisation)
    made = make.application(school)
    db.session.commit()
    response = login(coordinator).get("/applications/?" + query)
    assert response.status_code == 200
    if not query.startswith("q="):
        assert _ids(response.get_data(as_text=True)) == [made.id]


def test_the_start_page_lists_the_10_nearest_deadlines_and_links_to_the_overview(login, make, db, coordinator):
    school = make.school(coordinator.memberships[0].organisation)
    _insert(db, school, make.user(Role.TEACHER, school=school), 30, status=Status.DRAFT)
    page = login(coordinator).get("/").get_data(as_text=True)
    nearest = [
        a.id
        for a in db.session.scalars(
            db.select(Application).order_by(Application.deadline, Application.title, Application.id).limit(10)
        )
    ]
    assert _ids(page) == nearest
    assert 'href="/applications/"' in page


def test_the_people_page_holds_50_a_page(app, make, db):
    admin = make.user(Role.ADMIN)
    organisation = admin.memberships[0].organisation
    _people(db, organisation, make.school(organisation), 70)
    client = app.test_client()
    sign_in_as(client, admin)
    first = client.get("/admin/users").get_data(as_text=True)
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    people = re.compile(r'href="/admin/users/(\d+)"')
    assert len(people.findall(first)) == 50 and len(people.findall(second)) == 21
    assert not set(people.findall(first)) & set(people.findall(second))
    for odd in ("page=abc", "page=-3", "page=99999999999999999999"):
        assert client.get("/admin/users?" + odd).status_code == 200


def test_demo_data_at_scale_adds_applications_over_200_schools(app, db):
    result = app.test_cli_runner().invoke(args=["demo-data", "--scale", "40"])
    assert result.exit_code == 0, result.output
    scaled = list(
        db.session.scalars(
            db.select(Application).join(User, Application.owner_id == User.id).where(User.email.like("larare.%"))
        )
    )
    assert len(scaled) >= 40
    ids = [a.id for a in scaled]
    assert (
        db.session.scalar(db.select(db.func.count()).select_from(Partner).where(Partner.application_id.in_(ids))) >= 40
    )
    assert db.session.scalar(
        db.select(db.func.count()).select_from(SectionAnswer).where(SectionAnswer.application_id.in_(ids))
    )
    assert len({a.stage for a in scaled}) >= 3 and len({a.status for a in scaled}) >= 5
    assert len({a.call_round for a in scaled}) >= 2
    schools = db.session.scalar(
        db.select(db.func.count(db.distinct(Application.school_id))).where(Application.id.in_(ids))
    )
    assert schools == 40  # one each until the 200 schools are used
    assert app.test_cli_runner().invoke(args=["demo-data", "--scale", "-1"]).exit_code == 2
