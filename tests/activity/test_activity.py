"""An application's activity log: every audit event of the application in words (never the raw
action), who and when, the status before and after a lifecycle step with its comment (escaped);
seen by the school's principal and the organisation's coordinators and administrators only; a
page at a time, with a constant number of queries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from pages import parse, refusal, say
from querycount import count_queries
from webapp.activity import labels
from webapp.activity.access import _activity
from webapp.activity.services import PER_PAGE
from webapp.applications import services as application_services
from webapp.auth.models import Role
from webapp.core import audit
from webapp.core.audit import AuditEvent
from webapp.lifecycle import STAGES, STATES, TRANSITIONS, Stage, Status
from webapp.partners import services as partners
from webapp.sections import services as sections


def url(application, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/applications/{application.id}/activity" + (f"?{query}" if query else "")


@pytest.fixture
def school_world(make, db):
    """Organisation A: a school with its principal, a teacher who owns an application (and a
    colleague on its team), a coordinator and an admin; organisation B with its own people."""
    org_a, org_b = make.organisation("A"), make.organisation("B")
    school = make.school(org_a)
    people = {
        "owner": make.user(Role.TEACHER, school=school, language="en", name="Olle Owner"),
        "colleague": make.user(Role.TEACHER, school=school, language="en"),
        "principal": make.user(Role.PRINCIPAL, school=school, language="en", name="Pia Principal"),
        "other_principal": make.user(Role.PRINCIPAL, school=make.school(org_a), language="en"),
        "coordinator": make.user(Role.COORDINATOR, organisation=org_a, language="en"),
        "admin": make.user(Role.ADMIN, organisation=org_a, language="en"),
        "b_principal": make.user(Role.PRINCIPAL, school=make.school(org_b), language="en"),
        "b_coordinator": make.user(Role.COORDINATOR, organisation=org_b, language="en"),
    }
    application = make.application(school, owner=people["owner"], team=[people["colleague"]], title="Läsglädje")
    db.session.commit()
    return application, people


def rows(html: str) -> list:
    table = parse(html).find("table", id="activity")
    return table.find("tbody").find_all("tr") if table else []


def what(row) -> str:
    return row.find("span", cls="activity-label").text()


def add_events(application, actors, n: int, action="checklist.saved"):
    for i in range(n):
        audit.record(actors[i % len(actors)], action, application, application.organisation_id, {"a": i}, {"a": i + 1})


# --- The labels ----------------------------------------------------------------------------------


def _event(action, changes=None) -> AuditEvent:
    return AuditEvent(id=1, action=action, object_type="application", object_id=1, changes=changes or {})


@pytest.mark.parametrize("language", ["en", "sv"])
def test_every_known_action_has_its_label_in_the_readers_language(app, make, language):
    application = make.application()
    definition = sections.definition_of(application)
    section = definition.sections[0]
    annex = definition.annexes[0]
    named = {
        "section.saved": {"section": [None, section.key], "characters": [0, 12]},
        "section.restored": {"section": [None, section.key]},
        "partner.created": {"name": [None, "Skole A"], "country": [None, "DK"]},
        "partner.updated": {"name": ["Skole A", "Skole B"]},
        "partner.removed": {"name": ["Skole B", None], "country": ["DK", None]},
        "partner.restored": {"name": [None, "Skole B"], "restored_from": [None, 7]},
        "partner.letter_sent": {"name": [None, "Skole B"], "to": [None, "b@example.org"]},
        "annex.attached": {"annex": [None, annex.key], "for": [None, "Skole B"], "file": [None, "x.pdf"]},
        "annex.removed": {"annex": [annex.key, None], "for": ["Skole B", None], "file": ["x.pdf", None]},
    }
    with force_locale(language):
        for action, (plain, with_name) in labels.LABELS.items():
            shown = labels.label(_event(action, named.get(action)), definition)
            if with_name is None:
                assert shown == str(plain), action
            else:
                partner = {"partner.created": "Skole A"}.get(action, "Skole B")  # after, else before
                name = section.title.get(language) if action.startswith("section.") else partner
                if action.startswith("annex."):  # the annex by its label, then whom it is from
                    name = f"{annex.label.get(language)}: {partner}"
                assert shown == str(with_name) % {"name": name}, action
                assert labels.label(_event(action), definition) == str(plain), action  # the event names nothing
        for key, transition in TRANSITIONS.items():
            assert labels.label(_event(f"lifecycle.{key}"), definition) == str(transition.label), key
    assert labels.LABELS.keys() >= {
        "application.created",
        "application.updated",
        "section.saved",
        "partner.created",
        "partner.updated",
        "partner.removed",
        "partner.restored",
        "checklist.saved",
        "self_assessment.saved",
    }


def test_a_section_the_definition_does_not_know_reads_without_a_title(make):
    definition = sections.definition_of(make.application())
    event = _event("section.saved", {"section": [None, "no-such-section"]})
    with force_locale("en"):
        assert labels.label(event, definition) == say(labels.LABELS["section.saved"][0], "en")
        assert labels.label(_event("section.saved", {"section": [None, "needs"]}), None) == say(
            labels.LABELS["section.saved"][0], "en"
        )


@pytest.mark.parametrize(
    "action, changes",
    [
        ("something.new", {}),
        ("lifecycle.no_such_step", {"status": ["draft", "approved"]}),
        ("", {}),
        ("partner.created", {"name": "not a pair"}),
        ("partner.updated", {"name": [None, 12]}),
        ("section.saved", {"section": [["odd"], {"odd": 1}]}),
        ("lifecycle.approve", {"status": ["no-such-status", "approved"], "comment": [None, ["x"]]}),
        ("lifecycle.approve", ["not", "a", "dict"]),
        ("lifecycle.reopen", None),
    ],
)
def test_unknown_actions_and_odd_changes_never_fail(action, changes):
    event = _event(action)
    event.changes = changes
    with force_locale("en"):
        entry = labels.describe(event)
    assert isinstance(entry.label, str) and entry.label
    if action in ("something.new", "lifecycle.no_such_step", ""):
        assert entry.label == say(labels.GENERIC, "en")
    assert entry.move is None or action == "lifecycle.no_such_step"


def test_lifecycle_steps_show_their_status_or_stage_before_and_after_and_the_comment(app):
    with force_locale("en"):
        sent = labels.describe(
            _event(
                "lifecycle.request_changes",
                {"status": ["awaiting_approval", "changes_requested"], "comment": [None, "Clearer aims"]},
            )
        )
        assert sent.label == str(TRANSITIONS["request_changes"].label)
        assert sent.comment == "Clearer aims"
        assert sent.move == labels.Move(
            "status",
            str(STATES[Status.AWAITING_APPROVAL].label),
            str(STATES[Status.CHANGES_REQUESTED].label),
        )
        completed = labels.describe(_event("lifecycle.complete_idea", {"stage": ["idea", "partners"]}))
        assert completed.move == labels.Move("stage", str(STAGES[Stage.IDEA].label), str(STAGES[Stage.PARTNERS].label))
        assert completed.comment is None
        assert labels.describe(_event("partner.created", {"comment": [None, "x"]})).comment is None


# --- The page --------------------------------------------------------------------------------------


def test_the_page_lists_real_events_newest_first_in_words(school_world, login, db):
    application, people = school_world
    owner, principal = people["owner"], people["principal"]
    definition = sections.definition_of(application)
    section = definition.section("needs")
    sections.save_section(owner, application, "needs", {"need": "Fler elever läser."}, 0)
    partner = partners.save(owner, application, None, {"name": "Skole Nord", "country": "DK"}, None)
    partners.remove(owner, application, partner)
    application_services.update(
        owner,
        application,
        expected_version=application.version,
        title="Läsglädje 2",
        action_key=application.action_key,
        call_round=application.call_round,
        school=application.school,
        team=[owner],
    )
    application.status = Status.AWAITING_APPROVAL
    db.session.commit()
    client = login(principal)
    client.post(f"/applications/{application.id}/transitions/request_changes", data={"comment": "Skriv tydligare mål."})
    page = client.get(url(application))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    shown = rows(html)
    with force_locale("en"):
        expected = [
            str(TRANSITIONS["request_changes"].label),
            str(labels.LABELS["application.updated"][0]),
            str(labels.LABELS["partner.removed"][1]) % {"name": "Skole Nord"},
            str(labels.LABELS["partner.created"][1]) % {"name": "Skole Nord"},
            labels.label(_event("section.saved", {"section": [None, "needs"]}), definition),
            str(labels.LABELS["application.created"][0]),
        ]
    actual = [what(r) for r in shown]
    # A section save's event names its section only if sections.services records the key as a change.
    saved = str(labels.LABELS["section.saved"][0])
    assert actual[4] in (expected[4], saved) and section.title.get("en") in expected[4]
    assert actual[:4] + actual[5:] == expected[:4] + expected[5:]
    assert "lifecycle." not in html and "partner.removed" not in html  # never the raw action
    who = [r.find("td", cls="activity-who").text() for r in shown]
    assert who == [principal.name] + [owner.name] * 5
    first = shown[0]
    assert first.find("p", cls="activity-comment").text().endswith("Skriv tydligare mål.")
    assert first.find("td", cls="activity-move").find("span", aria_hidden="true").text() == (
        f"{say(STATES[Status.AWAITING_APPROVAL].label, 'en')} → {say(STATES[Status.CHANGES_REQUESTED].label, 'en')}"
    )
    assert shown[1].find("td", cls="activity-move").text() == ""  # no status move outside the lifecycle


def test_the_page_has_one_heading_a_way_back_and_table_headers(school_world, login):
    application, people = school_world
    document = parse(login(people["coordinator"]).get(url(application)).get_data(as_text=True))
    (heading,) = document.find_all("h1")
    assert application.title in heading.text()
    assert document.find("p", cls="breadcrumb").find("a").attrs["href"] == f"/applications/{application.id}"
    headers = document.find("table", id="activity").find("thead").find_all("th")
    assert len(headers) == 4 and all(th.attrs.get("scope") == "col" and th.text() for th in headers)


def test_when_is_stockholm_time_in_the_readers_language(school_world, login, db):
    application, people = school_world
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.object_id == application.id))
    event.at = datetime(2026, 3, 5, 11, 0, tzinfo=UTC)
    db.session.commit()
    client = login(people["principal"])
    when = rows(client.get(url(application)).get_data(as_text=True))[0].find("time")
    assert when.text() == "5 March 2026, 12:00"
    client.post("/language", data={"language": "sv"})
    swedish = rows(client.get(url(application)).get_data(as_text=True))[0]
    assert swedish.find("time").text() == "5 mars 2026 kl. 12.00"


def test_an_empty_log_says_so(school_world, login, db):
    application, people = school_world
    db.session.execute(db.delete(AuditEvent))
    db.session.commit()
    document = parse(login(people["admin"]).get(url(application)).get_data(as_text=True))
    assert document.find("p", id="activity-empty").text()
    assert document.find("table") is None


def test_a_hostile_comment_is_shown_as_text(school_world, login, db):
    application, people = school_world
    application.status = Status.AWAITING_APPROVAL
    db.session.commit()
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quoted"'
    client = login(people["principal"])
    client.post(f"/applications/{application.id}/transitions/request_changes", data={"comment": hostile})
    html = client.get(url(application)).get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(" in html
    comment = rows(html)[0].find("p", cls="activity-comment")
    assert comment.find("script") is None and comment.find("img") is None
    assert comment.text().endswith(hostile)


# --- Who may see it ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["principal", "coordinator", "admin"])
def test_the_principal_coordinators_and_admins_see_it(school_world, login, role):
    application, people = school_world
    response = login(people[role]).get(url(application))
    assert response.status_code == 200
    assert rows(response.get_data(as_text=True))


@pytest.mark.parametrize("role", ["owner", "colleague", "other_principal"])
def test_the_team_and_other_schools_are_refused_with_the_reason(school_world, login, role):
    application, people = school_world
    response = login(people[role]).get(url(application))
    assert response.status_code == 403
    expected = _activity(people[role], application).reason
    assert refusal(response.get_data(as_text=True)) == say(expected, "en")


@pytest.mark.parametrize("role", ["b_principal", "b_coordinator"])
def test_another_organisation_gets_404(school_world, login, role):
    application, people = school_world
    assert login(people[role]).get(url(application)).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(school_world, client):
    application, _people = school_world
    response = client.get(url(application))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_permission_says_who(school_world):
    from webapp.core.access import can

    application, people = school_world
    allowed = {name for name, user in people.items() if can("application.activity", application, user)}
    assert allowed == {"principal", "coordinator", "admin"}


# --- Pages and queries ---------------------------------------------------------------------------------


def test_pages_of_25_newest_first(school_world, login, db):
    application, people = school_world
    add_events(application, [people["owner"], people["colleague"]], 30)  # and application.created: 31
    db.session.commit()
    client = login(people["principal"])
    ids = sorted(db.session.scalars(db.select(AuditEvent.id).where(AuditEvent.object_id == application.id)))
    first = client.get(url(application)).get_data(as_text=True)
    second = client.get(url(application, page=2)).get_data(as_text=True)
    assert [r.id for r in rows(first)] == [f"event-{i}" for i in reversed(ids[-PER_PAGE:])]
    assert [r.id for r in rows(second)] == [f"event-{i}" for i in reversed(ids[:-PER_PAGE])]
    pager = parse(first).find("nav", cls="pager")
    assert url(application, page=2) in pager.links()
    assert url(application, page=1) in parse(second).find("nav", cls="pager").links()


@pytest.mark.parametrize("odd", ["0", "-1", "abc", "²", "1.5", "", "99999999999", "999", "%00", "2%20"])
def test_odd_page_values_never_fail(school_world, login, db, odd):
    application, people = school_world
    add_events(application, [people["owner"]], 30)
    db.session.commit()
    response = login(people["coordinator"]).get(url(application, page=odd))
    assert response.status_code == 200
    assert rows(response.get_data(as_text=True))  # the first page, or the last one for a page past it


def test_the_number_of_queries_does_not_grow_with_the_events(school_world, login, db, make):
    application, people = school_world
    actors = [make.user(Role.TEACHER, school=application.school) for _ in range(30)]
    client = login(people["principal"])

    def queries_for(n: int) -> int:
        db.session.execute(db.delete(AuditEvent))
        add_events(application, actors, n)
        for i, actor in enumerate(actors[:n]):
            audit.record(
                actor,
                "lifecycle.request_changes",
                application,
                application.organisation_id,
                {"status": "awaiting_approval"},
                {"status": "changes_requested", "comment": f"Comment {i}"},
            )
        db.session.commit()
        with count_queries() as statements:
            response = client.get(url(application))
        assert response.status_code == 200 and len(rows(response.get_data(as_text=True))) == min(2 * n, PER_PAGE)
        return len(statements)

    assert queries_for(3) == queries_for(30)
