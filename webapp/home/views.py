from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from ..applications import services as applications
from ..auth.models import Role
from ..core import policy

bp = Blueprint("home", __name__)


@bp.get("/")
@policy.public
def index():
    """One start page; each role the user holds adds its own section."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    roles = current_user.roles
    context = {"roles": roles, "can_create": bool(current_user.school_ids(Role.TEACHER, Role.PRINCIPAL))}
    if Role.TEACHER in roles or Role.PRINCIPAL in roles:
        context["mine"] = applications.written_by(current_user)
    if Role.PRINCIPAL in roles:
        context["awaiting"] = applications.awaiting_decision(current_user)
    if Role.COORDINATOR in roles or Role.ADMIN in roles:
        context["overview"] = applications.visible(current_user)
        context["by_stage"] = applications.counts_by(current_user, applications.Application.stage)
        context["by_status"] = applications.counts_by(current_user, applications.Application.status)
    if Role.ADMIN in roles:
        context["organisation"] = policy.managed_organisation(current_user)
    return render_template(
        "home/index.html",
        steps_of=applications.stage_steps,
        next_step_of=applications.next_step,
        counts_down=applications.counts_down,
        status_labels=applications.STATUS_LABELS,
        stage_labels=applications.STAGE_LABELS,
        **context,
    )
