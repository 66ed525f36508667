"""The partner pipeline: identified → contacted → interested → confirmed, or declined; the day each
status was reached, the next step, what the rules count, and an undone removal that keeps it all."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import force_locale

from pages import parse
from webapp.core.i18n import STOCKHOLM
from webapp.directory.models import DirectoryEntry
from webapp.partners.models import Partner, PartnerStatus
from webapp.sections import services as sections

FORM = {"name": "Tartu kool", "kind": "school", "country": "EE", "city": "Tartu", "status": "contacted"}


def test_the_day_of_the_status_and_the_next_step_are_kept_and_shown(login, make, db):
    application = make.application()
    client = login(application.owner)
    data = {**FORM, "next_step": "Skicka avsiktsförklaringen", "next_step_due": "2027-01-15"}
    assert client.post(f"/applications/{application.id}/partners/new", data=data).status_code == 302
    db.session.rollback()
    partner = db.session.scalar(db.select(Partner))
    assert partner.status_since == datetime.now(STOCKHOLM).date()
    assert (partner.next_step, partner.next_step_due) == ("Skicka avsiktsförklaringen", date(2027, 1, 15))
    page = client.get(f"/applications/{application.id}/partners/").get_data(as_text=True)
    assert "Skicka avsiktsförklaringen" in page and "15 januari 2027" in page


def test_the_day_changes_only_with_the_status(login, make, db):
    application = make.application()
    partner = make.partner(application, status=PartnerStatus.CONTACTED, status_since=date(2026, 9, 1))
    db.session.commit()
    url = f"/applications/{application.id}/partners/{partner.id}"
    client = login(application.owner)
    same = {**FORM, "name": partner.name, "notes": "Ringde", "loaded_version": partner.version}
    assert client.post(url, data=same).status_code == 302
    db.session.rollback()
    assert db.session.get(Partner, partner.id).status_since == date(2026, 9, 1)
    moved = {**same, "status": "interested", "loaded_version": db.session.get(Partner, partner.id).version}
    assert client.post(url, data=moved).status_code == 302
    db.session.rollback()
    assert db.session.get(Partner, partner.id).status_since == datetime.now(STOCKHOLM).date()


def test_a_bad_date_is_refused_at_the_field_and_kept(login, make, db):
    application = make.application()
    response = login(application.owner).post(
        f"/applications/{application.id}/partners/new", data={**FORM, "next_step_due": "15/1 nästa år"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="next_step_due-error"' in page
    assert 'value="Tartu kool"' in page
    assert db.session.scalars(db.select(Partner)).all() == []


def test_only_confirmed_partners_count_and_the_rule_names_what_is_missing(app, make, db):
    application = make.application(action_key="KA210-SCH")
    make.partner(application, "Gladsaxe Gymnasium", "DK", status=PartnerStatus.DECLINED)
    make.partner(application, "Pirkkalan yhteiskoulu", "FI", status=PartnerStatus.INTERESTED)
    db.session.commit()
    with app.test_request_context(), force_locale("en"):
        confirmed = [p.confirmed for p in sections.participants(application)]
        problems = [str(p.message) for p in sections.report(application).problems if p.page]
    assert confirmed == [True, False, False]  # the applicant counts; declined and interested do not
    assert problems == [
        "Partners: 1 confirmed of at least 2, from at least 2 eligible countries (KA210-SCH) So far 1 country: SE."
    ]


def test_an_undone_removal_brings_back_the_next_step_and_the_directory_link(login, make, db):
    application = make.application()
    entry = DirectoryEntry(organisation_id=application.organisation_id, name="Tartu kool", country="EE")
    db.session.add(entry)
    db.session.flush()
    partner = make.partner(
        application,
        "Tartu kool",
        "EE",
        status=PartnerStatus.INTERESTED,
        next_step="Ring rektorn",
        next_step_due=date(2027, 2, 1),
        status_since=date(2026, 10, 5),
        directory_entry_id=entry.id,
    )
    db.session.commit()
    client = login(application.owner)
    removed = client.post(f"/applications/{application.id}/partners/{partner.id}/remove")
    event_id = int(removed.headers["Location"].rsplit("removed=", 1)[1])
    assert client.post(f"/applications/{application.id}/partners/restore/{event_id}").status_code == 302
    db.session.rollback()
    (back,) = db.session.scalars(db.select(Partner).where(Partner.application_id == application.id))
    assert (back.status, back.status_since, back.next_step, back.next_step_due, back.directory_entry_id) == (
        "interested",
        date(2026, 10, 5),  # back as it was, not "since today"
        "Ring rektorn",
        date(2027, 2, 1),
        entry.id,
    )


def test_the_partner_marked_coordinator_is_shown_so(login, make, db):
    application = make.application(action_key="NPJ-MOBILITY")
    partner = make.partner(application, "Tartu kool", "EE")
    db.session.commit()
    client = login(application.owner)
    url = f"/applications/{application.id}/partners/"
    before = client.get(url).get_data(as_text=True)
    assert 'id="coordinator-role"' in before and 'class="badge' not in before  # nobody is marked yet
    items = {"applicant": {"role": "partner"}, partner.org_key: {"role": "coordinator"}}
    sections.save_section(application.owner, application, "organisations", {"items": items}, 0)
    db.session.commit()
    page = parse(client.get(url).get_data(as_text=True))
    card = next(c for c in page.find_all("li", cls="partner-card") if "Tartu kool" in c.text())
    assert card.find("span", cls="badge") is not None


def test_a_one_line_field_keeps_no_line_break(login, make, db):
    """A name ends up in a mail's attachment name and a title in its subject: one line each."""
    application = make.application()
    data = {**FORM, "name": "Tartu\r\nBcc: someone@example.org kool"}
    assert login(application.owner).post(f"/applications/{application.id}/partners/new", data=data).status_code == 302
    db.session.rollback()
    assert db.session.scalar(db.select(Partner.name)) == "Tartu Bcc: someone@example.org kool"
