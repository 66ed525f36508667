"""The application record's pages: the list, starting one, its overview, editing its own fields,
and taking a lifecycle transition (completing a stage today; sending, approving … as they come)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..core import access
from ..core.downloads import attachment
from ..core.errors import Conflict, NotAllowed
from ..core.forms import ActionForm
from ..core.i18n import format_number, today_in_stockholm
from ..core.web import BACK_PAGES, safe_next
from ..exports import services as exports
from ..extensions import db
from ..lifecycle import STAGES, STATES, TRANSITIONS, perform
from ..lifecycle.engine import COMMENT_LIMIT, decide
from ..planning import plan as planning
from ..programmes import registry
from ..sections import services as sections
from . import export, presenters, queries, round_caps, services
from .forms import ApplicationForm, EditApplicationForm
from .lifecycle import DECLARATIONS, current_signature, declaration_text
from .models import Application, SignatureKind
from .step_forms import details_of, form_for

bp = Blueprint("applications", __name__, url_prefix="/applications")
bp.add_app_template_global(presenters.state_of, "state_of")
bp.add_app_template_global(presenters.stage_steps, "stage_steps")
bp.add_app_template_global(presenters.deadline_cell, "deadline_cell")
bp.add_app_template_global(presenters.next_step, "next_step")
bp.add_app_template_global(presenters.report_deadlines, "report_deadlines")
bp.add_app_template_global(STAGES, "stages")
BACK_PAGES["application_id"] = "applications.show"


PER_PAGE = 50  # rows of the overview's table per page
LAST_PAGE = 100_000  # a page number past any real list: larger ones are read as this one


def _page_number(number: int | None, total: int) -> int:
    """Page `number` of the overview; a page past the last answers the last one."""
    last = max(1, -(-total // PER_PAGE))
    return min(max(number or 1, 1), LAST_PAGE, last)


def _page(query, number: int, total: int):
    """Page `number` of the overview. The tiles have counted the list already (`total`), so the
    database is not asked to count it again."""
    result = db.paginate(query, page=number, per_page=PER_PAGE, error_out=False, count=False)
    result.total = total
    return result


def table_labels() -> dict:
    """Each stage's and state's label translated once for the page, not once per row."""
    return {
        "stages": {key: str(info.label) for key, info in STAGES.items()},
        "states": {key: str(state.label) for key, state in STATES.items()},
    }


def risks_of(applications: list[Application]) -> dict[int, list]:
    """Each listed application's risks today, as its plan card words them; the plan is worked out
    only for those whose deadline is near enough for any milestone to be a risk."""
    organisations = {organisation.id: organisation for organisation in queries.organisations_of(current_user)}
    today = today_in_stockholm()
    horizons = {key: planning.risk_horizon(organisation, today) for key, organisation in organisations.items()}
    found = {}
    # The plan and its risks depend only on these (many rows share a call's deadline and a state):
    # worked out and worded once per page for each.
    worded: dict[tuple, list] = {}
    for application in applications:
        organisation = organisations.get(application.school.organisation_id)
        deadline = application.deadline
        if organisation is None or deadline is None or deadline >= horizons[organisation.id]:
            found[application.id] = []
            continue
        key = (
            organisation.id,
            application.action_key,
            application.call_year,
            application.call_round,
            deadline,
            application.stage,
            application.status,
        )
        if key not in worded:
            plan = planning.plan(application, sections.definition_of(application), organisation, today)
            # Worded now, once; Markup as the lazy text renders (it is not escaped either).
            worded[key] = [
                planning.Risk(risk.key, Markup(str(risk.text))) for risk in planning.risks(plan, application)
            ]
        found[application.id] = worded[key]
    return found


@bp.get("/")
@access.signed_in
def index():
    """The overview of every application the user sees, a page at a time, with the counts of the
    narrowed set by stage and by status above it."""
    filters, schools, rounds = queries.overview_for(current_user, request.args)
    labels = table_labels()
    tiles = queries.overview_tiles(current_user, filters)
    total = sum(tiles.by_stage.values())
    number = _page_number(request.args.get("page", type=int), total)
    page = _page(queries.overview(current_user, filters, within=number * PER_PAGE), number, total)
    applications = queries.by_ids(page.items)
    risks = risks_of(applications)
    return render_template(
        "applications/index.html",
        page=page,
        applications=applications,
        rows=presenters.table_rows(applications, labels, risks),
        risks=risks,
        filters=filters,
        args=filters.args(),
        tiles=tiles,
        schools=schools,
        rounds=rounds,
        actions=registry.all_actions(),
        states=STATES,
        labels=labels,
    )


REUSE_CHOICES = 50  # the newest earlier applications offered to start from


@bp.route("/new", methods=["GET", "POST"])
@access.signed_in
def create():
    access.require("application.create")
    schools = queries.rows(queries.schools_for_new_application(current_user))
    form = ApplicationForm(
        action_rounds=registry.open_rounds_now(),
        schools=schools,
        earlier=queries.rows(queries.reusable(current_user).limit(REUSE_CHOICES)),
    )
    preset = request.args.get("action", "")
    if request.method == "GET" and registry.get(preset):
        form.call.data = next((c.value for c in form.call.choices if c.value.startswith(preset + "/")), None)
    if form.validate_on_submit():
        created = _created_with(form.form_key.data)
        if created is not None:  # the same form sent again (Back, then Send): no second application
            flash(_("This application was already created; here it is."), "info")
            return redirect(url_for("applications.show", application_id=created))
        school = next(s for s in schools if s.id == form.school_id.data)
        access.require("application.create", school)
        source = services.reusable_by_id(current_user, form.copy_from.data)
        application = services.create(
            current_user,
            school,
            form.action_key,
            form.round_id,
            form.title.data,
            copy_from=source,
            copy_partners=form.copy_partners.data,
        )
        _remember_created(form.form_key.data, application.id)
        flash(_("The application is created. Start by describing the idea."), "success")
        _flash_round_caps(application)
        return redirect(url_for("applications.show", application_id=application.id))
    return render_template("applications/new.html", form=form), 422 if form.errors else 200


def _flash_round_caps(application: Application) -> None:
    """A second application for one round may exist, but the team hears of the cap at once; the
    overview it is sent to names the cap and the other applications."""
    if round_caps.broken_caps(application, current_user):
        flash(
            _(
                "This application goes over the programme's cap on applications per round: see the notice at the top of the overview."
            ),
            "warning",
        )


_CREATED = "created_applications"  # session: form key -> the application it created (the last few)


def _created_with(form_key: str | None) -> int | None:
    return session.get(_CREATED, {}).get(form_key) if form_key else None


def _remember_created(form_key: str | None, application_id: int) -> None:
    if form_key:
        created = dict(list(session.get(_CREATED, {}).items())[-9:])
        created[form_key[:40]] = application_id
        session[_CREATED] = created


@bp.get("/<int:application_id>")
@access.guard("application.view", Application, "application_id")
def show(application: Application):
    report = sections.report(application)
    definition = report.definition if report else None
    return render_template(
        "applications/show.html",
        application=application,
        definition=definition,
        report=report,
        state=presenters.state_of(application),
        call_round=definition.call_round(application.call_round) if definition else None,
        round_caps=round_caps.warnings(round_caps.broken_caps(application, current_user)),
        steps=presenters.stage_steps(application, report),
        next_step=presenters.next_step(application),
        last_saved=presenters.last_saved(application),
        actions=presenters.overview_actions(current_user, application),
        latest_comment=presenters.latest_comment(application),
        signature=current_signature(application),
        signed_off=current_signature(application, SignatureKind.COORDINATOR),
        declarations={key: declaration_text(current_user, application, key) for key in DECLARATIONS},
        comment_limit=COMMENT_LIMIT,
        action_form=ActionForm(),
        plan=planning.overview(application, definition),
    )


@bp.route("/<int:application_id>/edit", methods=["GET", "POST"])
@access.guard("application.edit_content", Application, "application_id", lock="share")
def edit(application: Application):
    schools = queries.rows(queries.schools_for_new_application(current_user))
    if application.school not in schools:
        schools.insert(0, application.school)
    keep = f"{application.action_key}/{application.call_round}"
    form = EditApplicationForm(
        obj=application if request.method == "GET" else None,
        action_rounds=registry.open_rounds_now(),
        schools=schools,
        keep_call=keep,
        unchanged=(application.school_id, keep),
        team_candidates=queries.rows(queries.team_candidates(application.school)),
    )
    if request.method == "GET":
        form.call.data = keep
        form.team.data = [u.id for u in application.team]
        form.version.data = application.version
    conflict = None
    if form.validate_on_submit():
        school = next(s for s in schools if s.id == form.school_id.data)
        if school.id != application.school_id:
            access.require("application.create", school)
        wanted = set(form.team.data or ())
        team = [u for u in queries.rows(queries.team_candidates(school)) if u.id in wanted]
        try:
            services.update(
                current_user,
                application,
                expected_version=form.expected_version,
                title=form.title.data,
                action_key=form.action_key,
                call_round=form.round_id,
                school=school,
                team=team,
            )
        except Conflict:
            conflict = db.session.get(Application, application.id)
            form.version.data = conflict.version
        else:
            flash(_("Saved."), "success")
            _flash_round_caps(application)
            return redirect(url_for("applications.show", application_id=application.id))
    status = 409 if conflict else (422 if form.errors else 200)
    return render_template("applications/edit.html", form=form, application=application, conflict=conflict), status


@bp.route("/<int:application_id>/transitions/<transition_key>", methods=["GET", "POST"])
@access.guard("application.view", Application, "application_id", lock="update")
def transition(application: Application, transition_key: str):
    """Takes one lifecycle step; the engine checks state, permission and requirements. A step with a
    form of its own (registering the submission, the outcome, the final report) has a page for it."""
    overview = url_for("applications.show", application_id=application.id)
    back = safe_next(request.form.get("next"), overview)
    step = TRANSITIONS.get(transition_key) or abort(404)
    form = form_for(step, application) if step.form else None
    if request.method == "GET":
        if form is None:
            return redirect(overview)
        decision = decide(current_user, application, step)
        if not decision:
            raise NotAllowed(decision)
        return render_template("applications/step.html", application=application, step=step, form=form)
    if form is not None and not form.validate_on_submit():
        return render_template("applications/step.html", application=application, step=step, form=form), 422
    if form is None and not ActionForm().validate_on_submit():
        return redirect(back)
    try:
        done = perform(
            current_user,
            application,
            transition_key,
            request.form.get("comment", ""),
            declared=request.form.get("declaration") == "yes",
            details=details_of(form) if form is not None else None,
        )
    except NotAllowed as refusal:
        if refusal.status == 404:
            raise
        flash(str(refusal.decision.reason), "warning")
        return redirect(back)
    except Conflict:
        flash(_("Someone else changed the application at the same moment. Check it and try again."), "warning")
        return redirect(back)
    flash(str(done.done_message or _("Done.")), "success")
    if done.stage is not None and done.target is None:  # a completed stage: on to the stage it now stands in
        return redirect(url_for("sections.stage", application_id=application.id, stage=application.stage))
    return redirect(overview if form is not None else back)


# The overview's export: the list as filtered, as a spreadsheet (webapp/applications/export.py).

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export(extension: str):
    """The overview's rows for the same filters, as `index` reads them, in a file; a list longer
    than one file holds sends the user back to the overview to narrow it."""
    filters, _schools, _rounds = queries.overview_for(current_user, request.args)
    try:
        total = export.check_size(current_user, filters)
    except export.TooManyRows as refusal:
        flash(
            _(
                "The list has %(num)s applications; at most %(max)s are exported at a time. Narrow the filter and export again.",
                num=format_number(refusal.total),
                max=format_number(export.MAX_EXPORT_ROWS),
            ),
            "warning",
        )
        return redirect(url_for("applications.index", **filters.args()))
    if total > exports.inline_rows():  # too long to wait for: offered as a background export
        return render_template("exports/start.html", args=filters.args(), total=total)
    name = export.file_name(extension)
    if extension == "csv":
        body = stream_with_context(export.csv_body(export.rows(current_user, filters)))
        return attachment(_first_then(export.csv_header(), body), name, "text/csv")
    workbook = export.xlsx_file(current_user, filters)
    response = attachment(export.chunks(workbook), name, XLSX_MIMETYPE)
    response.call_on_close(workbook.close)  # also when no byte is read (HEAD)
    return response


@bp.get("/export.csv")
@access.signed_in
def export_csv():
    return _export("csv")


@bp.get("/export.xlsx")
@access.signed_in
def export_xlsx():
    return _export("xlsx")


def _first_then(first: bytes, rest):
    """`first`, then `rest`, closed with this: a client that reads only the first chunk (werkzeug's
    test client does) never enters the contexts `stream_with_context` pushes for `rest`."""
    yield first
    yield from rest
