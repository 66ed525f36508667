"""The public portfolio: granted projects the teams marked public, for anyone, without personal data."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale

from webapp.applications.models import Outcome
from webapp.auth.models import Role
from webapp.lifecycle import Status
from webapp.partners.models import PartnerStatus


def _granted(make, school, title, status=Status.REPORTING, public=True, summary=""):
    application = make.application(school, title=title, status=status)
    make.partner(
        application,
        country="FI",
        status=PartnerStatus.CONFIRMED,
        contact_name="Aino Lehtinen",
        contact_email="aino@example.org",
    )
    application.outcome = Outcome(
        granted=True,
        amount_eur=60000,
        project_start=date(2027, 9, 1),
        project_end=date(2029, 8, 31),
        public=public,
        final_summary=summary,
    )
    return application


def test_anyone_sees_the_public_projects_and_nothing_personal(client, make, db):
    organisation = make.organisation("Solna stad", portfolio_public=True)
    school = make.school(organisation)
    shown = _granted(make, school, "Läsglädje med Valmiera", status=Status.CLOSED, summary="Eleverna skrev en bok.")
    running = _granted(make, school, "Idrott i Europa")
    _granted(make, school, "Inte offentlig", public=False)
    make.application(school, title="Ett utkast")
    rejected = make.application(school, title="Inte beviljad", status=Status.REJECTED)
    rejected.outcome = Outcome(granted=False, public=True, feedback="Svag plan.")
    db.session.commit()
    page = client.get(f"/portfolio/{organisation.id}").get_data(as_text=True)  # not signed in
    titles = [t.split("</h2>")[0] for t in page.split('<li class="card portfolio-project">\n    <h2>')[1:]]
    assert sorted(titles) == sorted([shown.title, running.title])
    assert "Eleverna skrev en bok." in page and "Svag plan." not in page
    for personal in (shown.owner.name, shown.owner.email, "Aino Lehtinen", "aino@example.org"):
        assert personal not in page
    with force_locale("sv"):
        from webapp.programmes.rules import country_name

        assert country_name("FI") in page  # the partner's country, in the reader's language


def test_an_unpublished_portfolio_does_not_exist(client, make, db):
    organisation = make.organisation("Lunds kommun")
    _granted(make, make.school(organisation), "Hemligt projekt")
    db.session.commit()
    assert client.get(f"/portfolio/{organisation.id}").status_code == 404
    assert client.get("/portfolio/999999").status_code == 404


def test_the_admin_publishes_it(login, make, db):
    admin = make.user(Role.ADMIN)
    organisation = admin.memberships[0].organisation
    response = login(admin).post(
        "/admin/organisation",
        data={"name": organisation.name, "kind": "municipality", "country": "SE", "portfolio_public": "y"},
    )
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(type(organisation), organisation.id).portfolio_public is True
