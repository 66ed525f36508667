"""What every request shares: the signed-in user, one commit per request, error pages, security
headers, the language switch and the template helpers."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    flash,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_url
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import SecurityError
from wtforms import HiddenField, SelectField

from ..extensions import db, login_manager
from . import access, database, forms, i18n, jobs, outbox
from .errors import NotAllowed
from .forms import LANGUAGE_CHOICES, BaseForm, options

bp = Blueprint("core", __name__)


class LanguageForm(BaseForm):
    language = SelectField(_l("Language"), choices=options(LANGUAGE_CHOICES))
    next = HiddenField()


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths are followed after a form, so a crafted link cannot bounce users away."""
    if target:
        parts = urlsplit(target)
        # a backslash or a control character is read as a slash by browsers: "/\\evil.example" is off-site
        plain = "\\" not in target and target.isprintable()
        if plain and not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return fallback


@bp.post("/language")
@access.public
def switch_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["language"] = form.language.data
        if current_user.is_authenticated:
            current_user.language = form.language.data
    return redirect(safe_next(form.next.data, url_for("home.index")))


#: Which item of the main menu a page belongs to, by blueprint (every other page: none).
_NAV_BY_BLUEPRINT = {
    "home": "start",
    "applications": "applications",
    "sections": "applications",
    "partners": "applications",
    "chooser": "applications",
    "pdf": "applications",
    "documents": "applications",
    "activity": "applications",
    "directory": "directory",
    "review": "applications",
    "statistics": "applications",
    "tasks": "applications",
    "team": "applications",
    "annexes": "applications",
    "feeds": "applications",
    "admin": "administration",
}


def nav_current() -> str:
    if request.endpoint == "auth.account":
        return "account"
    return _NAV_BY_BLUEPRINT.get(request.blueprint or "", "")


def error_page(code: int, title, message):
    """The error page with the way back, for features' own error handlers."""
    return _error(code, title, message, back=_back_link())


def _error(code: int, title, message, back: str = ""):
    if request.headers.get("X-Autosave") == "1":  # the editor's background saves read JSON
        return jsonify(status="refused", message=str(message)), code
    return render_template("errors/error.html", code=code, title=title, message=message, back=back), code


#: URL argument -> the endpoint of the object's own page, for the way back from a refusal
#: (features register theirs: "application_id" -> "applications.show").
BACK_PAGES: dict[str, str] = {}


def _back_link() -> str:
    """A refusal offers the way back: the page of the object the URL names, else the page the user
    came from if it is one of ours."""
    for arg, endpoint in BACK_PAGES.items():
        if arg in (request.view_args or {}) and request.endpoint != endpoint:
            return url_for(endpoint, **{arg: request.view_args[arg]})
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or not referrer.path.startswith("/"):
        return ""
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Please sign in to see that page.")
    login_manager.login_message_category = "info"
    app.register_blueprint(bp)

    @login_manager.unauthorized_handler
    def signed_out():
        """A background save whose session has ended gets a JSON answer it can show (a redirect to the
        sign-in page read as "no connection", and the next save with the button then lost the text)."""
        if request.headers.get("X-Autosave") == "1":
            message = _l(
                "Not saved: you are signed out. Press Save: you sign in again and come back here with your text."
            )
            return jsonify(status="signed_out", message=str(message)), 401
        flash(str(login_manager.login_message), login_manager.login_message_category)
        back = request.url if request.method == "GET" else (request.referrer or "")  # a form returns to its page
        return redirect(login_url(login_manager.login_view, back or None))

    @app.after_request
    def commit_and_harden(response):
        """The request boundary: one commit for a successful request, one rollback otherwise; the
        outbox is delivered only after the commit, once the response has gone out."""
        if response.status_code < 400:
            ready = outbox.enqueued_in_request()
            db.session.commit()
            database.run_after_commit(db.session)
            outbox.dispatch(ready, response)
            jobs.dispatch_later(response)
        else:
            db.session.rollback()
            database.forget_after_commit()
            outbox.forget_after_rollback()
            jobs.forget_later()
        headers = response.headers
        headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        return response

    @app.errorhandler(400)
    def bad_request(exc):
        return _error(400, _l("Bad request"), _l("The request could not be understood. Go back and try again."))

    @app.errorhandler(SecurityError)
    def untrusted_host(exc):
        """A request naming a host outside TRUSTED_HOSTS: no URL can be built for it, so no page
        either; a short answer in plain text."""
        message = _l("This server does not answer to that host name.")
        return str(message), 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        view = app.view_functions.get(request.endpoint or "")
        if not current_user.is_authenticated and getattr(view, "access_rule", "") != "public":
            return signed_out()  # the session ended, and its form token with it: sign in first
        return _error(
            400,
            _l("The form expired"),
            _l("For your security the form could not be accepted. Go back, reload the page and send it again."),
        )

    @app.errorhandler(403)
    def forbidden(exc):
        return _error(
            403,
            _l("Not allowed"),
            _l("Your role does not allow this. Ask your school's principal or your organisation's administrator."),
        )

    @app.errorhandler(NotAllowed)
    def not_allowed(exc):
        return _error(exc.status, _l("Not possible"), exc.decision.reason, back=_back_link())

    @app.errorhandler(404)
    def not_found(exc):
        return _error(404, _l("Page not found"), _l("There is no such page, or it is not shared with you."))

    @app.errorhandler(405)
    def method_not_allowed(exc):
        return _error(405, _l("Not possible here"), _l("This address cannot be used that way."))

    @app.errorhandler(413)
    def too_large(exc):
        """Beyond MAX_CONTENT_LENGTH the request is refused before any form sees it: say the limit."""
        limit = i18n.format_size(app.config["MAX_UPLOAD_BYTES"])
        return _error(
            413,
            _l("Too large"),
            _l("What you sent is larger than Grantpath accepts: a file may be at most %(size)s.", size=limit),
            back=_back_link(),
        )

    @app.errorhandler(429)
    def too_many(exc):
        if getattr(exc, "response", None) is not None:  # a route's own answer (the sign-in form)
            return exc.response
        return _error(429, _l("Too many attempts"), _l("Wait a minute and try again."))

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        return _error(500, _l("Something went wrong"), _l("Nothing you saved before is lost. Try again in a moment."))

    @app.context_processor
    def template_helpers():
        if not has_request_context():  # PDFs are rendered from plain values, without page chrome
            return {"current_language": i18n.current_language()}
        return {
            "can": access.can,
            "language_form": LanguageForm(
                formdata=None, next=request.full_path.rstrip("?"), language=i18n.current_language()
            ),
            "current_language": i18n.current_language(),
        }

    app.add_template_global(nav_current, "nav_current")
    app.add_template_global(forms.error_entries, "error_entries")
    app.jinja_env.add_extension("jinja2.ext.do")
    app.add_template_filter(i18n.format_moment, "moment")
    app.add_template_filter(i18n.format_day, "day")
    app.add_template_global(i18n.days_until, "days_until")
    app.add_template_filter(i18n.format_number, "thousands")
    app.add_template_filter(i18n.format_euro, "euro")
    app.add_template_filter(i18n.format_size, "filesize")
