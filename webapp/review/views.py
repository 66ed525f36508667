"""The review page (every section with its answer, its comments and what changed since the
principal's last review), adding a comment to a section and resolving one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..applications.models import Application
from ..applications.presenters import state_of
from ..core import access
from ..core.forms import ActionForm
from ..core.web import safe_next
from ..sections.services import definition_of
from . import access as _access  # noqa: F401  (registers application.comment and comment.resolve)
from . import presenters, services
from .forms import CommentForm
from .models import SectionComment

bp = Blueprint("review", __name__, url_prefix="/applications/<int:application_id>")
bp.add_app_template_global(presenters.review_link, "review_link")
bp.add_app_template_global(services.open_comments, "open_comments")
bp.add_app_template_global(services.open_counts, "open_comment_counts")


def _prefix(key: str) -> str:
    """Each section's form has its own field names and ids, so one page holds them all."""
    return f"comment-{key}"


@bp.get("/review")
@access.guard("application.view", Application, "application_id")
def index(application: Application):
    return _page(application)


def _page(application: Application, failed: tuple[str, CommentForm] | None = None, status: int = 200):
    page = presenters.review_page(application) or abort(404)
    forms = {s.section.key: CommentForm(formdata=None, prefix=_prefix(s.section.key)) for s in page.sections}
    if failed:
        forms[failed[0]] = failed[1]
    return render_template(
        "review/index.html",
        application=application,
        state=state_of(application),
        page=page,
        forms=forms,
        failed=failed[0] if failed else None,
        commenting=access.can("application.comment", application),
        deciding=presenters.deciding(application),
        title=presenters.review_link(application).label,
        action_form=ActionForm(),
    ), status


@bp.post("/review/sections/<key>/comments")
@access.guard("application.comment", Application, "application_id", lock="share")
def add_comment(application: Application, key: str):
    definition = definition_of(application) or abort(404)
    definition.section(key) or abort(404)
    form = CommentForm(prefix=_prefix(key))
    if not form.validate_on_submit():
        return _page(application, failed=(key, form), status=422)
    services.add_comment(current_user, application, key, form.body.data)
    flash(_("Your comment is added to the section."), "success")
    return redirect(url_for("review.index", application_id=application.id) + f"#section-{key}")


@bp.post("/comments/<int:comment_id>/resolve")
@access.guard("comment.resolve", SectionComment, "comment_id")
def resolve_comment(application_id: int, sectioncomment: SectionComment):
    if sectioncomment.application_id != application_id:
        abort(404)
    review_page = url_for("review.index", application_id=application_id) + f"#section-{sectioncomment.section_key}"
    back = safe_next(request.form.get("next"), review_page)
    if not ActionForm().validate_on_submit():
        return redirect(back)
    if services.resolve_comment(current_user, sectioncomment):
        flash(_("The comment is marked resolved."), "success")
    else:
        flash(_("Someone had already marked this comment resolved."), "info")
    return redirect(back)
