"""Random and oversized unicode into every form: never a 500, and what was typed comes back."""
from markupsafe import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formparse import post_forms
from webapp.auth.models import Role

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
HUGE = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1000, max_size=5000)


@pytest.fixture
def people(make, db):
    org = make.organisation()
    school = make.school(org)
    teacher = make.user(Role.TEACHER, school=school)
    admin = make.user(Role.ADMIN, organisation=org)
    application = make.application(school, owner=teacher)
    db.session.commit()
    return {"teacher": teacher, "admin": admin, "application": application}


PAGES = [
    ("teacher", "/applications/new"),
    ("teacher", "/applications/{application}/edit"),
    ("teacher", "/account"),
    ("admin", "/admin/organisation"),
    ("admin", "/admin/schools/new"),
    ("admin", "/admin/users/invite"),
    ("admin", "/admin/users/{teacher}"),
    (None, "/sign-in"),
    (None, "/password/forgot"),
]


def _value(field, data, text):
    if field.kind == "hidden":
        return None  # keep the page's own hidden values
    if field.kind in ("select", "checkbox", "radio"):
        return data.draw(st.one_of(st.sampled_from(field.options or [""]), TEXT))
    return text


@pytest.mark.parametrize("who,path", PAGES)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_forms_survive_random_input(app, people, who, path, data):
    client = app.test_client()
    if who:
        with client.session_transaction() as session:
            session["_user_id"] = str(people[who].id)
    url = path.format(application=people["application"].id, teacher=people["teacher"].id)
    page = client.get(url)
    assert page.status_code == 200
    for form in post_forms(page.get_data(as_text=True), url):
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
                kept = value.replace("\x00", "").strip()
                assert str(escape(kept)) in body, (name, kept[:80])
