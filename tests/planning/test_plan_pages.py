import pytest

from pages import field_errors, invalid_fields
from webapp.auth.models import Role


@pytest.fixture
def admin(make):
    return make.user(Role.ADMIN, organisation=make.organisation("Solna stad"))


BASE = {"name": "Solna stad", "kind": "municipality", "country": "SE"}


def test_admin_sets_and_clears_lead_days(login, admin, db):
    organisation = admin.memberships[0].organisation
    client = login(admin)
    response = client.post(
        "/admin/organisation", data={**BASE, "lead_partners_confirmed": "30", "lead_draft_complete": ""}
    )
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.milestone_lead_days == {"partners_confirmed": 30}
    assert 'value="30"' in client.get("/admin/organisation").get_data(as_text=True)
    assert client.post("/admin/organisation", data=BASE).status_code == 302
    db.session.refresh(organisation)
    assert organisation.milestone_lead_days is None


@pytest.mark.parametrize("typed", ["abc", "121", "-3", "2.5", "²"])
def test_admin_lead_days_bad_input_is_said_at_the_field_and_kept(login, admin, db, typed):
    organisation = admin.memberships[0].organisation
    response = login(admin).post(
        "/admin/organisation", data={**BASE, "lead_principal_approval": typed, "lead_partners_confirmed": "25"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert set(field_errors(page)) == {"lead_principal_approval"} == invalid_fields(page)
    assert f'value="{typed}"' in page and 'value="25"' in page
    db.session.refresh(organisation)
    assert organisation.milestone_lead_days is None


def test_overview_shows_the_plan(login, make):
    application = make.application()
    page = login(application.owner).get(f"/applications/{application.id}").get_data(as_text=True)
    assert 'id="plan"' in page and 'id="milestone-partners_confirmed"' in page
    assert 'id="milestone-coordinator_signoff"' not in page
