"""Caps per organisation and call round (issue 12): counted over the school's own applications,
shown as a warning on the overview and when a second application is created, never a block."""

import shutil

import pytest
from flask_babel import force_locale

from querycount import count_queries
from support import ROOT
from webapp.applications import round_caps
from webapp.auth.models import Role
from webapp.lifecycle import Status
from webapp.programmes import registry
from webapp.programmes.loader import check

ROUND = "2027-R1"

# One row per cap: action, max, who counts, and the fact in docs/sources/erasmus-plus-school-2026.md.
CAPS = [
    ("KA121-SCH", 1, "coordinator"),  # #ka121-sch: one application per round (erasmusplus.rs)
    ("KA122-SCH", 1, "coordinator"),  # #ka122-sch: one per organisation and selection round (erasmusplus.rs)
    ("KA210-SCH", 1, "coordinator"),  # #ka210-sch-caps-per-deadline: coordinator once (payyourintern.com)
    ("KA210-SCH", 5, "any"),  # #ka210-sch-caps-per-deadline: 5 participations [uncertain: 5 or 10]
    ("KA220-SCH", 10, "any"),  # #ka220-sch-caps-per-deadline: 10 participations per OID [uncertain]
    ("KA240-SCH", 1, "coordinator"),  # #ka240-sch: one coordinated project per round (Programme Guide)
]


def _caps(action_key):
    return [(action_key, c.max, c.role) for c in registry.get(action_key).eligibility.round_caps]


def test_the_definitions_carry_exactly_these_caps():
    found = [row for key in sorted({row[0] for row in CAPS}) for row in _caps(key)]
    assert found == CAPS
    assert all(c.source.startswith("docs/sources/") for d in registry.all_actions() for c in d.eligibility.round_caps)
    assert not _caps("KA120-SCH")  # the accreditation's cap is on awards, not on applications


@pytest.mark.parametrize(
    ("counts", "fault"),
    [
        ("[KA121-SCH]", "eligibility.round_caps.0.counts: does not count KA122-SCH itself"),
        ("[KA122-SCH, KA999-SCH]", "eligibility.round_caps.0.counts: names unknown actions ['KA999-SCH']"),
    ],
)
def test_a_cap_that_cannot_warn_is_a_fault_naming_its_line(tmp_path, counts, fault):
    folder = tmp_path / "workflows"
    shutil.copytree(ROOT / "workflows", folder)
    path = folder / "ka122-sch/2026.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("counts: [KA122-SCH]", f"counts: {counts}", 1), encoding="utf-8")
    line = text[: text.index("counts: [KA122-SCH]")].count("\n") + 1
    assert [str(f) for f in check(folder)[1]] == [f"workflows/ka122-sch/2026.yaml: line {line}, {fault}"]


@pytest.mark.parametrize(("action_key", "maximum", "role"), CAPS)
def test_up_to_the_cap_is_quiet_and_one_more_is_warned(app, make, action_key, maximum, role):
    school = make.school(name="Solna skola")
    applications = [make.application(school, action_key=action_key, call_round=ROUND) for _ in range(maximum)]
    with app.test_request_context():
        assert _broken(applications[-1], maximum) == []
        one_more = make.application(school, action_key=action_key, call_round=ROUND)
        broken = _broken(one_more, maximum)
    assert len(broken) == 1 and broken[0].cap.role == role
    assert [o.id for o in broken[0].others] == [a.id for a in applications]


def _broken(application, maximum):
    """The broken caps of that maximum (KA210's two caps break at different counts)."""
    return [b for b in round_caps.broken_caps(application) if b.cap.max == maximum]


@pytest.mark.parametrize(
    ("first", "second", "warned"),
    [
        ({}, {}, True),  # same school, same action, same round
        ({"call_round": "2026-R1"}, {}, False),  # another round
        ({"school": "other"}, {}, False),  # another school of the same organisation
        ({"status": Status.WITHDRAWN}, {}, False),  # withdrawn: no longer one of the round's
        ({"status": Status.DECLINED}, {}, False),  # the principal decided not to send it
        ({"status": Status.REJECTED}, {}, True),  # sent, and so one of the round's, granted or not
        ({"status": Status.SUBMITTED}, {}, True),
        ({}, {"status": Status.WITHDRAWN}, False),  # a withdrawn application itself breaks nothing
        ({"action_key": "KA121-SCH"}, {}, False),  # another action with its own cap
    ],
)
def test_what_counts(app, make, first, second, warned):
    school = make.school()
    sibling = make.school(school.organisation)

    def build(options):
        options = {"action_key": "KA122-SCH", "call_round": ROUND, **options}
        target = sibling if options.pop("school", None) == "other" else school
        return make.application(target, **options)

    build(first)
    application = build(second)
    with app.test_request_context():
        assert bool(round_caps.broken_caps(application)) is warned


def test_nordplus_has_no_cap_and_asks_nothing(app, make):
    school = make.school()
    make.application(school, action_key="NPJ-MOBILITY", call_round=ROUND)
    second = make.application(school, action_key="NPJ-MOBILITY", call_round=ROUND)
    with count_queries() as statements:
        assert round_caps.broken_caps(second) == []
    assert statements == []


def test_one_query_however_many_others(app, make):
    school = make.school()
    for _ in range(4):
        last = make.application(school, action_key="KA220-SCH", call_round=ROUND)
    viewer = make.user(Role.COORDINATOR, organisation=school.organisation)
    with app.test_request_context(), count_queries() as statements:
        round_caps.broken_caps(last, viewer)
    assert len(statements) == 1


def test_a_viewer_who_may_not_see_them_is_told_of_another_application(app, make):
    school = make.school()
    first = make.application(school, action_key="KA122-SCH", call_round=ROUND, title="Språkresa till Lyon")
    second = make.application(school, action_key="KA122-SCH", call_round=ROUND)
    outsider = make.user(Role.TEACHER)  # a teacher at a school of another organisation
    with app.test_request_context(), force_locale("en"):
        hidden = round_caps.warnings(round_caps.broken_caps(second, outsider), "en")
        shown = round_caps.warnings(round_caps.broken_caps(second, first.owner), "en")
    assert [(o.label, o.url) for o in hidden[0].others] == [("another application", None)]
    assert [(o.label, o.url) for o in shown[0].others] == [("Språkresa till Lyon", f"/applications/{first.id}")]


def test_the_overview_names_the_cap_the_round_and_the_other_application(login, make):
    school = make.school(name="Solna skola")
    teacher = make.user(Role.TEACHER, school=school, language="en")
    first = make.application(school, owner=teacher, action_key="KA122-SCH", call_round=ROUND, title="Lyon")
    second = make.application(school, owner=teacher, action_key="KA122-SCH", call_round=ROUND, title="Lille")
    client = login(teacher)
    page = client.get(f"/applications/{second.id}").get_data(as_text=True)
    notice = page.split('id="round-caps"')[1].split("</div>")[0]
    assert "Solna skola already has another KA122-SCH application in round 2027-R1:" in notice
    assert f'<a href="/applications/{first.id}">Lyon</a>' in notice
    assert "The programme allows one per organisation and round." in notice
    assert 'id="round-caps"' in client.get(f"/applications/{first.id}").get_data(as_text=True)  # both are told


def test_an_uncertain_cap_says_so_and_what_grantpath_counts(login, make):
    school = make.school(name="Solna skola")
    teacher = make.user(Role.TEACHER, school=school, language="en")
    for _ in range(6):
        last = make.application(school, owner=teacher, action_key="KA210-SCH", call_round=ROUND)
    page = login(teacher).get(f"/applications/{last.id}").get_data(as_text=True)
    assert "Solna skola already has 5 other KA210-SCH applications in round 2027-R1:" in page
    assert "The programme allows 5 participations per organisation and round, as coordinator or partner." in page
    assert "Grantpath counts only the school&#39;s own applications" in page
    assert "The sources for this cap are uncertain." in page
    assert "The sources disagree: one gives 5 participations per round, another 10." in page


def test_a_single_application_shows_no_notice(login, make):
    teacher = make.user(Role.TEACHER, language="en")
    application = make.application(teacher.memberships[0].school, owner=teacher, action_key="KA122-SCH")
    assert 'id="round-caps"' not in login(teacher).get(f"/applications/{application.id}").get_data(as_text=True)


def test_creating_a_second_application_warns_and_does_not_block(login, make, db):
    teacher = make.user(Role.TEACHER, language="en")
    client = login(teacher)
    data = {"call": f"KA122-SCH/{ROUND}", "school_id": teacher.memberships[0].school_id}
    first = client.post("/applications/new", data={**data, "title": "Lyon"}, follow_redirects=True)
    assert "cap on applications per round" not in first.get_data(as_text=True)
    second = client.post("/applications/new", data={**data, "title": "Lille"}, follow_redirects=True)
    page = second.get_data(as_text=True)
    assert second.status_code == 200 and "<h1>Lille</h1>" in page
    assert "This application goes over the programme&#39;s cap on applications per round" in page
    assert "already has another KA122-SCH application in round 2027-R1:" in page and ">Lyon</a>" in page
