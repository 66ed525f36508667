"""The lists of applications: who sees which, in which order, the filters, and a fixed number of
SQL statements however many rows there are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from querycount import count_queries
from webapp.applications import queries
from webapp.auth.models import Role
from webapp.lifecycle import Stage, Status

NOW = datetime(2027, 1, 1, tzinfo=UTC)


def _ids(query):
    return [a.id for a in queries.rows(query)]


def test_open_applications_come_first_nearest_deadline_first_missed_calls_after(make, db):
    coordinator = make.user(Role.COORDINATOR)
    school = make.school(coordinator.memberships[0].organisation)
    late = make.application(school, title="B", deadline=NOW + timedelta(days=30))
    soon = make.application(school, title="Z", deadline=NOW + timedelta(days=3))
    tie_a = make.application(school, title="A", deadline=NOW + timedelta(days=30))
    undated = make.application(school, title="C", deadline=None)
    submitted = make.application(school, title="D", deadline=NOW + timedelta(days=1), status=Status.SUBMITTED)
    missed = make.application(school, title="A0", deadline=datetime.now(UTC) - timedelta(days=2))  # call closed
    db.session.commit()
    assert _ids(queries.visible(coordinator)) == [soon.id, tie_a.id, late.id, undated.id, missed.id, submitted.id]


def test_filters_narrow_and_unknown_values_are_ignored(login, make, db):
    coordinator = make.user(Role.COORDINATOR)
    org = coordinator.memberships[0].organisation
    one, two = make.school(org), make.school(org)
    a = make.application(one, action_key="KA220-SCH", stage=Stage.PARTNERS)
    b = make.application(two, action_key="KA210-SCH", status=Status.SUBMITTED)
    db.session.commit()
    assert _ids(queries.visible(coordinator, school_id=one.id)) == [a.id]
    assert _ids(queries.visible(coordinator, status=Status.SUBMITTED)) == [b.id]
    assert _ids(queries.visible(coordinator, stage=Stage.PARTNERS)) == [a.id]
    assert _ids(queries.visible(coordinator, action_key="KA210-SCH")) == [b.id]
    client = login(coordinator)
    page = client.get("/applications/?status=no-such&stage=; DROP&action=XX&school=abc").get_data(as_text=True)
    assert f'/applications/{a.id}"' in page and f'/applications/{b.id}"' in page
    page = client.get(f"/applications/?school={two.id}").get_data(as_text=True)
    assert f'/applications/{a.id}"' not in page and f'/applications/{b.id}"' in page


def test_a_writers_list_holds_what_they_write_and_is_still_in_play(make, db):
    teacher = make.user(Role.TEACHER)
    school = teacher.memberships[0].school
    colleague = make.user(Role.TEACHER, school=school)
    own = make.application(school, owner=teacher)
    co_written = make.application(school, owner=colleague, team=[teacher])
    make.application(school, owner=colleague)  # the colleague's alone
    make.application(school, owner=teacher, status=Status.WITHDRAWN)
    make.application(school, owner=teacher, status=Status.CLOSED)
    granted = make.application(school, owner=teacher, status=Status.GRANTED)
    db.session.commit()
    assert set(_ids(queries.written_by(teacher))) == {own.id, co_written.id, granted.id}


def test_a_principals_queue_holds_only_what_waits_for_them(make, db):
    principal = make.user(Role.PRINCIPAL)
    school = principal.memberships[0].school
    waiting = make.application(school, status=Status.AWAITING_APPROVAL)
    make.application(school, status=Status.DRAFT)
    make.application(make.school(school.organisation), status=Status.AWAITING_APPROVAL)  # another school's
    db.session.commit()
    assert _ids(queries.awaiting_decision(principal)) == [waiting.id]


def test_list_pages_send_the_same_statements_for_two_rows_or_twelve(login, make, db):
    coordinator = make.user(Role.COORDINATOR)
    school = make.school(coordinator.memberships[0].organisation)
    client = login(coordinator)

    def statements(path):
        with count_queries() as sent:
            assert client.get(path).status_code == 200
        return len(sent)

    for _ in range(2):
        make.application(school)
    small = {path: statements(path) for path in ("/", "/applications/")}
    for _ in range(10):
        make.application(school, team=[make.user(Role.TEACHER, school=school)])
    large = {path: statements(path) for path in ("/", "/applications/")}
    assert large == small
