"""The upload of one annex: a checked PDF (documents.forms.PdfField)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.forms import BaseForm
from ..documents.forms import PdfField


class AnnexForm(BaseForm):
    file = PdfField(
        _l("The file (PDF)"),
        description=_l("The signed document or the filled-in template, scanned or saved as a PDF."),
    )
