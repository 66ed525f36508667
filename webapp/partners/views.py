from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..applications import sections
from ..applications.models import Application
from ..core import policy
from ..core.forms import ActionForm, submitted_version
from . import services
from .forms import STATUS_LABELS, PartnerForm
from .models import PartnerStatus

bp = Blueprint("partners", __name__, url_prefix="/applications/<int:application_id>/partners")


@bp.get("/")
@policy.guard("application.view", Application, "application_id")
def index(application: Application):
    report = sections.report(application)
    return render_template(
        "partners/index.html",
        application=application,
        columns=services.by_status(application),
        status_labels=STATUS_LABELS,
        statuses=list(PartnerStatus),
        stage=report.stage("partners") if report else None,
        definition=report.definition if report else None,
        eligible=sections.eligible_countries(report.definition) if report else set(),
        action_form=ActionForm(),
        letter_label=_("Letter of intent (PDF)") if report and report.definition.programme == "nordplus_junior" else _("Mandate (PDF)"),
    )


def _save(application: Application, partner):
    form = PartnerForm(obj=partner)
    if request.method == "GET" and partner is not None:
        form.loaded_version.data = partner.version
    conflict = None
    if form.validate_on_submit():
        try:
            saved = services.save(current_user, application, partner, form.data, submitted_version(form.loaded_version.data))
        except services.PartnerConflict as exc:
            conflict = exc.current
            form.loaded_version.data = conflict.version
        else:
            flash(_("%(name)s is saved.", name=saved.name), "success")
            return redirect(url_for("partners.index", application_id=application.id))
    status = 409 if conflict else (422 if form.errors else 200)
    return render_template("partners/form.html", form=form, application=application, partner=partner,
                           conflict=conflict, status_labels=STATUS_LABELS), status


@bp.route("/new", methods=["GET", "POST"])
@policy.guard("application.edit", Application, "application_id")
def create(application: Application):
    return _save(application, None)


@bp.route("/<int:partner_id>", methods=["GET", "POST"])
@policy.guard("application.edit", Application, "application_id")
def edit(application: Application, partner_id: int):
    return _save(application, services.partner_of(application, partner_id))


@bp.post("/<int:partner_id>/remove")
@policy.guard("application.edit", Application, "application_id")
def remove(application: Application, partner_id: int):
    partner = services.partner_of(application, partner_id)
    if ActionForm().validate_on_submit():
        services.remove(current_user, application, partner)
        flash(_("%(name)s is removed from the application.", name=partner.name), "success")
    return redirect(url_for("partners.index", application_id=application.id))
