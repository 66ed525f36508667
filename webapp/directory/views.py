"""The directory: search it, add an entry, change one (over the version it was loaded at), export
what a search shows as CSV and import a CSV file (directory.transfer)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ..core import access
from ..core.downloads import attachment
from ..core.forms import counter, submitted_version
from ..extensions import db
from ..organisations.models import SCHOOL_KIND_LABELS, Organisation
from ..programmes import registry
from ..programmes.rules import country_name
from . import services, transfer
from .forms import ENTRY_KIND_LABELS, SOURCE_LABELS, EditEntryForm, EntryForm, ImportForm
from .models import DirectoryEntry

bp = Blueprint("directory", __name__, url_prefix="/directory")
bp.add_app_template_global(country_name, "country_name")


def _organisations() -> list[Organisation]:
    ids = sorted(current_user.organisation_ids)
    return list(db.session.scalars(db.select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)))


def _filters(args, countries) -> dict:
    """The search's filters as asked; a value that is not one of the options is ignored."""
    actions = {d.key for d in registry.all_actions()}
    return {
        "words": (args.get("q") or "").replace("\x00", "")[:200],  # PostgreSQL refuses a NUL in a parameter
        "country": args.get("country") if args.get("country") in countries else "",
        "entry_kind": args.get("entry_kind") if args.get("entry_kind") in ENTRY_KIND_LABELS else "",
        "kind": args.get("kind") if args.get("kind") in SCHOOL_KIND_LABELS else "",
        "source": args.get("source") if args.get("source") in SOURCE_LABELS else "",
        "action": args.get("action") if args.get("action") in actions else "",
    }


@bp.get("")
@access.signed_in
def index():
    access.require("directory.use")
    countries = _countries()
    filters = _filters(request.args, countries)
    results = services.page(services.search(current_user, **filters), counter(request.args.get("page")) or 1)
    return render_template(
        "directory/index.html",
        results=results,
        filters=filters,
        countries=countries,
        actions=registry.all_actions(),
        entry_kinds={key: str(label) for key, label in ENTRY_KIND_LABELS.items()},  # translated once, not per row
        sources={key: str(label) for key, label in SOURCE_LABELS.items()},
        kinds={key: str(label) for key, label in SCHOOL_KIND_LABELS.items()},
    )


def _countries() -> dict[str, str]:
    """The countries the user's directories have entries in, code → name, by name: the filter
    offers no country that finds nothing."""
    names = {code: country_name(code) for code in services.countries_in(current_user)}
    return dict(sorted(names.items(), key=lambda item: item[1]))


def _form_page(form, entry, status=200):
    return render_template("directory/form.html", form=form, entry=entry), status


@bp.route("/new", methods=["GET", "POST"])
@access.signed_in
def create():
    access.require("directory.use")
    form = EntryForm(organisations=_organisations())
    if form.validate_on_submit():
        entry = services.save(current_user, None, form.organisation_id.data, form.data)
        flash(_("Added to the directory: %(name)s.", name=entry.name), "success")
        return redirect(url_for("directory.index", q=entry.name))
    return _form_page(form, None, 422 if form.errors else 200)


@bp.route("/<int:directoryentry_id>", methods=["GET", "POST"])
@access.guard("directory.use", DirectoryEntry, "directoryentry_id", lock="update")
def edit(directoryentry: DirectoryEntry):
    entry = directoryentry
    form = EditEntryForm(obj=entry if request.method == "GET" else None)
    if request.method == "GET":
        form.loaded_version.data = entry.version
    elif form.validate_on_submit():
        if submitted_version(form.loaded_version.data) == entry.version:
            try:
                services.save(current_user, entry, entry.organisation_id, form.data)
            except StaleDataError:
                db.session.rollback()
                entry = db.session.get(DirectoryEntry, entry.id)
            else:
                flash(_("Saved."), "success")
                return redirect(url_for("directory.index", q=entry.name))
        # Someone saved the entry since this form was loaded: nothing is overwritten, what was typed
        # stays in the form, and saving again (over the version now shown) is the decision.
        form.loaded_version.data = entry.version
        return render_template("directory/form.html", form=form, entry=entry, conflict=True), 409
    return _form_page(form, entry, 422 if form.errors else 200)


@bp.get("/export.csv")
@access.signed_in
def export_csv():
    access.require("directory.use")
    query = services.search(current_user, **_filters(request.args, _countries()))
    return attachment(transfer.to_csv(transfer.export_rows(query)), "partner-directory.csv", "text/csv")


@bp.route("/import", methods=["GET", "POST"])
@access.signed_in
def import_csv():
    access.require("directory.use")
    organisations = _organisations()
    form = ImportForm(organisations=organisations)
    report = None
    if form.validate_on_submit():
        try:
            table = transfer.read_upload(form.file.data)
        except transfer.Refused as refusal:
            form.file.errors.append(refusal.message)
        else:
            report = transfer.check(table, services.known_entries(form.organisation_id.data))
            if form.partial.data or not report.refused:
                transfer.apply(current_user, form.organisation_id.data, report)
    status = 422 if form.errors or (report and report.refused and not report.imported) else 200
    return render_template(
        "directory/import.html",
        form=form,
        report=report,
        organisations=organisations,
        columns=", ".join(transfer.COLUMNS),
    ), status
