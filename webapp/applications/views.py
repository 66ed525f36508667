from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ..core import policy
from ..extensions import db
from ..organisations.models import School
from ..workflow import registry
from . import services
from .forms import ApplicationForm, EditApplicationForm
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
    form = ApplicationForm(action_rounds=services.open_rounds(), schools=schools)
    if request.method == "GET" and registry.get(preset):
        form.call.data = next((c.value for c in form.call.choices if c.value.startswith(preset + "/")), None)
    if form.validate_on_submit():
        school = _school_for(form, schools)
        policy.check("school.create_application", school)
        application = services.create(current_user, school, form.action_key, form.round_id, form.title.data)
        flash(_("The application is created. Start by describing the idea."), "success")
        return redirect(url_for("applications.show", application_id=application.id))
    return render_template("applications/new.html", form=form), 422 if form.errors else 200


@bp.get("/<int:application_id>")
@policy.guard("application.view", Application, "application_id")
def show(application: Application):
    definition = registry.get(application.action_key)
    return render_template(
        "applications/show.html",
        application=application,
        definition=definition,
        call_round=definition.call_round(application.call_round) if definition else None,
        steps=services.stage_steps(application),
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
