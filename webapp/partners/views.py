from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..applications.models import Application
from ..core import access
from ..core.errors import Conflict
from ..core.forms import ActionForm, submitted_version
from ..directory import learning, suggestions
from ..lifecycle import STAGES, Stage
from ..programmes import checks, registry
from ..sections import services as sections
from . import letters, services
from .forms import STATUS_LABELS, LetterMailForm, PartnerForm
from .models import PartnerStatus

bp = Blueprint("partners", __name__, url_prefix="/applications/<int:application_id>/partners")


def _partner(application: Application, partner_id: int):
    return services.partner_of(application, partner_id) or abort(404)


def _may_be_partners(application: Application, definition) -> set[str]:
    """The partners' countries the list shows without a warning: eligible, or partner-only (a UK partner
    in KA220, Southern Schleswig in Nordplus)."""
    if definition is None:
        return set()
    eligible = sections.eligible_countries(definition)
    return {p.country for p in application.partners if checks.may_be_partner(definition, p.country, eligible)}


def _coordinator(application: Application, definition) -> tuple[str | None, str | None]:
    """Where the action names one coordinator among the organisations (Nordplus): the organisation
    marked as it (its key: "applicant" or a partner's), and the section where that is set."""
    roles = definition.eligibility.organisation_roles if definition else None
    if roles is None:
        return None, None
    items = (sections.answers(application).get(roles.section) or {}).get("items") or {}
    marked = [
        key for key, item in items.items() if isinstance(item, dict) and item.get(roles.role_field) == roles.coordinator
    ]
    return (marked[0] if len(marked) == 1 else None), roles.section


@bp.get("/")
@access.guard("application.view", Application, "application_id")
def index(application: Application):
    report = sections.report(application)
    definition = report.definition if report else None
    coordinator, roles_section = _coordinator(application, definition)
    return render_template(
        "partners/index.html",
        application=application,
        columns=services.by_status(application),
        status_labels=STATUS_LABELS,
        statuses=list(PartnerStatus),
        problems=report.problems if report else [],
        definition=definition,
        eligible=_may_be_partners(application, definition),
        programme=registry.programme(definition.programme) if definition else None,
        editing=access.can("application.edit_content", application),
        removal=services.undoable_removal(application, request.args.get("removed", type=int)),
        partner_stage=STAGES[Stage.PARTNERS],
        coordinator=coordinator,
        roles_section=roles_section,
        action_form=ActionForm(),
    )


def _save(application: Application, partner):
    form = PartnerForm(obj=partner)
    if request.method == "GET" and partner is not None:
        form.loaded_version.data = partner.version
    conflict = None
    if form.validate_on_submit():
        try:
            saved = services.save(
                current_user, application, partner, form.data, submitted_version(form.loaded_version.data)
            )
        except Conflict as exc:
            if exc.current is None:
                flash(_("Someone else removed this partner meanwhile."), "warning")
                return redirect(url_for("partners.index", application_id=application.id))
            conflict = exc.current
            form.loaded_version.data = conflict.version
        else:
            flash(_("%(name)s is saved.", name=saved.name), "success")
            return redirect(url_for("partners.index", application_id=application.id))
    status = 409 if conflict else (422 if form.errors else 200)
    return render_template(
        "partners/form.html",
        form=form,
        application=application,
        partner=partner,
        conflict=conflict,
        status_labels=STATUS_LABELS,
    ), status


@bp.route("/new", methods=["GET", "POST"])
@access.guard("application.edit_content", Application, "application_id", lock="share")
def create(application: Application):
    return _save(application, None)


@bp.route("/<int:partner_id>", methods=["GET", "POST"])
@access.guard("application.edit_content", Application, "application_id", lock="share")
def edit(application: Application, partner_id: int):
    return _save(application, _partner(application, partner_id))


@bp.post("/<int:partner_id>/remove")
@access.guard("application.edit_content", Application, "application_id", lock="share")
def remove(application: Application, partner_id: int):
    partner = _partner(application, partner_id)
    if ActionForm().validate_on_submit():
        try:
            removal = services.remove(current_user, application, partner)
        except Conflict:
            flash(_("Someone else changed or removed this partner at the same moment. Check the list."), "warning")
        else:  # the list offers to undo it
            return redirect(url_for("partners.index", application_id=application.id, removed=removal.id))
    return redirect(url_for("partners.index", application_id=application.id))


@bp.post("/restore/<int:event_id>")
@access.guard("application.edit_content", Application, "application_id", lock="share")
def restore(application: Application, event_id: int):
    removal = services.undoable_removal(application, event_id) or abort(404)
    if ActionForm().validate_on_submit():
        partner = services.restore(current_user, application, removal)
        flash(_("%(name)s is back on the application.", name=partner.name), "success")
    return redirect(url_for("partners.index", application_id=application.id))


@bp.get("/suggestions")
@access.guard("application.view", Application, "application_id")
def suggested(application: Application):
    wanted = (request.args.get("q") or "").replace("\x00", "")[:200]
    return render_template(
        "partners/suggestions.html",
        application=application,
        wanted=wanted,
        suggestions=suggestions.suggest(application, current_user, wanted),
        editing=access.can("application.edit_content", application),
        action_form=ActionForm(),
    )


@bp.post("/from-directory/<int:entry_id>")
@access.guard("application.edit_content", Application, "application_id", lock="share")
def add_from_directory(application: Application, entry_id: int):
    entry = learning.entry_in(entry_id, application.organisation_id, organisation_only=True) or abort(404)
    if ActionForm().validate_on_submit():
        if any(p.directory_entry_id == entry.id for p in application.partners):
            flash(_("%(name)s is already a partner of this application.", name=entry.name), "info")
            return redirect(url_for("partners.index", application_id=application.id))
        partner = services.add_from_directory(current_user, application, entry)
        flash(
            _("%(name)s is added as identified. Contact them, and move them on as you hear back.", name=partner.name),
            "success",
        )
    return redirect(url_for("partners.index", application_id=application.id))


@bp.route("/<int:partner_id>/letter-mail", methods=["GET", "POST"])
@access.guard("application.edit_content", Application, "application_id", lock="share")
def mail_letter(application: Application, partner_id: int):
    partner = _partner(application, partner_id)
    if letters.document_kind(application) is None:
        abort(404)
    form = LetterMailForm()
    if partner.contact_email and form.validate_on_submit():
        letters.mail_letter(current_user, application, partner, form.language.data, form.message.data or "")
        flash(_("The letter is mailed to %(email)s.", email=partner.contact_email), "success")
        return redirect(url_for("partners.index", application_id=application.id))
    page = render_template(
        "partners/letter_mail.html",
        form=form,
        application=application,
        partner=partner,
        document=letters.DOCUMENT_NAMES[letters.document_kind(application)],
    )
    return page, 422 if request.method == "POST" else 200  # without an address nothing can be sent
