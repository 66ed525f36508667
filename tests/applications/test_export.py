"""The overview's export: the rows the overview lists for the same filters, in its order, as CSV
(UTF-8 with a byte order mark, every text cell safe from running as a formula) and as XLSX (text as
text, numbers as numbers, dates as dates); only what the user sees; a row limit; and the same few
SQL statements for 30 rows or 1,200."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest

from querycount import count_queries
from webapp.applications import export
from webapp.applications.models import Application, Outcome, Submission
from webapp.auth.models import Role
from webapp.core.i18n import STOCKHOLM
from webapp.lifecycle import Stage, Status

NOW = datetime.now(UTC).replace(second=0, microsecond=0)
ENGLISH_HEADERS = [
    "ID",
    "Title",
    "School",
    "Action",
    "Programme",
    "Call round",
    "Stage",
    "Status",
    "Deadline (Stockholm time)",
    "Days left",
    "Owner",
    "Requested (EUR)",
    "Granted (EUR)",
    "Submission reference",
    "Last change (Stockholm time)",
]
FORMULAS = ["=1+2", "+46 8 123", "-3+3", "@SUM(A1)", "\tx", "\rx", " =1+1"]


@pytest.fixture
def coordinator(make, db):
    coordinator = make.user(Role.COORDINATOR, language="en")
    db.session.commit()
    return coordinator


def _csv(client, query="") -> list[list[str]]:
    response = client.get("/applications/export.csv" + query)
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # the byte order mark: Excel then reads UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _xlsx(client, query=""):
    response = client.get("/applications/export.xlsx" + query)
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return openpyxl.load_workbook(io.BytesIO(response.get_data())).active


def _page_ids(client, query="") -> list[int]:
    page = client.get("/applications/" + query).get_data(as_text=True)
    return [int(i) for i in re.findall(r'href="/applications/(\d+)"', page)]


def _insert(db, school, owner, count, start=0):
    """`count` applications in one bulk INSERT, in varied stages, states and deadlines."""
    stages, states = list(Stage), [Status.DRAFT, Status.SUBMITTED, Status.GRANTED]
    rows = [
        {
            "school_id": school.id,
            "owner_id": owner.id,
            "action_key": "KA210-SCH" if n % 2 else "KA220-SCH",
            "call_round": "2027-R1",
            "call_year": 2027,
            "title": f"Projekt {n:05}",
            "stage": stages[n % len(stages)],
            "status": states[n % len(states)],
            "deadline": NOW + timedelta(days=n % 90),
            "updated_at": NOW - timedelta(minutes=n),
        }
        for n in range(start, start + count)
    ]
    db.session.execute(db.insert(Application), rows)
    db.session.commit()


def test_the_csv_holds_the_overviews_rows_in_its_order_with_every_column(login, make, db, coordinator):
    organisation = coordinator.memberships[0].organisation
    alpha, beta = make.school(organisation, name="Alfaskolan"), make.school(organisation, name="Betaskolan")
    owner = make.user(Role.TEACHER, school=alpha, name="Åsa Öberg")
    deadline = NOW + timedelta(days=20)
    drafted = make.application(alpha, owner=owner, title="Läsglädje", deadline=deadline, stage=Stage.PARTNERS)
    granted = make.application(
        beta, owner=owner, title="Skog", action_key="NPJ-MOBILITY", status=Status.GRANTED, requested_eur=31_250
    )
    make.application(beta, owner=owner, title="Klimat", deadline=NOW + timedelta(days=3))
    make.application(alpha, owner=owner, title="Klimat och hav", deadline=None)
    db.session.add_all(
        [
            Submission(application_id=granted.id, reference="KA210-SCH-000123", submitted_at=NOW),
            Outcome(application_id=granted.id, granted=True, amount_eur=30_000),
        ]
    )
    db.session.commit()
    changed = NOW - timedelta(days=2)
    db.session.execute(db.update(Application).where(Application.id == drafted.id).values(updated_at=changed))
    db.session.commit()
    client = login(coordinator)

    for query in ("", "?sort=title&dir=desc", f"?school={beta.id}", "?q=klimat&sort=school", "?status=granted"):
        rows = _csv(client, query)
        assert rows[0] == ENGLISH_HEADERS
        assert [int(row[0]) for row in rows[1:]] == _page_ids(client, query), query

    by_id = {int(row[0]): dict(zip(ENGLISH_HEADERS, row, strict=True)) for row in _csv(client)[1:]}
    days_left = (deadline.astimezone(STOCKHOLM).date() - datetime.now(STOCKHOLM).date()).days
    assert by_id[drafted.id] == {
        "ID": str(drafted.id),
        "Title": "Läsglädje",
        "School": "Alfaskolan",
        "Action": "KA210-SCH",
        "Programme": "Erasmus+",
        "Call round": "2027-R1",
        "Stage": "Partners",
        "Status": "Draft",
        "Deadline (Stockholm time)": deadline.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M"),
        "Days left": str(days_left),
        "Owner": "Åsa Öberg",
        "Requested (EUR)": "",
        "Granted (EUR)": "",
        "Submission reference": "",
        "Last change (Stockholm time)": changed.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M"),
    }
    assert by_id[granted.id]["Programme"] == "Nordplus Junior"
    assert by_id[granted.id]["Granted (EUR)"] == "30000"
    assert by_id[granted.id]["Requested (EUR)"] == "31250"
    assert by_id[granted.id]["Submission reference"] == "KA210-SCH-000123"
    assert by_id[granted.id]["Days left"] == ""  # no longer racing a deadline


def test_an_outcome_not_granted_exports_no_euros(login, make, db, coordinator):
    school = make.school(coordinator.memberships[0].organisation)
    refused = make.application(school, status=Status.REJECTED)
    db.session.add(Outcome(application_id=refused.id, granted=False, amount_eur=12_000))
    db.session.commit()
    rows = _csv(login(coordinator))
    assert rows[1][0] == str(refused.id) and rows[1][12] == ""


def test_headers_and_labels_are_in_the_users_language(login, make, db):
    swede = make.user(Role.COORDINATOR, language="sv")
    make.application(make.school(swede.memberships[0].organisation), title="Läsglädje")
    db.session.commit()
    header, row = _csv(login(swede))
    assert header[1:3] == ["Titel", "Skola"] and header[4:7] == ["Program", "Ansökningsomgång", "Steg"]
    assert row[7] == "Utkast"  # the status label, translated
    sheet = _xlsx(login(swede))
    assert [cell.value for cell in sheet[1]][1:3] == ["Titel", "Skola"]


def test_every_text_cell_that_starts_like_a_formula_is_neutralised_in_the_csv(login, make, db, coordinator):
    school = make.school(coordinator.memberships[0].organisation, name='=HYPERLINK("http://x")')
    owner = make.user(Role.TEACHER, school=school, name="@owner")
    made = {make.application(school, owner=owner, title=title).id: title for title in FORMULAS}
    db.session.commit()
    rows = _csv(login(coordinator))
    assert {int(row[0]): row[1] for row in rows[1:]} == {i: "'" + title for i, title in made.items()}
    assert {row[2] for row in rows[1:]} == {'\'=HYPERLINK("http://x")'}
    assert {row[10] for row in rows[1:]} == {"'@owner"}


def test_the_xlsx_has_the_same_rows_with_real_numbers_dates_and_text(login, make, db, coordinator):
    school = make.school(coordinator.memberships[0].organisation)
    deadline = NOW + timedelta(days=5)
    formula = make.application(school, title="=1+2", deadline=deadline)
    link = make.application(school, title="http://example.org", deadline=NOW + timedelta(days=6))
    granted = make.application(school, title="Skog", status=Status.GRANTED, deadline=None)
    db.session.add(Outcome(application_id=granted.id, granted=True, amount_eur=30_000))
    db.session.commit()
    client = login(coordinator)
    sheet = _xlsx(client)
    assert [cell.value for cell in sheet[1]] == ENGLISH_HEADERS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2))
    assert [row[0].value for row in rows] == [int(row[0]) for row in _csv(client)[1:]]
    assert [row[0].value for row in rows] == [formula.id, link.id, granted.id]
    first = rows[0]
    assert first[1].value == "=1+2" and first[1].data_type == "s"  # text, never a formula
    assert rows[1][1].value == "http://example.org" and rows[1][1].hyperlink is None
    assert isinstance(first[0].value, int)
    assert first[8].value == deadline.astimezone(STOCKHOLM).replace(tzinfo=None)
    assert first[8].is_date and first[14].is_date
    assert isinstance(first[9].value, int)  # days left, a number
    assert rows[2][12].value == 30_000 and rows[2][8].value is None


def test_only_what_the_user_sees_is_exported(login, make, db, coordinator):
    own = make.application(make.school(coordinator.memberships[0].organisation), title="Vår")
    elsewhere = make.application(title="Någon annans")  # another organisation's
    db.session.commit()
    client = login(coordinator)
    assert [row[0] for row in _csv(client)[1:]] == [str(own.id)]
    assert [row[0].value for row in _xlsx(client).iter_rows(min_row=2)] == [own.id]
    teacher = make.user(Role.TEACHER, school=elsewhere.school, language="en")
    db.session.commit()
    assert [row[0] for row in _csv(login(teacher))[1:]] == [str(elsewhere.id)]


def test_a_longer_list_than_one_file_holds_is_refused_on_the_overview(login, make, db, coordinator, monkeypatch):
    school = make.school(coordinator.memberships[0].organisation)
    for title in ("A", "B", "C"):
        make.application(school, title=title)
    db.session.commit()
    monkeypatch.setattr(export, "MAX_EXPORT_ROWS", 2)
    client = login(coordinator)
    for path in ("/applications/export.csv?sort=title", "/applications/export.xlsx?sort=title"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == "/applications/?sort=title"
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "The list has 3 applications; at most 2 are exported at a time. Narrow the filter" in page
    assert len(_csv(client, "?q=a")) == 2  # narrowed to one row, it goes out


def test_the_overview_links_to_its_export_with_its_filters(login, make, db, coordinator):
    school = make.school(coordinator.memberships[0].organisation)
    make.application(school, title="Klimat")
    db.session.commit()
    page = login(coordinator).get("/applications/?q=klimat&sort=title").get_data(as_text=True)
    assert '/applications/export.csv?q=klimat&amp;sort=title"' in page
    assert '/applications/export.xlsx?q=klimat&amp;sort=title"' in page


def test_the_statements_sent_do_not_grow_with_the_rows(login, make, db, coordinator):
    school = make.school(coordinator.memberships[0].organisation)
    owner = make.user(Role.TEACHER, school=school)
    db.session.commit()
    client = login(coordinator)

    def statements():
        counts = {}
        for path in ("/applications/export.csv", "/applications/export.xlsx?sort=school&dir=desc"):
            with count_queries() as sent:
                response = client.get(path)
                data = response.get_data()
            assert response.status_code == 200
            counts[path] = len(sent)
            counts[path + " bytes"] = len(data) > 0
        return counts

    _insert(db, school, owner, 30)
    client.get("/applications/export.csv").get_data()  # the registry's lookups warmed up
    small = statements()
    _insert(db, school, owner, 1_170, start=30)  # 1,200: more than two batches
    large = statements()
    assert large == small, (small, large)
    assert len(_csv(client)) == 1_201
