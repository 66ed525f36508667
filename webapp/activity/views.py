"""The application's activity log: who did what on it, when, newest first (GET only)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..applications.models import Application
from ..core import access
from ..core.forms import counter
from ..sections.services import definition_of
from . import access as _access  # noqa: F401  (registers application.activity)
from . import labels, services

bp = Blueprint("activity", __name__)


@bp.get("/applications/<int:application_id>/activity")
@access.guard("application.activity", Application, "application_id")
def index(application: Application):
    page = services.page(application, counter(request.args.get("page")) or 1)
    definition = definition_of(application)
    return render_template(
        "activity/index.html",
        application=application,
        page=page,
        entries=[labels.describe(event, definition) for event in page.items],
    )
