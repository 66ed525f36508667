"""The form editor: each stage's page, the section editor (with autosave and conflict pages that
mark the differences), a section's history (compare two versions, restore one), the checklist,
the self-assessment and the copy-ready view."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..applications.models import Application
from ..applications.presenters import stage_steps
from ..budgets import presenters as budget_presenters
from ..core import access
from ..core.errors import Conflict
from ..core.forms import ActionForm, counter, submitted_version
from ..core.i18n import current_language, format_time
from ..lifecycle import STAGES, Stage
from ..lifecycle.engine import decide
from ..lifecycle.transitions import completing
from ..programmes import budget_checks, registry, rules, scoring
from ..programmes import forms as section_forms
from . import presenters, services
from .forms import ScoreForm

bp = Blueprint("sections", __name__, url_prefix="/applications/<int:application_id>")
CHECKLIST_STAGE = next(stage for stage, info in STAGES.items() if info.checklist)
bp.add_app_template_global(rules.count_characters, "count_characters")
bp.add_app_template_global(presenters.problem_link, "problem_link")


def _definition(application: Application):
    definition = services.definition_of(application)
    if definition is None:
        abort(404)
    return definition


def _editing(application: Application) -> access.Decision:
    return access.can("application.edit_content", application)


def _wants_json() -> bool:
    return request.headers.get("X-Autosave") == "1"


@bp.get("/stages/<stage>")
@access.guard("application.view", Application, "application_id")
def stage(application: Application, stage: str):
    if stage not in set(Stage):
        abort(404)
    report = services.report(application)
    if report is None:
        abort(404)
    definition = report.definition
    completion = completing(Stage(stage))
    info = STAGES[Stage(stage)]
    return render_template(
        "sections/stage.html",
        application=application,
        definition=definition,
        stage=info,
        stage_links=presenters.stage_links(application, info.stage),
        stage_report=report.stage(stage),
        steps=stage_steps(application, report),
        checklist=definition.checklist if info.checklist else [],
        ticks=services.checklist_ticks(application),
        checklist_version=services.version_of(application.checklist),
        editing=_editing(application),
        completion=completion,
        completion_decision=decide(current_user, application, completion) if completion else None,
        check=report.problems if completion and completion.review_all else None,
        action_form=ActionForm(),
    )


def _section_page(application, definition, section, form, conflict=None, mine=None, status=200):
    """The editor. On a conflict, `conflict` is the stored side and `mine` what the user sent: the
    page shows where they differ, with the stored version in the form, so saving again is the merge."""
    orgs = services.participants(application)
    answers = services.answers(application)
    row = services.answer_rows(application).get(section.key)
    report = services.report(application)
    changes = presenters.compare_answers(section, conflict.data or {}, mine or {}, orgs) if conflict else []
    return render_template(
        "sections/section.html",
        application=application,
        definition=definition,
        section=section,
        form=form,
        row=row,
        conflict=conflict,
        conflict_changes=[c for c in changes if c.changed],
        unsaved=status != 200,
        section_report=report.sections[section.key],
        items=rules.repeat_items(section, row.data if row else {}, orgs) if section.repeat else [],
        split=presenters.split_box(definition, section, answers, orgs),
        budget=budget_presenters.budget_view(
            definition,
            section,
            answers,
            orgs,
            lambda item, issue: budget_checks.issue_message(definition, section, item, issue),
        ),
        next_section=_neighbour(definition, section, +1),
        previous_section=_neighbour(definition, section, -1),
        editing=_editing(application),
    ), status


def _neighbour(definition, section, step: int):
    """The previous or next section of the same stage: the editor walks a stage, then returns to it."""
    same_stage = definition.sections_of(section.stage)
    index = [s.key for s in same_stage].index(section.key) + step
    return same_stage[index] if 0 <= index < len(same_stage) else None


def _section_form(application, section, formdata=True):
    orgs = services.participants(application)
    form_class = section_forms.section_form_class(section, current_language(), registry.choices(), orgs)
    if formdata:
        return form_class()
    row = services.answer_rows(application).get(section.key)
    form = form_class(formdata=None, data=section_forms.form_data(section, row.data if row else {}, orgs))
    form.version.data = services.version_of(row)
    return form


@bp.get("/sections/<key>")
@access.guard("application.view", Application, "application_id")
def section(application: Application, key: str):
    definition = _definition(application)
    section_def = definition.section(key) or abort(404)
    return _section_page(application, definition, section_def, _section_form(application, section_def, formdata=False))


class _NeverSaved:
    """The stored side of a conflict when nothing is stored: the posted version was not 0 (garbled,
    missing, or from a section removed meanwhile)."""

    data: dict = {}
    version = 0
    updated_by = None
    updated_at = None


@bp.post("/sections/<key>")
@access.guard("application.edit_content", Application, "application_id", lock="share")
def save_section(application: Application, key: str):
    definition = _definition(application)
    section_def = definition.section(key) or abort(404)
    form = _section_form(application, section_def)
    action = request.form.get("action", "save")
    if not form.validate_on_submit():
        if _wants_json():
            return jsonify(status="invalid", errors=form.errors), 422
        return _section_page(application, definition, section_def, form, status=422)
    row = services.answer_rows(application).get(key)
    data = section_forms.answers_from(section_def, form, row.data if row else {})
    anchor = services.apply_item_action(section_def, data, action)
    try:
        saved = services.save_section(current_user, application, key, data, _version(form))
    except Conflict as exc:
        if _wants_json():
            # The editor must not take this version over silently: it stops and offers the conflict page.
            return jsonify(
                status="conflict",
                version=services.version_of(exc.current),
                message=_(
                    "Someone else saved this section meanwhile, so it was not saved. Save with the button to "
                    "compare the two texts; nothing is lost."
                ),
                compare=_("Compare the texts"),
            ), 409
        form.version.data = services.version_of(exc.current)
        return _section_page(
            application, definition, section_def, form, conflict=exc.current or _NeverSaved(), mine=data, status=409
        )
    if _wants_json():
        return jsonify(
            status="saved", version=saved.version, message=_("Saved %(time)s", time=format_time(saved.updated_at))
        )
    flash(_("Saved."), "success")
    if action == "next":
        following = _neighbour(definition, section_def, +1)
        if following:
            return redirect(url_for("sections.section", application_id=application.id, key=following.key))
        return redirect(url_for("sections.stage", application_id=application.id, stage=section_def.stage))
    return redirect(
        url_for("sections.section", application_id=application.id, key=key) + (f"#{anchor}" if anchor else "")
    )


# --- A section's history: every saved version, two of them compared, an earlier one restored ------


def _history_section(application: Application, key: str):
    return _definition(application).section(key) or abort(404)


@bp.get("/sections/<key>/history")
@access.guard("application.view", Application, "application_id")
def history(application: Application, key: str):
    section_def = _history_section(application, key)
    return render_template(
        "sections/history.html",
        application=application,
        section=section_def,
        page=services.history_page(application, key, counter(request.args.get("page")) or 1),
        numbers=services.version_numbers(application, key),
        current=services.answer_rows(application).get(key),
        characters=services.characters,
        editing=_editing(application),
        action_form=ActionForm(),
    )


@bp.get("/sections/<key>/history/compare")
@access.guard("application.view", Application, "application_id")
def compare_versions(application: Application, key: str):
    """Two saved versions, field by field. Without `a` and `b`, the last change; a value that names
    no saved version (not a number, "²", a version never saved) says so beside the picker."""
    section_def = _history_section(application, key)
    numbers = services.version_numbers(application, key)
    asked = "a" in request.args or "b" in request.args
    if asked:
        chosen = (counter(request.args.get("a")), counter(request.args.get("b")))
    else:
        chosen = (numbers[1], numbers[0]) if len(numbers) >= 2 else (None, None)
    first, second = (services.saved_version(application, key, n) for n in chosen)
    message = ""
    if first is None or second is None:
        if asked:
            message = _("Choose two saved versions of this section to compare.")
        else:
            message = _("There is nothing to compare yet: this section has fewer than two saved versions.")
    changes = []
    if not message:
        changes = presenters.compare_answers(section_def, first.data, second.data, services.participants(application))
    return render_template(
        "sections/history_compare.html",
        application=application,
        section=section_def,
        numbers=numbers,
        first=first,
        second=second,
        chosen=chosen,
        message=message,
        changes=changes,
        current=services.answer_rows(application).get(key),
        editing=_editing(application),
        action_form=ActionForm(),
    ), 422 if message and asked else 200


@bp.post("/sections/<key>/history/<int:n>/restore")
@access.guard("application.edit_content", Application, "application_id", lock="share")
def restore_version(application: Application, key: str, n: int):
    _history_section(application, key)
    back = url_for("sections.history", application_id=application.id, key=key)
    if not ActionForm().validate_on_submit():
        return redirect(back)
    old = services.saved_version(application, key, n)
    if old is None:
        flash(_("There is no version %(number)d of this section.", number=n), "warning")
        return redirect(back)
    try:
        saved = services.restore_version(current_user, application, old)
    except Conflict:
        flash(_("Someone else saved this section at the same moment, so nothing was restored. Try again."), "warning")
        return redirect(back)
    flash(_("Version %(old)d is restored as version %(new)d.", old=n, new=saved.version), "success")
    return redirect(url_for("sections.section", application_id=application.id, key=key))


def _version(form) -> int:
    version = submitted_version(form.version.data)
    return -1 if version is None else version


@bp.post("/checklist")
@access.guard("application.edit_content", Application, "application_id", lock="share")
def save_checklist(application: Application):
    _definition(application)
    if ActionForm().validate_on_submit():
        try:
            services.save_checklist(
                current_user,
                application,
                set(request.form.getlist("ticked")),
                request.form.get("version", type=int, default=-1),
            )
        except Conflict:
            flash(_("Someone else changed the checklist at the same time. Check it again."), "warning")
        else:
            flash(_("Saved."), "success")
    return redirect(url_for("sections.stage", application_id=application.id, stage=CHECKLIST_STAGE) + "#checklist")


@bp.get("/self-assessment")
@access.guard("application.view", Application, "application_id")
def self_assessment(application: Application):
    return _self_assessment_page(application, None)


@bp.post("/self-assessment")
@access.guard("application.edit_content", Application, "application_id", lock="share")
def save_self_assessment(application: Application):
    definition = _definition(application)
    if definition.scoring is None:
        abort(404)
    form = ScoreForm.for_definition(definition)
    if not form.validate_on_submit():
        return _self_assessment_page(application, form, 422)
    points = {
        c.key: getattr(form, c.key).data for c in definition.scoring.criteria if getattr(form, c.key).data is not None
    }
    try:
        services.save_scores(current_user, application, points, _version(form))
    except Conflict as exc:
        form.version.data = services.version_of(exc.current)
        flash(_("Someone else saved scores meanwhile. Yours are still in the form: check and save again."), "warning")
        return _self_assessment_page(application, form, 409)
    flash(_("Saved."), "success")
    return redirect(url_for("sections.self_assessment", application_id=application.id))


def _self_assessment_page(application, form, status=200):
    definition = _definition(application)
    if definition.scoring is None:
        return render_template(
            "sections/self_assessment.html", application=application, definition=definition, criteria=[], form=None
        ), status
    scores = services.scores(application)
    if form is None:
        form = ScoreForm.for_definition(definition, formdata=None, data=scores)
        form.version.data = services.version_of(application.self_assessment)
    criteria = scoring.self_assessment(definition, scores, services.report(application).sections)
    return render_template(
        "sections/self_assessment.html",
        application=application,
        definition=definition,
        criteria=criteria,
        form=form,
        total=sum(c.score or 0 for c in criteria),
        scored=all(c.score is not None for c in criteria),
        editing=_editing(application),
    ), status


@bp.get("/copy")
@access.guard("application.view", Application, "application_id")
def copy_ready(application: Application):
    definition = _definition(application)
    answers, participants = services.answers(application), services.participants(application)
    return render_template(
        "sections/copy.html",
        application=application,
        definition=definition,
        answers=answers,
        participants=participants,
        repeat_items=rules.repeat_items,
        count=rules.count_characters,
        visible=rules.is_visible,
        display=presenters.display_value,
        budget=budget_presenters.budget_table(definition, answers, participants),
    )
