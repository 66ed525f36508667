"""The coordinator's charts (`/applications/statistics`): the overview's filters, the numbers
counted by `queries`, drawn by `charts` and written out again in a table under each chart."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..applications import queries as applications
from ..core import access
from ..core.i18n import format_euro, format_number
from ..core.paging import Page
from ..lifecycle import STAGES, STATES
from ..programmes import registry
from . import charts, queries

bp = Blueprint("statistics", __name__, url_prefix="/applications/statistics")

OUTCOME_LABELS = {
    "granted": _l("Granted"),
    "rejected": _l("Not granted"),
    "reserve_list": _l("On the reserve list"),
    "waiting": _l("Waiting for the decision"),
    queries.WRITING: _l("In writing"),
}
#: Each series' colour in the stylesheet (`.chart .tone-<name>`): programmes in their order, and
#: the outcomes (granted green, not granted red, reserve list amber, waiting blue, writing grey).
PROGRAMME_TONES = ("brand", "accent", "warn", "muted")
OUTCOME_TONES = ("accent", "danger", "warn", "brand", "muted")


def programme_name(key: str) -> str:
    return registry.programme(key).name if key else _("Other")


def year_label(call_year: int) -> str:
    return str(call_year) if call_year else _("No call year")


def year_charts(rows: list[queries.YearProgramme]) -> dict:
    """The applications and the granted euros per call year, a bar per programme that has any."""
    years = sorted({row.call_year for row in rows})
    present = {row.programme for row in rows}
    programmes = [key for key in [*queries.programmes(), queries.OTHER_PROGRAMME] if key in present]
    found = {(row.call_year, row.programme): row for row in rows}
    empty = queries.YearProgramme(0, "", 0, 0, 0)
    cells = [[found.get((year, key), empty) for key in programmes] for year in years]
    names = [programme_name(key) for key in programmes]
    labels = [year_label(year) for year in years]
    return {
        "applications": charts.grouped_bars(
            labels, names, [[row.applications for row in cell] for cell in cells], format_number
        ),
        "euros": charts.grouped_bars(labels, names, [[row.granted_eur for row in cell] for cell in cells], format_euro),
        "years": ", ".join(labels),
        "programmes": ", ".join(names),
    }


def school_chart(page: Page) -> charts.Chart | None:
    return charts.stacked_rows(
        [row.name for row in page.items],
        [str(label) for label in OUTCOME_LABELS.values()],
        [[row.outcomes[key] for key in OUTCOME_LABELS] for row in page.items],
        format_number,
    )


@bp.get("")
@access.signed_in
def index():
    """The charts of the applications the overview's filters narrow to (its order and page do not
    change a sum; the page argument here is the page of schools)."""
    access.require("applications.overview")
    filters, schools, rounds = applications.overview_for(current_user, request.args)
    years = queries.per_year(current_user, filters)
    school_page = queries.per_school(current_user, filters, request.args.get("page", type=int))
    return render_template(
        "statistics/index.html",
        filters=filters,
        args=filters.args(),
        schools=schools,
        rounds=rounds,
        actions=registry.all_actions(),
        years=years,
        year_charts=year_charts(years),
        programme_names={row.programme: programme_name(row.programme) for row in years},
        school_page=school_page,
        school_chart=school_chart(school_page),
        outcome_labels={key: str(label) for key, label in OUTCOME_LABELS.items()},
        outcome_keys=list(OUTCOME_LABELS),
        programme_tones=PROGRAMME_TONES,
        outcome_tones=OUTCOME_TONES,
        stage_labels={key: str(info.label) for key, info in STAGES.items()},
        state_labels={key: str(state.label) for key, state in STATES.items()},
        year_label=year_label,
    )
