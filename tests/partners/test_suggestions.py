"""Suggested partners from the directory: only countries that count, ranked by what they share with the
application, earlier cooperation, twin towns and distance, each with its reasons; adding one links it;
a confirmed partner teaches the directory."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from webapp.core.audit import AuditEvent
from webapp.directory import suggestions
from webapp.directory.models import DirectoryEntry
from webapp.lifecycle import Status
from webapp.partners.models import Partner, PartnerStatus


def _entry(db, organisation, name, country, city="", **kw):
    entry = DirectoryEntry(organisation_id=organisation.id, name=name, country=country, city=city, **kw)
    db.session.add(entry)
    db.session.flush()
    return entry


@pytest.fixture
def nordplus(make, db):
    """A Nordplus application of a Solna school, and a directory with a twin town and schools."""
    school = make.school(city="Solna")
    application = make.application(school=school, action_key="NPJ-MOBILITY", call_round="2027-R1", title="Läsglädje")
    org = school.organisation
    _entry(db, org, "Pirkkala", "FI", "Pirkkala", entry_kind="twin_town", source="twin_town")
    _entry(db, org, "Pirkkalan yhteiskoulu", "FI", "Pirkkala", topics="sport")
    _entry(db, org, "Lycée de Tours", "FR", "Tours", topics="läsning")  # France: not in Nordplus
    _entry(db, org, "Tartu kool", "EE", "Tartu", topics="läsglädje, klimat", levels="årskurs 7")
    _entry(db, org, "Reykjavik skóli", "IS", "Reykjavík")
    _entry(db, make.organisation(), "Helsingin koulu", "FI", "Helsinki", topics="läsglädje")  # another directory
    db.session.commit()
    return application


def _ranked(application, wanted=""):
    return [(s.entry.name, s.score) for s in suggestions.suggest(application, application.owner, wanted)]


# (words looked for, the order expected): the twin-town school leads on its own; words in common
# lift the school that lists them; France (not Nordplus) and another organisation's entry never appear.
RANKING_ROWS = [
    ("", ["Pirkkalan yhteiskoulu", "Tartu kool", "Reykjavik skóli"]),  # "Läsglädje" is the title
    ("sport", ["Pirkkalan yhteiskoulu", "Tartu kool", "Reykjavik skóli"]),
    ("klimat läsglädje årskurs 7", ["Tartu kool", "Pirkkalan yhteiskoulu", "Reykjavik skóli"]),
]


@pytest.mark.parametrize("wanted,expected", RANKING_ROWS)
def test_suggestions_rank_the_countries_that_count(app, nordplus, wanted, expected):
    with app.test_request_context(), force_locale("en"):
        assert [name for name, _score in _ranked(nordplus, wanted)] == expected


def test_each_suggestion_says_why(app, nordplus):
    with app.test_request_context(), force_locale("en"):
        found = {
            s.entry.name: [str(r) for r in s.reasons]
            for s in suggestions.suggest(nordplus, nordplus.owner, "klimat årskurs 7")
        }
    assert found["Pirkkalan yhteiskoulu"][0].startswith("Finland counts for NPJ-MOBILITY")
    assert "In Pirkkala, a twin town: Pirkkala." in found["Pirkkalan yhteiskoulu"]
    assert "Topics in common: klimat." in found["Tartu kool"]
    assert "School levels: årskurs 7." in found["Tartu kool"]
    assert any(r.endswith("km away.") for r in found["Tartu kool"])  # Solna–Tartu is near


def test_earlier_cooperation_and_how_it_went_count(app, make, db, nordplus):
    org = nordplus.school.organisation
    tartu = db.session.scalar(db.select(DirectoryEntry).where(DirectoryEntry.name == "Tartu kool"))
    reykjavik = db.session.scalar(db.select(DirectoryEntry).where(DirectoryEntry.name == "Reykjavik skóli"))
    granted = make.application(school=nordplus.school, action_key="NPJ-MOBILITY", title="Vatten", status=Status.GRANTED)
    make.partner(granted, "Reykjavik skóli", "IS", directory_entry_id=reykjavik.id)
    refused = make.application(school=nordplus.school, action_key="NPJ-MOBILITY", title="Musik")
    make.partner(refused, "Tartu kool", "EE", status=PartnerStatus.DECLINED, directory_entry_id=tartu.id)
    db.session.commit()
    assert org.id == tartu.organisation_id
    with app.test_request_context(), force_locale("en"):
        ranked = {s.entry.name: s for s in suggestions.suggest(nordplus, nordplus.owner)}
        reasons = {name: [str(r) for r in s.reasons] for name, s in ranked.items()}
    assert "Partner in “Vatten” (NPJ-MOBILITY 2027-R1): Granted." in reasons["Reykjavik skóli"]
    assert "Declined to join “Musik” (NPJ-MOBILITY 2027-R1)." in reasons["Tartu kool"]
    assert ranked["Reykjavik skóli"].score > ranked["Tartu kool"].score


def test_a_partner_already_on_the_application_is_not_suggested(app, make, db, nordplus):
    make.partner(nordplus, "Tartu kool", "EE", status=PartnerStatus.IDENTIFIED)
    db.session.commit()
    with app.test_request_context(), force_locale("en"):
        assert "Tartu kool" not in [name for name, _ in _ranked(nordplus)]


def test_the_page_lists_them_and_adding_one_links_the_partner(login, db, nordplus):
    client = login(nordplus.owner)
    page = client.get(f"/applications/{nordplus.id}/partners/suggestions").get_data(as_text=True)
    assert "Pirkkalan yhteiskoulu" in page and "Lycée de Tours" not in page and "Helsingin koulu" not in page
    entry = db.session.scalar(db.select(DirectoryEntry).where(DirectoryEntry.name == "Pirkkalan yhteiskoulu"))
    response = client.post(f"/applications/{nordplus.id}/partners/from-directory/{entry.id}")
    assert response.status_code == 302
    db.session.rollback()
    (partner,) = db.session.scalars(db.select(Partner).where(Partner.application_id == nordplus.id))
    assert (partner.name, partner.country, partner.city, partner.status, partner.directory_entry_id) == (
        "Pirkkalan yhteiskoulu",
        "FI",
        "Pirkkala",
        "identified",
        entry.id,
    )
    assert partner.status_since is not None


def test_an_entry_of_another_organisation_cannot_be_added(login, make, db, nordplus):
    elsewhere = _entry(db, make.organisation(), "Oslo skole", "NO", "Oslo")
    db.session.commit()
    response = login(nordplus.owner).post(f"/applications/{nordplus.id}/partners/from-directory/{elsewhere.id}")
    assert response.status_code == 404
    db.session.rollback()
    assert db.session.scalars(db.select(Partner).where(Partner.application_id == nordplus.id)).all() == []


FORM = {"name": "Tallinna Kool", "kind": "school", "country": "EE", "city": "Tallinn", "oid": "E10000009"}


def test_a_confirmed_partner_teaches_the_directory(login, db, nordplus):
    client = login(nordplus.owner)
    url = f"/applications/{nordplus.id}/partners/new"
    assert client.post(url, data={**FORM, "status": "contacted"}).status_code == 302
    db.session.rollback()
    assert db.session.scalar(db.select(DirectoryEntry).where(DirectoryEntry.name == "Tallinna Kool")) is None
    partner = db.session.scalar(db.select(Partner).where(Partner.name == "Tallinna Kool"))
    edit = f"/applications/{nordplus.id}/partners/{partner.id}"
    data = {**FORM, "status": "confirmed", "contact_email": "kool@example.org", "loaded_version": partner.version}
    assert client.post(edit, data=data).status_code == 302
    db.session.rollback()
    entry = db.session.scalar(db.select(DirectoryEntry).where(DirectoryEntry.name == "Tallinna Kool"))
    assert (entry.organisation_id, entry.source, entry.oid, entry.contact_email) == (
        nordplus.organisation_id,
        "earlier_project",
        "E10000009",
        "kool@example.org",
    )
    assert db.session.get(Partner, partner.id).directory_entry_id == entry.id
    assert db.session.scalar(db.select(AuditEvent.action).where(AuditEvent.object_type == "directoryentry")) == (
        "directory.created"
    )


def test_a_confirmed_partner_fills_in_only_what_its_entry_lacks(login, db, nordplus):
    tartu = db.session.scalar(db.select(DirectoryEntry).where(DirectoryEntry.name == "Tartu kool"))
    tartu.contact_email = "known@example.org"
    db.session.commit()
    client = login(nordplus.owner)
    data = {"name": "TARTU KOOL", "kind": "school", "country": "EE", "city": "Tartu", "status": "confirmed"}
    data |= {"oid": "E10000010", "contact_email": "new@example.org"}
    assert client.post(f"/applications/{nordplus.id}/partners/new", data=data).status_code == 302
    db.session.rollback()
    entry = db.session.get(DirectoryEntry, tartu.id)
    assert (entry.oid, entry.contact_email) == ("E10000010", "known@example.org")
    assert db.session.scalar(db.select(Partner.directory_entry_id).where(Partner.name == "TARTU KOOL")) == tartu.id
    assert db.session.scalar(db.select(db.func.count(DirectoryEntry.id)).where(DirectoryEntry.country == "EE")) == 1


def test_another_schools_applications_are_not_named_to_a_teacher(app, make, db, nordplus):
    """A teacher sees only their own school's applications; the suggestions say no more."""
    tartu = db.session.scalar(db.select(DirectoryEntry).where(DirectoryEntry.name == "Tartu kool"))
    other_school = make.school(nordplus.school.organisation)
    secret = make.application(school=other_school, action_key="NPJ-MOBILITY", title="Hemligt", status=Status.GRANTED)
    make.partner(secret, "Tartu kool", "EE", directory_entry_id=tartu.id)
    coordinator = make.user("coordinator", organisation=nordplus.school.organisation)
    db.session.commit()
    with app.test_request_context(), force_locale("en"):
        for_teacher = {
            s.entry.name: " ".join(map(str, s.reasons)) for s in suggestions.suggest(nordplus, nordplus.owner)
        }
        for_coordinator = {
            s.entry.name: " ".join(map(str, s.reasons)) for s in suggestions.suggest(nordplus, coordinator)
        }
    assert "Hemligt" not in for_teacher["Tartu kool"]
    assert "Hemligt" in for_coordinator["Tartu kool"]  # who sees every school sees it


def test_a_twin_town_or_a_network_is_no_partner_to_add_and_none_is_added_twice(login, db, nordplus):
    client = login(nordplus.owner)
    town = db.session.scalar(db.select(DirectoryEntry).where(DirectoryEntry.entry_kind == "twin_town"))
    assert client.post(f"/applications/{nordplus.id}/partners/from-directory/{town.id}").status_code == 404
    school = db.session.scalar(db.select(DirectoryEntry).where(DirectoryEntry.name == "Tartu kool"))
    for _ in range(2):
        assert client.post(f"/applications/{nordplus.id}/partners/from-directory/{school.id}").status_code == 302
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Partner.id)).where(Partner.application_id == nordplus.id)) == 1


def test_names_are_matched_case_folded_beyond_ascii(login, db, nordplus):
    _entry(db, nordplus.school.organisation, "École Freinet", "FR", "Vence")
    db.session.commit()
    data = {"name": "ÉCOLE FREINET", "kind": "school", "country": "FR", "city": "Vence", "status": "confirmed"}
    assert login(nordplus.owner).post(f"/applications/{nordplus.id}/partners/new", data=data).status_code == 302
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(DirectoryEntry.id)).where(DirectoryEntry.country == "FR")) == 2
    entry = db.session.scalar(db.select(DirectoryEntry).where(DirectoryEntry.name == "École Freinet"))
    assert db.session.scalar(db.select(Partner.directory_entry_id).where(Partner.name == "ÉCOLE FREINET")) == entry.id
