"""The coordinator's charts: the numbers per call year and programme and per school on known data,
the page in both languages with an SVG and a table per chart, the overview's filters, and who may
see it."""

from __future__ import annotations

import re

import pytest

from pages import parse
from webapp.applications.models import Outcome
from webapp.auth.models import Role
from webapp.lifecycle import Status
from webapp.statistics import queries
from webapp.statistics.queries import WRITING, YearProgramme


@pytest.fixture
def known(make, db):
    """Two schools of one organisation with applications in every outcome, and a granted
    application of another organisation that must never count."""
    organisation = make.organisation("Solna stad")
    alfa = make.school(organisation, name="Alfaskolan")
    beta = make.school(organisation, name="Betaskolan")
    coordinator = make.user(Role.COORDINATOR, organisation=organisation, language="en")
    teacher = make.user(Role.TEACHER, school=alfa)

    def application(school, action_key, call_round, status, granted=None, amount=None):
        made = make.application(
            school,
            owner=teacher if school is alfa else None,
            action_key=action_key,
            call_round=call_round,
            status=status,
        )
        if granted is not None:
            made.outcome = Outcome(granted=granted, amount_eur=amount)
        return made

    application(alfa, "KA210-SCH", "2026-R1", Status.GRANTED, True, 30_000)
    application(alfa, "KA220-SCH", "2027-R1", Status.REPORTING, True, 250_000)
    application(alfa, "NPJ-MOBILITY", "2027-R1", Status.CLOSED, True, 12_000)
    application(alfa, "KA210-SCH", "2027-R1", Status.REJECTED, False)
    application(beta, "KA210-SCH", "2027-R1", Status.RESERVE_LIST)
    application(beta, "NPJ-MOBILITY", "2027-R1", Status.SUBMITTED)
    application(beta, "KA210-SCH", "2027-R1", Status.DRAFT)
    application(beta, "KA220-SCH", "2027-R1", Status.AWAITING_APPROVAL)
    application(beta, "KA210-SCH", "2027-R1", Status.WITHDRAWN)
    elsewhere = make.school(name="Annan skola")
    make.application(elsewhere, action_key="KA210-SCH", call_round="2027-R1", status=Status.GRANTED).outcome = Outcome(
        granted=True, amount_eur=99_999
    )
    db.session.commit()
    return {"coordinator": coordinator, "teacher": teacher, "alfa": alfa, "beta": beta, "elsewhere": elsewhere}


def _table(html: str, table_id: str) -> list[list[str]]:
    table = parse(html).find("table", id=table_id)
    assert table is not None, f"no table {table_id}"
    return [
        [cell.text() for cell in row.find_all() if cell.tag in ("th", "td")]
        for row in table.find("tbody").find_all("tr")
    ]


def _plain(text: str) -> str:
    return re.sub(r"[\u00a0\u202f]", " ", text)


def test_per_year_and_programme_counts_applications_grants_and_euros(known):
    rows = queries.per_year(known["coordinator"], queries.Overview())
    assert rows == [
        YearProgramme(2026, "erasmus_plus", applications=1, granted=1, granted_eur=30_000),
        YearProgramme(2027, "erasmus_plus", applications=6, granted=1, granted_eur=250_000),
        YearProgramme(2027, "nordplus_junior", applications=2, granted=1, granted_eur=12_000),
    ]


def test_per_school_counts_each_outcome_most_applications_first(known):
    page = queries.per_school(known["coordinator"], queries.Overview(), None)
    assert (page.page, page.pages, page.total) == (1, 1, 2)
    beta, alfa = page.items
    assert (beta.name, beta.applications) == ("Betaskolan", 5)
    assert beta.outcomes == {"granted": 0, "rejected": 0, "reserve_list": 1, "waiting": 1, WRITING: 3}
    assert (alfa.name, alfa.applications) == ("Alfaskolan", 4)
    assert alfa.outcomes == {"granted": 3, "rejected": 1, "reserve_list": 0, "waiting": 0, WRITING: 0}


def test_the_page_draws_each_chart_with_its_table_in_english(known, login):
    response = login(known["coordinator"]).get("/applications/statistics")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script" not in html.split("</head>")[1]  # no script of its own
    document = parse(html)
    for chart_id in ("chart-applications", "chart-euros", "chart-schools"):
        svg = document.find("svg", id=chart_id)
        assert svg.attrs["role"] == "img"
        assert svg.attrs["aria-labelledby"] == f"{chart_id}-title {chart_id}-desc"
        assert svg.find("title", id=f"{chart_id}-title").text()
        assert "table below" in svg.find("desc", id=f"{chart_id}-desc").text()
        assert svg.find_all("rect", cls="chart-bar")
        assert len(svg.find_all("pattern")) >= 2  # each series a pattern, not a colour alone
    assert _table(html, "years-table") == [
        ["2026", "Erasmus+", "1", "1", "€30,000"],
        ["2027", "Erasmus+", "6", "1", "€250,000"],
        ["2027", "Nordplus Junior", "2", "1", "€12,000"],
    ]
    assert _table(html, "schools-table") == [
        ["Betaskolan", "5", "0", "0", "1", "1", "3"],
        ["Alfaskolan", "4", "3", "1", "0", "0", "0"],
    ]
    table = document.find("table", id="schools-table")
    assert table.find("caption").text()
    assert [th.attrs.get("scope") for th in table.find("thead").find_all("th")] == ["col"] * 7
    assert "99,999" not in html and "Annan skola" not in html
    assert "€250,000" in document.find("svg", id="chart-euros").text()  # the values written on the bars


def test_the_page_in_swedish_formats_the_numbers_the_swedish_way(known, login, make, db):
    swedish = make.user(Role.COORDINATOR, organisation=known["alfa"].organisation, language="sv")
    html = login(swedish).get("/applications/statistics").get_data(as_text=True)
    assert parse(html).find("html").attrs["lang"] == "sv"
    years = _table(html, "years-table")
    assert [_plain(row[4]) for row in years] == ["30 000 €", "250 000 €", "12 000 €"]
    assert parse(html).find("svg", id="chart-schools") is not None


def test_the_overview_filters_narrow_every_number(known, login):
    client = login(known["coordinator"])

    def page(query):
        return client.get("/applications/statistics?" + query).get_data(as_text=True)

    beta = page(f"school={known['beta'].id}")
    assert [row[:3] for row in _table(beta, "years-table")] == [
        ["2027", "Erasmus+", "4"],
        ["2027", "Nordplus Junior", "1"],
    ]
    assert [row[0] for row in _table(beta, "schools-table")] == ["Betaskolan"]
    assert parse(beta).find("svg", id="chart-euros") is None  # nothing granted: a sentence instead
    nordplus = page("action=NPJ-MOBILITY")
    assert _table(nordplus, "years-table") == [["2027", "Nordplus Junior", "2", "1", "€12,000"]]
    assert _table(page("round=2026-R1"), "years-table") == [["2026", "Erasmus+", "1", "1", "€30,000"]]
    # the overview's other filters apply too; its order and page do not change a sum
    assert _table(page("status=draft&sort=title&dir=desc"), "schools-table") == [
        ["Betaskolan", "1", "0", "0", "0", "0", "1"]
    ]
    form = parse(page("status=draft&sort=title")).find("form", cls="filters")
    assert {i.attrs["name"]: i.attrs["value"] for i in form.find_all("input", type="hidden")} == {
        "status": "draft",
        "sort": "title",
    }


def test_another_organisations_school_is_ignored_as_a_filter(known, login):
    client = login(known["coordinator"])
    everything = client.get("/applications/statistics").get_data(as_text=True)
    other = client.get(f"/applications/statistics?school={known['elsewhere'].id}").get_data(as_text=True)
    assert _table(other, "years-table") == _table(everything, "years-table")
    assert "Annan skola" not in other


def test_a_teacher_may_not_see_the_charts_nor_the_link(known, login):
    client = login(known["teacher"])
    assert client.get("/applications/statistics").status_code == 403
    assert "/applications/statistics" not in client.get("/applications/").get_data(as_text=True)


def test_the_overview_links_to_the_charts_with_its_filters_and_back(known, login):
    client = login(known["coordinator"])
    overview = parse(client.get(f"/applications/?school={known['beta'].id}&round=2027-R1").get_data(as_text=True))
    link = next(href for href in overview.links() if href.startswith("/applications/statistics"))
    assert f"school={known['beta'].id}" in link and "round=2027-R1" in link
    charts = parse(client.get(link).get_data(as_text=True))
    back = next(href for href in charts.links() if href.startswith("/applications/?"))
    assert f"school={known['beta'].id}" in back and "round=2027-R1" in back


def test_no_applications_gives_sentences_instead_of_charts(login, make, db):
    coordinator = make.user(Role.COORDINATOR, language="en")
    html = login(coordinator).get("/applications/statistics").get_data(as_text=True)
    document = parse(html)
    assert document.find("svg", cls="chart") is None and document.find("table") is None
    assert len(document.find_all("p", cls="empty")) == 2
