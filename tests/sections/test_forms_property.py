"""Random and oversized unicode into every form: never a 500, and what was typed comes back."""

import io
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from formparse import post_forms
from uploads import attach_annexes
from webapp.auth.models import Role

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
SHORT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
HUGE = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1000, max_size=5000)


@pytest.fixture
def people(make, db):
    from datetime import date

    from webapp.applications.models import Outcome
    from webapp.lifecycle import Status

    org = make.organisation()
    school = make.school(org)
    teacher = make.user(Role.TEACHER, school=school)
    principal = make.user(Role.PRINCIPAL, school=school)
    admin = make.user(Role.ADMIN, organisation=org)
    application = make.application(school, owner=teacher)
    partner = make.partner(application, country="DK")
    # one application in each state whose step has a form of its own
    approved = make.application(school, owner=teacher, status=Status.APPROVED)
    attach_annexes(approved)
    submitted = make.application(school, owner=teacher, status=Status.SUBMITTED)
    running = make.application(school, owner=teacher, status=Status.REPORTING)
    running.outcome = Outcome(
        granted=True, project_start=date(2026, 9, 1), project_end=date(2028, 8, 31), interim_report_due=date(2027, 9, 1)
    )
    waiting = make.application(school, owner=teacher, status=Status.AWAITING_APPROVAL)
    db.session.commit()
    return {
        "teacher": teacher,
        "principal": principal,
        "admin": admin,
        "application": application.id,
        "partner": partner.id,
        "approved": approved.id,
        "submitted": submitted.id,
        "running": running.id,
        "waiting": waiting.id,
    }


PAGES = [
    ("teacher", "/applications/new"),
    ("teacher", "/applications/{application}/edit"),
    ("teacher", "/applications/{application}/partners/new"),
    ("teacher", "/applications/{application}/partners/{partner}"),
    ("teacher", "/applications/{approved}/transitions/register_submission"),
    ("teacher", "/applications/{approved}/annexes"),
    ("teacher", "/applications/{submitted}/transitions/record_grant"),
    ("teacher", "/applications/{submitted}/transitions/record_rejection"),
    ("teacher", "/applications/{running}/transitions/send_interim_report"),
    ("teacher", "/applications/{running}/transitions/close_project"),
    ("principal", "/applications/{waiting}/review"),
    ("teacher", "/account"),
    ("teacher", "/directory/new"),
    ("teacher", "/directory"),
    ("admin", "/admin/organisation"),
    ("admin", "/admin/schools/new"),
    ("admin", "/admin/users/invite"),
    ("admin", "/admin/users/{teacher}"),
    (None, "/sign-in"),
    (None, "/password/forgot"),
]


STATES = {"approved": "approved", "submitted": "submitted", "running": "reporting", "waiting": "awaiting_approval"}


def _back_to_where_they_were(db, people):
    from webapp.applications.models import Application
    from webapp.review.models import SectionComment

    db.session.rollback()
    db.session.execute(db.delete(SectionComment))  # the review page stays the size it started at
    known = {v for v in people.values() if isinstance(v, int)}
    for created in db.session.scalars(db.select(Application).where(Application.id.not_in(known))):
        db.session.delete(created)  # the new-application form offers the earlier ones: the same each time
    for key, status in STATES.items():
        application = db.session.get(Application, people[key])
        application.status = status
        if application.outcome is not None:
            application.outcome.interim_report_sent_on = None
    db.session.commit()


def _as_kept(value: str, kind: str) -> str:
    """What a form keeps of typed text: no NUL, no surrounding blanks, and a one-line field no line
    break (core.forms.TrimmedMeta)."""
    kept = value.replace("\x00", "").strip()
    return kept if kind == "textarea" else " ".join(kept.splitlines())


def _value(field, data, text):
    if field.kind == "hidden":
        return None  # keep the page's own hidden values
    if field.kind in ("select", "checkbox", "radio"):
        return data.draw(st.one_of(st.sampled_from(field.options or [""]), TEXT))
    if field.kind == "file":
        return data.draw(st.one_of(st.just(text), st.binary(max_size=2000).map(lambda b: (io.BytesIO(b), "x.pdf"))))
    return text


@pytest.mark.parametrize("who,path", PAGES)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_forms_survive_random_input(app, db, people, who, path, data):
    _back_to_where_they_were(db, people)  # an earlier example's input may have taken a step
    client = app.test_client()
    if who:
        with client.session_transaction() as session:
            session["_user_id"] = people[who].get_id()
    ids = {k: v for k, v in people.items() if isinstance(v, int)}
    url = path.format(teacher=people["teacher"].id, **ids)
    page = client.get(url)
    assert page.status_code == 200
    forms = [f for f in post_forms(page.get_data(as_text=True), url) if not f["action"].endswith("/remove")]
    # removing takes no input (odd ids: tests/sections/test_odd_input.py). A page of many forms (the
    # review page has one per section) gets one of them per example, drawn like the input.
    for form in [data.draw(st.sampled_from(forms))] if len(forms) > 2 else forms:
        hidden = {n: None for n, f in form["fields"].items() if f.kind == "hidden"}
        text = data.draw(st.one_of(TEXT, HUGE))
        payload = {}
        for name, field in form["fields"].items():
            value = _value(field, data, text)
            if value is not None:
                payload[name] = value
        html = page.get_data(as_text=True)
        for name in hidden:
            marker = f'name="{name}" type="hidden" value="'
            if marker in html:
                payload[name] = html.split(marker, 1)[1].split('"', 1)[0]
        response = client.post(form["action"], data=payload)
        assert response.status_code < 500, (form["action"], payload)
        if response.status_code == 422:
            body = response.get_data(as_text=True)
            typed = [(n, v) for n, v in payload.items() if form["fields"][n].kind in ("text", "email", "textarea")]
            for name, value in typed:
                kept = _as_kept(value, form["fields"][name].kind)
                assert str(escape(kept)) in body, (name, kept[:80])


# --- Every form generated from the programme definitions ----------------------------------------


def _generated_sections():
    from support import ROOT
    from webapp.programmes.loader import load_all

    workflows = load_all(ROOT / "workflows")
    return [(d.key, d.call_year, s.key) for d in workflows.latest() for s in d.sections]


@pytest.fixture
def application_of(make, db):
    made = {}

    def get(key):
        if key not in made:
            from webapp.programmes import registry

            definition = registry.get(key)
            round_id = definition.call_rounds[0].id
            application = make.application(action_key=key, call_round=round_id)
            make.partner(application, country="DK")
            db.session.commit()
            made[key] = application
        return made[key]

    return get


@pytest.mark.parametrize("key,year,section_key", _generated_sections())
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_generated_forms_survive_random_input_and_keep_saved_text(
    app, application_of, db, key, year, section_key, data
):
    from webapp.sections import services as sections

    application = application_of(key)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = application.owner.get_id()
    url = f"/applications/{application.id}/sections/{section_key}"
    page = client.get(url)
    assert page.status_code == 200
    if not any(f["action"] == url for f in post_forms(page.get_data(as_text=True), url)):
        # An empty repeated section shows only its "add" button: add an item to type into.
        version = sections.version_of(sections.answer_rows(application).get(section_key))
        assert client.post(url, data={"version": str(version), "action": "add"}).status_code == 302
        page = client.get(url)
    before = sections.answers(application).get(section_key)
    version = sections.version_of(sections.answer_rows(application).get(section_key))
    form = next(f for f in post_forms(page.get_data(as_text=True), url) if f["action"] == url)
    payload = {"version": str(version)}
    typed = [n for n, f in form["fields"].items() if f.kind not in ("hidden", "select", "checkbox", "radio")]
    oversized = data.draw(st.sampled_from(typed)) if typed else None  # one field gets a huge text
    for name, field in form["fields"].items():
        if field.kind == "hidden" or name == "version":
            continue
        if field.kind in ("select", "checkbox", "radio"):
            payload[name] = data.draw(st.one_of(st.sampled_from(field.options or [""]), SHORT))
        else:
            payload[name] = data.draw(HUGE if name == oversized else SHORT)
    html = page.get_data(as_text=True)
    for name, field in form["fields"].items():
        marker = f'name="{name}" type="hidden" value="'
        if field.kind == "hidden" and name != "version" and marker in html:
            payload[name] = html.split(marker, 1)[1].split('"', 1)[0]
    response = client.post(url, data=payload)
    assert response.status_code in (302, 422), response.status_code
    db.session.expire_all()
    after = sections.answers(application).get(section_key)
    if response.status_code == 422:
        assert after == before  # a refused save changes nothing that was saved
        body = response.get_data(as_text=True)
        for name, value in payload.items():
            if form["fields"].get(name) and form["fields"][name].kind in ("text", "textarea"):
                assert str(escape(_as_kept(value, form["fields"][name].kind))) in body, name
    else:  # saved: the version moves on exactly when the content changed
        expected = version if after == before else version + 1
        assert sections.version_of(sections.answer_rows(application).get(section_key)) == expected
        _every_page_that_shows_it_answers(app, client, application, section_key)


def _every_page_that_shows_it_answers(app, client, application, section_key):
    """What was stored is shown on the editor, the overview, the stage pages, the copy view, the review
    page and in the documents: none may fail on it (issue 11: a stored value once broke a page for
    everyone). The PDFs are checked as their HTML, which is where every stored value is formatted."""
    from webapp.applications.models import Application
    from webapp.lifecycle import Stage
    from webapp.pdf import context, render

    base = f"/applications/{application.id}"
    pages = [
        base,
        f"{base}/copy",
        f"{base}/review",
        f"{base}/sections/{section_key}",
        f"{base}/sections/{section_key}/history",
    ]
    pages += [f"{base}/stages/{stage}" for stage in Stage]
    for url in pages:
        assert client.get(url).status_code < 500, url
    with app.test_request_context():
        stored = app.extensions["sqlalchemy"].session.get(Application, application.id)
        for language in ("sv", "en"):
            stamp = {"generated": datetime.now(UTC)}
            assert render.render_html("pdf/dossier.html", {**context.dossier(stored, language), **stamp}, language)
            for partner in stored.partners:
                letter = {**context.letter(stored, partner, language), **stamp}
                assert render.render_html("pdf/letter.html", letter, language)
