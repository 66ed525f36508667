"""The upload fields every form with a file uses: each checks the file by its content
(documents.services.check_pdf, or check_pdf_or_image where a photo will do) and hands the checked
Upload on as `field.upload`."""

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
CHOOSE_PDF_OR_IMAGE = _l("Choose the file: a PDF, JPEG or PNG.")


class CheckedFile:
    """Validator: a file that `check` accepts, or (optional) no file at all."""

    def __init__(self, check, required: bool = True, message=None):
        self.check = check
        self.required = required
        self.message = message
        self.field_flags = {"required": True} if required else {}

    def __call__(self, form, field):
        field.upload = None
        if field.data is None:
            if self.required:
                raise StopValidation(self.message)
            return
        try:
            field.upload = self.check(field.data.filename, field.data.stream)
        except services.Refused as refusal:
            raise StopValidation(refusal.message) from None


class UploadField(FileField):
    """A file input whose file is checked by content; `upload` is the checked file once the form validates."""

    upload: services.Upload | None = None
    accept = ""
    check = None
    choose = CHOOSE_FILE

    def __init__(self, label=None, validators=None, *, required: bool = True, description="", **kwargs):
        render_kw = {"accept": self.accept, **kwargs.pop("render_kw", {})}
        checked = CheckedFile(type(self).check, required, self.choose)
        super().__init__(label, validators=[checked, *(validators or ())], render_kw=render_kw, **kwargs)
        limit = gettext("At most %(size)s.", size=format_size(services.max_bytes()))  # bound in a request
        self.description = f"{description} {limit}".strip()

    def pre_validate(self, form):
        """A posted form that fails comes back without the file: say so next to the field."""
        self.description = f"{self.description} {CHOOSE_AGAIN}"


class PdfField(UploadField):
    """Accepts PDFs only: what the programme's system produced, the reports."""

    accept = "application/pdf,.pdf"
    check = staticmethod(services.check_pdf)


class PdfOrImageField(UploadField):
    """Accepts a PDF, JPEG or PNG: a signed letter may come as a phone's photo of it."""

    accept = "application/pdf,image/jpeg,image/png"
    check = staticmethod(services.check_pdf_or_image)
    choose = CHOOSE_PDF_OR_IMAGE


def has_upload_field(form) -> bool:
    """Whether the form needs multipart/form-data."""
    return any(isinstance(field, UploadField) for field in form)
