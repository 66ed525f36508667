"""The upload field every form with a PDF uses: it checks the file (documents.services.check_pdf)
and hands the checked Upload on as `field.upload`."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms.validators import StopValidation

from ..core.i18n import format_size
from . import services

#: Browsers never refill a file input, so a page that comes back with a message asks for it again.
CHOOSE_AGAIN = _l("Choose the file again: the browser does not keep a chosen file when the page comes back.")
CHOOSE_FILE = _l("Choose the PDF file.")


class PdfFile:
    """Validator: a PDF within the size limit, or (optional) no file at all."""

    def __init__(self, required: bool = True, message=None):
        self.required = required
        self.message = message or CHOOSE_FILE
        self.field_flags = {"required": True} if required else {}

    def __call__(self, form, field):
        field.upload = None
        if field.data is None:
            if self.required:
                raise StopValidation(self.message)
            return
        try:
            field.upload = services.check_pdf(field.data.filename, field.data.stream)
        except services.Refused as refusal:
            raise StopValidation(refusal.message) from None


class PdfField(FileField):
    """A file input that accepts PDFs only; `upload` is the checked file once the form validates."""

    upload: services.Upload | None = None

    def __init__(self, label=None, validators=None, *, required: bool = True, description="", **kwargs):
        render_kw = {"accept": "application/pdf,.pdf", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators=[PdfFile(required), *(validators or ())], render_kw=render_kw, **kwargs)
        limit = gettext("At most %(size)s.", size=format_size(services.max_bytes()))  # bound in a request
        self.description = f"{description} {limit}".strip()

    def pre_validate(self, form):
        """A posted form that fails comes back without the file: say so next to the field."""
        self.description = f"{self.description} {CHOOSE_AGAIN}"


def has_upload_field(form) -> bool:
    """Whether the form needs multipart/form-data."""
    return any(isinstance(field, PdfField) for field in form)
