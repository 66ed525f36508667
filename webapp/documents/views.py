"""Downloading an application's uploaded files: for whoever may see the application, always as an
attachment of the type its content was checked to be (a PDF, or an annex's JPEG or PNG)."""

from __future__ import annotations

from flask import Blueprint, abort

from ..applications.models import Application
from ..core import access, downloads
from . import presenters, services
from .forms import has_upload_field

bp = Blueprint("documents", __name__, url_prefix="/applications/<int:application_id>/documents")
bp.add_app_template_global(has_upload_field, "has_upload_field")
bp.add_app_template_global(presenters.links, "document_links")


@bp.get("/<int:document_id>")
@access.guard("application.view", Application, "application_id")
def download(application: Application, document_id: int):
    """A document of another application is not found, even with a valid application in the URL."""
    document = services.document_of(application, document_id) or abort(404)
    return downloads.attachment(document.data, document.filename, services.mimetype_of(document))
