"""The directory as CSV: the export (what the search shows, every page, safe to open in a spreadsheet,
nothing of another organisation) and the import (each row checked as the entry form checks it, a
report by line, nothing or every valid row added, the same file twice adding nothing twice)."""

from __future__ import annotations

import csv
import io
import time

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from pages import field_errors, form_errors, parse, refusal
from querycount import count_queries
from uploads import PNG
from webapp.auth.models import Role, User
from webapp.core import access
from webapp.core.audit import AuditEvent
from webapp.directory import transfer
from webapp.directory.forms import EditEntryForm
from webapp.directory.models import DirectoryEntry

FORMULA = "=cmd|' /C calc'!A0"
HEADER = ",".join(transfer.COLUMNS)
ENTRIES = [
    {
        "entry_kind": "organisation",
        "name": "Pirkkalan yhteiskoulu",
        "kind": "school",
        "country": "FI",
        "city": "Pirkkala",
        "oid": "E10000001",
        "contact_name": "Aino Lehtinen",
        "contact_email": "aino.fi@example.org",
        "languages": "English, Finnish",
        "topics": "reading; climate",
        "levels": "years 7–9",
        "source": "twin_town",
        "notes": 'Met in "Tampere"\nsecond line',
    },
    {**dict.fromkeys(transfer.COLUMNS, ""), "entry_kind": "twin_town", "name": "Gladsaxe Kommune", "kind": "other",
     "country": "DK", "source": "twin_town", "notes": FORMULA, "oid": None},
    {**dict.fromkeys(transfer.COLUMNS, ""), "entry_kind": "network", "name": "Åbo nätverk", "kind": "other",
     "country": "FI", "city": "Åbo", "source": "network", "notes": "- call in spring", "oid": None},
]  # fmt: skip


def _values(entry: DirectoryEntry) -> dict:
    return {column: getattr(entry, column) for column in transfer.COLUMNS}


@pytest.fixture
def teacher(make, db):
    teacher = make.user(Role.TEACHER)
    db.session.add_all(DirectoryEntry(organisation_id=teacher.organisation_ids.pop(), **e) for e in ENTRIES)
    db.session.add(DirectoryEntry(organisation_id=make.organisation("Elsewhere").id, name="Other Skola", country="FI"))
    db.session.commit()
    return teacher


@pytest.fixture
def newcomer(make, db):
    """A coordinator of another organisation, whose directory is empty."""
    user = make.user(Role.COORDINATOR, organisation=make.organisation("Sundbyberg"))
    db.session.commit()
    return user


def _organisation(user) -> int:
    return next(iter(user.organisation_ids))


def _entries(db, organisation_id: int) -> list[dict]:
    query = db.select(DirectoryEntry).where(DirectoryEntry.organisation_id == organisation_id)
    return sorted((_values(e) for e in db.session.scalars(query)), key=lambda v: v["name"])


def _export(client, query: str = "") -> list[dict]:
    response = client.get(f"/directory/export.csv{query}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))


def _import(client, user, data: bytes, *, partial: bool = False, organisation_id: int | None = None):
    form = {
        "file": FileStorage(io.BytesIO(data), "partners.csv", "file"),
        "organisation_id": str(organisation_id or _organisation(user)),
    }
    if partial:
        form["partial"] = "y"
    # Encoded here, in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(form)
    return client.post("/directory/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _report(page: str, table: str = "refused-rows") -> dict[int, list[str]]:
    """Each reported row's line in the file, with its reasons."""
    node = parse(page).find(id=table)
    if node is None:
        return {}
    return {
        int(tr.find("th").text()): [li.text() for li in tr.find_all("li")] or [tr.find_all("td")[-1].text()]
        for tr in node.find("tbody").find_all("tr")
    }


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join((header, *rows)).encode()


def _row(**cells) -> str:
    values = {**dict.fromkeys(transfer.COLUMNS, ""), "name": "Skola", "country": "DK", **cells}
    out = io.StringIO()
    csv.writer(out).writerow(values[c] for c in transfer.COLUMNS)
    return out.getvalue().removesuffix("\r\n")


# The export


def test_the_export_is_a_utf8_csv_excel_reads_with_every_cell_safe(login, teacher):
    response = login(teacher).get("/directory/export.csv")
    assert response.mimetype == "text/csv" and response.headers["Content-Disposition"].startswith("attachment;")
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # the byte order mark: Excel then reads UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(transfer.COLUMNS)
    by_name = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {e["name"] for e in ENTRIES}  # never the other organisation's entry
    assert by_name["Gladsaxe Kommune"]["notes"] == "'" + FORMULA
    assert by_name["Åbo nätverk"]["notes"] == "'- call in spring"
    assert by_name["Pirkkalan yhteiskoulu"]["notes"] == ENTRIES[0]["notes"]  # quotes and line breaks kept
    assert by_name["Pirkkalan yhteiskoulu"]["entry_kind"] == "organisation"  # codes, not labels


@pytest.mark.parametrize(
    "value,expected",
    [("=1+2", "'=1+2"), ("+46 8", "'+46 8"), ("-3", "'-3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("a=b", "a=b"), ("", ""), (None, "")],
)  # fmt: skip
def test_a_cell_that_starts_like_a_formula_gets_an_apostrophe(value, expected):
    assert transfer.neutralise(value) == expected


def test_the_export_has_what_the_search_shows_on_every_page(login, make, db, teacher):
    client = login(teacher)
    assert [r["name"] for r in _export(client, "?country=FI")] == ["Pirkkalan yhteiskoulu", "Åbo nätverk"]
    assert [r["name"] for r in _export(client, "?q=spring&country=XX")] == ["Åbo nätverk"]  # an odd filter ignored
    with count_queries() as few:
        client.get("/directory/export.csv")
    db.session.add_all(
        DirectoryEntry(organisation_id=_organisation(teacher), name=f"Skola {i:03}", country="FI") for i in range(120)
    )
    db.session.commit()
    with count_queries() as many:
        rows = _export(client)
    assert len(rows) == 123 and len(many) == len(few)  # every page, in the same queries


def test_the_index_links_the_export_with_its_filters_and_the_import(login, teacher):
    page = parse(login(teacher).get("/directory?country=FI&q=spring").get_data(as_text=True))
    href = page.find("a", id="export-csv").attrs["href"]
    assert href.startswith("/directory/export.csv?") and "country=FI" in href and "q=spring" in href
    assert "/directory/import" in page.links()


# The import


def test_the_round_trip_brings_the_same_entries_into_another_directory(login, client, db, teacher, newcomer):
    exported = login(teacher).get("/directory/export.csv").get_data()
    response = _import(login(newcomer), newcomer, exported)
    assert response.status_code == 200, _report(response.get_data(as_text=True))
    assert _entries(db, _organisation(newcomer)) == _entries(db, _organisation(teacher))
    created = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "directory.created", AuditEvent.actor_id == newcomer.id)
    ).all()
    assert len(created) == len(ENTRIES)  # each entry in the audit trail


def _refusals(app, **cells) -> dict[str, str]:
    """What the entry form says of the row, by field: the import must say the same."""
    data = {**dict.fromkeys(transfer.COLUMNS, ""), **transfer.DEFAULTS, "name": "Skola", "country": "DK", **cells}
    return form_errors(app, lambda: EditEntryForm(meta={"csrf": False}), data)


BAD_ROWS = [
    _row(name="Bra skola"),
    _row(name="Fel OID", oid="123"),
    _row(name="Fel adress", contact_email="not-an-address"),
    _row(name="Fel land", country="XX"),
    _row(name="Formel", notes='=HYPERLINK("http://evil.example","klicka")'),
    _row(name="Allt fel", oid="E1", country="QQ", city="@stad"),
]


def test_a_refused_row_means_nothing_is_imported_and_the_report_names_each_line(app, login, db, newcomer):
    response = _import(login(newcomer), newcomer, _csv(*BAD_ROWS))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _entries(db, _organisation(newcomer)) == []
    report = _report(page)
    assert sorted(report) == [3, 4, 5, 6, 7]  # the header is line 1, the good row line 2
    assert report[3] == [f"oid: {_refusals(app, oid='123')['oid']}"]
    assert report[4] == [f"contact_email: {_refusals(app, contact_email='not-an-address')['contact_email']}"]
    assert report[5] == [f"country: {_refusals(app, country='XX')['country']}"]
    with app.test_request_context(), force_locale(newcomer.language):
        formula, _text = transfer.formula_reason("=HYPERLINK(…)")  # what the page says of a formula
    assert report[6] == [f"notes: {formula}"] and "”=”" in str(formula)  # in the newcomer's Swedish
    assert {reason.split(":")[0] for reason in report[7]} == {"oid", "country", "city"}  # every reason
    assert parse(page).find(id="import-result").text()


def test_with_the_box_ticked_the_valid_rows_go_in_and_the_refused_are_listed(login, db, newcomer):
    response = _import(login(newcomer), newcomer, _csv(*BAD_ROWS), partial=True)
    assert response.status_code == 200
    assert [e["name"] for e in _entries(db, _organisation(newcomer))] == ["Bra skola"]
    assert sorted(_report(response.get_data(as_text=True))) == [3, 4, 5, 6, 7]


def test_with_the_box_ticked_and_no_valid_row_nothing_is_imported(login, db, newcomer):
    response = _import(login(newcomer), newcomer, _csv(BAD_ROWS[1]), partial=True)
    assert response.status_code == 422 and _entries(db, _organisation(newcomer)) == []


def test_a_file_without_the_columns_is_refused_naming_them(login, db, newcomer):
    client = login(newcomer)
    response = _import(client, newcomer, _csv("Skola,DK,x,y", header="name,country,email,phone"))
    message = field_errors(response.get_data(as_text=True))["file"]
    assert response.status_code == 422 and '"email"' in message and '"phone"' in message
    assert all(column in message for column in transfer.COLUMNS)  # and the expected ones
    missing = field_errors(_import(client, newcomer, _csv("Skola,Malmö", header="name,city")).get_data(as_text=True))
    assert "country" in missing["file"]
    assert _entries(db, _organisation(newcomer)) == []


def test_a_file_not_in_utf8_is_refused_with_how_to_save_it(login, db, newcomer):
    data = "name,country,city\nSkolan i Åre,SE,Åre\n".encode("cp1252")
    response = _import(login(newcomer), newcomer, data)
    message = field_errors(response.get_data(as_text=True))["file"]
    assert response.status_code == 422 and "UTF-8" in message and "CSV UTF-8" in message
    assert _entries(db, _organisation(newcomer)) == []


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n \r\n", HEADER.encode() + b"\r\n", PNG, b"PK\x03\x04xl/"])
def test_an_empty_or_binary_file_is_refused(login, db, newcomer, data):
    response = _import(login(newcomer), newcomer, data)
    assert response.status_code == 422 and field_errors(response.get_data(as_text=True))["file"]


def test_no_file_at_all_is_asked_for(login, newcomer):
    response = login(newcomer).post("/directory/import", data={"organisation_id": str(_organisation(newcomer))})
    assert response.status_code == 422 and field_errors(response.get_data(as_text=True))["file"]


def test_a_file_beyond_the_limits_gets_a_clear_refusal_quickly(login, db, newcomer):
    client = login(newcomer)
    rows = b"name,country\n" + b"".join(b"S%d,DK\n" % i for i in range(50_000))
    assert len(rows) < transfer.MAX_BYTES  # the rows, not the size, are what is over the limit
    started = time.monotonic()
    response = _import(client, newcomer, rows)
    assert time.monotonic() - started < 10
    assert response.status_code == 422 and "5" in field_errors(response.get_data(as_text=True))["file"]
    too_big = b"name,country,notes\n" + b"S,DK,%s\n" % (b"x" * (transfer.MAX_BYTES + 1))
    assert field_errors(_import(client, newcomer, too_big).get_data(as_text=True))["file"]
    assert _entries(db, _organisation(newcomer)) == []


def test_a_semicolon_file_from_swedish_excel_is_read(login, db, newcomer):
    data = "\ufeffname;country;city;topics\r\nGladsaxe Gymnasium;DK;Søborg;läsning, klimat\r\n".encode()
    response = _import(login(newcomer), newcomer, data)
    assert response.status_code == 200
    [entry] = _entries(db, _organisation(newcomer))
    assert (entry["name"], entry["city"], entry["topics"]) == ("Gladsaxe Gymnasium", "Søborg", "läsning, klimat")
    assert (entry["entry_kind"], entry["kind"], entry["source"]) == ("organisation", "school", "own_contact")


def test_importing_the_same_file_again_adds_nothing_twice(login, db, newcomer):
    client = login(newcomer)
    data = _csv(_row(name="Gladsaxe Gymnasium", city="Søborg"), _row(name="Ski skole", country="NO"))
    assert _import(client, newcomer, data).status_code == 200
    again = _csv(_row(name="GLADSAXE gymnasium", city="SØBORG"), _row(name="Ny skola"), _row(name="ny SKOLA"))
    response = _import(client, newcomer, again)
    assert response.status_code == 200
    skipped = _report(response.get_data(as_text=True), "skipped-rows")
    assert sorted(skipped) == [2, 4]  # already in the directory; the same as line 3
    assert [e["name"] for e in _entries(db, _organisation(newcomer))] == ["Gladsaxe Gymnasium", "Ny skola", "Ski skole"]


def test_the_import_goes_into_the_chosen_directory_of_the_users_own(login, make, db, newcomer):
    second = make.organisation("Solna")
    newcomer.memberships.append(type(newcomer.memberships[0])(organisation=second, role=Role.COORDINATOR))
    db.session.commit()
    client = login(newcomer)
    page = parse(client.get("/directory/import").get_data(as_text=True))
    assert {o.attrs["value"] for o in page.find("select", id="organisation_id").find_all("option")} == {
        str(o) for o in newcomer.organisation_ids
    }
    assert _import(client, newcomer, _csv(_row()), organisation_id=second.id).status_code == 200
    assert [e["name"] for e in _entries(db, second.id)] == ["Skola"]
    outsider = make.organisation("Annan")
    db.session.commit()
    response = _import(client, newcomer, _csv(_row(name="Inte här")), organisation_id=outsider.id)
    assert response.status_code == 422 and "organisation_id" in field_errors(response.get_data(as_text=True))
    assert _entries(db, outsider.id) == []


def test_someone_without_a_role_in_an_organisation_gets_the_directorys_refusal(app, client, db):
    nobody = User(email="nobody@example.org", name="Ingen", language="sv")
    db.session.add(nobody)
    db.session.commit()
    with app.test_request_context(), force_locale("sv"):
        expected = str(access.can("directory.use", None, nobody).reason)
    client.get("/")  # a session
    with client.session_transaction() as session:
        session["_user_id"] = nobody.get_id()
    for url in ("/directory/export.csv", "/directory/import"):
        response = client.get(url)
        assert response.status_code == 403 and refusal(response.get_data(as_text=True)) == expected
    response = client.post("/directory/import", data={"file": (io.BytesIO(_csv(_row())), "p.csv")})
    assert response.status_code == 403


def test_a_line_number_counts_the_lines_a_quoted_cell_spans(login, newcomer):
    data = _csv(_row(name="Två rader", notes="första\nandra"), "", _row(name="Fel", oid="E1"))
    response = _import(login(newcomer), newcomer, data)
    assert sorted(_report(response.get_data(as_text=True))) == [5]  # header 1, rows 2-3, a blank line 4


def test_a_row_with_more_cells_than_columns_is_refused(login, newcomer):
    response = _import(login(newcomer), newcomer, _csv("Skola,DK,extra", header="name,country"))
    assert response.status_code == 422 and list(_report(response.get_data(as_text=True))) == [2]
