"""Walks every route of the URL map as every role, on objects of the user's own organisation and of
another one. A route missing from RULES fails the test, so no new route escapes webapp.core.access."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from webapp.auth.models import Role
from webapp.core import access
from webapp.core.storage import storage
from webapp.directory.models import DirectoryEntry
from webapp.documents.models import Document, DocumentKind
from webapp.exports.models import ExportRun
from webapp.partners import services as partner_services
from webapp.review.models import SectionComment
from webapp.tasks.models import Task

ROLES = ("anonymous", "teacher", "reader", "elsewhere", "principal", "coordinator", "admin")
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
WRITERS = frozenset({"teacher", "reader", "elsewhere", "principal"})  # teach or lead at a school
SCHOOL_READERS = frozenset({"teacher", "reader", "principal", "coordinator", "admin"})
EDITORS = frozenset({"teacher", "principal"})  # the application's team and its school's principal
COMMENTERS = EDITORS | {"coordinator"}  # the team, the principal and the organisation's coordinators


@dataclass(frozen=True)
class Rule:
    allowed: frozenset  # roles that get through on their own organisation's objects
    public: bool = False
    fixed: int | None = None  # a status every caller gets (e.g. 404 for a bogus token)
    destructive: bool = False  # the first allowed POST removes the object; later ones cannot see it
    private: bool = False  # the object is its maker's: everyone else, also of its organisation, gets 404


PUBLIC = Rule(frozenset(ROLES), public=True)
ADMIN_ONLY = Rule(frozenset({"admin"}))

RULES = {
    "home.index": PUBLIC,
    "health.healthz": PUBLIC,
    "health.readyz": Rule(frozenset(ROLES), public=True, fixed=503),  # the tests' schema is create_all's
    "core.switch_language": PUBLIC,
    "auth.sign_in": PUBLIC,
    "auth.sign_out": PUBLIC,
    "auth.sign_out_everywhere": Rule(SIGNED_IN),
    "auth.forgot_password": PUBLIC,
    "auth.reset_password": Rule(frozenset(ROLES), public=True, fixed=404),
    "auth.accept_invitation": Rule(frozenset(ROLES), public=True, fixed=404),
    "auth.account": Rule(SIGNED_IN),
    "applications.index": Rule(SIGNED_IN),
    # What each user exports is what their overview lists (tests/applications/test_export.py).
    "applications.export_csv": Rule(SIGNED_IN),
    "applications.export_xlsx": Rule(SIGNED_IN),
    # A background export: anyone may start one of their own list; only its maker sees it (tests/exports).
    "exports.start": Rule(SIGNED_IN),
    "exports.index": Rule(SIGNED_IN),
    "exports.show": Rule(frozenset({"teacher"}), private=True),
    "exports.progress": Rule(frozenset({"teacher"}), private=True),
    "exports.download": Rule(frozenset({"teacher"}), private=True),
    "applications.create": Rule(WRITERS),
    "applications.show": Rule(SCHOOL_READERS),
    "applications.edit": Rule(EDITORS),
    # The engine decides each transition; the route itself is open to whoever sees the application.
    "applications.transition": Rule(SCHOOL_READERS),
    "chooser.index": Rule(SIGNED_IN),
    "sections.stage": Rule(SCHOOL_READERS),
    "sections.section": Rule(SCHOOL_READERS),
    "sections.save_section": Rule(EDITORS),
    "sections.history": Rule(SCHOOL_READERS),
    "sections.compare_versions": Rule(SCHOOL_READERS),
    "sections.restore_version": Rule(EDITORS),
    "sections.save_checklist": Rule(EDITORS),
    "sections.self_assessment": Rule(SCHOOL_READERS),
    "sections.save_self_assessment": Rule(EDITORS),
    "sections.copy_ready": Rule(SCHOOL_READERS),
    "partners.index": Rule(SCHOOL_READERS),
    "partners.create": Rule(EDITORS),
    "partners.edit": Rule(EDITORS),
    "partners.remove": Rule(EDITORS, destructive=True),
    "partners.restore": Rule(EDITORS, destructive=True),  # once undone, the removal is gone
    "partners.suggested": Rule(SCHOOL_READERS),
    "partners.add_from_directory": Rule(EDITORS),
    "partners.mail_letter": Rule(EDITORS),
    # The world's organisations publish no portfolio: the page does not exist (tests/portfolio).
    "portfolio.index": Rule(frozenset(ROLES), public=True, fixed=404),
    "pdf.dossier": Rule(SCHOOL_READERS),
    "pdf.partner_letter": Rule(SCHOOL_READERS),
    "pdf.dossier_waiting": Rule(SCHOOL_READERS),  # a render under way (tests/pdf/test_background_pdf.py)
    "pdf.dossier_progress": Rule(SCHOOL_READERS),
    "docx.export": Rule(SCHOOL_READERS),  # the application as Word: as the PDF dossier (tests/docx)
    "docx.partner_letter": Rule(SCHOOL_READERS),
    "documents.download": Rule(SCHOOL_READERS),
    # Only final reports on a published portfolio; the world publishes none (tests/documents).
    "portfolio.final_report": Rule(frozenset(ROLES), public=True, fixed=404),
    "admin.organisation": ADMIN_ONLY,
    "admin.schools": ADMIN_ONLY,
    "admin.new_school": ADMIN_ONLY,
    "admin.edit_school": ADMIN_ONLY,
    "admin.users": ADMIN_ONLY,
    "admin.invite": ADMIN_ONLY,
    "admin.edit_user": ADMIN_ONLY,
    "admin.add_role": ADMIN_ONLY,
    "admin.remove_role": ADMIN_ONLY,
    "admin.resend_invitation": ADMIN_ONLY,
    "admin.audit_log": ADMIN_ONLY,
    "admin.mail": ADMIN_ONLY,
    "admin.retry_mail": ADMIN_ONLY,
    "activity.index": Rule(frozenset({"principal", "coordinator", "admin"})),
    "annexes.index": Rule(SCHOOL_READERS),
    "annexes.attach": Rule(EDITORS),
    "annexes.remove": Rule(EDITORS),
    "directory.index": Rule(SIGNED_IN),
    "directory.create": Rule(SIGNED_IN),
    "directory.edit": Rule(SIGNED_IN),  # everyone with a role in the entry's organisation
    "directory.export_csv": Rule(SIGNED_IN),  # only the user's own organisations' entries (tests/directory)
    "directory.import_csv": Rule(SIGNED_IN),
    "review.index": Rule(SCHOOL_READERS),
    "review.add_comment": Rule(COMMENTERS),
    # The team and the principal resolve any comment, its author (here the coordinator) their own.
    "review.resolve_comment": Rule(COMMENTERS),
    "team.index": Rule(SCHOOL_READERS),
    "team.invite": Rule(EDITORS),
    "tasks.index": Rule(SCHOOL_READERS),
    "feeds.feed": Rule(frozenset(ROLES), public=True, fixed=404),  # the secret token is the key
    "feeds.application_feed": Rule(SCHOOL_READERS),
    "feeds.calendar": Rule(SIGNED_IN),
    "tasks.create": Rule(EDITORS),
    "tasks.edit": Rule(EDITORS),
    "tasks.toggle_done": Rule(EDITORS),
    "tasks.add_plan": Rule(EDITORS),
    "statistics.index": Rule(frozenset({"coordinator", "admin"})),
}


@pytest.fixture
def world(make, db):
    """Organisation A (two schools, one user per role) and organisation B with the same objects."""
    org_a, org_b = make.organisation("A"), make.organisation("B")
    a1, a2 = make.school(org_a), make.school(org_a)
    b1 = make.school(org_b)
    users = {
        "teacher": make.user(Role.TEACHER, school=a1),
        "reader": make.user(Role.TEACHER, school=a1),
        "elsewhere": make.user(Role.TEACHER, school=a2),
        "principal": make.user(Role.PRINCIPAL, school=a1),
        "coordinator": make.user(Role.COORDINATOR, organisation=org_a),
        "admin": make.user(Role.ADMIN, organisation=org_a),
    }
    # A second admin, so that removing a role in the matrix never trips the last-admin rule.
    make.user(Role.ADMIN, organisation=org_a)
    target_a = make.user(Role.TEACHER, school=a2)
    target_b = make.user(Role.TEACHER, school=b1)
    make.user(Role.ADMIN, organisation=org_b)
    own_application = make.application(a1, owner=users["teacher"])
    other_application = make.application(b1)
    own_document, other_document = (
        Document(
            application_id=a.id,
            kind=DocumentKind.FINAL_REPORT,
            filename="r.pdf",
            size=5,
            sha256="0" * 64,
            data=b"%PDF-",
        )
        for a in (own_application, other_application)
    )
    db.session.add_all([own_document, other_document])
    db.session.flush()
    own_comment, other_comment = (
        SectionComment(application_id=a.id, section_key="description", author=users["coordinator"], body="Mer konkret.")
        for a in (own_application, other_application)
    )
    db.session.add_all([own_comment, other_comment])
    db.session.flush()
    own_entry, other_entry = (
        DirectoryEntry(organisation_id=o.id, name="Gladsaxe Gymnasium", country="DK") for o in (org_a, org_b)
    )
    db.session.add_all([own_entry, other_entry])
    db.session.flush()
    own_task, other_task = (
        Task(application_id=a.id, title="Ring Pirkkala") for a in (own_application, other_application)
    )
    db.session.add_all([own_task, other_task])
    db.session.flush()
    own_removal, other_removal = (
        partner_services.remove(users["teacher"], a, make.partner(a, name="Borttagen skola"))
        for a in (own_application, other_application)
    )
    own_run, other_run = (_finished_export(db, user) for user in (users["teacher"], target_b))
    own = {
        "run_id": own_run.id,
        "application_id": own_application.id,
        "partner_id": make.partner(own_application).id,
        "document_id": own_document.id,
        "comment_id": own_comment.id,
        "event_id": own_removal.id,
        "stage": "partners",
        "key": "description",
        "n": 1,  # a version of the section (none is saved: restoring it says so)
        # transition keys are not objects: the same key for both organisations
        "transition_key": "complete_partners",
        "school_id": a1.id,
        "organisation_id": org_a.id,
        "user_id": target_a.id,
        "membership_id": target_a.memberships[0].id,
        "token": "not-a-valid-token",
        "slot_key": "declaration_of_honour.applicant",
        "directoryentry_id": own_entry.id,
        "entry_id": own_entry.id,
        "task_id": own_task.id,
        "render_key": "0" * 64,
    }
    other = {
        "run_id": other_run.id,
        "application_id": other_application.id,
        "partner_id": make.partner(other_application).id,
        "document_id": other_document.id,
        "comment_id": other_comment.id,
        "event_id": other_removal.id,
        "stage": "partners",
        "key": "description",
        "n": 1,  # a version of the section (none is saved: restoring it says so)
        # transition keys are not objects: the same key for both organisations
        "transition_key": "complete_partners",
        "school_id": b1.id,
        "organisation_id": org_b.id,
        "user_id": target_b.id,
        "membership_id": target_b.memberships[0].id,
        "token": "not-a-valid-token",
        "slot_key": "declaration_of_honour.applicant",
        "directoryentry_id": other_entry.id,
        "entry_id": other_entry.id,
        "task_id": other_task.id,
        "render_key": "0" * 64,
    }
    db.session.commit()
    return users, own, other


def _finished_export(db, user) -> ExportRun:
    """A background export of `user`'s, done, with its file in the storage."""
    run = ExportRun(user=user, file_format="csv", filters={}, language="sv", status="done", rows_total=1)
    db.session.add(run)
    db.session.flush()
    run.file_key = f"exports/{run.id}-matrix.csv"
    with storage().writer(run.file_key) as file:
        file.write(b"ID\r\n1\r\n")
    run.file_size = 8
    return run


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def test_every_route_has_a_rule_here_and_in_the_access_mechanism(app):
    endpoints = {r.endpoint for r in _rules(app)}
    assert endpoints == set(RULES), "add the new route to RULES (and declare its access with webapp.core.access)"
    for endpoint in endpoints:
        view = app.view_functions[endpoint]
        assert getattr(view, "access_rule", None), f"{endpoint} declares no access rule"


def _request(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, data={})


def _expected(rule: Rule, role: str, own: bool) -> set[int]:
    if rule.fixed is not None:
        return {rule.fixed}
    if role == "anonymous":
        return {200, 302, 422} if rule.public else {302}
    if not own:
        return {404}
    if role in rule.allowed:
        return {200, 302, 409, 422}
    return {404} if rule.private else {403}


@pytest.mark.parametrize("endpoint", sorted(RULES))
def test_access(app, world, endpoint):
    users, own_args, other_args = world
    rule_obj = next(r for r in _rules(app) if r.endpoint == endpoint)
    rule = RULES[endpoint]
    has_object = bool(
        set(rule_obj.arguments) & {"application_id", "school_id", "user_id", "directoryentry_id", "run_id"}
    )
    cases = [(True, own_args)] + ([(False, other_args)] if has_object else [])
    failures = []
    removed = False
    for role in ROLES:
        for own, args in cases:
            for method in sorted(rule_obj.methods & {"GET", "POST"}):
                client = app.test_client()
                if role != "anonymous":
                    with client.session_transaction() as session:
                        session["_user_id"] = users[role].get_id()
                with app.test_request_context():
                    from flask import url_for

                    url = url_for(endpoint, **{k: args[k] for k in rule_obj.arguments})
                if removed and own and role in rule.allowed:
                    continue
                response = _request(client, method, url)
                expected = _expected(rule, role, own)
                if rule.destructive and own and role in rule.allowed and response.status_code == 302:
                    removed = True
                if response.status_code not in expected:
                    failures.append(
                        f"{method} {url} as {role} ({'own' if own else 'other'} org): {response.headers.get('Location')} "
                        f"{response.status_code}, expected {sorted(expected)}"
                    )
                if role == "anonymous" and not rule.public:
                    assert "/sign-in" in response.headers.get("Location", "")
    assert not failures, "\n".join(failures)


def test_visible_clause_matches_can_view(app, world, db):
    """The SQL list filter and the per-object check must agree for every role."""
    from webapp.applications.access import visible_clause
    from webapp.applications.models import Application
    from webapp.organisations.models import School

    users, *_ = world
    applications = list(db.session.scalars(db.select(Application)))
    for role, user in users.items():
        listed = set(db.session.scalars(db.select(Application.id).join(School).where(visible_clause(user))))
        allowed = {a.id for a in applications if access.can("application.view", a, user)}
        assert listed == allowed, role
