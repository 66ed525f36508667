"""The organisation's partner directory: search by words and filters (only countries that may take
part in a chosen action), a page at a time in a constant number of queries, entries added and
changed with bad input refused at the field, and nothing of another organisation's directory."""

from __future__ import annotations

import pytest

from pages import field_errors, parse
from querycount import count_queries
from webapp.auth.models import Role
from webapp.core.audit import AuditEvent
from webapp.directory import services
from webapp.directory.models import DirectoryEntry

FORM = {
    "entry_kind": "organisation",
    "name": "Pirkkalan yhteiskoulu",
    "kind": "school",
    "country": "FI",
    "city": "Pirkkala",
    "oid": "e10000001",
    "contact_name": "Aino Lehtinen",
    "contact_email": "aino.fi@example.org",
    "languages": "English, Finnish",
    "topics": "reading, climate",
    "levels": "years 7–9",
    "source": "twin_town",
    "notes": "",
}


@pytest.fixture
def teacher(make, db):
    teacher = make.user(Role.TEACHER)
    org = teacher.memberships[0].organisation
    rows = [
        ("Pirkkalan yhteiskoulu", "FI", "reading, climate", "twin_town"),
        ("Gladsaxe Gymnasium", "DK", "climate, food", "twin_town"),
        ("Gymnázium Praha", "CZ", "sustainability", "earlier_project"),
        ("Lycée Victor Hugo", "FR", "reading", "etwinning"),
        ("Ski videregående skole", "NO", "sport", "twin_town"),
        ("Sydslesvigs Gymnasium", "XS", "Danish minority", "own_contact"),
    ]
    for name, country, topics, source in rows:
        db.session.add(DirectoryEntry(organisation_id=org.id, name=name, country=country, topics=topics, source=source))
    db.session.add(DirectoryEntry(organisation_id=org.id, name="Tårnby", country="DK", kind="school_authority"))
    db.session.add(DirectoryEntry(organisation_id=org.id, name="Ängby förskola", country="FI", kind="preschool"))
    db.session.add(
        DirectoryEntry(organisation_id=make.organisation("Elsewhere").id, name="Other Gymnasium", country="FI")
    )
    db.session.commit()
    return teacher


def _names(user, **filters) -> list[str]:
    return [e.name for e in services.page(services.search(user, **filters), 1).items]


# (filters, the entries found): words search names, cities and topics; an action keeps the countries
# that count for it (Nordplus: Nordic and Baltic, Southern Schleswig; KA220: EU/associated).
SEARCH_ROWS = [
    ({}, ["Gladsaxe Gymnasium", "Gymnázium Praha", "Lycée Victor Hugo", "Pirkkalan yhteiskoulu", "Ski videregående skole", "Sydslesvigs Gymnasium", "Tårnby", "Ängby förskola"]),
    ({"words": "ÄNGBY"}, ["Ängby förskola"]),  # any case, beyond ASCII too
    ({"words": "tårn"}, ["Tårnby"]),
    ({"kind": "preschool"}, ["Ängby förskola"]),
    ({"kind": "school_authority", "country": "DK"}, ["Tårnby"]),
    ({"words": "climate"}, ["Gladsaxe Gymnasium", "Pirkkalan yhteiskoulu"]),
    ({"words": "CLIMATE pirkkala"}, ["Pirkkalan yhteiskoulu"]),  # every word, any case
    ({"words": "100%"}, []),  # a wildcard typed is a character searched for
    ({"words": "_"}, []),
    ({"country": "CZ"}, ["Gymnázium Praha"]),
    ({"source": "twin_town"}, ["Gladsaxe Gymnasium", "Pirkkalan yhteiskoulu", "Ski videregående skole"]),
    ({"action": "NPJ-MOBILITY"}, ["Gladsaxe Gymnasium", "Pirkkalan yhteiskoulu", "Ski videregående skole", "Sydslesvigs Gymnasium", "Tårnby", "Ängby förskola"]),
    ({"action": "KA220-SCH"}, ["Gladsaxe Gymnasium", "Gymnázium Praha", "Lycée Victor Hugo", "Pirkkalan yhteiskoulu", "Ski videregående skole", "Tårnby", "Ängby förskola"]),
]  # fmt: skip


@pytest.mark.parametrize("filters,expected", SEARCH_ROWS)
def test_search(app, teacher, filters, expected):
    assert _names(teacher, **filters) == expected  # never the other organisation's entry


def test_the_page_searches_with_the_filters_given_and_ignores_odd_ones(login, teacher):
    client = login(teacher)
    page = client.get("/directory?q=climate&country=XX&action=NOPE&page=%C2%B2").get_data(as_text=True)
    rows = parse(page).find("table").find_all("tr")[1:]
    assert [r.find("a").text() for r in rows] == ["Gladsaxe Gymnasium", "Pirkkalan yhteiskoulu"]
    assert 'value="climate"' in page


def test_a_nul_in_the_words_is_dropped_before_the_database_sees_it(login, teacher):
    client = login(teacher)  # PostgreSQL refuses a NUL in a parameter: the suite runs there too
    for url in ("/directory?q=clim%00ate", "/directory/export.csv?q=clim%00ate"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Gladsaxe Gymnasium" in response.get_data(as_text=True), url


def test_a_page_costs_the_same_queries_however_many_entries(login, make, db, teacher):
    client = login(teacher)
    with count_queries() as few:
        client.get("/directory")
    org = teacher.memberships[0].organisation
    db.session.add_all(DirectoryEntry(organisation_id=org.id, name=f"Skola {i:03}", country="FI") for i in range(120))
    db.session.commit()
    with count_queries() as many:
        page = client.get("/directory").get_data(as_text=True)
    assert len(many) == len(few)
    assert len(parse(page).find("table").find_all("tr")) - 1 == services.PER_PAGE and 'rel="next"' in page


def test_adding_an_entry_stores_it_and_logs_it(login, db, teacher):
    response = login(teacher).post(
        "/directory/new", data={**FORM, "organisation_id": teacher.memberships[0].organisation_id}
    )
    assert response.status_code == 302
    entry = db.session.scalar(db.select(DirectoryEntry).where(DirectoryEntry.oid == "E10000001"))
    assert (entry.name, entry.topics, entry.source) == ("Pirkkalan yhteiskoulu", "reading, climate", "twin_town")
    assert (
        db.session.scalar(db.select(AuditEvent.action).where(AuditEvent.object_type == "directoryentry"))
        == "directory.created"
    )


def test_bad_input_is_refused_at_the_field_and_kept(login, db, teacher):
    data = {**FORM, "oid": "123", "contact_email": "not-an-address", "country": "XX", "source": "rumour"}
    data["organisation_id"] = teacher.memberships[0].organisation_id
    response = login(teacher).post("/directory/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert {"oid", "contact_email", "country", "source"} <= set(field_errors(page))
    assert 'value="123"' in page and 'value="Pirkkalan yhteiskoulu"' in page


def test_an_entry_of_another_organisation_is_not_found(login, db, teacher):
    other = db.session.scalar(db.select(DirectoryEntry).where(DirectoryEntry.name == "Other Gymnasium"))
    client = login(teacher)
    assert client.get(f"/directory/{other.id}").status_code == 404
    assert client.post(f"/directory/{other.id}", data=FORM).status_code == 404


def test_a_change_over_an_older_version_overwrites_nothing_and_keeps_what_was_typed(login, db, teacher):
    entry = db.session.scalar(db.select(DirectoryEntry).where(DirectoryEntry.name == "Gymnázium Praha"))
    client = login(teacher)
    url, loaded = f"/directory/{entry.id}", entry.version  # both writers loaded this version
    first = client.post(url, data={**FORM, "name": "Gymnázium Praha 1", "country": "CZ", "loaded_version": loaded})
    assert first.status_code == 302
    stale = client.post(url, data={**FORM, "name": "Mitt namn", "country": "CZ", "loaded_version": loaded})
    assert stale.status_code == 409 and 'value="Mitt namn"' in stale.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(DirectoryEntry, entry.id).name == "Gymnázium Praha 1"
