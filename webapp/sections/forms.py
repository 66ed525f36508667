"""The self-assessment form, built from the definition's award criteria. (The section editor's forms
are built from the definition by webapp.programmes.forms.)"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField
from wtforms.validators import NumberRange, Optional

from ..core.forms import BaseForm


class ScoreForm(BaseForm):
    version = HiddenField()

    @classmethod
    def for_definition(cls, definition, **kwargs):
        fields = {
            c.key: IntegerField(
                _l("Your score (0–%(max)d)", max=c.max_points),
                validators=[
                    Optional(),
                    NumberRange(0, c.max_points, message=_l("Give 0 to %(max)d points.", max=c.max_points)),
                ],
                render_kw={"inputmode": "numeric"},
            )
            for c in definition.scoring.criteria
        }
        return type("DefinitionScoreForm", (cls,), fields)(**kwargs)
