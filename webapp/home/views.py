from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from ..admin.access import managed_organisation
from ..applications import queries
from ..applications.models import Application
from ..core import access
from ..lifecycle import STATES

bp = Blueprint("home", __name__)


@bp.get("/")
@access.public
def index():
    """One start page; each part the user's roles allow adds its own section."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    context = {"can_create": bool(access.can("application.create")), "has_role": bool(current_user.memberships)}
    if access.can("application.create"):
        context["mine"] = queries.rows(queries.written_by(current_user))
    if access.can("applications.decide_any"):
        context["awaiting"] = queries.rows(queries.awaiting_decision(current_user))
    if access.can("applications.sign_off_any"):
        context["signoff"] = queries.rows(queries.awaiting_signoff(current_user))
        context["signoff_asked"] = queries.signoff_asked(current_user)
    if access.can("applications.overview"):
        context["overview"] = queries.rows(queries.visible(current_user))
        context["by_stage"] = queries.counts_by(current_user, Application.stage)
        context["by_status"] = queries.counts_by(current_user, Application.status)
    if access.can("organisation.manage_any"):
        context["organisation"] = managed_organisation(current_user)
    return render_template("home/index.html", states=STATES, **context)
