from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
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


@bp.errorhandler(render.RenderFailed)
def _failed(exc):
    return web.error_page(
        503,
        _l("The PDF could not be made"),
        _l("Making this PDF failed. Try again in a moment; if it fails again, tell your administrator."),
    )


@bp.get("/dossier.pdf")
@access.guard("application.view", Application, "application_id")
def dossier(application: Application):
    """The dossier at once when it is ready within PDF_WAIT_SECONDS, else a page that waits for it."""
    _known_programme(application)
    language = _language()
    found = render.prepare(
        "pdf/dossier.html", context.dossier(application, language), language, stamp={"generated": utcnow()}
    )
    if isinstance(found, str):
        return redirect(url_for("pdf.dossier_waiting", application_id=application.id, render_key=found, lang=language))
    return _download(found, application.title)


def _render_key(render_key: str) -> str:
    if not render.KEY.fullmatch(render_key):
        abort(404)
    return render_key


@bp.get("/dossier/<render_key>")
@access.guard("application.view", Application, "application_id")
def dossier_waiting(application: Application, render_key: str):
    return render_template(
        "applications/dossier_waiting.html",
        application=application,
        progress=_progress(application, _render_key(render_key)),
        progress_url=url_for(
            "pdf.dossier_progress",
            application_id=application.id,
            render_key=render_key,
            lang=request.args.get("lang") or None,
        ),
    )


@bp.get("/dossier/<render_key>/progress")
@access.guard("application.view", Application, "application_id")
def dossier_progress(application: Application, render_key: str):
    return jsonify(_progress(application, _render_key(render_key)))


def _progress(application: Application, render_key: str) -> dict:
    """As the background exports answer (webapp/exports/views.py), for the page's script. The file's
    link is the dossier's own address: it recomputes the document, so a key never serves a file."""
    state, _found = render.status(render_key)
    messages = {
        "done": _("The PDF is ready."),
        "failed": _("Making this PDF failed. Try again in a moment; if it fails again, tell your administrator."),
        "running": _("The PDF is being made. It can take a minute for a long application; you may leave this page."),
        "unknown": _("The PDF was not made (the server was restarted). Download it again to start over."),
    }
    done = state == "done"
    return {
        "status": state,
        "finished": state != "running",
        "rows_done": None,
        "rows_total": None,
        "message": messages[state],
        "file_url": url_for("pdf.dossier", application_id=application.id, lang=request.args.get("lang") or None)
        if done
        else None,
    }


@bp.get("/partners/<int:partner_id>/letter.pdf")
@access.guard("application.view", Application, "application_id")
def partner_letter(application: Application, partner_id: int):
    _known_programme(application)
    partner = partner_services.partner_of(application, partner_id) or abort(404)
    return _download(letters.letter_pdf(application, partner, _language()), application.title, f"-{partner.name}")
