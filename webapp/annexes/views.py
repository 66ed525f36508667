"""The application's annexes: what the programme asks for from whom, each uploaded signed file (a
PDF, JPEG or PNG), and the upload itself (a refused file comes back next to its field)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..applications.models import Application
from ..core import access
from ..core.forms import ActionForm
from ..core.i18n import current_language
from . import services
from .forms import AnnexForm

bp = Blueprint("annexes", __name__, url_prefix="/applications/<int:application_id>/annexes")
bp.add_app_template_global(services.slots, "annex_slots")


def _slot(application: Application, slot_key: str) -> services.Slot:
    return services.slot_of(application, slot_key) or abort(404)


def _seen() -> int | None:
    """The file the page showed in the slot (its id), or None when it showed none."""
    value = request.form.get("seen", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def _back(application: Application, slot: services.Slot):
    return redirect(url_for("annexes.index", application_id=application.id) + f"#slot-{slot.key}")


CHANGED = _l("Someone else changed this annex's file at the same time. Check the file now uploaded, then try again.")


def _forms(slots, failed: services.Slot | None = None, failed_form=None) -> dict[str, AnnexForm]:
    """One form per slot, each with its own field ids; the one that failed keeps its messages."""
    return {
        s.key: failed_form if failed and s.key == failed.key else AnnexForm(prefix=s.key, formdata=None) for s in slots
    }


def _page(application: Application, failed=None, failed_form=None, status: int = 200):
    slots = services.slots(application)
    return render_template(
        "annexes/index.html",
        application=application,
        slots=slots,
        missing=[s for s in slots if s.annex.required and s.document is None],
        forms=_forms(slots, failed, failed_form),
        attaching=access.can("application.attach_annex", application),
        action_form=ActionForm(),
        failed=failed,
    ), status


@bp.get("")
@access.guard("application.view", Application, "application_id")
def index(application: Application):
    return _page(application)


@bp.post("/<slot_key>")
@access.guard("application.attach_annex", Application, "application_id", lock="update")
def attach(application: Application, slot_key: str):
    slot = _slot(application, slot_key)
    form = AnnexForm(prefix=slot.key)
    if not form.validate_on_submit():
        return _page(application, slot, form, 422)
    try:
        services.attach(current_user, application, slot, form.file.upload, _seen())
    except services.Changed:
        flash(str(CHANGED), "warning")
        return _back(application, slot)
    flash(_("Uploaded: %(annex)s.", annex=services.describe(slot, current_language())), "success")
    return _back(application, slot)


@bp.post("/<slot_key>/remove")
@access.guard("application.attach_annex", Application, "application_id", lock="update")
def remove(application: Application, slot_key: str):
    slot = _slot(application, slot_key)
    if slot.document is None or not ActionForm().validate_on_submit():
        return _back(application, slot)
    try:
        services.detach(current_user, application, slot, _seen())
    except services.Changed:
        flash(str(CHANGED), "warning")
        return _back(application, slot)
    flash(_("Removed: %(annex)s.", annex=services.describe(slot, current_language())), "success")
    return _back(application, slot)
