from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

from webapp.applications.models import Application
from webapp.lifecycle.stages import Stage
from webapp.lifecycle.states import Status
from webapp.organisations.models import Organisation
from webapp.planning.plan import plan, risks
from webapp.programmes.schema import CallRound


@pytest.fixture
def definition(app):
    return app.extensions["programmes"].definition("KA210-SCH")


def with_round(definition, deadline, zone="Europe/Brussels"):
    call_round = CallRound(
        id="2027-T1",
        label={"sv": "Test", "en": "Test"},
        deadline=deadline,
        timezone=zone,
        confirmed=True,
        source="test",
    )
    return definition.model_copy(update={"call_rounds": [call_round]})


def application(stage=Stage.IDEA, status=Status.DRAFT):
    return Application(stage=stage, status=status, call_round="2027-T1", deadline=None)


def organisation(**kw):
    return Organisation(name="Solna stad", coordinator_signoff=kw.pop("coordinator_signoff", False), **kw)


@pytest.mark.parametrize(
    "local,zone,utc,stockholm",
    [
        # The last Thursday of March 2027, before summer time starts on Sunday 28 March.
        (datetime(2027, 3, 25, 12), "Europe/Brussels", datetime(2027, 3, 25, 11), datetime(2027, 3, 25, 12)),
        # The week after: summer time.
        (datetime(2027, 4, 1, 12), "Europe/Brussels", datetime(2027, 4, 1, 10), datetime(2027, 4, 1, 12)),
        # 28 October 2027 is still summer time: it ends on Sunday 31 October.
        (datetime(2027, 10, 28, 12), "Europe/Brussels", datetime(2027, 10, 28, 10), datetime(2027, 10, 28, 12)),
        (datetime(2027, 11, 4, 12), "Europe/Brussels", datetime(2027, 11, 4, 11), datetime(2027, 11, 4, 12)),
        # Helsinki is an hour ahead of Stockholm all year.
        (datetime(2027, 3, 25, 12), "Europe/Helsinki", datetime(2027, 3, 25, 10), datetime(2027, 3, 25, 11)),
        (datetime(2027, 10, 28, 12), "Europe/Helsinki", datetime(2027, 10, 28, 9), datetime(2027, 10, 28, 11)),
    ],
)
def test_deadline_in_utc_and_stockholm(definition, local, zone, utc, stockholm):
    found = plan(application(), with_round(definition, local, zone), organisation(), date(2027, 3, 1))
    d = found.deadline
    assert d.utc == utc.replace(tzinfo=UTC)
    assert d.stockholm.replace(tzinfo=None) == stockholm
    assert d.local.replace(tzinfo=None) == local
    assert d.differs_in_stockholm is (zone != "Europe/Brussels")


@pytest.mark.parametrize("today,days_left", [(date(2027, 3, 1), 24), (date(2027, 3, 25), 0), (date(2027, 3, 26), -1)])
def test_days_left_count_stockholm_dates(definition, today, days_left):
    found = plan(application(), with_round(definition, datetime(2027, 3, 25, 12)), organisation(), today)
    assert found.deadline.days_left == days_left


def dues(found):
    return {m.key: m.due for m in found.milestones}


def test_milestones_planned_backwards_over_easter(definition):
    found = plan(application(), with_round(definition, datetime(2027, 4, 1, 12)), organisation(), date(2027, 2, 1))
    assert dues(found) == {
        "partners_confirmed": date(2027, 3, 2),  # 20 working days: Easter Monday and Good Friday skipped
        "draft_complete": date(2027, 3, 16),
        "principal_approval": date(2027, 3, 23),
        # no coordinator_signoff: the organisation does not ask for one
    }


def test_midsummer_and_the_sign_off(definition):
    found = plan(
        application(),
        with_round(definition, datetime(2027, 6, 29, 12)),
        organisation(coordinator_signoff=True),
        date(2027, 5, 1),
    )
    assert dues(found)["coordinator_signoff"] == date(2027, 6, 23)  # Tue 29: Mon 28, Thu 24, Wed 23
    assert [m.key for m in found.milestones][-1] == "coordinator_signoff"


@pytest.mark.parametrize(
    "own,expected",
    [
        ({"partners_confirmed": 30, "principal_approval": 0}, {"partners_confirmed": 30, "principal_approval": 0}),
        ({"partners_confirmed": 500, "principal_approval": "5", "unknown": 3}, {"partners_confirmed": 20}),
        (None, {"partners_confirmed": 20, "principal_approval": 5}),
    ],
)
def test_the_organisations_lead_days_override_the_defaults(definition, own, expected):
    found = plan(
        application(),
        with_round(definition, datetime(2027, 9, 30, 12)),
        organisation(milestone_lead_days=own),
        date(2027, 5, 1),
    )
    leads = {m.key: m.lead_days for m in found.milestones}
    assert {key: leads[key] for key in expected} == expected
    if own and own.get("principal_approval") == 0:
        assert dues(found)["principal_approval"] == date(2027, 9, 30)  # the deadline's own day


@pytest.mark.parametrize(
    "stage,status,done",
    [
        (Stage.PARTNERS, Status.DRAFT, set()),
        (Stage.ORGANISATION, Status.DRAFT, {"partners_confirmed"}),
        (Stage.SUBMISSION, Status.CHANGES_REQUESTED, {"partners_confirmed"}),
        (Stage.SUBMISSION, Status.AWAITING_APPROVAL, {"partners_confirmed", "draft_complete"}),
        (Stage.SUBMISSION, Status.AWAITING_SIGNOFF, {"partners_confirmed", "draft_complete", "principal_approval"}),
        (
            Stage.SUBMISSION,
            Status.APPROVED,
            {"partners_confirmed", "draft_complete", "principal_approval", "coordinator_signoff"},
        ),
    ],
)
def test_done_and_overdue_follow_the_lifecycle(definition, stage, status, done):
    today = date(2027, 3, 24)  # after every milestone of a deadline on 25 March (the last is on 22 March)
    found = plan(
        application(stage, status),
        with_round(definition, datetime(2027, 3, 25, 12)),
        organisation(coordinator_signoff=True),
        today,
    )
    assert {m.key for m in found.milestones if m.done} == done
    overdue = {"partners_confirmed", "draft_complete", "principal_approval", "coordinator_signoff"} - done
    assert {m.key for m in found.milestones if m.overdue} == overdue


@pytest.mark.parametrize(
    "today,stage,expected",
    [
        (date(2027, 2, 1), Stage.PARTNERS, []),  # 29 days to the partner milestone: not yet a risk
        (date(2027, 2, 21), Stage.PARTNERS, ["Partner stage open, 9 days to the milestone “Partners confirmed”"]),
        (date(2027, 3, 2), Stage.PARTNERS, ["Partner stage open: the milestone “Partners confirmed” is today"]),
        (
            date(2027, 3, 8),
            Stage.PARTNERS,
            [
                "Partner stage open: the milestone “Partners confirmed” is 6 days overdue",
                "Stages still open, 8 days to the milestone “Draft complete”",
            ],
        ),
        (date(2027, 3, 8), Stage.ORGANISATION, ["Stages still open, 8 days to the milestone “Draft complete”"]),
    ],
)
def test_risks_in_words(app, definition, today, stage, expected):
    app_ = application(stage)
    found = plan(app_, with_round(definition, datetime(2027, 4, 1, 12)), organisation(), today)
    with app.test_request_context(), force_locale("en"):
        assert [str(r.text) for r in risks(found, app_)] == expected


def test_no_risks_once_submitted(definition):
    app_ = application(Stage.SUBMISSION, Status.SUBMITTED)
    found = plan(app_, with_round(definition, datetime(2027, 4, 1, 12)), organisation(), date(2027, 3, 31))
    assert risks(found, app_) == []
