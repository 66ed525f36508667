from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from ..admin.access import managed_organisation
from ..applications import presenters, queries
from ..applications.views import table_labels
from ..core import access
from ..extensions import db
from ..lifecycle import STATES
from ..tasks import services as tasks

bp = Blueprint("home", __name__)

NEAREST = 10  # the coordinator's start page lists the nearest deadlines; the overview lists the rest


@bp.get("/")
@access.public
def index():
    """One start page; each part the user's roles allow adds its own section."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    context = {"can_create": bool(access.can("application.create")), "has_role": bool(current_user.memberships)}
    context["tasks"] = tasks.open_for(current_user)
    if access.can("application.create"):
        context["mine"] = queries.rows(queries.written_by(current_user))
    if access.can("applications.decide_any"):
        context["awaiting"] = queries.rows(queries.awaiting_decision(current_user))
    if access.can("applications.sign_off_any"):
        context["signoff"] = queries.rows(queries.awaiting_signoff(current_user))
        context["signoff_asked"] = queries.signoff_asked(current_user)
    if access.can("applications.overview"):
        everything = queries.Overview()
        nearest = db.session.scalars(queries.overview(current_user, everything, within=NEAREST).limit(NEAREST))
        context["overview"] = queries.by_ids(list(nearest))
        context["tiles"] = queries.overview_tiles(current_user, everything)
        context["labels"] = table_labels()
        context["overview_rows"] = presenters.table_rows(context["overview"], context["labels"])
    if access.can("organisation.manage_any"):
        context["organisation"] = managed_organisation(current_user)
    return render_template("home/index.html", states=STATES, **context)
