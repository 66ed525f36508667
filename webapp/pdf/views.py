from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Blueprint, Response, abort, request

from ..applications.models import Application
from ..core import access
from ..core.i18n import current_language
from ..core.models import utcnow
from ..partners import services as partner_services
from ..sections import services as sections
from . import context, render

bp = Blueprint("pdf", __name__, url_prefix="/applications/<int:application_id>")


def _filename(title: str, suffix: str) -> str:
    """An ASCII name every browser accepts; the exact title goes in filename* beside it."""
    ascii_name = unicodedata.normalize("NFKD", f"{title}{suffix}").encode("ascii", "ignore").decode()
    return (re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-")[:100] or "grantpath") + ".pdf"


def _download(data: bytes, title: str, suffix: str = "") -> Response:
    name = _filename(title, suffix)
    utf8 = quote(f"{title}{suffix}.pdf")
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename=\"{name}\"; filename*=UTF-8''{utf8}"
    response.headers["Cache-Control"] = "private, no-store"
    return response


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
    language = _language()
    data = render.pdf(
        "pdf/letter.html", context.letter(application, partner, language), language, stamp={"generated": utcnow()}
    )
    return _download(data, application.title, f"-{partner.name}")
