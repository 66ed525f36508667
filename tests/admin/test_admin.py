import re

import pytest
from wtforms.validators import DataRequired, Regexp

from pages import field_errors, flashes, form_errors, invalid_fields, say, validator_message
from webapp.admin import services as admin_services
from webapp.admin.forms import InviteForm, SchoolForm
from webapp.admin.services import AdminError
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
    "data,field,rule",
    [
        ({"name": "", "oid": ""}, "name", DataRequired),
        ({"name": "S", "oid": "12345678"}, "oid", Regexp),
        ({"name": "S", "oid": "E1234"}, "oid", Regexp),
        ({"name": "S", "oid": "", "pic": "12ab"}, "pic", Regexp),
        ({"name": "S", "oid": "", "country": "US"}, "country", None),  # not one of the select's options
    ],
)
def test_school_form_explains_bad_input(app, login, admin, db, data, field, rule):
    payload = {"city": "Solna", "country": "SE", "pic": "", "address": "Gatan 1", **data}
    response = login(admin).post("/admin/schools/new", data=payload)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    expected = form_errors(app, SchoolForm, payload)
    assert set(expected) == {field} and field_errors(page) == expected  # the form's message, next to that field
    assert invalid_fields(page) == {field}
    if rule is not None:  # and it is the rule meant to refuse this input
        assert expected[field] == say(validator_message(getattr(SchoolForm, field), rule))
    assert 'value="Gatan 1"' in page
    assert db.session.scalar(db.select(db.func.count()).select_from(School)) == 0


def test_oid_is_unique(login, admin, make, db):
    make.school(admin.memberships[0].organisation, oid="E10000099")
    data = {"name": "Ny", "country": "SE", "oid": "E10000099"}
    response = login(admin).post("/admin/schools/new", data=data)
    assert response.status_code == 422
    with pytest.raises(AdminError) as clash:
        admin_services.save_school(admin, admin.memberships[0].organisation, None, data)
    assert clash.value.field == "oid"
    assert field_errors(response.get_data(as_text=True)) == {"oid": say(lambda: str(clash.value))}
    assert db.session.scalar(db.select(db.func.count()).select_from(School)) == 1


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
    assert [m["To"] for m in outbox] == ["amir@example.org"]
    link = re.search(r"http://grantpath\.test(/\S+)", outbox[0].get_content()).group(1)
    invited = client.post(link, data={"password": "my own long password", "confirm": "my own long password"})
    assert invited.status_code == 302
    db.session.refresh(user)
    assert user.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize("role,school", [("teacher", ""), ("coordinator", "SCHOOL")])
def test_invite_checks_role_and_school(app, login, admin, make, db, role, school):
    organisation = admin.memberships[0].organisation
    school_obj = make.school(organisation)
    data = {
        "name": "X",
        "email": "x@example.org",
        "role": role,
        "school_id": school_obj.id if school else "",
        "language": "sv",
    }
    response = login(admin).post("/admin/users/invite", data=data)
    assert response.status_code == 422
    expected = form_errors(app, lambda: InviteForm(schools=admin_services.schools(organisation)), data)
    assert set(expected) == {"school_id"} and field_errors(response.get_data(as_text=True)) == expected
    assert db.session.scalar(db.select(User).where(User.email == "x@example.org")) is None


def test_invite_cannot_use_a_school_of_another_organisation(login, admin, make, db):
    foreign = make.school()
    response = login(admin).post(
        "/admin/users/invite",
        data={"name": "X", "email": "x@example.org", "role": "teacher", "school_id": foreign.id, "language": "sv"},
    )
    assert response.status_code == 422
    assert db.session.scalar(db.select(User).where(User.email == "x@example.org")) is None


def test_inviting_an_address_of_another_organisation_reveals_nothing(login, admin, make, db, outbox):
    """An admin who types an address used in another organisation learns nothing about that account:
    the answer is the one for a new person. Nothing is added; the address's owner is told instead."""
    taken = make.user(Role.TEACHER, email="taken@example.org", language="en")
    elsewhere = taken.memberships[0].organisation_id
    client = login(admin)

    def invite(email):
        data = {"name": "Kim Berg", "email": email, "role": "coordinator", "school_id": "", "language": "sv"}
        response = client.post("/admin/users/invite", data=data)
        return response, client.get(response.headers.get("Location", "/admin/users"))

    fresh, fresh_next = invite("new@example.org")
    hidden, hidden_next = invite("Taken@Example.org")
    assert (hidden.status_code, hidden.headers.get("Location")) == (fresh.status_code, fresh.headers["Location"])
    assert hidden.get_data() == fresh.get_data()
    assert flashes(hidden_next.get_data(as_text=True)) == flashes(fresh_next.get_data(as_text=True))
    db.session.rollback()
    assert [m.organisation_id for m in db.session.get(User, taken.id).memberships] == [elsewhere]
    assert [m["To"] for m in outbox] == ["new@example.org", "taken@example.org"]
    notice = outbox[1].get_content()
    assert "Solna stad" in notice and admin.name in notice and "/invitation/" not in notice


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
    assert duplicate.status_code == 422
    db.session.refresh(teacher)
    assert sorted(m.role for m in teacher.memberships) == ["principal", "teacher"]
    with pytest.raises(AdminError) as twice:
        admin_services.grant_role(admin, org, teacher, Role.PRINCIPAL, school.id)
    assert field_errors(duplicate.get_data(as_text=True)) == {"m-role": say(lambda: str(twice.value))}
    own_admin = admin.memberships[0].id
    response = client.post(f"/admin/users/{admin.id}/roles/{own_admin}/remove")
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/users/{admin.id}"
    assert db.session.get(Membership, own_admin) is not None
    with pytest.raises(AdminError) as last:
        admin_services.remove_membership(admin, org, admin, own_admin)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert flashes(page) == [("error", say(lambda: str(last.value)))]


def test_admin_cannot_close_own_account(login, admin, db):
    data = {"name": admin.name, "language": "sv"}  # "active" unticked
    response = login(admin).post(f"/admin/users/{admin.id}", data=data)
    assert response.status_code == 422
    with pytest.raises(AdminError) as refused:
        admin_services.update_user(admin, admin.memberships[0].organisation, admin, {**data, "active": False})
    assert field_errors(response.get_data(as_text=True)) == {"active": say(lambda: str(refused.value))}
    db.session.rollback()
    assert db.session.get(User, admin.id).active is True


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
