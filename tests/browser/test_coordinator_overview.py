"""A coordinator of the demo municipality, with 600 more applications over its schools, filters
the overview, pages through it with the filter kept, narrows it to those at risk, opens the charts
with the same filter and reads a chart's numbers from its table: in Swedish and English, with
zero axe violations."""

from __future__ import annotations

import re

from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from test_pages import check_accessibility, sign_in, use_language
from webapp.applications.models import Application
from webapp.auth.models import User
from webapp.demo import scale
from webapp.organisations.models import Organisation, School

COORDINATOR = "coordinator@example.org"


def _said(message: str, language: str, **values) -> str:
    with force_locale(language):
        return gettext(message, **values)


def _whole(text: str) -> int:
    """A number as the page prints it, in either language (thousands spaced or comma'd)."""
    return int(re.sub(r"[^\d]", "", text))


def test_a_coordinator_filters_pages_and_reads_a_chart(live_server, page, db, screenshot_dir):
    coordinator = db.session.scalar(db.select(User).where(User.email == COORDINATOR))
    organisation = db.session.get(Organisation, coordinator.memberships[0].organisation_id)
    scale.add(organisation, 600)
    ka210 = db.session.scalar(
        db.select(db.func.count())
        .select_from(Application)
        .join(School, Application.school_id == School.id)
        .where(School.organisation_id.in_(coordinator.organisation_ids), Application.action_key == "KA210-SCH")
    )
    assert ka210 > 50  # enough for a second page

    sign_in(page, live_server, COORDINATOR)
    use_language(page, "sv")
    page.goto(f"{live_server}/applications/")
    check_accessibility(page, "overview sv", screenshot_dir)
    page.locator("#f-action").select_option("KA210-SCH")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_load_state()
    assert _whole(page.locator("#tile-total").inner_text()) == ka210
    actions = page.locator("table.data-table tbody .action-key").all_inner_texts()
    assert len(actions) == 50 and set(actions) == {"KA210-SCH"}

    page.locator("nav.pager a[rel=next]").click()
    page.wait_for_load_state()
    assert "action=KA210-SCH" in page.url and "page=2" in page.url
    expect(page.locator("nav.pager")).to_contain_text(
        _said("Page %(page)d of %(pages)d", "sv", page=2, pages=-(-ka210 // 50))
    )
    second = page.locator("table.data-table tbody .action-key").all_inner_texts()
    assert set(second) == {"KA210-SCH"} and len(second) == min(50, ka210 - 50)
    expect(page.locator("#f-action")).to_have_value("KA210-SCH")  # the form shows the filter it lists

    page.locator("#f-risk").check()
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_load_state()
    at_risk = _whole(page.locator("#tile-total").inner_text())
    rows = page.locator("table.data-table tbody tr")
    if at_risk:
        for row in rows.all()[:10]:
            expect(row.locator("td.risk-cell")).not_to_have_text(_said("None", "sv"))
    else:
        expect(page.locator("p.empty")).to_be_visible()
    check_accessibility(page, "overview at risk sv", screenshot_dir)
    page.locator("#f-risk").uncheck()
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_load_state()

    page.get_by_role("link", name=_said("Charts", "sv")).click()
    page.wait_for_load_state()
    assert "action=KA210-SCH" in page.url
    table = page.locator("#years-table")
    expect(table.locator("caption")).to_have_text(
        _said("Applications and granted euros per call year and programme", "sv")
    )
    counted = [_whole(cell) for cell in table.locator("tbody tr td:nth-of-type(1)").all_inner_texts()]
    assert sum(counted) == ka210  # the chart's table holds the same applications the overview counted
    expect(page.locator("svg#chart-applications > title#chart-applications-title")).to_have_count(1)
    check_accessibility(page, "charts sv", screenshot_dir)
    use_language(page, "en")
    expect(page.locator("#years-table caption")).to_have_text(
        "Applications and granted euros per call year and programme"
    )
    check_accessibility(page, "charts en", screenshot_dir)
    page.goto(f"{live_server}/applications/?action=KA210-SCH")
    check_accessibility(page, "overview en", screenshot_dir)
