from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ..core import policy
from ..core.forms import ActionForm, submitted_version
from ..core.i18n import current_language, format_time
from ..extensions import db
from ..organisations.models import School
from ..workflow import forms as workflow_forms
from ..workflow import registry, rules
from . import sections, services
from .forms import ApplicationForm, ChooserForm, EditApplicationForm, ScoreForm
from .models import Application, Stage, Status

bp = Blueprint("applications", __name__, url_prefix="/applications")


@bp.get("/")
@policy.signed_in
def index():
    filters = {
        "school_id": request.args.get("school", type=int),
        "status": request.args.get("status") if request.args.get("status") in set(Status) else None,
        "stage": request.args.get("stage") if request.args.get("stage") in set(Stage) else None,
        "action_key": request.args.get("action") if registry.get(request.args.get("action", "")) else None,
    }
    applications = services.visible(current_user, **filters)
    return render_template(
        "applications/index.html",
        applications=applications,
        filters=filters,
        schools=_filter_schools(),
        actions=registry.all_actions(),
        status_labels=services.STATUS_LABELS,
        stage_labels=services.STAGE_LABELS,
        counts_down=services.counts_down,
    )


def _filter_schools():
    org_ids = current_user.organisation_ids
    return list(db.session.scalars(db.select(School).where(School.organisation_id.in_(org_ids)).order_by(School.name)))


def _school_for(form, candidates) -> School | None:
    return next((s for s in candidates if s.id == form.school_id.data), None)


@bp.route("/new", methods=["GET", "POST"])
@policy.signed_in
def create():
    schools = policy.schools_for_new_application(current_user)
    if not schools:
        abort(403)
    preset = request.args.get("action", "")
    form = ApplicationForm(action_rounds=services.open_rounds(), schools=schools,
                           earlier=services.reusable(current_user))
    if request.method == "GET" and registry.get(preset):
        form.call.data = next((c.value for c in form.call.choices if c.value.startswith(preset + "/")), None)
    if form.validate_on_submit():
        school = _school_for(form, schools)
        policy.check("school.create_application", school)
        source = services.reusable_by_id(current_user, form.copy_from.data)
        application = services.create(current_user, school, form.action_key, form.round_id, form.title.data,
                                      copy_from=source, copy_partners=form.copy_partners.data)
        flash(_("The application is created. Start by describing the idea."), "success")
        return redirect(url_for("applications.show", application_id=application.id))
    return render_template("applications/new.html", form=form), 422 if form.errors else 200


@bp.get("/<int:application_id>")
@policy.guard("application.view", Application, "application_id")
def show(application: Application):
    report = sections.report(application)
    definition = report.definition if report else None
    return render_template(
        "applications/show.html",
        application=application,
        definition=definition,
        report=report,
        stage_labels=services.STAGE_LABELS,
        call_round=definition.call_round(application.call_round) if definition else None,
        steps=services.stage_steps(application, report),
        next_step=services.next_step(application),
        counts_down=services.counts_down,
        status_label=services.STATUS_LABELS[Status(application.status)],
    )


@bp.route("/<int:application_id>/edit", methods=["GET", "POST"])
@policy.guard("application.edit", Application, "application_id")
def edit(application: Application):
    if not services.is_editable(application):
        flash(_("This application is no longer a draft, so it cannot be changed here."), "warning")
        return redirect(url_for("applications.show", application_id=application.id))
    schools = policy.schools_for_new_application(current_user)
    if application.school not in schools:
        schools.insert(0, application.school)
    keep = f"{application.action_key}/{application.call_round}"
    form = EditApplicationForm(
        obj=application if request.method == "GET" else None,
        action_rounds=services.open_rounds(),
        schools=schools,
        keep_call=keep,
        team_candidates=services.team_candidates(application.school),
    )
    if request.method == "GET":
        form.call.data = keep
        form.team.data = [u.id for u in application.team]
        form.version.data = application.version
    conflict = None
    if form.validate_on_submit():
        school = _school_for(form, schools)
        if school.id != application.school_id:
            policy.check("school.create_application", school)
        team = [u for u in services.team_candidates(school) if u.id in set(form.team.data or ())]
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
        except (services.EditConflict, StaleDataError):
            db.session.rollback()
            conflict = db.session.get(Application, application.id)
            form.version.data = conflict.version
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("applications.show", application_id=application.id))
    status = 409 if conflict else (422 if form.errors else 200)
    return render_template("applications/edit.html", form=form, application=application, conflict=conflict), status


# --- The stages and the sections of the form ---------------------------------------------------

def _definition(application: Application):
    definition = sections.definition_of(application)
    if definition is None:
        abort(404)
    return definition


def _wants_json() -> bool:
    return request.headers.get("X-Autosave") == "1"


@bp.get("/<int:application_id>/stages/<stage>")
@policy.guard("application.view", Application, "application_id")
def stage(application: Application, stage: str):
    if stage not in set(Stage):
        abort(404)
    report = sections.report(application)
    if report is None:
        abort(404)
    definition = report.definition
    return render_template(
        "applications/stage.html",
        application=application,
        definition=definition,
        report=report,
        stage_report=report.stage(stage),
        steps=services.stage_steps(application, report),
        stage_key=stage,
        stage_labels=services.STAGE_LABELS,
        partners=application.partners,
        checklist=definition.checklist if stage == Stage.SUBMISSION else [],
        ticks=sections.checklist_ticks(application),
        checklist_version=sections.meta_version(application, sections.CHECKLIST),
        editable=policy.allowed("application.edit", application) and services.is_editable(application),
        action_form=ActionForm(),
    )


@bp.post("/<int:application_id>/stages/<stage>/complete")
@policy.guard("application.edit", Application, "application_id")
def complete_stage(application: Application, stage: str):
    if stage not in set(Stage):
        abort(404)
    if ActionForm().validate_on_submit() and services.is_editable(application):
        try:
            sections.complete_stage(current_user, application, stage)
        except sections.StageNotReady as exc:
            flash(_("The stage is not complete yet: %(n)d things are left.", n=len(exc.report.problems)), "warning")
            return redirect(url_for("applications.stage", application_id=application.id, stage=stage))
        flash(_("Well done: the stage is complete."), "success")
        return redirect(url_for("applications.stage", application_id=application.id, stage=application.stage))
    return redirect(url_for("applications.stage", application_id=application.id, stage=stage))


def _section_page(application, definition, section, form, conflict=None, status=200):
    orgs = sections.organisations(application)
    rows = sections.answer_rows(application)
    row = rows.get(section.key)
    report = sections.report(application)
    return render_template(
        "applications/section.html",
        application=application,
        definition=definition,
        section=section,
        form=form,
        row=row,
        conflict=conflict,
        conflict_form=_conflict_form(section, conflict, orgs) if conflict else None,
        section_report=report.sections[section.key],
        items=rules.repeat_items(section, row.data if row else {}, orgs) if section.repeat else [],
        next_section=_following(definition, section),
        previous_section=_preceding(definition, section),
        editable=policy.allowed("application.edit", application) and services.is_editable(application),
        stage_labels=services.STAGE_LABELS,
        field_defs={f.key: f for f in section.fields},
        visible=rules.is_visible,
    ), status


def _conflict_form(section, conflict, orgs):
    """The saved version, in the same shape as the editor, to show beside the user's text."""
    return workflow_forms.form_data(section, conflict.data if conflict else {}, orgs)


def _section_form(application, section, formdata=True):
    orgs = sections.organisations(application)
    form_class = workflow_forms.section_form_class(section, current_language(), registry.choices(), orgs)
    if not formdata:
        row = sections.answer_rows(application).get(section.key)
        form = form_class(formdata=None, data=workflow_forms.form_data(section, row.data if row else {}, orgs))
        form.version.data = row.version if row else 0
        return form
    return form_class()


@bp.get("/<int:application_id>/sections/<key>")
@policy.guard("application.view", Application, "application_id")
def section(application: Application, key: str):
    definition = _definition(application)
    section_def = definition.section(key) or abort(404)
    return _section_page(application, definition, section_def, _section_form(application, section_def, formdata=False))


@bp.post("/<int:application_id>/sections/<key>")
@policy.guard("application.edit", Application, "application_id")
def save_section(application: Application, key: str):
    definition = _definition(application)
    section_def = definition.section(key) or abort(404)
    if not services.is_editable(application):
        abort(409)
    form = _section_form(application, section_def)
    action = request.form.get("action", "save")
    if not form.validate_on_submit():
        if _wants_json():
            return jsonify(status="invalid", errors=form.errors), 422
        return _section_page(application, definition, section_def, form, status=422)
    row = sections.answer_rows(application).get(key)
    data = workflow_forms.answers_from(section_def, form, row.data if row else {})
    anchor = sections.apply_item_action(section_def, data, action)
    try:
        saved = sections.save_section(current_user, application, key, data, _version(form))
    except sections.SectionConflict as exc:
        if _wants_json():
            return jsonify(status="conflict", message=_("Someone else saved this section. Reload to compare before you go on.")), 409
        current = exc.current
        form.version.data = current.version if current else 0
        return _section_page(application, definition, section_def, form, conflict=current or _EmptyAnswer(), status=409)
    if _wants_json():
        return jsonify(status="saved", version=saved.version,
                       message=_("Saved %(time)s", time=format_time(saved.updated_at)))
    flash(_("Saved."), "success")
    if action == "next":
        following = _following(definition, section_def)
        if following:
            return redirect(url_for("applications.section", application_id=application.id, key=following.key))
        return redirect(url_for("applications.stage", application_id=application.id, stage=section_def.stage))
    return redirect(url_for("applications.section", application_id=application.id, key=key) + (f"#{anchor}" if anchor else ""))


def _preceding(definition, section):
    same_stage = definition.sections_of(section.stage)
    index = [s.key for s in same_stage].index(section.key)
    return same_stage[index - 1] if index > 0 else None


class _EmptyAnswer:
    data: dict = {}
    version = 0
    updated_by = None
    updated_at = None


def _version(form) -> int:
    version = submitted_version(form.version.data)
    return -1 if version is None else version


def _following(definition, section):
    """The next section of the same stage: the editor walks a stage, then returns to its page."""
    same_stage = definition.sections_of(section.stage)
    index = [s.key for s in same_stage].index(section.key)
    return same_stage[index + 1] if index + 1 < len(same_stage) else None


@bp.post("/<int:application_id>/checklist")
@policy.guard("application.edit", Application, "application_id")
def save_checklist(application: Application):
    definition = _definition(application)
    if ActionForm().validate_on_submit():
        ticks = {item.key: item.key in request.form.getlist("ticked") for item in definition.checklist}
        try:
            sections.save_section(current_user, application, sections.CHECKLIST, ticks,
                                  request.form.get("version", type=int, default=-1))
        except sections.SectionConflict:
            flash(_("Someone else changed the checklist at the same time. Check it again."), "warning")
        else:
            flash(_("Saved."), "success")
    return redirect(url_for("applications.stage", application_id=application.id, stage=Stage.SUBMISSION) + "#checklist")


@bp.get("/<int:application_id>/self-assessment")
@policy.guard("application.view", Application, "application_id")
def self_assessment(application: Application):
    return _self_assessment_page(application, None)


@bp.post("/<int:application_id>/self-assessment")
@policy.guard("application.edit", Application, "application_id")
def save_self_assessment(application: Application):
    definition = _definition(application)
    form = ScoreForm.for_definition(definition)
    if form.validate_on_submit():
        scores = {c.key: getattr(form, c.key).data for c in definition.scoring.criteria if getattr(form, c.key).data is not None}
        try:
            sections.save_section(current_user, application, sections.SELF_ASSESSMENT, scores, _version(form))
        except sections.SectionConflict as exc:
            form.version.data = exc.current.version if exc.current else 0
            flash(_("Someone else saved scores meanwhile. Yours are still in the form: check and save again."), "warning")
            return _self_assessment_page(application, form, 409)
        flash(_("Saved."), "success")
        return redirect(url_for("applications.self_assessment", application_id=application.id))
    return _self_assessment_page(application, form, 422)


def _self_assessment_page(application, form, status=200):
    definition = _definition(application)
    if definition.scoring is None:
        return render_template("applications/self_assessment.html", application=application, definition=definition,
                               criteria=[], form=None), status
    scores = sections.scores(application)
    if form is None:
        form = ScoreForm.for_definition(definition, formdata=None, data=scores)
        form.version.data = sections.meta_version(application, sections.SELF_ASSESSMENT)
    report = sections.report(application)
    criteria = rules.self_assessment(definition, scores, report.sections)
    total = sum(c.score or 0 for c in criteria)
    return render_template(
        "applications/self_assessment.html",
        application=application,
        definition=definition,
        criteria=criteria,
        form=form,
        total=total,
        scored=all(c.score is not None for c in criteria),
        editable=policy.allowed("application.edit", application) and services.is_editable(application),
    ), status


@bp.get("/<int:application_id>/copy")
@policy.guard("application.view", Application, "application_id")
def copy_ready(application: Application):
    definition = _definition(application)
    orgs = sections.organisations(application)
    return render_template(
        "applications/copy.html",
        application=application,
        definition=definition,
        answers=sections.answers(application),
        organisations=orgs,
        repeat_items=rules.repeat_items,
        count=rules.count_characters,
        visible=rules.is_visible,
        display=services.display_value,
    )


@bp.get("/chooser")
@policy.signed_in
def chooser():
    form = ChooserForm.build(request.args)
    recommendations = []
    if request.args and form.validate():
        recommendations = services.recommend({q.key: getattr(form, q.key).data for q in registry.chooser().questions})
    return render_template(
        "applications/chooser.html",
        form=form,
        submitted=bool(request.args),
        recommendations=recommendations,
        can_create=bool(policy.schools_for_new_application(current_user)),
    )
