from __future__ import annotations

from flask import Blueprint, abort, request

from ..applications.models import Application
from ..core import access, downloads
from ..core.i18n import current_language
from ..core.models import utcnow
from ..partners import services as partner_services
from ..pdf import context
from ..sections import services as sections
from . import render

bp = Blueprint("docx", __name__, url_prefix="/applications/<int:application_id>")


def _language() -> str:
    wanted = request.args.get("lang")
    return wanted if wanted in ("sv", "en") else current_language()


@bp.get("/application.docx")
@access.guard("application.view", Application, "application_id")
def export(application: Application):
    """The application as a Word document, made in the request (a few tens of milliseconds)."""
    if sections.definition_of(application) is None:
        abort(404)  # its programme definition is gone: there is no form to write out
    language = _language()
    data = render.document(context.dossier(application, language), language, generated=utcnow())
    return downloads.attachment(data, f"{application.title}.docx", render.MIMETYPE)


@bp.get("/partners/<int:partner_id>/letter.docx")
@access.guard("application.view", Application, "application_id")
def partner_letter(application: Application, partner_id: int):
    """The partner's letter of intent or mandate as a Word document, for a partner who signs in Word."""
    if sections.definition_of(application) is None:
        abort(404)
    partner = partner_services.partner_of(application, partner_id) or abort(404)
    language = _language()
    data = render.letter(context.letter(application, partner, language), language, generated=utcnow())
    return downloads.attachment(data, f"{application.title}-{partner.name}.docx", render.MIMETYPE)
