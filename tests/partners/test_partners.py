"""An application's partners: create, edit, conflict, remove, and the audit trail of each."""

from __future__ import annotations

from datetime import datetime

from webapp.core.audit import AuditEvent
from webapp.core.i18n import STOCKHOLM
from webapp.partners.models import Partner, PartnerStatus

FORM = {
    "name": "Gladsaxe Gymnasium",
    "kind": "school_authority",
    "country": "DK",
    "city": "Gladsaxe",
    "oid": "e10000001",
    "contact_name": "Mette Holm",
    "contact_email": "mette@example.org",
    "status": "contacted",
    "notes": "",
}


def _partners(db, application):
    db.session.rollback()
    return list(
        db.session.scalars(db.select(Partner).where(Partner.application_id == application.id).order_by(Partner.id))
    )


def _events(db, application):
    return [
        (e.action, e.changes)
        for e in db.session.scalars(
            db.select(AuditEvent)
            .where(AuditEvent.object_id == application.id, AuditEvent.action.like("partner.%"))
            .order_by(AuditEvent.id)
        )
    ]


def test_create_stores_the_partner_and_records_it(login, make, db):
    application = make.application()
    response = login(application.owner).post(f"/applications/{application.id}/partners/new", data=FORM)
    assert response.status_code == 302
    (partner,) = _partners(db, application)
    assert (partner.name, partner.kind, partner.country, partner.oid, partner.status) == (
        "Gladsaxe Gymnasium",
        "school_authority",  # what KA240's composition counts
        "DK",
        "E10000001",
        "contacted",
    )
    ((action, changes),) = _events(db, application)
    assert action == "partner.created" and changes["name"] == [None, "Gladsaxe Gymnasium"]


def test_bad_input_is_explained_and_kept(login, make, db):
    application = make.application()
    response = login(application.owner).post(
        f"/applications/{application.id}/partners/new",
        data={**FORM, "oid": "123", "contact_email": "not-an-address", "country": "XX", "kind": "castle"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("oid", "contact_email", "country", "kind"):
        assert f'id="{field}-error"' in page
    assert 'value="Gladsaxe Gymnasium"' in page and 'value="123"' in page  # what was typed stays
    assert _partners(db, application) == []


def test_edit_changes_only_over_the_loaded_version(login, make, db):
    application = make.application()
    partner = make.partner(application, name="Gammalt namn", status=PartnerStatus.IDENTIFIED)
    client = login(application.owner)
    url = f"/applications/{application.id}/partners/{partner.id}"
    response = client.post(url, data={**FORM, "name": "Nytt namn", "loaded_version": partner.version})
    assert response.status_code == 302
    (stored,) = _partners(db, application)
    assert stored.name == "Nytt namn" and stored.version == 2
    assert _events(db, application)[-1] == (
        "partner.updated",
        {
            "name": ["Gammalt namn", "Nytt namn"],
            "kind": ["school", "school_authority"],
            "status": ["identified", "contacted"],
            "city": ["", "Gladsaxe"],
            "oid": [None, "E10000001"],
            "contact_name": ["", "Mette Holm"],
            "contact_email": ["", "mette@example.org"],
            "status_since": [None, datetime.now(STOCKHOLM).date().isoformat()],  # the status changed today
        },
    )


def test_a_stale_edit_is_a_conflict_that_keeps_both(login, make, db):
    application = make.application()
    partner = make.partner(application, name="Gladsaxe")
    client = login(application.owner)
    url = f"/applications/{application.id}/partners/{partner.id}"
    assert client.post(url, data={**FORM, "name": "Först", "loaded_version": 1}).status_code == 302
    response = client.post(url, data={**FORM, "name": "Sedan", "loaded_version": 1})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'value="Sedan"' in page and "Först" in page  # the user's text and the stored one
    assert _partners(db, application)[0].name == "Först"
    assert client.post(url, data={**FORM, "name": "Sedan"}).status_code == 409  # no version at all: a conflict too


def test_remove_deletes_and_records_it(login, make, db):
    application = make.application()
    partner = make.partner(application, name="Pirkkala")
    response = login(application.owner).post(f"/applications/{application.id}/partners/{partner.id}/remove")
    assert response.status_code == 302
    assert _partners(db, application) == []
    action, changes = _events(db, application)[-1]
    assert action == "partner.removed" and changes["name"] == ["Pirkkala", None]


def test_a_removal_can_be_undone_once_with_every_field_back(login, make, db):
    """A partner was removed with one click and no way back (issue 11)."""
    application = make.application()
    partner = make.partner(application, name="Pirkkala lukio", country="FI", status=PartnerStatus.CONFIRMED)
    partner.contact_email, partner.notes = "rektor@pirkkala.example.org", "Vänort sedan 1990."
    db.session.commit()
    kept = {f: getattr(partner, f) for f in ("name", "country", "status", "contact_email", "notes")}
    client = login(application.owner)
    removed = client.post(f"/applications/{application.id}/partners/{partner.id}/remove")
    listing = client.get(removed.headers["Location"]).get_data(as_text=True)
    assert 'id="undo-removal"' in listing and "Pirkkala lukio" in listing
    undo = listing.split('id="undo-removal"')[1].split('action="')[1].split('"')[0]
    assert client.post(undo).status_code == 302
    (back,) = db.session.scalars(db.select(Partner).where(Partner.application_id == application.id))
    assert {f: getattr(back, f) for f in kept} == kept
    assert client.post(undo).status_code == 404  # undone once; a second click adds nothing
    assert len(_partners(db, application)) == 1
    assert 'id="undo-removal"' not in client.get(removed.headers["Location"]).get_data(as_text=True)
    assert [a for a, _c in _events(db, application)][-2:] == ["partner.removed", "partner.restored"]


def test_another_applications_removal_cannot_be_undone_here(login, make, db):
    application = make.application()
    other = make.application(application.school, owner=application.owner)
    partner = make.partner(other)
    db.session.commit()
    client = login(application.owner)
    event = client.post(f"/applications/{other.id}/partners/{partner.id}/remove").headers["Location"].split("=")[-1]
    assert client.post(f"/applications/{application.id}/partners/restore/{event}").status_code == 404
    assert _partners(db, application) == []


def test_a_partner_of_another_application_is_not_found(login, make):
    application = make.application()
    other = make.application(application.school)
    stranger = make.partner(other)
    client = login(application.owner)
    assert client.get(f"/applications/{application.id}/partners/{stranger.id}").status_code == 404
    assert client.post(f"/applications/{application.id}/partners/{stranger.id}/remove").status_code == 404
    assert client.get(f"/applications/{application.id}/partners/{stranger.id}/letter.pdf").status_code == 404


def test_the_pipeline_groups_by_status_and_marks_ineligible_countries(login, make):
    application = make.application(action_key="NPJ-MOBILITY", call_round="2027-R1")
    make.partner(application, name="Ski skole", country="NO", status=PartnerStatus.CONFIRMED)
    make.partner(application, name="Liceo Bologna", country="IT", status=PartnerStatus.IDENTIFIED)
    page = login(application.owner).get(f"/applications/{application.id}/partners/").get_data(as_text=True)
    confirmed = page.split('id="col-confirmed"')[1].split("</section>")[0]
    identified = page.split('id="col-identified"')[1].split("</section>")[0]
    assert "Ski skole" in confirmed and "Liceo Bologna" in identified
    assert "warning-text" in identified and "warning-text" not in confirmed
