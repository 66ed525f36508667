"""An application's tasks: the list with a form to add one, a task's own form, done and undone."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..applications.models import Application
from ..core import access
from ..core.errors import Conflict
from ..core.forms import ActionForm, submitted_version
from ..planning import plan as planning
from ..sections import services as sections
from . import access as _access  # noqa: F401  (registers application.plan)
from . import services
from .forms import TaskForm

bp = Blueprint("tasks", __name__, url_prefix="/applications/<int:application_id>/tasks")


def _task(application: Application, task_id: int):
    return services.task_of(application, task_id) or abort(404)


def _page(application, form, task=None, conflict=None, status=200):
    return render_template(
        "tasks/index.html" if task is None else "tasks/form.html",
        application=application,
        tasks=services.of(application),
        form=form,
        task=task,
        conflict=conflict,
        planning=access.can("application.plan", application),
        action_form=ActionForm(),
    ), status


@bp.get("/")
@access.guard("application.view", Application, "application_id")
def index(application: Application):
    return _page(application, TaskForm(writers=services.writers(application)))


@bp.post("/new")
@access.guard("application.plan", Application, "application_id", lock="share")
def create(application: Application):
    form = TaskForm(writers=services.writers(application))
    if form.validate_on_submit():
        task = services.save(current_user, application, None, form.data, None)
        flash(_("Task added: %(title)s.", title=task.title), "success")
        return redirect(url_for("tasks.index", application_id=application.id))
    return _page(application, form, status=422)


@bp.route("/<int:task_id>", methods=["GET", "POST"])
@access.guard("application.plan", Application, "application_id", lock="share")
def edit(application: Application, task_id: int):
    task = _task(application, task_id)
    form = TaskForm(obj=task if request.method == "GET" else None, writers=services.writers(application))
    if request.method == "GET":
        form.loaded_version.data = task.version
        return _page(application, form, task)
    if form.validate_on_submit():
        try:
            services.save(current_user, application, task, form.data, submitted_version(form.loaded_version.data))
        except Conflict:
            form.loaded_version.data = task.version  # what was typed stays; saving again is the decision
            return _page(application, form, task, conflict=task, status=409)
        flash(_("Saved."), "success")
        return redirect(url_for("tasks.index", application_id=application.id))
    return _page(application, form, task, status=422)


@bp.post("/<int:task_id>/done")
@access.guard("application.plan", Application, "application_id", lock="share")
def toggle_done(application: Application, task_id: int):
    task = _task(application, task_id)
    if ActionForm().validate_on_submit():
        done = request.form.get("done") == "1"
        try:
            services.set_done(current_user, application, task, done, submitted_version(request.form.get("version")))
        except Conflict:
            flash(_("Someone else changed this task at the same moment. Check it and try again."), "warning")
    return redirect(url_for("tasks.index", application_id=application.id))


@bp.post("/from-plan")
@access.guard("application.plan", Application, "application_id", lock="share")
def add_plan(application: Application):
    if ActionForm().validate_on_submit():
        overview = planning.overview(application, sections.definition_of(application))
        added = services.add_plan(current_user, application, overview.plan if overview else None)
        if added:
            flash(
                ngettext("%(num)d task added from the plan.", "%(num)d tasks added from the plan.", len(added)),
                "success",
            )
        else:
            flash(_("The plan has no milestone left to add."), "info")
    return redirect(url_for("tasks.index", application_id=application.id))
