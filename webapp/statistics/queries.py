"""The charts' numbers, counted by the database in GROUP BY queries over the overview's narrowed
set (`applications.queries.narrowed`): no application row is loaded, so a page sends the same few
statements for ten applications or ten thousand."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func

from ..applications.models import Application, Outcome
from ..applications.queries import Overview, narrowed
from ..auth.models import User
from ..core.paging import Page, page_number
from ..extensions import db
from ..lifecycle import Status, statuses
from ..organisations.models import School
from ..programmes import registry

#: Granted: the project was funded, whether it runs now or ran (GRANTED, REPORTING, CLOSED).
GRANTED = frozenset(statuses("funded"))

#: The outcomes the per-school chart counts, in the order it draws them, each with the statuses it
#: holds. Every other status (drafts, approvals, sign-offs, withdrawn, declined) counts as WRITING.
OUTCOMES: dict[str, frozenset[Status]] = {
    "granted": GRANTED,
    "rejected": frozenset({Status.REJECTED}),
    "reserve_list": frozenset({Status.RESERVE_LIST}),
    "waiting": frozenset({Status.SUBMITTED}),
}
WRITING = "writing"

SCHOOLS_PER_PAGE = 20
OTHER_PROGRAMME = ""  # an action no definition names any longer


@dataclass(frozen=True)
class YearProgramme:
    """One call year of one programme: how many applied, how many were granted, and for how much."""

    call_year: int
    programme: str  # the programme's key in workflows/programmes.yaml, or OTHER_PROGRAMME
    applications: int
    granted: int
    granted_eur: int


@dataclass(frozen=True)
class SchoolOutcomes:
    """One school's applications, counted by outcome (the keys of OUTCOMES, then WRITING)."""

    school_id: int
    name: str
    applications: int
    outcomes: dict[str, int]


def _counted(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _with_status(group: frozenset[Status]):
    return Application.status.in_(sorted(group))


def _narrowed_applications(columns, user: User, filters: Overview):
    query = db.select(*columns).select_from(Application).join(School, Application.school_id == School.id)
    return narrowed(query, user, filters)


def programmes() -> list[str]:
    """The programmes' keys in the order the registry lists their actions: the charts' series."""
    return list(dict.fromkeys(definition.programme for definition in registry.all_actions()))


def programme_of(action_key: str, call_year: int) -> str:
    """The programme an action belongs to (its call year's definition, or its newest)."""
    definition = registry.get(action_key, call_year) or registry.get(action_key)
    return definition.programme if definition else OTHER_PROGRAMME


def per_year(user: User, filters: Overview) -> list[YearProgramme]:
    """Per call year and programme, oldest year first: the applications, the granted ones (by
    status, GRANTED) and the euros granted (the granted outcomes' amounts, as the overview's tile). Counted per action by the database; the actions
    are folded into their programmes here, since programmes live in workflows/, not in a table."""
    granted = _with_status(GRANTED)
    euros = func.coalesce(func.sum(case((Outcome.granted, Outcome.amount_eur), else_=0)), 0)
    query = _narrowed_applications(
        (Application.call_year, Application.action_key, func.count(Application.id), _counted(granted), euros),
        user,
        filters,
    ).outerjoin(Outcome, Outcome.application_id == Application.id)
    totals: dict[tuple[int, str], list[int]] = {}
    for call_year, action_key, applications, granted_count, granted_eur in db.session.execute(
        query.group_by(Application.call_year, Application.action_key)
    ):
        sums = totals.setdefault((call_year, programme_of(action_key, call_year)), [0, 0, 0])
        sums[0] += applications
        sums[1] += granted_count
        sums[2] += granted_eur or 0
    order = {key: index for index, key in enumerate(programmes())}
    return [
        YearProgramme(year, programme, *(int(n) for n in sums))
        for (year, programme), sums in sorted(totals.items(), key=lambda item: (item[0][0], order.get(item[0][1], 99)))
    ]


def per_school(user: User, filters: Overview, page: int | None) -> Page:
    """Page `page` of the schools with narrowed applications, most applications first, then by
    name: each school's applications counted by outcome. A page past the last answers the last."""
    total = db.session.scalar(
        _narrowed_applications((func.count(func.distinct(Application.school_id)),), user, filters)
    )
    number, pages = page_number(page, total, SCHOOLS_PER_PAGE)
    applications = func.count(Application.id)
    query = (
        _narrowed_applications(
            (School.id, School.name, applications, *(_counted(_with_status(group)) for group in OUTCOMES.values())),
            user,
            filters,
        )
        .group_by(School.id, School.name)
        .order_by(applications.desc(), School.name, School.id)
        .limit(SCHOOLS_PER_PAGE)
        .offset((number - 1) * SCHOOLS_PER_PAGE)
    )
    rows = []
    for school_id, name, count, *counts in db.session.execute(query):
        outcomes = dict(zip(OUTCOMES, (int(n) for n in counts), strict=True))
        outcomes[WRITING] = count - sum(outcomes.values())
        rows.append(SchoolOutcomes(school_id, name, count, outcomes))
    return Page(rows, number, pages, total)  # rows: SchoolOutcomes
