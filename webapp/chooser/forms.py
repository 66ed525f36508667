from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.validators import DataRequired, InputRequired

from ..core.forms import BaseForm, options
from ..core.i18n import current_language
from ..programmes import registry


class ChooserForm(BaseForm):
    """The guided chooser's questions (workflows/chooser.yaml); a GET form, so without CSRF. A question
    with a default is preselected, and a submit that leaves it out keeps the default."""

    class Meta:
        csrf = False

    @classmethod
    def build(cls, args):
        language = current_language()
        fields = {
            q.key: RadioField(
                q.label.get(language),
                choices=options((c.value, c.label.get(language)) for c in q.choices),
                default=q.default,
                validators=[(DataRequired if q.default else InputRequired)(_l("Choose one answer."))],
                description=q.help.get(language) if q.help else "",
            )
            for q in registry.chooser().questions
        }
        return type("ChooserQuestions", (cls,), fields)(formdata=args or None)
