import re

import pytest

from webapp.auth.models import Membership, Role, User
from webapp.core.audit import AuditEvent
from webapp.organisations.models import School


@pytest.fixture
def admin(make):
    return make.user(Role.ADMIN, organisation=make.organisation("Solna stad"))


def test_add_school_and_edit_it(login, admin, db):
    client = login(admin)
    response = client.post(
        "/admin/schools/new",
        data={
            "name": "Solna Gymnasium",
            "city": "Solna",
            "country": "SE",
            "oid": "e10234567",
            "pic": "",
            "address": "",
        },
    )
    assert response.status_code == 302
    school = db.session.scalar(db.select(School))
    assert school.oid == "E10234567" and school.pic is None
    assert school.organisation_id == admin.memberships[0].organisation_id
    response = client.post(
        f"/admin/schools/{school.id}",
        data={"name": "Solna gymnasium", "city": "Solna", "country": "SE", "oid": "E10234567", "pic": "123456789"},
    )
    assert response.status_code == 302
    db.session.refresh(school)
    assert school.name == "Solna gymnasium" and school.pic == "123456789"
    assert (
        db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "school"))
        == 2
    )


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"name": "", "oid": ""}, "name", "Ange skolans namn."),
        ({"name": "S", "oid": "12345678"}, "oid", "bokstaven E följd av 8 siffror"),
        ({"name": "S", "oid": "E1234"}, "oid", "bokstaven E följd av 8 siffror"),
        ({"name": "S", "oid": "", "pic": "12ab"}, "pic", "exakt 9 siffror"),
        ({"name": "S", "oid": "", "country": "US"}, "country", "Inte ett giltigt val"),
    ],
)
def test_school_form_explains_bad_input(login, admin, db, data, field, message):
    payload = {"city": "Solna", "country": "SE", "pic": "", "address": "Gatan 1", **data}
    response = login(admin).post("/admin/schools/new", data=payload)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page
    assert 'value="Gatan 1"' in page
    assert db.session.scalar(db.select(db.func.count()).select_from(School)) == 0


def test_oid_is_unique(login, admin, make):
    make.school(admin.memberships[0].organisation, oid="E10000099")
    response = login(admin).post("/admin/schools/new", data={"name": "Ny", "country": "SE", "oid": "E10000099"})
    assert response.status_code == 422
    assert "En annan skola har redan detta OID" in response.get_data(as_text=True)


def test_invite_creates_the_account_and_mails_a_link(login, admin, make, db, outbox, client):
    school = make.school(admin.memberships[0].organisation)
    response = login(admin).post(
        "/admin/users/invite",
        data={
            "name": "Amir Haddad",
            "email": "Amir@Example.org",
            "role": "teacher",
            "school_id": school.id,
            "language": "en",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "amir@example.org"))
    assert user.password_hash is None and [(m.role, m.school_id) for m in user.memberships] == [("teacher", school.id)]
    assert outbox[0]["Subject"] == "You are invited to Grantpath"
    link = re.search(r"http://grantpath\.test(/\S+)", outbox[0].get_content()).group(1)
    invited = client.post(link, data={"password": "my own long password", "confirm": "my own long password"})
    assert invited.status_code == 302
    db.session.refresh(user)
    assert user.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize(
    "role,school,message",
    [("teacher", "", "Lärare och rektorer hör till en skola"), ("coordinator", "SCHOOL", "välj ingen skola")],
)
def test_invite_checks_role_and_school(login, admin, make, db, role, school, message):
    school_obj = make.school(admin.memberships[0].organisation)
    data = {
        "name": "X",
        "email": "x@example.org",
        "role": role,
        "school_id": school_obj.id if school else "",
        "language": "sv",
    }
    response = login(admin).post("/admin/users/invite", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_invite_cannot_use_a_school_of_another_organisation(login, admin, make, db):
    foreign = make.school()
    response = login(admin).post(
        "/admin/users/invite",
        data={"name": "X", "email": "x@example.org", "role": "teacher", "school_id": foreign.id, "language": "sv"},
    )
    assert response.status_code == 422
    assert db.session.scalar(db.select(User).where(User.email == "x@example.org")) is None


def test_invite_refuses_an_address_of_another_organisation(login, admin, make):
    make.user(Role.TEACHER, email="taken@example.org")
    response = login(admin).post(
        "/admin/users/invite",
        data={"name": "X", "email": "taken@example.org", "role": "coordinator", "school_id": "", "language": "sv"},
    )
    assert response.status_code == 422 and "en annan organisation" in response.get_data(as_text=True)


def test_roles_can_be_added_and_removed_but_not_the_last_admin(login, admin, make, db):
    org = admin.memberships[0].organisation
    school = make.school(org)
    teacher = make.user(Role.TEACHER, school=school)
    client = login(admin)
    assert (
        client.post(
            f"/admin/users/{teacher.id}/roles", data={"m-role": "principal", "m-school_id": school.id}
        ).status_code
        == 302
    )
    duplicate = client.post(f"/admin/users/{teacher.id}/roles", data={"m-role": "principal", "m-school_id": school.id})
    assert duplicate.status_code == 422 and "redan den här rollen" in duplicate.get_data(as_text=True)
    db.session.refresh(teacher)
    assert sorted(m.role for m in teacher.memberships) == ["principal", "teacher"]
    own_admin = admin.memberships[0].id
    response = client.post(f"/admin/users/{admin.id}/roles/{own_admin}/remove", follow_redirects=True)
    assert "minst en administratör" in response.get_data(as_text=True)
    assert db.session.get(Membership, own_admin) is not None


def test_admin_cannot_close_own_account(login, admin):
    response = login(admin).post(f"/admin/users/{admin.id}", data={"name": admin.name, "language": "sv"})
    assert response.status_code == 422 and "ditt eget konto" in response.get_data(as_text=True)


def test_closed_account_is_signed_out(login, admin, make, db):
    teacher = make.user(Role.TEACHER, organisation=admin.memberships[0].organisation)
    teacher_client = login(teacher)
    assert teacher_client.get("/applications/").status_code == 200
    from support import sign_in_as
    from webapp import create_app  # noqa: F401

    admin_client = teacher_client.application.test_client()
    sign_in_as(admin_client, admin)
    assert (
        admin_client.post(f"/admin/users/{teacher.id}", data={"name": teacher.name, "language": "sv"}).status_code
        == 302
    )
    assert teacher_client.get("/applications/").status_code == 302


def test_audit_log_lists_changes(login, admin, make):
    client = login(admin)
    client.post("/admin/organisation", data={"name": "Solna kommun", "kind": "municipality", "country": "SE"})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "organisation.updated" in page and "Solna stad → Solna kommun" in page
