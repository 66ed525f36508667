from __future__ import annotations

from flask import Blueprint, Response, abort, request
from flask_babel import lazy_gettext as _l

from ..applications.models import Application
from ..core import access, downloads, web
from ..core.i18n import current_language
from ..core.models import utcnow
from ..partners import letters
from ..partners import services as partner_services
from ..sections import services as sections
from . import context, render

bp = Blueprint("pdf", __name__, url_prefix="/applications/<int:application_id>")


@bp.errorhandler(render.RenderTooSlow)
def _too_slow(exc):
    return web.error_page(
        503,
        _l("The PDF took too long"),
        _l(
            "Making this PDF took longer than %(seconds)s seconds, so Grantpath stopped. Very long answers are "
            "the usual cause: shorten them, or try again in a moment.",
            seconds=exc.args[0],
        ),
    )


def _download(data: bytes, title: str, suffix: str = "") -> Response:
    return downloads.attachment(data, f"{title}{suffix}.pdf")


def _known_programme(application: Application) -> None:
    """An application whose programme definition is gone has no document to make: 404."""
    if sections.definition_of(application) is None:
        abort(404)


def _language() -> str:
    wanted = request.args.get("lang")
    return wanted if wanted in ("sv", "en") else current_language()


@bp.get("/dossier.pdf")
@access.guard("application.view", Application, "application_id")
def dossier(application: Application):
    _known_programme(application)
    language = _language()
    data = render.pdf(
        "pdf/dossier.html", context.dossier(application, language), language, stamp={"generated": utcnow()}
    )
    return _download(data, application.title)


@bp.get("/partners/<int:partner_id>/letter.pdf")
@access.guard("application.view", Application, "application_id")
def partner_letter(application: Application, partner_id: int):
    _known_programme(application)
    partner = partner_services.partner_of(application, partner_id) or abort(404)
    return _download(letters.letter_pdf(application, partner, _language()), application.title, f"-{partner.name}")
