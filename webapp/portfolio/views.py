from __future__ import annotations

from flask import Blueprint, abort, render_template

from ..core import access
from . import services

bp = Blueprint("portfolio", __name__)


@bp.get("/portfolio/<int:organisation_id>")
@access.public
def index(organisation_id: int):
    """Anyone may read a published portfolio; an unpublished one does not exist."""
    organisation = services.published(organisation_id) or abort(404)
    return render_template("portfolio/index.html", organisation=organisation, projects=services.projects(organisation))
