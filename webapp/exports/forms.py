"""The export's one choice: the file's format. The overview's filters ride along as fields of their
own, named as in its query string, and are read by `queries.overview_for` like the overview's."""

from __future__ import annotations

from wtforms import SelectField
from wtforms.validators import InputRequired

from ..core.forms import BaseForm, options
from .services import FORMATS


class ExportForm(BaseForm):
    file_format = SelectField(choices=options((key, key.upper()) for key in FORMATS), validators=[InputRequired()])
