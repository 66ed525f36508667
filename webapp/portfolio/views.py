from __future__ import annotations

from flask import Blueprint, abort, render_template

from ..core import access, downloads
from . import services

bp = Blueprint("portfolio", __name__)


@bp.get("/portfolio/<int:organisation_id>")
@access.public
def index(organisation_id: int):
    """Anyone may read a published portfolio; an unpublished one does not exist."""
    organisation = services.published(organisation_id) or abort(404)
    return render_template("portfolio/index.html", organisation=organisation, projects=services.projects(organisation))


@bp.get("/portfolio/<int:organisation_id>/final-reports/<int:document_id>")
@access.public
def final_report(organisation_id: int, document_id: int):
    """Only the final report of a closed project shown on a published portfolio; anything else 404."""
    organisation = services.published(organisation_id) or abort(404)
    document = services.public_final_report(organisation, document_id) or abort(404)
    return downloads.attachment(document.data, document.filename)
