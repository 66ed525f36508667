"""The overview's "at risk" filter (SQL) flags exactly the applications whose plan has risks
(Python), for every deadline around the risk window, every place in the lifecycle, an
organisation's own lead times and its coordinator sign-off; and the tiles add up what is listed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest

from webapp.applications import queries
from webapp.applications.models import Outcome
from webapp.auth.models import Role
from webapp.core.i18n import STOCKHOLM, today_in_stockholm
from webapp.lifecycle import Stage, Status
from webapp.planning import plan as planning
from webapp.sections import services as sections

#: Places in the lifecycle that decide whether a milestone is done.
PLACES = [
    (Stage.IDEA, Status.DRAFT),
    (Stage.PARTNERS, Status.DRAFT),
    (Stage.ORGANISATION, Status.DRAFT),
    (Stage.SUBMISSION, Status.CHANGES_REQUESTED),
    (Stage.SUBMISSION, Status.AWAITING_APPROVAL),
    (Stage.SUBMISSION, Status.AWAITING_SIGNOFF),
    (Stage.SUBMISSION, Status.APPROVED),
    (Stage.SUBMISSION, Status.SUBMITTED),
    (Stage.IDEA, Status.WITHDRAWN),
]


@pytest.fixture
def coordinator(make, db):
    coordinator = make.user(Role.COORDINATOR, language="en")
    db.session.commit()
    return coordinator


def _deadline(days: int, clock: time) -> datetime:
    """A deadline `days` from today in Stockholm, at `clock` Stockholm time."""
    return datetime.combine(today_in_stockholm() + timedelta(days=days), clock, tzinfo=STOCKHOLM).astimezone(UTC)


def _flagged_by_plan(applications, organisation) -> set[int]:
    today = today_in_stockholm()
    found = set()
    for application in applications:
        plan = planning.plan(application, sections.definition_of(application), organisation, today)
        if planning.risks(plan, application):
            found.add(application.id)
    return found


@pytest.mark.parametrize(
    "lead_days,signoff",
    [(None, False), ({"partners_confirmed": 35, "draft_complete": 12, "principal_approval": 0}, True)],
)
def test_the_filter_flags_what_the_plan_calls_a_risk(make, db, coordinator, lead_days, signoff):
    organisation = coordinator.memberships[0].organisation
    organisation.milestone_lead_days = lead_days
    organisation.coordinator_signoff = signoff
    school = make.school(organisation)
    owner = make.user(Role.TEACHER, school=school)
    made = []
    # Every day from just past to well beyond the window of the earliest milestone, at the first and
    # the last minute of Stockholm's day, so the date a deadline falls on in Stockholm is what counts.
    for days in range(-2, 62, 3):
        for clock in (time(0, 1), time(23, 59)):
            for stage, status in PLACES:
                made.append(
                    make.application(school, owner=owner, stage=stage, status=status, deadline=_deadline(days, clock))
                )
    db.session.commit()
    expected = _flagged_by_plan(made, organisation)
    listed = set(db.session.scalars(queries.overview(coordinator, queries.Overview(at_risk=True))))
    assert expected and len(expected) < len(made)  # the data reaches both sides of the rule
    assert listed == expected
    tiles = queries.overview_tiles(coordinator, queries.Overview())
    assert tiles.at_risk == len(expected)


def test_the_page_shows_risks_per_row_and_narrows_to_them(login, make, db, coordinator):
    school = make.school(coordinator.memberships[0].organisation)
    owner = make.user(Role.TEACHER, school=school)
    risky = make.application(school, owner=owner, title="Snart", stage=Stage.IDEA, deadline=_deadline(12, time(12)))
    calm = make.application(school, owner=owner, title="Långt kvar", deadline=_deadline(120, time(12)))
    missed = make.application(school, owner=owner, title="Missad", stage=Stage.IDEA, deadline=_deadline(-1, time(12)))
    db.session.commit()
    client = login(coordinator)
    page = client.get("/applications/").get_data(as_text=True)
    row = page[page.index(f'href="/applications/{risky.id}"') :]
    row = row[: row.index("</tr>")]
    assert "Partner stage open" in row and "Partners confirmed" in row
    assert re.search(r'id="tile-at-risk">1<', page)
    narrowed = client.get("/applications/?risk=1").get_data(as_text=True)
    assert f'href="/applications/{risky.id}"' in narrowed and f'href="/applications/{calm.id}"' not in narrowed
    assert f'href="/applications/{missed.id}"' not in narrowed  # the call closed: nothing to catch up on
    assert 'id="f-risk" name="risk" type="checkbox" value="1" checked' in narrowed
    assert "risk=1" in client.get("/applications/?risk=1&sort=title").get_data(as_text=True)  # kept in links


def test_the_tiles_add_up_requested_and_granted_euros(login, make, db, coordinator):
    school = make.school(coordinator.memberships[0].organisation)
    asked = make.application(school, requested_eur=30_000)
    won = make.application(school, requested_eur=60_000, status=Status.GRANTED)
    lost = make.application(school, requested_eur=30_000, status=Status.REJECTED)
    make.application(school)  # nothing known yet
    make.application(requested_eur=99_000)  # another organisation's
    db.session.add_all(
        [
            Outcome(application_id=won.id, granted=True, amount_eur=58_500),
            Outcome(application_id=lost.id, granted=False),
        ]
    )
    db.session.commit()
    tiles = queries.overview_tiles(coordinator, queries.Overview())
    assert (tiles.requested_eur, tiles.granted_eur) == (120_000, 58_500)
    assert queries.overview_tiles(coordinator, queries.Overview(status=Status.DRAFT)).requested_eur == 30_000
    assert asked.id
    page = login(coordinator).get("/applications/").get_data(as_text=True)
    assert re.search(r'id="tile-requested">€?\s?120[,\u00a0 ]?000', page), page[page.index("tile-requested") :][:80]
