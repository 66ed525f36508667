"""The upload of one annex: a checked PDF, JPEG or PNG (documents.forms.PdfOrImageField), since a
partner's signed letter often arrives as a phone's photo of it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.forms import BaseForm
from ..documents.forms import PdfOrImageField


class AnnexForm(BaseForm):
    file = PdfOrImageField(
        _l("The file (PDF, JPEG or PNG)"),
        description=_l(
            "The signed document or the filled-in template: scanned or saved as a PDF, or a photo of the signed page."
        ),
    )
