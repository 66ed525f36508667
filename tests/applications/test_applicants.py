"""Who may apply is programme data (`eligibility.applicants`): a school, or the organisation's
applying body. Each row cites the docs/sources/ heading its rule comes from; the refusal stands next
to the school field, names the action and both kinds, and keeps what was typed."""

from __future__ import annotations

import pytest

from pages import field_errors
from webapp.applications.models import Application
from webapp.auth.models import Role
from webapp.organisations.models import SchoolKind
from webapp.programmes import registry

KA240 = "docs/sources/erasmus-plus-school-2026.md#ka240-sch"
KA122 = "docs/sources/erasmus-plus-school-2026.md#ka122-sch"
KA121 = "docs/sources/erasmus-plus-school-2026.md#ka121-sch"
KA2 = "docs/sources/erasmus-plus-school-2026.md#ka2-partnerships"
NORDPLUS = "docs/sources/nordplus-junior-2026.md#who-may-coordinate"

# (source, action, the applying unit's kind, allowed)
ROWS = [
    (KA240, "KA240-SCH", SchoolKind.SCHOOL_AUTHORITY, True),
    (KA240, "KA240-SCH", SchoolKind.SCHOOL, False),
    (KA121, "KA121-SCH", SchoolKind.SCHOOL_AUTHORITY, True),  # the consortium's coordinator
    (KA121, "KA121-SCH", SchoolKind.SCHOOL, True),
    (KA122, "KA122-SCH", SchoolKind.PRESCHOOL, True),
    (KA122, "KA122-SCH", SchoolKind.CULTURE_SCHOOL, False),
    (KA2, "KA210-SCH", SchoolKind.CULTURE_SCHOOL, True),  # any eligible organisation
    (NORDPLUS, "NPJ-MOBILITY", SchoolKind.CULTURE_SCHOOL, True),
    (NORDPLUS, "NPJ-MOBILITY", SchoolKind.SCHOOL_AUTHORITY, False),  # a municipality is a partner only
    (NORDPLUS, "NPJ-DEVELOPMENT", SchoolKind.SCHOOL_AUTHORITY, False),
]


def _open_call(action: str) -> str:
    definition, rounds = next((d, r) for d, r in registry.open_rounds_now() if d.key == action)
    return f"{definition.key}/{rounds[0].id}"


@pytest.mark.parametrize(("source", "action", "kind", "allowed"), ROWS)
def test_who_may_apply(login, make, db, source, action, kind, allowed):
    unit = make.school(name="Utbildningsförvaltningen" if kind == SchoolKind.SCHOOL_AUTHORITY else "Enheten")
    unit.kind = kind
    teacher = make.user(Role.TEACHER, school=unit)
    db.session.commit()
    data = {"title": "Skolutveckling i Östersjöregionen", "call": _open_call(action), "school_id": unit.id}
    response = login(teacher).post("/applications/new", data=data)
    created = db.session.scalar(db.select(db.func.count()).select_from(Application))
    if allowed:
        assert response.status_code == 302 and created == 1, source
        return
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and created == 0, source
    message = field_errors(page)["school_id"]
    assert action in message and unit.name in message, source
    assert "Skolutveckling i Östersjöregionen" in page  # what was typed is kept


def test_an_application_kept_as_it_is_saves_although_the_unit_changed_kind(login, make, db):
    """The rule is checked when an application is started or moved, not on every later save: an
    admin changing a unit's kind does not lock its team out of the title."""
    application = make.application(action_key="KA240-SCH")  # started by the education department
    application.school.kind = SchoolKind.SCHOOL  # then registered as a school
    db.session.commit()
    client = login(application.owner)
    data = {
        "title": "Ny titel",
        "call": f"{application.action_key}/{application.call_round}",
        "school_id": application.school_id,
        "version": application.version,
    }
    assert client.post(f"/applications/{application.id}/edit", data=data).status_code == 302
    assert db.session.get(Application, application.id).title == "Ny titel"
