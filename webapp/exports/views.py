"""Background exports of the overview: starting one (a form on the overview, or on the page a long
list's export link leads to), its page with the progress and then the file, and the person's list."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..applications import export, queries
from ..core import access
from ..core.downloads import attachment
from ..core.i18n import current_language, format_number, format_size
from ..core.storage import storage
from ..extensions import db
from . import services
from .forms import ExportForm
from .models import ExportRun, ExportStatus

bp = Blueprint("exports", __name__, url_prefix="/exports")

MIMETYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
PER_PAGE = 20


@bp.post("/")
@access.signed_in
def start():
    """Starts an export of the overview as filtered by the posted fields (those of its query string)."""
    filters, _schools, _rounds = queries.overview_for(current_user, request.form)
    form = ExportForm()
    if not form.validate_on_submit():
        return render_template("exports/start.html", args=filters.args(), total=None, bad_format=True), 422
    try:
        total = export.check_size(current_user, filters)
    except export.TooManyRows as refusal:
        return render_template(
            "exports/start.html",
            args=filters.args(),
            total=refusal.total,
            too_many=True,
            max_rows=export.MAX_EXPORT_ROWS,
        ), 422
    try:
        run = services.start(current_user, filters, form.file_format.data, current_language(), total)
    except services.AlreadyRunning as busy:
        flash(_("Your previous export is still being written. When it is ready, start the next one."), "warning")
        return redirect(url_for("exports.show", run_id=busy.run.id))
    return redirect(url_for("exports.show", run_id=run.id))


@bp.get("/")
@access.signed_in
def index():
    page = db.paginate(services.recent(current_user), per_page=PER_PAGE, error_out=False)
    rows = [(run, _state_label(run), run.status == ExportStatus.DONE) for run in page.items]
    return render_template("exports/index.html", page=page, rows=rows, file_name=services.file_name)


@bp.get("/<int:run_id>")
@access.guard("export.view", ExportRun, "run_id")
def show(exportrun: ExportRun):
    return render_template(
        "exports/show.html",
        run=exportrun,
        progress=_progress(exportrun),
        args=exportrun.filters,
    )


@bp.get("/<int:run_id>/progress")
@access.guard("export.view", ExportRun, "run_id")
def progress(exportrun: ExportRun):
    """What the page's script asks every few seconds while the export runs."""
    return jsonify(_progress(exportrun))


@bp.get("/<int:run_id>/file")
@access.guard("export.view", ExportRun, "run_id")
def download(exportrun: ExportRun):
    if exportrun.status != ExportStatus.DONE or not exportrun.file_key:
        abort(404)
    try:
        file = storage().open(exportrun.file_key)
    except FileNotFoundError:
        abort(404)
    response = attachment(export.chunks(file), services.file_name(exportrun), MIMETYPES[exportrun.file_format])
    response.call_on_close(file.close)
    return response


def _state_label(run: ExportRun) -> str:
    if services.stalled(run):
        return _("Stopped")
    return {
        ExportStatus.DONE: _("Ready"),
        ExportStatus.FAILED: _("Failed"),
        ExportStatus.RUNNING: _("Being written"),
    }.get(run.status, _("Waiting"))


def _progress(run: ExportRun) -> dict:
    """The run's state in words (for the page and its live region) and as numbers (for the bar)."""
    stalled = services.stalled(run)
    if run.status == ExportStatus.DONE:
        message = _(
            "The export is ready: %(rows)s applications, %(size)s.",
            rows=format_number(run.rows_total),
            size=format_size(run.file_size or 0),
        )
    elif run.status == ExportStatus.FAILED:
        message = _("The export failed. Start it again; if it fails again, tell your administrator.")
    elif stalled:
        message = _("The export stopped before it was done (the server was restarted). Start it again.")
    elif run.status == ExportStatus.RUNNING:
        message = _(
            "Writing the file: %(done)s of %(total)s applications.",
            done=format_number(run.rows_done),
            total=format_number(run.rows_total),
        )
    else:
        message = _(
            "Waiting to start. You may leave this page: the export goes on, and you find it again under Your exports."
        )
    return {
        "status": run.status,
        "finished": run.status in (ExportStatus.DONE, ExportStatus.FAILED) or stalled,
        "rows_done": run.rows_done,
        "rows_total": run.rows_total,
        "message": message,
        "file_url": url_for("exports.download", run_id=run.id) if run.status == ExportStatus.DONE else None,
    }
