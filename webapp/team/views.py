"""The team page: who writes the application, and the form that invites a colleague at its school."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..applications.models import Application
from ..core import access
from ..core.errors import Conflict
from . import services
from .forms import InviteForm

bp = Blueprint("team", __name__, url_prefix="/applications/<int:application_id>/team")


def _page(application: Application, form: InviteForm, status: int = 200):
    return render_template(
        "team/index.html",
        application=application,
        writers=services.writers(application),
        form=form,
        inviting=access.can("application.edit_content", application),
    ), status


@bp.get("")
@access.guard("application.view", Application, "application_id")
def index(application: Application):
    return _page(application, InviteForm(formdata=None, data={"language": current_user.language}))


@bp.post("/invite")
@access.guard("application.edit_content", Application, "application_id", lock="share")
def invite(application: Application):
    form = InviteForm()
    if not form.validate_on_submit():
        return _page(application, form, 422)
    try:
        invited = services.invite_co_writer(current_user, application, form.data)
    except services.InviteError as error:
        field = getattr(form, error.field)
        field.errors = [*list(field.errors), str(error)]
        return _page(application, form, 422)
    except Conflict:
        flash(_("Someone else changed the application at the same moment. Check the team and try again."), "warning")
        return _page(application, form, 409)
    if invited.new_account:
        message = _("%(name)s is on the team and gets an invitation to choose a password.", name=invited.user.name)
    else:
        message = _("%(name)s is on the team and gets an email about it.", name=invited.user.name)
    flash(message, "success")
    return redirect(url_for("team.index", application_id=application.id))
