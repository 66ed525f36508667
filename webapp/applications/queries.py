"""The lists of applications, as `Select` objects: callers paginate or count them, and each loads
only what the list shows (school and owner in the same query, the team in one more; the
overview's table only its own columns and the school)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import g
from sqlalchemy import Select, and_, case, false, func, literal_column, not_, or_, union_all
from sqlalchemy.orm import contains_eager, joinedload, load_only, selectinload

from ..auth.models import Membership, Role, User
from ..core.i18n import today_in_stockholm
from ..core.models import utcnow
from ..extensions import db
from ..lifecycle import Stage, Status, statuses
from ..organisations.models import Organisation, School
from ..planning import plan as planning
from ..programmes import registry
from .access import visible_clause
from .models import Application, Outcome, application_team


def _listing() -> Select:
    return (
        db.select(Application)
        .join(School, Application.school_id == School.id)
        .options(joinedload(Application.school), joinedload(Application.owner), selectinload(Application.team))
    )


def racing_clause(now=None):
    """Still racing a deadline that has not passed (or has none): listed first by `deadline_order`."""
    return and_(
        Application.status.in_(statuses("counts_down")),
        or_(Application.deadline.is_(None), Application.deadline >= (now or utcnow())),
    )


def deadline_order():
    """Applications still racing a deadline that has not passed first, nearest first; then the rest
    (a missed call, submitted, closed); ties by title, id."""
    return (
        case((racing_clause(), 0), else_=1),
        Application.deadline.is_(None),
        Application.deadline,
        Application.title,
        Application.id,
    )


def visible(user: User, *, school_id=None, status=None, stage=None, action_key=None) -> Select:
    query = _listing().where(visible_clause(user))
    if school_id:
        query = query.where(Application.school_id == school_id)
    if status:
        query = query.where(Application.status == status)
    if stage:
        query = query.where(Application.stage == stage)
    if action_key:
        query = query.where(Application.action_key == action_key)
    return query.order_by(*deadline_order())


#: The overview's sort keys: each the columns it orders by, then id so pages never overlap.
SORTS = {
    "deadline": (Application.deadline.is_(None), Application.deadline),
    "title": (Application.title,),
    "school": (School.name,),
    "changed": (Application.updated_at,),
}
DIRECTIONS = ("asc", "desc")
SEARCH_WORDS = 8  # title words searched at most; the rest are ignored


@dataclass(frozen=True)
class Overview:
    """What the overview is narrowed to and ordered by, every value already checked by the view."""

    school_id: int | None = None
    action_key: str | None = None
    stage: str | None = None
    status: str | None = None
    call_round: str | None = None
    words: tuple[str, ...] = ()
    at_risk: bool = False
    sort: str = "deadline"
    direction: str = "asc"

    @classmethod
    def from_args(cls, args, schools, rounds) -> Overview:
        """The filters and order as asked for in `args`; any value that is not one of the choices
        the page offers is ignored, so an odd URL lists everything rather than failing."""
        school_id = args.get("school", type=int)
        sort = args.get("sort", "")
        return cls(
            school_id=school_id if school_id in {school.id for school in schools} else None,
            action_key=args.get("action") if registry.get(args.get("action", "")) else None,
            stage=args.get("stage") if args.get("stage") in set(Stage) else None,
            status=args.get("status") if args.get("status") in set(Status) else None,
            call_round=args.get("round") if args.get("round") in rounds else None,
            at_risk=args.get("risk") == "1",
            # PostgreSQL refuses a NUL
            words=tuple(args.get("q", "").replace("\x00", "")[:200].split()[:SEARCH_WORDS]),
            sort=sort if sort in SORTS else "deadline",
            direction=args.get("dir") if args.get("dir") in DIRECTIONS else "asc",
        )

    def args(self) -> dict:
        """The query-string arguments that ask for these filters (defaults left out): for links
        to other pages of the list, its export and its charts."""
        args = {
            "school": self.school_id,
            "action": self.action_key,
            "stage": self.stage,
            "status": self.status,
            "round": self.call_round,
            "q": " ".join(self.words) or None,
            "risk": "1" if self.at_risk else None,
            "sort": None if self.sort == "deadline" else self.sort,
            "dir": None if self.direction == "asc" else self.direction,
        }
        return {key: value for key, value in args.items() if value}


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def narrowed(query: Select, user: User, overview: Overview) -> Select:
    """`query` (joined with School) narrowed to the visible applications that match `overview`."""
    query = query.where(visible_clause(user))
    for column, value in (
        (Application.school_id, overview.school_id),
        (Application.action_key, overview.action_key),
        (Application.stage, overview.stage),
        (Application.status, overview.status),
        (Application.call_round, overview.call_round),
    ):
        if value:
            query = query.where(column == value)
    for word in overview.words:
        query = query.where(Application.title.ilike(_like(word), escape="\\"))
    if overview.at_risk:
        query = query.where(at_risk_clause(organisations_of(user), today_in_stockholm()))
    return query


def overview_for(user: User, args) -> tuple[Overview, list, list[str]]:
    """The overview's filters as `args` ask for them, checked against the schools (id, name rows)
    and call rounds the user may filter by (returned too, for the filter form)."""
    schools = db.session.execute(filter_schools(user)).all()
    rounds = registry.round_ids()
    return Overview.from_args(args, schools, rounds), schools, rounds


def organisations_of(user: User) -> list[Organisation]:
    """The user's organisations with their planning settings, read once per request."""
    cache = g.setdefault("organisations_of", {})
    if user.id not in cache:
        cache[user.id] = rows(db.select(Organisation).where(Organisation.id.in_(user.organisation_ids)))
    return cache[user.id]


def not_done(done_when: str):
    """The SQL condition of a milestone not yet done (planning.plan.is_done, negated)."""
    done = Application.status.in_(planning.done_statuses(done_when))
    later = planning.stages_after(done_when)
    return not_(or_(done, Application.stage.in_(later)) if later else done)


def at_risk_clause(organisations: list[Organisation], today: date):
    """The applications `planning.risks` flags today, as an SQL condition: still racing a deadline
    that has not passed, and a milestone not done whose date is at most RISK_DAYS days away or past."""
    per_organisation = []
    latest = None
    for organisation in organisations:
        thresholds = planning.risk_thresholds(organisation, today)
        milestones = [
            and_(Application.deadline < threshold.deadline_before, not_done(threshold.done_when))
            for threshold in thresholds
        ]
        per_organisation.append(and_(School.organisation_id == organisation.id, or_(false(), *milestones)))
        for threshold in thresholds:
            latest = threshold.deadline_before if latest is None else max(latest, threshold.deadline_before)
    # The deadline's range first (implied by the rest): two comparisons rule out most rows before
    # the status lists are read (the tiles evaluate this once per application).
    in_range = [Application.deadline >= planning.start_of(today)]
    if latest is not None:
        in_range.append(Application.deadline < latest)
    return and_(
        *in_range,
        Application.status.in_(statuses("counts_down")),
        or_(false(), *per_organisation),
    )


#: `deadline_order` without its CASE: the racing and the other applications are each read in this
#: order, which an index on (deadline, title, id) gives (NULLS LAST: `deadline IS NULL, deadline`).
_DEADLINE_COLUMNS = (Application.deadline.asc().nulls_last(), Application.title, Application.id)


def _by_deadline_within(query: Select, within: int) -> Select:
    """`query` (ids) in `deadline_order`, for the first `within` rows only: the racing ones and
    the rest each read in index order, at most `within` of each, then merged. The same rows in the
    same order as `query.order_by(*deadline_order())` up to `within`, without sorting the whole list."""
    now = utcnow()
    parts = []
    for key, where in ((0, racing_clause(now)), (1, not_(racing_clause(now)))):
        part = (
            query.add_columns(literal_column(str(key)).label("racing_key"), Application.deadline, Application.title)
            .where(where)
            .order_by(*_DEADLINE_COLUMNS)
            .limit(within)
            .subquery()
        )
        parts.append(db.select(part))
    merged = union_all(*parts).subquery()
    return db.select(merged.c.id).order_by(
        merged.c.racing_key, merged.c.deadline.asc().nulls_last(), merged.c.title, merged.c.id
    )


def overview(user: User, filters: Overview, within: int | None = None) -> Select:
    """The ids of the visible applications, narrowed and ordered as asked: the sort reads narrow
    rows, and only the page's ids are loaded (`by_ids`). `within`: only the first that many rows
    will be read (a page's end), which lets the default order read an index instead of sorting all."""
    query = narrowed(db.select(Application.id).join(School, Application.school_id == School.id), user, filters)
    if filters.sort == "deadline" and filters.direction == "asc":
        if within is not None:
            return _by_deadline_within(query, max(within, 1))
        return query.order_by(*deadline_order())
    columns = SORTS[filters.sort]
    if filters.direction == "desc":
        columns = tuple(column.desc() for column in columns)
    return query.order_by(*columns, Application.id.desc() if filters.direction == "desc" else Application.id)


def by_ids(ids: list[int]) -> list[Application]:
    """The overview's rows for these ids, in their order: only the columns the table shows and the
    school's name in one query (no team, no owner)."""
    if not ids:
        return []
    query = (
        db.select(Application)
        .join(School, Application.school_id == School.id)
        .where(Application.id.in_(ids))
        .options(
            load_only(
                Application.id,
                Application.title,
                Application.school_id,
                Application.action_key,
                Application.stage,
                Application.status,
                Application.deadline,
                Application.call_round,
                Application.call_year,
            ),
            contains_eager(Application.school).load_only(School.id, School.name, School.organisation_id),
        )
    )
    found = {application.id: application for application in db.session.scalars(query)}
    return [found[i] for i in ids if i in found]


@dataclass(frozen=True)
class Tiles:
    """The overview's summary of the narrowed applications."""

    by_stage: dict[str, int]
    by_status: dict[str, int]
    at_risk: int
    requested_eur: int  # what they ask for, where known
    granted_eur: int  # what was granted


def overview_tiles(user: User, filters: Overview) -> Tiles:
    """Counts by stage and by status, the number at risk and the euros requested and granted of the
    narrowed applications, added up by the database in one GROUP BY."""
    risky = at_risk_clause(organisations_of(user), today_in_stockholm())
    query = (
        db.select(
            Application.stage,
            Application.status,
            func.count(),
            func.sum(case((risky, 1), else_=0)),
            func.sum(Application.requested_eur),
            func.sum(case((Outcome.granted, Outcome.amount_eur), else_=None)),
        )
        .select_from(Application)
        .join(School, Application.school_id == School.id)
        .outerjoin(Outcome, Outcome.application_id == Application.id)
    )
    by_stage: dict[str, int] = {}
    by_status: dict[str, int] = {}
    at_risk = requested = granted = 0
    for stage, status, count, risks, asked, won in db.session.execute(
        narrowed(query, user, filters).group_by(Application.stage, Application.status)
    ):
        by_stage[stage] = by_stage.get(stage, 0) + count
        by_status[status] = by_status.get(status, 0) + count
        at_risk += risks or 0
        requested += asked or 0
        granted += won or 0
    return Tiles(by_stage, by_status, at_risk, requested, granted)


def written_by(user: User) -> Select:
    """The applications a teacher writes: owned or on the team, still in play."""
    on_team = db.select(application_team.c.application_id).where(application_team.c.user_id == user.id)
    return (
        _listing()
        .where(
            visible_clause(user),
            or_(Application.owner_id == user.id, Application.id.in_(on_team)),
            Application.status.in_(statuses("in_play")),
        )
        .order_by(*deadline_order())
    )


def awaiting_decision(user: User) -> Select:
    """What waits for this principal's decision, the nearest deadline first."""
    return (
        _listing()
        .where(
            Application.school_id.in_(user.school_ids(Role.PRINCIPAL)),
            Application.status.in_(statuses("waits_for_principal")),
        )
        .order_by(*deadline_order())
    )


def awaiting_signoff(user: User) -> Select:
    """What waits for a coordinator's sign-off in this coordinator's organisations, nearest deadline first."""
    return (
        _listing()
        .where(
            School.organisation_id.in_(user.org_ids_with(Role.COORDINATOR)),
            Application.status.in_(statuses("waits_for_coordinator")),
        )
        .order_by(*deadline_order())
    )


def signoff_asked(user: User) -> bool:
    """Whether one of this coordinator's organisations asks for the coordinator's sign-off."""
    asked = db.select(Organisation.id).where(
        Organisation.id.in_(user.org_ids_with(Role.COORDINATOR)), Organisation.coordinator_signoff
    )
    return db.session.scalar(db.select(asked.exists())) or False


def reusable(user: User) -> Select:
    """Earlier applications of the user's schools that a new one may start from, newest first."""
    schools = user.school_ids(Role.TEACHER, Role.PRINCIPAL)
    return (
        db.select(Application)
        .where(Application.school_id.in_(schools))
        .order_by(Application.created_at.desc(), Application.id.desc())
    )


def team_candidates(school: School) -> Select:
    """Teachers and principals of the school: the people who can co-write its applications."""
    at_school = db.select(Membership.user_id).where(
        Membership.school_id == school.id, Membership.role.in_((Role.TEACHER, Role.PRINCIPAL))
    )
    return db.select(User).where(User.id.in_(at_school), User.active).order_by(User.name, User.id)


def schools_for_new_application(user: User) -> Select:
    return db.select(School).where(School.id.in_(user.school_ids(Role.TEACHER, Role.PRINCIPAL))).order_by(School.name)


def filter_schools(user: User) -> Select:
    """The schools a list may be filtered by: every school of the user's organisations, as plain
    (id, name) rows (all the filter shows; `.id` and `.name` read as on a School)."""
    return (
        db.select(School.id, School.name).where(School.organisation_id.in_(user.organisation_ids)).order_by(School.name)
    )


def rows(query: Select) -> list:
    return list(db.session.scalars(query).unique())
