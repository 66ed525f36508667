from __future__ import annotations

from flask import Blueprint, render_template, request

from ..core import access
from ..programmes import registry
from . import services
from .forms import ChooserForm

bp = Blueprint("chooser", __name__)
bp.add_app_template_global(services.localised, "localised")


@bp.get("/applications/chooser")
@access.signed_in
def index():
    form = ChooserForm.build(request.args)
    recommendations = []
    if request.args and form.validate():
        recommendations = services.recommend({q.key: getattr(form, q.key).data for q in registry.chooser().questions})
    return render_template(
        "chooser/index.html",
        form=form,
        submitted=bool(request.args),
        recommendations=recommendations,
        can_create=access.can("application.create"),
    )
