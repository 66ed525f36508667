"""The calendar feeds: a person's own (by its secret address), an application's, and the account
page part that shows the address and renews it."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..applications.models import Application
from ..auth.services import public_link
from ..core import access
from ..core.forms import ActionForm
from ..core.i18n import current_language
from . import services

bp = Blueprint("feeds", __name__)


def _ics(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/calendar/<token>.ics")
@access.public
def feed(token: str):
    """Calendar programs fetch it without signing in: the secret in the address is the key."""
    user = services.user_of(token) or abort(404)
    return _ics(services.feed_for(user), "grantpath.ics")


@bp.get("/applications/<int:application_id>/calendar.ics")
@access.guard("application.view", Application, "application_id")
def application_feed(application: Application):
    return _ics(services.feed_of_application(application, current_language()), f"grantpath-{application.id}.ics")


@bp.route("/account/calendar", methods=["GET", "POST"])
@access.signed_in
def calendar():
    form = ActionForm()
    if form.validate_on_submit():
        had_one = bool(current_user.calendar_token)
        services.renew(current_user)
        flash(
            _("A new address is made; the old one no longer works.")
            if had_one
            else _("Your calendar address is made."),
            "success",
        )
        return redirect(url_for("feeds.calendar"))
    token = current_user.calendar_token
    address = public_link("feeds.feed", token=token) if token else None
    return render_template("feeds/calendar.html", address=address, form=form)
